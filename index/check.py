"""The index's integrity: the manifest, Chroma and BM25 hold the same chunks, once each."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index import lexical
from index.manifest import Manifest
from index.store import ChromaStore

PAGE = 5000  # ids read from Chroma at a time


@dataclass
class IndexCheck:
    """What each part holds and every disagreement found; ``ok`` when there is none."""

    manifest_chunks: int = 0
    manifest_files: int = 0
    chroma_chunks: int = 0
    bm25_chunks: int = 0
    manifest_generation: int = 0
    bm25_generation: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every part agrees."""
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """The check as JSON."""
        return {**{k: v for k, v in vars(self).items()}, "ok": self.ok}

    def summary(self) -> str:
        """The check as lines for a terminal."""
        head = (f"manifest: {self.manifest_files} files, {self.manifest_chunks} chunks (generation "
                f"{self.manifest_generation}); chroma: {self.chroma_chunks} chunks; bm25: {self.bm25_chunks} chunks "
                f"(generation {self.bm25_generation})")
        tail = ["ok: the manifest, Chroma and BM25 agree"] if self.ok else [f"problem: {p}" for p in self.problems]
        if not self.ok:
            tail.append("repair: archive-qa ingest --repair (Chroma and BM25 are rebuilt from the manifest; nothing is lost)")
        return "\n".join([head, *tail])


def check_index(index_dir: Path, manifest: Manifest, store: ChromaStore) -> IndexCheck:
    """Compare the chunk ids each part holds: missing, orphaned and repeated ones, and a stale BM25."""
    report = IndexCheck()
    rows = manifest.db.execute("SELECT id FROM chunks").fetchall()
    ids = [str(row[0]) for row in rows]
    report.manifest_chunks = len(ids)
    declared = manifest.db.execute("SELECT COUNT(*), COALESCE(SUM(chunks), 0) FROM files").fetchone()
    report.manifest_files = int(declared[0])
    if int(declared[1]) != len(ids):
        report.problems.append(f"the manifest's files declare {int(declared[1])} chunks but it lists {len(ids)}")
    known = set(ids)
    report.manifest_generation = manifest.generation()
    try:
        stored = chroma_ids(store)
    except Exception as exc:  # noqa: BLE001 - a store that cannot be read is what this reports
        report.problems.append(f"Chroma cannot be read: {str(exc)[:200]}")
        stored = []
    report.chroma_chunks = len(stored)
    _compare(report, "Chroma", known, stored)
    report.bm25_generation = lexical.current_generation(index_dir)
    folder = lexical.bm25_dir(index_dir) / f"gen-{report.bm25_generation}"
    if report.bm25_generation == 0 and ids:
        report.problems.append("no BM25 generation was built")
    elif report.bm25_generation:
        try:
            bm25 = [str(i) for i in json.loads((folder / "ids.json").read_text())]
        except (OSError, ValueError) as exc:
            report.problems.append(f"BM25 generation {report.bm25_generation} is unreadable: {exc}")
            bm25 = []
        report.bm25_chunks = len(bm25)
        _compare(report, "BM25", known, bm25)
        if report.bm25_generation != report.manifest_generation:
            report.problems.append(f"BM25 follows generation {report.bm25_generation}, the manifest is at "
                                   f"{report.manifest_generation}")
    return report


def chroma_ids(store: ChromaStore) -> list[str]:
    """Every chunk id Chroma holds, read a page at a time."""
    out: list[str] = []
    offset = 0
    while True:
        got = store.collection.get(include=[], limit=PAGE, offset=offset)
        out += [str(i) for i in got["ids"]]
        if len(got["ids"]) < PAGE:
            return out
        offset += PAGE


def _compare(report: IndexCheck, part: str, known: set[str], held: list[str]) -> None:
    mine = set(held)
    if len(mine) != len(held):
        report.problems.append(f"{part} holds {len(held) - len(mine)} chunk ids twice")
    missing, orphans = known - mine, mine - known
    if missing:
        report.problems.append(f"{part} lacks {len(missing)} chunks the manifest lists (e.g. {sorted(missing)[0]})")
    if orphans:
        report.problems.append(f"{part} holds {len(orphans)} chunks the manifest does not list (e.g. {sorted(orphans)[0]})")
