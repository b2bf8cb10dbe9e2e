"""One place wires everything: settings in, ready services out."""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field

from index.embed import Embedder, EmbedderConfig, LazyEmbedder
from index.ingest import Ingestor
from index.manifest import Manifest
from index.store import ChromaStore
from qa.answer import Answerer
from qa.llm import build_llm
from qa.rerank import load_reranker
from qa.retrieve import Fusion, Retriever
from qa.settings import Settings

log = logging.getLogger(__name__)
FALLBACK_ADVICE = ("the embedding model {model!r} is not loaded and the weight-free fallback serves dense search; "
                   "set QA_EMBEDDING_MODEL to a local sentence-transformers folder and rebuild the index "
                   "(archive-qa ingest PATH --rebuild)")


@dataclass
class Services:
    """The objects every interface (CLI, REST, chat) shares."""

    settings: Settings
    embedder: Embedder
    store: ChromaStore
    manifest: Manifest
    _answerer: Answerer | None = field(default=None, init=False, repr=False)

    def ingestor(self, progress: bool = False) -> Ingestor:
        """Return an ingestor writing to this index."""
        return Ingestor(self.settings, self.embedder, self.store, self.manifest, progress=progress)

    def answerer(self) -> Answerer:
        """Return the process's one answer service over the index (built on first use: one BM25 load, one
        warm-up, one reranker, shared by the REST API, the chat, the embed and the OpenAI routes)."""
        if self._answerer is None:
            self._answerer = self._build_answerer()
        return self._answerer

    def _build_answerer(self) -> Answerer:
        self.store.check_embedder()
        self.store.warm()
        settings = self.settings
        weight = settings.fallback_dense_weight if self.embedder.fallback else settings.dense_weight
        # the fallback's vectors do not read a paraphrase: no more weight for a question BM25 matches poorly
        gain = 0.0 if self.embedder.fallback else settings.fusion_cover_gain
        fusion = Fusion(weight, settings.fusion_peak_damp, settings.fusion_exact_damp, gain)
        retriever = Retriever(settings.index_dir, self.store, self.embedder, settings.candidates, fusion,
                              settings.window_weight, settings.rerank_depth)
        return Answerer(
            retriever, k=settings.top_k, min_coverage=settings.min_coverage, llm=build_llm(settings),
            reranker=load_reranker(settings.rerank_model, settings.embedding_download, settings.embedding_device),
            rerank_candidates=settings.rerank_candidates, today=settings.today,
            home=home_places(settings.paper_name),
        )

    def index_problems(self, chunks: int) -> list[str]:
        """Cheap signs that the index's parts disagree (counts and generations; `archive-qa check` looks closer)."""
        from index import lexical

        problems = []
        try:
            stored = self.store.count()
            if stored != chunks:
                problems.append(f"Chroma holds {stored} chunks, the manifest {chunks}")
        except Exception as exc:  # noqa: BLE001 - an unreadable store is what this reports
            problems.append(f"Chroma cannot be read: {str(exc)[:200]}")
        built, wanted = lexical.current_generation(self.settings.index_dir), self.manifest.generation()
        if chunks and built != wanted:
            problems.append(f"BM25 follows generation {built}, the manifest is at {wanted} (an ingest is running or "
                            "was interrupted: the next ingest completes it)")
        if problems:
            problems.append("run `archive-qa check`; `archive-qa ingest PATH... --rebuild` repairs")
        return problems

    def health(self) -> dict[str, object]:
        """Return what the index holds and which embedder serves it."""
        counts = self.manifest.counts()
        problems = self.index_problems(counts["chunks"])
        return {
            "status": "degraded" if problems else "ok",
            "problems": problems,
            "chunks": counts["chunks"],
            "articles": counts["articles"],
            "files": counts["files"],
            "embedder": self.embedder.name,
            "embedder_fallback": self.embedder.fallback,
            "warnings": [FALLBACK_ADVICE.format(model=self.settings.embedding_model)] if self.embedder.fallback else [],
            "llm": self.settings.llm_model if self.settings.llm_base_url else None,
            "rerank": self.settings.rerank_model,
        }


def home_places(paper: str) -> tuple[str, ...]:
    """The places a paper's name calls home (``嘉兴日报·平湖版`` -> 嘉兴, 平湖): its reports call them 我市."""
    return tuple(p for p in re.split(r"日报|晚报|都市报|商报|时报|报|版|[·\s]", paper) if len(p) >= 2)


def build_services(settings: Settings) -> Services:
    """Build the embedder, store and manifest for the configured index folder."""
    stay_offline(settings)
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    embedder = LazyEmbedder(embedder_config(settings))
    manifest = Manifest(settings.index_dir)
    store = ChromaStore(settings.index_dir, embedder, manifest, settings.chroma_url)
    return Services(settings, embedder, store, manifest)


def embedder_config(settings: Settings) -> EmbedderConfig:
    """The embedding model's settings as the embedder takes them."""
    devices = tuple(d.strip() for d in settings.embedding_devices.split(",") if d.strip())
    return EmbedderConfig(settings.embedding_model, settings.embedding_batch_size, settings.embedding_download,
                          settings.embedding_device, devices, settings.query_prompt, settings.document_prompt)


def stay_offline(settings: Settings) -> None:
    """Set, before any library reads them, the switches that keep the process from contacting other hosts:
    no model hub (unless downloads are allowed), no telemetry, no Gradio analytics, no Chroma telemetry."""
    quiet = {"HF_HUB_DISABLE_TELEMETRY": "1", "GRADIO_ANALYTICS_ENABLED": "False", "ANONYMIZED_TELEMETRY": "False",
             "DO_NOT_TRACK": "1"}
    if not settings.embedding_download:
        quiet.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    for name, value in quiet.items():
        os.environ.setdefault(name, value)
