"""Shared fixtures: a tiny random sentence-transformers model and index settings on tmp_path."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from qa.settings import Settings

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build a random 2-layer BERT with a CJK character vocabulary, saved as a sentence-transformers folder."""
    import torch
    from sentence_transformers import SentenceTransformer, models
    from transformers import BertConfig, BertModel, BertTokenizerFast

    torch.manual_seed(0)  # a fixed random model, so results repeat

    folder = tmp_path_factory.mktemp("tiny-bert")
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)] + list("0123456789abcdefghijklmnopqrstuvwxyz")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab = {tok: i for i, tok in enumerate(specials + chars)}
    tokenizer = BertTokenizerFast(vocab=vocab, do_lower_case=True, tokenize_chinese_chars=True)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=512)
    raw = folder / "raw"
    BertModel(config).save_pretrained(raw)
    tokenizer.save_pretrained(raw)
    word = models.Transformer(str(raw), max_seq_length=256)
    pooling = models.Pooling(word.get_embedding_dimension(), pooling_mode="mean")
    model_dir = folder / "st"
    SentenceTransformer(modules=[word, pooling], device="cpu").save(str(model_dir))
    return model_dir


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for an index on tmp_path with the weight-free fallback embedder."""
    return Settings(index_dir=tmp_path / "index", embedding_model="hash")


@pytest.fixture(scope="session")
def seeds_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of seeds/ with the fallback embedder, shared by tests that only read it."""
    from qa.services import build_services

    folder = tmp_path_factory.mktemp("seeds") / "idx"
    build_services(Settings(index_dir=folder, embedding_model="hash")).ingestor().run([SEEDS])
    return folder


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(app: object, port: int | None = None) -> Iterator[str]:
    """Serve an ASGI app with a real uvicorn on 127.0.0.1 for the duration; yield its base URL."""
    import uvicorn

    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 60
    while not server.started and time.time() < deadline:
        time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
