"""Embedding throughput, passages of 400 characters a second, tokenization included.

Throughput depends on the architecture, not the weights, so the models are built here with random
weights in the real shapes:
- bge-small-zh-v1.5: BERT, hidden 512, 4 layers, 8 heads, intermediate 2048, a 21,128-token
  character vocabulary, CLS pooling;
- multilingual-e5-small: BERT, hidden 384, 12 layers, 12 heads, intermediate 1536, a 250,037-token
  vocabulary, mean pooling, prompts ``query: `` / ``passage: ``; built only when ``--e5-config`` names
  a folder holding the real model's config.json and tokenizer files (its tokenizer is what makes the
  token counts real).

Each model is run through the product's own ``SentenceTransformerEmbedder`` (``encode_document``,
prompts, float16 on CUDA), and as a baseline through plain ``SentenceTransformer.encode`` in float32
on the same device, in the same process. Tokenization alone is timed too, and with ``--cpu-procs N``
a sentence-transformers multi-process pool of N CPU processes against one process.

    python bench/embed_throughput.py [--texts 4096] [--batches 64 128 256] [--e5-config DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BGE_SHAPE = {"hidden_size": 512, "num_hidden_layers": 4, "num_attention_heads": 8, "intermediate_size": 2048,
             "vocab_size": 21128, "max_position_embeddings": 512}
PASSAGE_CHARS = 400


def build_bge(folder: Path) -> Path:
    """Save a random bge-small-zh-shaped BERT as a sentence-transformers folder (CLS pooling, normalised)."""
    import torch
    from sentence_transformers import SentenceTransformer, models
    from transformers import BertConfig, BertModel, BertTokenizerFast

    torch.manual_seed(0)
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + BGE_SHAPE["vocab_size"] - 200)]
    vocab = {t: i for i, t in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + list("0123456789") + chars)}
    raw = folder / "bge-raw"
    BertModel(BertConfig(**BGE_SHAPE)).save_pretrained(raw)
    BertTokenizerFast(vocab=vocab, do_lower_case=True, tokenize_chinese_chars=True).save_pretrained(raw)
    word = models.Transformer(str(raw), max_seq_length=512)
    pooling = models.Pooling(word.get_embedding_dimension(), pooling_mode="cls")
    out = folder / "bge-small-zh-v1.5"
    SentenceTransformer(modules=[word, pooling, models.Normalize()], device="cpu").save(str(out))
    return out


def build_e5(folder: Path, config_dir: Path) -> Path:
    """Copy the real e5-small folder's config, tokenizer and module files and fill it with random weights."""
    import torch
    from transformers import BertConfig, BertModel

    torch.manual_seed(0)
    out = folder / "multilingual-e5-small"
    shutil.copytree(config_dir, out, ignore=shutil.ignore_patterns("*.safetensors", "*.bin"))
    BertModel(BertConfig.from_pretrained(str(config_dir))).save_pretrained(out)
    return out


