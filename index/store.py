"""The vector store: a Chroma collection of chunk vectors with their metadata.

The passage text is not written to Chroma: a chunk is ``article.text[start:end]`` and the manifest already
holds every article, so the text is read from there by the offsets in the chunk's metadata. Chroma's local
store puts every document into a trigram full-text index; leaving it out makes a write 2.4x cheaper and
the index 4x smaller on disk (``python bench/chroma_write.py``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from index.embed import Embedder
from index.manifest import Manifest
from index.models import UNDATED, Chunk

log = logging.getLogger(__name__)

COLLECTION = "archive"
BATCH = 2000


class StoreUnavailable(RuntimeError):
    """The vector store cannot be read right now (being rebuilt, or damaged): a 503, not a 500."""


class EmbedderMismatch(Exception):
    """The index was built with another embedder than the configured one."""


class ChromaStore:
    """Chunks in a Chroma collection created without Chroma's own embedding function."""

    def __init__(self, index_dir: Path, embedder: Embedder, manifest: Manifest, url: str | None = None) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        quiet = ChromaSettings(anonymized_telemetry=False)
        if url:  # Chroma's own server (`chroma run`): many app processes, or a bigger machine
            parsed = urlparse(url)
            if not parsed.hostname:
                raise ValueError(f"QA_CHROMA_URL must look like http://host:port, got {url!r}")
            self.client = chromadb.HttpClient(
                host=parsed.hostname, port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https", settings=quiet,
            )
        else:
            self.client = chromadb.PersistentClient(path=str(index_dir / "chroma"), settings=quiet)
        self.url = url
        self.path = index_dir / "chroma"
        self._quiet = quiet
        self._reopen_lock = threading.Lock()
        self.embedder = embedder
        self.manifest = manifest
        self._collection: Any = None

    @property
    def embedder_name(self) -> str:
        """Name of the configured embedder (loads it)."""
        return self.embedder.name

    @property
    def collection(self) -> Any:
        """The collection; an existing one opens without loading the embedder, a new one records its name."""
        if self._collection is None:
            try:
                self._collection = self.client.get_collection(COLLECTION, embedding_function=None)  # type: ignore[arg-type]
            except Exception:  # noqa: BLE001 - chroma raises its own NotFound types across versions
                self._collection = self._create()
        return self._collection

    def _create(self) -> Any:
        return self.client.get_or_create_collection(
            COLLECTION,
            configuration={"hnsw": {"space": "cosine"}, "embedding_function": None},
            metadata={"embedder": self.embedder_name, "undated": UNDATED},
            embedding_function=None,
        )

    @property
    def dates_everywhere(self) -> bool:
        """Whether every chunk carries a ``date`` (undated ones ``UNDATED``): collections made before that need
        undated chunks kept in Python."""
        return (self.collection.metadata or {}).get("undated") == UNDATED

    @property
    def built_with(self) -> str | None:
        """Return the name of the embedder that built the collection."""
        meta = self.collection.metadata or {}
        value = meta.get("embedder")
        return str(value) if value is not None else None

    def check_embedder(self) -> None:
        """Refuse to mix embedders in one collection."""
        if self.built_with and self.built_with != self.embedder_name and self.count() > 0:
            raise EmbedderMismatch(
                f"the index was built with embedder '{self.built_with}' but '{self.embedder_name}' is configured; "
                "run `archive-qa ingest PATH... --rebuild` to rebuild it with the configured embedder"
            )

    def count(self) -> int:
        """Return the number of chunks stored."""
        return int(self.collection.count())

    def add(self, chunks: list[Chunk], vectors: np.ndarray) -> None:
        """Upsert chunk vectors and metadata (idempotent: ids are content-derived); the text stays in the manifest."""
        for start in range(0, len(chunks), BATCH):
            part = chunks[start : start + BATCH]
            self.collection.upsert(
                ids=[c.id for c in part],
                metadatas=[c.metadata() for c in part],  # type: ignore[misc]
                embeddings=vectors[start : start + BATCH],
            )

    def delete_file(self, file_key: str) -> None:
        """Remove every chunk that came from one file."""
        self.collection.delete(where={"file": file_key})

    def metadata(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """Return the metadata of the chunks stored under these ids, by chunk id."""
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), BATCH):
            got = self.collection.get(ids=ids[start : start + BATCH], include=["metadatas"])
            found.update({cid: dict(meta or {}) for cid, meta in zip(got["ids"], got.get("metadatas") or [], strict=False)})
        return found

    def file_ids(self, file_key: str) -> set[str]:
        """Return the ids of every chunk stored for one file (crash leftovers included)."""
        return set(self.collection.get(where={"file": file_key}, include=[])["ids"])

    def delete_ids(self, ids: list[str]) -> None:
        """Remove chunks by id."""
        for start in range(0, len(ids), BATCH):
            self.collection.delete(ids=ids[start : start + BATCH])

    def reopen(self) -> None:
        """Drop this process's view of the embedded store and read it afresh from disk.

        Chroma's embedded mode caches the vector index of a collection in the process that opened it; when
        another process (an ingest) writes to the same folder, that view goes stale ("Error finding id").
        A reader reopens when the index's generation changes and when a read fails; a Chroma server needs none.
        """
        if self.url:
            return
        import chromadb
        from chromadb.api.shared_system_client import SharedSystemClient

        with self._reopen_lock:
            # the old system is let go, not stopped: another client of this process (a writer) may still use it
            identifier = str(getattr(self.client, "_identifier", ""))
            SharedSystemClient._identifier_to_system.pop(identifier, None)
            SharedSystemClient._identifier_to_refcount.pop(identifier, None)
            self.client = chromadb.PersistentClient(path=str(self.path), settings=self._quiet)
            self._collection = None

    def _read(self, read: Callable[[], Any]) -> Any:
        """Run a read; when the store fails it (another process wrote meanwhile), reopen once and retry."""
        try:
            return read()
        except Exception as first:  # noqa: BLE001 - Chroma raises many types for a stale view
            if self.url:
                raise StoreUnavailable(f"the Chroma server failed a read: {first}") from first
            log.warning("reopening the index after a failed read: %s", str(first)[:200])
            self.reopen()
            try:
                return read()
            except Exception as second:  # noqa: BLE001
                raise StoreUnavailable(f"the index could not be read: {second}") from second

    def reset(self) -> None:
        """Drop and recreate the collection for the configured embedder."""
        self.client.delete_collection(COLLECTION)
        self._collection = self._create()

    def query(self, vector: np.ndarray, k: int, where: dict[str, Any] | None,
              admits: Callable[[dict[str, Any]], bool] | None = None) -> list[tuple[str, float]]:
        """Return (chunk id, cosine similarity) of the k nearest chunks passing the filter and ``admits``.

        No ``count()`` first: Chroma answers an empty collection with no rows, and counting costs a scan
        of the whole collection (10 ms at 137k chunks).
        """
        include: Any = ["distances", "metadatas"] if admits else ["distances"]
        result = self._read(lambda: self.collection.query(query_embeddings=[vector], n_results=k, where=where,
                                                          include=include))
        ids = result["ids"][0]
        distances = (result.get("distances") or [[]])[0]
        metas = (result.get("metadatas") or [[{}] * len(ids)])[0]
        return [
            (cid, 1.0 - float(d))
            for cid, d, meta in zip(ids, distances, metas, strict=False)
            if admits is None or admits(dict(meta or {}))
        ]

    def first_chunks(self, day: int, limit: int) -> list[tuple[str, str, dict[str, Any]]]:
        """Return (id, text, metadata) of the first chunk of each article reported on one day."""
        got = self._read(lambda: self.collection.get(where={"$and": [{"date": day}, {"ordinal": 0}]}, limit=limit,
                                                     include=["metadatas"]))
        metas = {cid: dict(meta or {}) for cid, meta in zip(got["ids"], got.get("metadatas") or [], strict=False)}
        texts = self.manifest.passages(metas)
        found = [(cid, texts[cid], meta) for cid, meta in metas.items() if cid in texts]
        return sorted(found, key=lambda row: (str(row[2].get("page") or ""), str(row[2].get("source")), row[0]))

    def get(self, ids: list[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        """Return text and metadata of chunks by id."""
        return {cid: (doc, meta) for cid, (doc, meta, _) in self.get_scored(ids, None).items()}

    def get_scored(self, ids: list[str], vector: np.ndarray | None) -> dict[str, tuple[str, dict[str, Any], float]]:
        """Return text, metadata and cosine similarity to ``vector`` (0 when None) of chunks by id.

        A chunk whose article the manifest does not hold (yet: another process is between its Chroma write
        and its manifest commit) is left out.
        """
        if not ids:
            return {}
        include: Any = ["metadatas"] + (["embeddings"] if vector is not None else [])
        got = self._read(lambda: self.collection.get(ids=ids, include=include))
        metas = {cid: dict(meta or {}) for cid, meta in zip(got["ids"], got.get("metadatas") or [], strict=False)}
        if vector is not None and got.get("embeddings") is not None:
            sims = [float(np.dot(np.asarray(e, dtype=np.float32), vector)) for e in got["embeddings"]]  # type: ignore[union-attr]
        else:
            sims = [0.0] * len(metas)
        texts = self.manifest.passages(metas)
        return {cid: (texts[cid], meta, sim) for (cid, meta), sim in zip(metas.items(), sims, strict=True) if cid in texts}

    def warm(self) -> threading.Thread:
        """Have Chroma load its vector index in a background thread; return the thread.

        Chroma loads the index on the first query (5 s at a million chunks) and lets go of the GIL while it
        reads, so a server starting up does it alongside loading BM25 and jieba's dictionary.
        """
        probe = np.full(self.embedder.dim, 1.0, dtype=np.float32)
        collection = self.collection

        def load() -> None:
            try:
                collection.query(query_embeddings=[probe], n_results=1, include=[])
            except Exception as exc:  # noqa: BLE001 - a warm-up that fails leaves the first query to load it
                log.debug("vector index warm-up failed: %s", exc)

        thread = threading.Thread(target=load, name="chroma-warm-up", daemon=True)
        thread.start()
        return thread
