"""What a Chroma write costs, part by part: the same chunks upserted with and without text and metadata.

Variants: the text as Chroma documents (full-text indexed by Chroma's local store), the text as one more
metadata key, no text (what the index writes: the manifest holds it), and vectors alone.

Usage: ``python bench/chroma_write.py [DOCS]`` (default: the 10k bench archive, generated when missing).
Chunks and their fallback vectors are made first; only the upserts are timed, each into a fresh collection.
Prints one line per variant: seconds, chunks/s, CPU seconds and the size on disk.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def upsert_all(folder: Path, chunks: list[Any], vectors: Any, text: str, metadata: bool) -> dict[str, float]:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from index.store import BATCH

    client = chromadb.PersistentClient(path=str(folder), settings=ChromaSettings(anonymized_telemetry=False))
    collection = client.get_or_create_collection(
        "archive", configuration={"hnsw": {"space": "cosine"}, "embedding_function": None}, embedding_function=None,
    )
    started, cpu = time.perf_counter(), _cpu()
    for start in range(0, len(chunks), BATCH):
        part = chunks[start : start + BATCH]
        collection.upsert(
            ids=[c.id for c in part],
            documents=[c.text for c in part] if text == "documents" else None,
            metadatas=[{**c.metadata(), **({"text": c.text} if text == "metadata" else {})} for c in part]
            if metadata else None,
            embeddings=vectors[start : start + BATCH],
        )
    seconds = time.perf_counter() - started
    disk = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20
    return {"seconds": seconds, "per_s": len(chunks) / seconds, "cpu": _cpu() - cpu, "disk_mb": disk}


def main() -> int:
    from bench.archive import generate
    from bench.run import SHARED_NEWS, WORK
    from index.chunk import chunk_article
    from index.embed import HashEmbedder
    from index.read import discover, read_file
    from index.records import source_articles

    if len(sys.argv) > 1:
        docs = Path(sys.argv[1])
    else:
        folder = WORK / "archive-10000"
        generate(folder, 10_000, [ROOT / "seeds"] + ([SHARED_NEWS] if SHARED_NEWS.exists() else []))
        docs = folder / "docs"
    files, _ = discover([docs])
    chunks = [c for path in files for a in source_articles(read_file(path)) for c in chunk_article(a, 400, 600)]
    vectors = HashEmbedder().embed_documents([c.index_text() for c in chunks])
    print(f"{len(chunks)} chunks from {docs}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, text, metadata in (("vectors + metadata + text", "documents", True),
                                     ("vectors + metadata with text", "metadata", True),
                                     ("vectors + metadata", "", True), ("vectors only", "", False)):
            got = upsert_all(Path(tmp) / name.replace(" ", ""), chunks, vectors, text, metadata)
            print(f"{name:28s} {got['seconds']:6.1f} s  {got['per_s']:6.0f} chunks/s  cpu {got['cpu']:5.1f} s  "
                  f"disk {got['disk_mb']:5.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