def passages(count: int) -> list[str]:
    """Passages of 400 characters cut from the sample pages, repeated to ``count``."""
    text = "".join(
        "".join(line.strip() for line in path.read_text(encoding="utf-8", errors="replace").splitlines())
        for path in sorted((ROOT / "seeds").glob("*.txt"))
    )
    pieces = [text[i : i + PASSAGE_CHARS] for i in range(0, len(text) - PASSAGE_CHARS, PASSAGE_CHARS)]
    return (pieces * (count // len(pieces) + 1))[:count]


def rate(run, texts: list[str], repeats: int, sync) -> float:  # noqa: ANN001 - callables
    """Median passages/s over ``repeats`` timed runs after one warm-up."""
    run(texts[: min(len(texts), 256)])
    sync()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        run(texts)
        sync()
        samples.append(len(texts) / (time.perf_counter() - started))
    return statistics.median(samples)


def measure_model(name: str, folder: Path, texts: list[str], device: str, batches: list[int], repeats: int) -> list[dict]:
    import torch
    from sentence_transformers import SentenceTransformer

    from index.embed import EmbedderConfig, SentenceTransformerEmbedder

    def sync() -> None:
        if device.startswith("cuda"):
            torch.cuda.synchronize()

    rows = []
    plain = SentenceTransformer(str(folder), device=device)
    tokens = plain.tokenize(texts[:256])["input_ids"]
    mean_tokens = float((tokens != plain.tokenizer.pad_token_id).sum()) / len(tokens)
    started = time.perf_counter()
    plain.tokenize(texts)
    tokenize_rate = len(texts) / (time.perf_counter() - started)
    rows.append({"model": name, "device": device, "path": "tokenize only", "texts_per_s": round(tokenize_rate, 1),
                 "mean_tokens": round(mean_tokens, 1)})
    print(json.dumps(rows[-1]), flush=True)
    for batch in batches:
        baseline = rate(lambda t, b=batch: plain.encode(t, batch_size=b, show_progress_bar=False), texts, repeats, sync)
        product = SentenceTransformerEmbedder(EmbedderConfig(str(folder), batch_size=batch, device=device))
        ours = rate(product.embed_documents, texts, repeats, sync)
        results = [("SentenceTransformer.encode fp32", baseline), ("archive-qa embed_documents", ours)]
        if device.startswith("cuda"):
            loop = product._model  # noqa: SLF001 - the same fp16 model through sentence-transformers' own loop
            plain_fp16 = rate(lambda t, b=batch, m=loop: m.encode_document(t, batch_size=b, normalize_embeddings=True,
                                                                           show_progress_bar=False), texts, repeats, sync)
            results.insert(1, ("encode_document fp16 (sentence-transformers loop)", plain_fp16))
            agree = (product.embed_documents(texts[:512]) * loop.encode_document(
                texts[:512], batch_size=batch, normalize_embeddings=True, show_progress_bar=False)).sum(axis=1)
            print(json.dumps({"model": name, "batch": batch, "min_cosine_overlapped_vs_loop": round(float(agree.min()), 5)}))
        for path, value in results:
            rows.append({"model": name, "device": device, "batch": batch, "path": path, "texts_per_s": round(value, 1),
                         "ratio_to_fp32": round(value / baseline, 2)})
            print(json.dumps(rows[-1]), flush=True)
        del product
    return rows


def measure_gpu_parts(name: str, folder: Path, texts: list[str], batches: list[int], repeats: int) -> list[dict]:
    """Where the GPU path's time goes: tokenization alone, the model alone, and the product's loop with its settings varied."""
    import torch

    rows = []
    for batch in batches:
        for path, value in _gpu_parts(folder, texts, batch, repeats):
            rows.append({"model": name, "device": "cuda", "batch": batch, "path": path, "texts_per_s": round(value, 1)})
            print(json.dumps(rows[-1]), flush=True)
        torch.cuda.empty_cache()
    return rows


def _gpu_parts(folder: Path, texts: list[str], batch: int, repeats: int) -> list[tuple[str, float]]:
    from concurrent.futures import ThreadPoolExecutor

    import torch

    import index.embed as embed
    from index.embed import EmbedderConfig, SentenceTransformerEmbedder

    product = SentenceTransformerEmbedder(EmbedderConfig(str(folder), batch_size=batch, device="cuda"))
    model = product._model  # noqa: SLF001 - the product's own model and tokenizer, timed apart
    tokenize = product._batch_tokenizer()  # noqa: SLF001
    prompt = model.prompts.get("document", "")
    chunks = [[prompt + t for t in texts[s : s + batch]] for s in range(0, len(texts), batch)]
    threads = embed.TOKENIZER_THREADS

    def tokenize_all(_texts: list[str]) -> None:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(tokenize, chunks))

    on_gpu = [{k: v.cuda() for k, v in tokenize(chunk).items()} for chunk in chunks]

    def forward_all(_texts: list[str]) -> None:
        with torch.inference_mode():
            for features in on_gpu:
                model(dict(features))

    measured = [(f"Rust tokenizer alone, {threads} threads", rate(tokenize_all, texts, repeats, lambda: None)),
                ("model forward alone (tokenized in advance)", rate(forward_all, texts, repeats, torch.cuda.synchronize))]
    for count, pin in [(threads, True), (threads, False), (15, True)]:
        embed.TOKENIZER_THREADS, embed.PIN_MEMORY = count, pin
        measured.append((f"archive-qa embed_documents, {count} tokenizer threads, pinned {pin}",
                         rate(product.embed_documents, texts, repeats, torch.cuda.synchronize)))
    embed.TOKENIZER_THREADS, embed.PIN_MEMORY = threads, True
    return measured


def measure_gpu_pool(name: str, folder: Path, texts: list[str], procs: int, batch: int) -> list[dict]:
    """Several processes sharing one GPU: one tokenizes while another computes."""
    from index.embed import EmbedderConfig, SentenceTransformerEmbedder

    pooled = SentenceTransformerEmbedder(EmbedderConfig(str(folder), batch_size=batch, device="cuda",
                                                        devices=tuple(["cuda:0"] * procs)))
    value = rate(pooled.embed_documents, texts, 2, lambda: None)
    pooled.close()
    row = {"model": name, "device": "cuda", "batch": batch, "path": f"archive-qa pool of {procs} processes on one GPU",
           "texts_per_s": round(value, 1)}
    print(json.dumps(row), flush=True)
    return [row]


def measure_pool(folder: Path, texts: list[str], procs: int) -> list[dict]:
    """One CPU process against a multi-process pool of ``procs`` CPU processes (what a backfill uses)."""
    from index.embed import EmbedderConfig, SentenceTransformerEmbedder

    single = SentenceTransformerEmbedder(EmbedderConfig(str(folder), batch_size=32, device="cpu"))
    pooled = SentenceTransformerEmbedder(EmbedderConfig(str(folder), batch_size=32, device="cpu",
                                                        devices=tuple(["cpu"] * procs)))
    one = rate(single.embed_documents, texts, 1, lambda: None)
    many = rate(pooled.embed_documents, texts, 1, lambda: None)
    pooled.close()
    rows = [{"model": folder.name, "device": "cpu", "path": "one process", "texts_per_s": round(one, 1)},
            {"model": folder.name, "device": "cpu", "path": f"pool of {procs} processes", "texts_per_s": round(many, 1),
             "ratio_to_one": round(many / one, 2)}]
    for row in rows:
        print(json.dumps(row), flush=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", type=int, nargs="+", default=[64, 128, 256])
    parser.add_argument("--texts", type=int, default=4096, help="passages per timed run on a GPU")
    parser.add_argument("--cpu-texts", type=int, default=128, help="passages per timed run on the CPU")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--e5-config", type=Path, help="folder with e5-small's config.json and tokenizer files")
    parser.add_argument("--gpu-only", action="store_true", help="skip the CPU runs")
    parser.add_argument("--parts", type=int, nargs="*", default=[],
                        help="batch sizes at which to time the GPU path's parts (tokenizer, model) and settings")
    parser.add_argument("--gpu-procs", type=int, default=0, help="also time a pool of N processes sharing the GPU")
    parser.add_argument("--cpu-procs", type=int, default=0, help="also time a multi-process pool of N CPU processes")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "embed_throughput.json")
    args = parser.parse_args()
    import torch

    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        models = [("bge-small-zh-v1.5 shape", build_bge(Path(tmp)))]
        if args.e5_config:
            models.append(("multilingual-e5-small shape", build_e5(Path(tmp), args.e5_config)))
        for name, folder in models:
            if torch.cuda.is_available():
                rows += measure_model(name, folder, passages(args.texts), "cuda", args.batches, args.repeats)
                if args.parts:
                    rows += measure_gpu_parts(name, folder, passages(args.texts), args.parts, args.repeats)
                if args.gpu_procs > 1:
                    rows += measure_gpu_pool(name, folder, passages(args.texts * 2), args.gpu_procs, max(args.batches))
            if not args.gpu_only:
                rows += measure_model(name, folder, passages(args.cpu_texts), "cpu", [32], 1)
        if args.cpu_procs > 1:
            rows += measure_pool(models[0][1], passages(args.cpu_texts * 2), args.cpu_procs)
    info = {"gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
            "cpu_threads": torch.get_num_threads(), "cpus": os.cpu_count(), "torch": torch.__version__,
            "passage_chars": PASSAGE_CHARS}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"machine": info, "rows": rows}, ensure_ascii=False, indent=1))
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
