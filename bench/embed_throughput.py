"""Embedding throughput of the default model's shape (BAAI/bge-small-zh-v1.5), randomly initialised.

Throughput depends on the architecture, not the weights: a BERT with hidden 512, 4 layers, 8 heads,
intermediate 2048 and a 21,128-token vocabulary, wrapped as a sentence-transformers model and fed
real chunk-sized Chinese passages. Runs on CPU, and on CUDA (fp32, fp16, bf16) when there is a GPU.

    python bench/embed_throughput.py [--batches 16 32 64] [--texts 256]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHAPE = {"hidden_size": 512, "num_hidden_layers": 4, "num_attention_heads": 8, "intermediate_size": 2048,
         "vocab_size": 21128, "max_position_embeddings": 512}


def build_model(folder: Path) -> Path:
    """Save a random bge-small-zh-shaped BERT as a sentence-transformers folder (CLS pooling, normalised)."""
    import torch
    from sentence_transformers import SentenceTransformer, models
    from transformers import BertConfig, BertModel, BertTokenizerFast

    torch.manual_seed(0)
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + SHAPE["vocab_size"] - 200)]
    vocab = {t: i for i, t in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + list("0123456789") + chars)}
    raw = folder / "raw"
    BertModel(BertConfig(**SHAPE)).save_pretrained(raw)
    BertTokenizerFast(vocab=vocab, do_lower_case=True, tokenize_chinese_chars=True).save_pretrained(raw)
    word = models.Transformer(str(raw), max_seq_length=512)
    pooling = models.Pooling(word.get_embedding_dimension(), pooling_mode="cls")
    out = folder / "st"
    SentenceTransformer(modules=[word, pooling, models.Normalize()], device="cpu").save(str(out))
    return out


def passages(count: int) -> list[str]:
    from index.chunk import chunk_article
    from index.read import discover, read_file
    from index.records import source_articles

    files, _ = discover([ROOT / "seeds"])
    texts = [c.index_text() for f in files for a in source_articles(read_file(f)) for c in chunk_article(a, 400, 500)]
    return (texts * (count // max(1, len(texts)) + 1))[:count]


def measure(model_dir: Path, texts: list[str], device: str, dtype: str, batch: int) -> float:
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_dir), device=device)
    if dtype != "fp32":
        model = model.to(torch.float16 if dtype == "fp16" else torch.bfloat16)
    model.encode(texts[:batch], batch_size=batch)  # warm-up
    started = time.perf_counter()
    model.encode(texts, batch_size=batch)
    if device == "cuda":
        torch.cuda.synchronize()
    return len(texts) / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", type=int, nargs="+", default=[16, 32, 64])
    parser.add_argument("--texts", type=int, default=256)
    args = parser.parse_args()
    import torch

    texts = passages(args.texts)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = build_model(Path(tmp))
        runs = [("cpu", "fp32")] + ([("cuda", d) for d in ("fp32", "fp16", "bf16")] if torch.cuda.is_available() else [])
        for device, dtype in runs:
            for batch in args.batches:
                rate = measure(model_dir, texts, device, dtype, batch)
                rows.append({"device": device, "dtype": dtype, "batch": batch, "texts_per_s": round(rate, 1),
                             "threads": torch.get_num_threads(), "avg_chars": round(sum(map(len, texts)) / len(texts))})
                print(json.dumps(rows[-1]), flush=True)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "embed_throughput.json").write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
