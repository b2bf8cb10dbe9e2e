"""An optional cross-encoder that reorders the fused candidates."""

from __future__ import annotations

import logging
from dataclasses import replace

from index.embed import pick_device
from qa.retrieve import Passage

log = logging.getLogger(__name__)


class Reranker:
    """A sentence-transformers CrossEncoder (hub name or local folder) scoring (question, passage) pairs."""

    def __init__(self, model_name: str, download: bool = False, device: str = "auto") -> None:
        from sentence_transformers import CrossEncoder

        self.model_name = model_name
        self.device = pick_device(device)
        self._model = CrossEncoder(model_name, device=self.device, local_files_only=not download)
        if self.device.startswith("cuda"):
            self._model.half()

    def rerank(self, question: str, passages: list[Passage]) -> list[Passage]:
        """Return the passages ordered by the cross-encoder, best first, scores replaced by its scores."""
        if not passages:
            return passages
        scores = self._model.predict([(question, p.text) for p in passages], show_progress_bar=False)
        ranked = sorted(zip(passages, scores, strict=True), key=lambda item: -float(item[1]))
        return [replace(p, score=float(s)) for p, s in ranked]


def load_reranker(model_name: str | None, download: bool = False, device: str = "auto") -> Reranker | None:
    """Load the configured rerank model; None when unset, a warning and None when it cannot load."""
    if not model_name:
        return None
    try:
        return Reranker(model_name, download, device)
    except Exception as exc:  # noqa: BLE001 - any load failure keeps the fused order
        log.warning("rerank model %r could not be loaded (%s: %s); keeping the fused order",
                    model_name, type(exc).__name__, str(exc).splitlines()[0][:200] if str(exc) else "")
        return None
