"""Embedders: a sentence-transformers model, or a deterministic weight-free fallback."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)

HASH_DIM = 256
HASH_PREFIX = "hash-ngram-"


class Embedder(Protocol):
    """Turns texts into unit vectors."""

    @property
    def name(self) -> str:
        """Identifies the embedder (recorded in the collection)."""
        ...

    @property
    def dim(self) -> int:
        """Vector size."""
        ...

    @property
    def fallback(self) -> bool:
        """Whether this is the weight-free fallback."""
        ...

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """Embed passages."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one question."""
        ...


class HashEmbedder:
    """Hashed character uni- and bigram vectors with sublinear weights: no weights, deterministic."""

    fallback = True

    def __init__(self, dim: int = HASH_DIM) -> None:
        self.dim = dim
        self.name = f"{HASH_PREFIX}v1-{dim}"

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """Embed passages."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row] = self._vector(text)
        return out

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one question."""
        return self._vector(text)

    def _vector(self, text: str) -> np.ndarray:
        codes = np.frombuffer(text.lower().encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        codes = codes[(codes >= 0x3400) | ((codes >= 0x30) & (codes < 0x7B) & np.isin(codes % 256, _ALNUM))]
        if codes.size == 0:
            return np.zeros(self.dim, dtype=np.float32)
        grams = np.concatenate([codes, codes[:-1] * 1_000_003 + codes[1:] + (1 << 40)])
        weights = np.concatenate([np.full(codes.size, 0.5), np.ones(codes.size - 1)])
        hashed = grams.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        buckets = (hashed % np.uint64(self.dim)).astype(np.int64)
        signs = np.where((hashed >> np.uint64(40)) & np.uint64(1), 1.0, -1.0)
        vec = np.bincount(buckets, weights=weights * signs, minlength=self.dim)
        vec = np.sign(vec) * np.log1p(np.abs(vec))
        norm = float(np.linalg.norm(vec))
        return (vec / norm if norm else vec).astype(np.float32)


_ALNUM = np.array([c for c in range(256) if chr(c).isalnum() and c < 128], dtype=np.int64)


@dataclass
class SentenceTransformerEmbedder:
    """A sentence-transformers model (hub name or local folder), vectors L2-normalised."""

    model_name: str
    batch_size: int = 64
    download: bool = False
    fallback: bool = False

    def __post_init__(self) -> None:
        from sentence_transformers import SentenceTransformer

        device = None if _has_cuda() else "cpu"
        self._model = SentenceTransformer(self.model_name, device=device, local_files_only=not self.download)
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dimension() or 0)
        label = Path(self.model_name).name if Path(self.model_name).exists() else self.model_name
        self.name = f"st:{label}:{self.dim}"

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """Embed passages."""
        vectors = self._model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True)
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one question."""
        return self.embed_documents([text])[0]


def _has_cuda() -> bool:
    import torch

    return bool(torch.cuda.is_available())


class LazyEmbedder:
    """The configured embedder, loaded on first use: commands with nothing to embed never load a model."""

    def __init__(self, model: str, batch_size: int = 64, download: bool = False) -> None:
        self.model = model
        self.batch_size = batch_size
        self.download = download
        self._loaded: Embedder | None = None

    @property
    def loaded(self) -> Embedder | None:
        """Return the embedder if it was loaded already, else None."""
        return self._loaded

    def get(self) -> Embedder:
        """Load the embedder (once) and return it."""
        if self._loaded is None:
            self._loaded = load_embedder(self.model, self.batch_size, self.download)
            if self._loaded.fallback and self.model.strip().lower() not in ("hash", "fallback", ""):
                log.warning("serving with the FALLBACK embedder %s", self._loaded.name)
        return self._loaded

    @property
    def name(self) -> str:
        """Name of the embedder (loads it)."""
        return self.get().name

    @property
    def dim(self) -> int:
        """Vector size (loads it)."""
        return self.get().dim

    @property
    def fallback(self) -> bool:
        """Whether the weight-free fallback serves (loads it)."""
        return self.get().fallback

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """Embed passages."""
        return self.get().embed_documents(texts)

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one question."""
        return self.get().embed_query(text)


def load_embedder(model: str, batch_size: int = 64, download: bool = False) -> Embedder:
    """Load the configured model; when it cannot be loaded, announce and use the hash fallback."""
    if model.strip().lower() in ("hash", "fallback", ""):
        return HashEmbedder()
    try:
        return SentenceTransformerEmbedder(model, batch_size=batch_size, download=download)
    except Exception as exc:  # noqa: BLE001 - any load failure means the fallback
        log.warning(
            "FALLBACK EMBEDDER: model %r could not be loaded (%s: %s); using weight-free %s",
            model, type(exc).__name__, str(exc).splitlines()[0][:200] if str(exc) else "", HashEmbedder().name,
        )
        return HashEmbedder()
