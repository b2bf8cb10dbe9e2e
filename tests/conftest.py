"""Shared fixtures: a tiny random sentence-transformers model and index settings on tmp_path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from index.settings import Settings

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
