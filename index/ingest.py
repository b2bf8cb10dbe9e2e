"""Ingest: files in, chunks embedded into Chroma, BM25 rebuilt, manifest kept, a report out."""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.chunk import chunk_article
from index.embed import HASH_PREFIX, Embedder
from index.lexical import bm25_dir, current_generation, rebuild
from index.manifest import FileWriter, Manifest
from index.models import Article, Chunk
from index.pdf import save_images
from index.read import (
    RECORD_SUFFIXES,
    ReadError,
    SourceFile,
    discover,
    file_key,
    file_sha,
    iter_records,
    read_bytes,
    record_lines,
    source_file,
)
from index.records import record_article, source_articles
from index.repair import repair as repair_index
from index.repair import store_broken
from index.settings import IndexSettings
from index.store import ChromaStore
from index.tokenize import tokenize_joined

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    """What one ingest did."""

    files: int = 0
    indexed: int = 0
    unchanged: int = 0
    removed: int = 0
    articles: int = 0
    chunks: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    embedder: str = ""
    fallback: bool = False
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    in_index: int = 0  # chunks the index holds after the run
    repairs: list[str] = field(default_factory=list)  # what was rebuilt from the manifest
    embedded: int = 0  # chunks embedded (a changed file's unchanged chunks are kept as they are)

    def add(self, name: str, seconds: float) -> None:
        """Add seconds to the named stage."""
        self.stages[name] = self.stages.get(name, 0.0) + seconds

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Add the time spent in the block to the named stage."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - started)

    def summary(self) -> str:
        """Return the human-readable final report."""
        if self.files and self.unchanged == self.files and not self.removed and not self.errors:
            head = [f"unchanged: {self.files} files, {self.in_index} chunks in the index ({self.seconds:.1f} s)"]
        else:
            head = [
                f"files: {self.files} (indexed {self.indexed}, unchanged {self.unchanged}, removed {self.removed}, "
                f"errors {len(self.errors)})",
                f"articles: {self.articles}  chunks: {self.chunks}  seconds: {self.seconds:.1f}"
                + (f"  chunks/s: {self.chunks / self.seconds:.0f}" if self.seconds and self.chunks else "")
                + f"  in the index: {self.in_index} chunks"
                + (f"  (embedded {self.embedded}, the rest unchanged)" if self.embedded < self.chunks else ""),
            ]
        lines = [
            *head,
            f"embedder: {self.embedder}" + ("  (FALLBACK: the configured model could not be loaded)" if self.fallback else ""),
        ]
        if self.stages and self.chunks:
            lines.append("stages (s): " + "  ".join(f"{name} {sec:.1f}" for name, sec in self.stages.items()))
        lines += [f"repaired: {r}" for r in self.repairs]
        lines += [f"error: {e}" for e in self.errors] + [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


class TokenizerPool:
    """Tokenizes chunks in a worker process while the main process embeds and writes Chroma.

    Chroma's writes hold the GIL, so a thread would not overlap them; a process does. Each file goes to
    the worker as one task: the executor's feeder thread needs the GIL to hand over the next task, and would
    wait through every Chroma write if a file were cut into many. Small ingests (under ``min_bytes`` of
    input) and one-core machines tokenize inline: starting the worker costs a second.
    """

    def __init__(self, min_bytes: int = 2_000_000, workers: int | None = None) -> None:
        self.min_bytes = min_bytes
        # one file is in flight at a time, so one worker is all that can be busy
        self.workers = min(1, (os.cpu_count() or 1) - 1 if workers is None else workers)
        self.active = False
        self.sent = 0  # tasks given to the worker, over the pool's life
        self._pool: ProcessPoolExecutor | None = None

    def open(self, input_bytes: int) -> None:
        """Decide, for one ingest of this many bytes, whether the worker is worth starting."""
        self.active = self.workers >= 1 and input_bytes >= self.min_bytes

    def submit(self, texts: list[str]) -> Callable[[], tuple[list[str], float]]:
        """Start tokenizing; the returned call gives the joined tokens and the tokenizer's seconds."""
        if not self.active:
            done = tokenize_joined(texts)
            return lambda: done
        if self._pool is None:
            import multiprocessing

            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=die_with_parent, initargs=(os.getpid(),))
        future: Future[tuple[list[str], float]] = self._pool.submit(tokenize_joined, texts)
        self.sent += 1
        return future.result

    def close(self) -> None:
        """Stop the worker."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
        self.active = False


STREAM_BYTES = 16_000_000  # record files this large are read and stored a batch at a time
RECORD_BATCH = 2000


class _Empty(Exception):
    """A file that gave no chunk: nothing is recorded for it."""


def _batched(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _size(path: Path) -> int:
    """A file's size; 0 for one gone since it was found (its read reports that)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def die_with_parent(parent: int) -> None:
    """Run in a worker: end it when the ingest that started it is gone (killed, even by SIGKILL)."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class Ingestor:
    """Keeps an index folder in step with a set of files."""

    def __init__(self, settings: IndexSettings, embedder: Embedder, store: ChromaStore, manifest: Manifest,
                 progress: bool = False, tokenizer: TokenizerPool | None = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.manifest = manifest
        self.progress = progress
        self.tokenizer = tokenizer or TokenizerPool()
        self._checked = False

    def run(self, paths: list[Path], prune: bool = False, rebuild_all: bool = False,
            repair: bool = False) -> IngestReport:
        """Ingest files and folders; unchanged files are skipped, changed ones replaced.

        A store that cannot be searched (a kill during its write) is rebuilt from the manifest first;
        ``repair`` also makes Chroma and BM25 agree with the manifest afterwards.
        """
        started = time.perf_counter()
        report = IngestReport()
        if rebuild_all:
            self._wipe()
        elif store_broken(self.store) is not None:  # a store that cannot be searched is rebuilt before writing
            with report.stage("repair"):
                report.repairs += self.repair()
        self._checked = False
        files, missing = discover(paths)
        report.errors += [f"{p}: {why}" for p, why in missing]
        report.files = len(files)
        self.tokenizer.open(sum(_size(path) for path in files))
        bar = self._bar(files)
        try:
            for path in bar:
                self._ingest_file(path, report)
                if bar is not files:
                    elapsed = max(time.perf_counter() - started, 1e-9)
                    bar.set_postfix_str(
                        f"articles {report.articles} ({report.articles / elapsed:.0f}/s), "
                        f"chunks {report.chunks} ({report.chunks / elapsed:.0f}/s)"
                    )
        finally:
            self.tokenizer.close()
        if prune:
            self._prune(files, report)
        if repair:
            with report.stage("repair"):
                report.repairs += self.repair()
        if current_generation(self.settings.index_dir) != self.manifest.generation() or not bm25_dir(
            self.settings.index_dir
        ).exists():
            with report.stage("bm25"):
                rebuild(self.settings.index_dir, self.manifest)
        loaded = getattr(self.embedder, "loaded", self.embedder)
        if loaded is not None:
            report.embedder, report.fallback = loaded.name, loaded.fallback
        else:  # nothing needed embedding: report what built the index, without loading a model
            report.embedder = self.store.built_with or ""
            report.fallback = report.embedder.startswith(HASH_PREFIX)
        report.seconds = time.perf_counter() - started
        report.in_index = self.manifest.counts()["chunks"]
        return report

    def repair(self) -> list[str]:
        """Rebuild what disagrees with the manifest (Chroma's vectors, BM25); return what was done."""
        return repair_index(self.settings, self.manifest, self.store, self._embed)

    def _bar(self, files: list[Path]):  # type: ignore[no-untyped-def]
        if not self.progress:
            return files
        from tqdm import tqdm

        return tqdm(files, desc="files", unit="file")

    def _ingest_file(self, path: Path, report: IngestReport) -> None:
        streamed = path.suffix.lower() in RECORD_SUFFIXES and _size(path) >= STREAM_BYTES
        try:
            with report.stage("read"):
                if streamed:  # a large record file is read a batch of lines at a time: memory stays bounded
                    data, sha = b"", file_sha(path)
                else:
                    data, sha = read_bytes(path)
                if self.manifest.sha(file_key(path)) == sha:  # unchanged: not even decoded
                    report.unchanged += 1
                    return
                source = SourceFile(path, sha, "", "utf-8") if streamed else source_file(path, data, sha)
        except ReadError as exc:
            report.errors.append(f"{path}: {exc}")
            return
        pages: list = []  # type: ignore[type-arg]
        if streamed:
            records = iter_records(source, record_lines(source))
            batches: Iterator[list[Article]] = (
                [record_article(r, source) for r in batch] for batch in _batched(records, RECORD_BATCH))
        else:
            with report.stage("parse"):
                try:
                    batches = iter([source_articles(source, self.settings.paper_name or None, data, pages)])
                except ReadError as exc:
                    report.errors.append(f"{path}: {exc}")
                    return
        with report.stage("page images"):
            save_images(self.settings.index_dir, source.key, pages)
        articles, chunks = self._store(source, batches, report)
        report.warnings += source.problems
        if not chunks:
            report.errors.append(f"{path}: no article text found")
            return
        report.indexed += 1
        report.articles += articles
        report.chunks += chunks

    def _store(self, source: SourceFile, batches: Iterator[list[Article]], report: IngestReport) -> tuple[int, int]:
        """Store a file's articles, a batch at a time, in one manifest transaction; return (articles, chunks).

        Chunks that did not change (same id, same metadata: same text, same context line) keep their vectors
        and tokens: only what changed is embedded, tokenized and written; Chroma's chunks of the file that
        are not written again (an old version, a crash's leftovers) are deleted at the end. Nothing is
        recorded for a file without chunks.
        """
        wanted: set[str] = set()
        articles = 0
        try:
            with self.manifest.writing(source.key) as writer:
                for batch in batches:
                    with report.stage("chunk"):
                        chunks = [c for a in batch for c in
                                  chunk_article(a, self.settings.chunk_size, self.settings.chunk_max)]
                    if chunks:
                        self._write(batch, chunks, writer, report)
                    articles += len(batch)
                    wanted.update(c.id for c in chunks)
                if not wanted:
                    raise _Empty
                with report.stage("chroma"):
                    self.store.delete_ids(sorted(self.store.file_ids(source.key) - wanted))
                writer.finish(source.name, source.sha256, articles, wanted)
        except _Empty:
            return articles, 0
        return articles, len(wanted)

    def _write(self, articles: list[Article], chunks: list[Chunk], writer: FileWriter, report: IngestReport) -> None:
        """Embed, tokenize and write the chunks of a batch that are new or changed; record all in the manifest."""
        if not self._checked:
            with report.stage("load embedder"):
                self.store.check_embedder()
            self._checked = True
        ids = [c.id for c in chunks]
        with report.stage("chroma"):
            stored = self.store.metadata(ids)
        known = writer.tokens(ids)
        kept = {c.id for c in chunks if c.id in known and stored.get(c.id) == c.metadata()}
        fresh = [c for c in chunks if c.id not in kept]
        report.embedded += len(fresh)
        texts = [c.index_text() for c in fresh]
        with report.stage("tokenize"):  # inline: all of it; with the worker: starting it
            pending = self.tokenizer.submit(texts)
        with report.stage("embed"):
            vectors = self._embed(texts)
        with report.stage("chroma"):
            self.store.add(fresh, vectors)
        with report.stage("tokenize"):  # with the worker: what is left once Chroma has the batch
            new_tokens, seconds = pending()
        report.add("tokenizer cpu", seconds)
        made = dict(zip([c.id for c in fresh], new_tokens, strict=True))
        with report.stage("manifest"):
            writer.add(articles, chunks, [known[c.id] if c.id in kept else made[c.id] for c in chunks])

    def _embed(self, texts: list[str]):  # type: ignore[no-untyped-def]
        import numpy as np

        step = 4096  # a GPU keeps busy across batches; the CPU sees the same work
        parts = [
            self.embedder.embed_documents(texts[i : i + step])
            for i in self._bar_chunks(list(range(0, len(texts), step)), "embed", step)
        ]
        return np.concatenate(parts) if parts else np.zeros((0, self.embedder.dim), dtype=np.float32)

    def _bar_chunks(self, items: list, desc: str, scale: int = 1):  # type: ignore[no-untyped-def,type-arg]
        if not self.progress or len(items) * scale < 2000:
            return items
        from tqdm import tqdm

        return tqdm(items, desc=f"  {desc} (chunks x{scale})" if scale > 1 else f"  {desc} (chunks)", leave=False)

    def _prune(self, files: list[Path], report: IngestReport) -> None:
        present = {str(p.resolve()) for p in files}
        for key in self.manifest.keys():
            if key not in present and not Path(key).exists():
                self.store.delete_file(key)
                self.manifest.remove_file(key)
                report.removed += 1

    def _wipe(self) -> None:
        self.store.reset()
        self.manifest.clear()
        shutil.rmtree(bm25_dir(self.settings.index_dir), ignore_errors=True)
