"""Damage and kills: the index is repaired from the manifest, and an ingest killed at any moment leaves
nothing that the next ingest does not put right."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.check import check_index
from index.lexical import bm25_dir
from qa.services import build_services
from qa.settings import Settings

QUESTION = "德马吉森精机平湖项目总投资多少？"


def _services(index: Path):  # type: ignore[no-untyped-def]
    """The index as a new process sees it (Chroma keeps a view of a folder per process: drop it)."""
    services = build_services(Settings(index_dir=index, embedding_model="hash"))
    services.store.reopen()
    return services


def _state(index: Path) -> tuple[list[str], bool, str]:
    services = _services(index)
    ids = sorted(str(r[0]) for r in services.manifest.db.execute("SELECT id FROM chunks"))
    check = check_index(index, services.manifest, services.store)
    answer, _ = services.answerer().answer(QUESTION)
    return ids, check.ok, answer.text


@pytest.fixture()
def built(tmp_path: Path) -> tuple[Path, tuple[list[str], bool, str]]:
    index = tmp_path / "idx"
    report = _services(index).ingestor().run([Path("seeds")])
    assert not report.errors
    return index, _state(index)


def test_a_lost_chroma_folder_is_rebuilt_from_the_manifest(built: tuple[Path, tuple]) -> None:  # type: ignore[type-arg]
    index, clean = built
    shutil.rmtree(index / "chroma")
    assert not _state(index)[1]  # the check sees what is missing
    report = _services(index).ingestor().run([], repair=True)
    assert any("embedded again" in r for r in report.repairs)
    assert _state(index) == clean


def test_missing_and_orphaned_chunks_and_a_lost_bm25_are_put_right(built: tuple[Path, tuple]) -> None:  # type: ignore[type-arg]
    index, clean = built
    services = _services(index)
    some = clean[0][:5]
    services.store.collection.delete(ids=some)
    first = services.store.collection.get(ids=[clean[0][6]], include=["embeddings", "metadatas"])
    services.store.collection.add(ids=["orphan"], embeddings=first["embeddings"], metadatas=first["metadatas"])
    shutil.rmtree(bm25_dir(index))
    report = _services(index).ingestor().run([], repair=True)
    text = "\n".join(report.repairs)
    assert "1 chunks the manifest does not hold" in text and "5 chunks missing" in text and "BM25" in text
    assert _state(index) == clean
    assert _services(index).ingestor().run([], repair=True).repairs == []  # nothing left to do


def _records(folder: Path, count: int) -> None:
    folder.mkdir()
    words = ["平湖", "新埭镇", "乍浦镇", "项目", "投资", "开工", "建设", "会议", "要求", "推进", "乡村振兴", "数字经济", "垃圾分类", "养老服务"]
    for part in range(3):
        lines = [json.dumps({"id": f"r{part}-{i}", "title": f"{words[i % 14]}新进展{part}-{i}", "date": "2023-04-07",
                             "text": "。".join(words[(i + k) % 14] * 6 for k in range(30)) + "。"}, ensure_ascii=False)
                 for i in range(count)]
        (folder / f"part{part}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _ingest(index: Path, data: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "QA_EMBEDDING_MODEL": "hash"}
    return subprocess.Popen([sys.executable, "-m", "qa.cli", "--index", str(index), "ingest", str(data)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_ingest_killed_at_several_moments_is_made_whole_by_the_next(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _records(data, 300)
    reference = tmp_path / "ref"
    started = time.perf_counter()
    assert _ingest(reference, data).wait() == 0
    took = time.perf_counter() - started
    expected_ids = sorted(str(r[0]) for r in _services(reference).manifest.db.execute("SELECT id FROM chunks"))
    for n, share in enumerate((0.35, 0.6, 0.85)):
        index = tmp_path / f"idx{n}"
        process = _ingest(index, data)
        time.sleep(share * took)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
        assert _ingest(index, data).wait() == 0
        services = _services(index)
        ids = sorted(str(r[0]) for r in services.manifest.db.execute("SELECT id FROM chunks"))
        assert ids == expected_ids
        assert check_index(index, services.manifest, services.store).ok
