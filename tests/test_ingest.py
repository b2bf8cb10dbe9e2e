"""Manifest and incremental ingest on a real Chroma and real bm25s in tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.ingest import Ingestor, TokenizerPool
from index.manifest import FileWriter
from index.store import EmbedderMismatch
from qa.services import build_services
from qa.settings import Settings
from tests.conftest import SEEDS


def _copy_seeds(tmp_path: Path, names: list[str] | None = None) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    for path in sorted(SEEDS.iterdir()):
        if names is None or path.name in names:
            shutil.copy(path, folder / path.name)
    return folder


def test_reingest_is_a_noop_and_changes_replace_chunks(settings: Settings, tmp_path: Path) -> None:
    pages = _copy_seeds(tmp_path)
    services = build_services(settings)
    first = services.ingestor().run([pages])
    assert first.indexed == 5 and first.chunks == services.store.count() > 0
    again = services.ingestor().run([pages])
    assert again.unchanged == 5 and again.indexed == 0
    assert again.summary().splitlines()[0].startswith(f"unchanged: 5 files, {first.chunks} chunks in the index")
    changed = pages / "000_223acbc4b7ee2d0d.txt"
    old = services.manifest.db.execute("SELECT chunks FROM files WHERE name = ?", (changed.name,)).fetchone()[0]
    changed.write_text("本报讯 平湖新建口袋公园十座，市民休闲有了新去处。", encoding="utf-8")
    third = services.ingestor().run([pages])
    assert third.indexed == 1
    assert services.store.count() == services.manifest.counts()["chunks"] == first.chunks - old + third.chunks


def test_bad_file_is_reported_and_loses_nothing(settings: Settings, tmp_path: Path) -> None:
    pages = _copy_seeds(tmp_path, ["001_db9f50eddc9905f9.txt"])
    services = build_services(settings)
    before = services.ingestor().run([pages]).chunks
    (pages / "001_db9f50eddc9905f9.txt").write_bytes(b"\x00\x01binary")
    report = services.ingestor().run([pages])
    assert report.errors and "001_db9f50eddc9905f9.txt" in report.errors[0] and "binary" in report.errors[0]
    assert services.store.count() == before


def test_prune_removes_files_that_are_gone(settings: Settings, tmp_path: Path) -> None:
    pages = _copy_seeds(tmp_path, ["001_db9f50eddc9905f9.txt", "002_7bb0050a3ae8d62c.txt"])
    services = build_services(settings)
    services.ingestor().run([pages])
    (pages / "002_7bb0050a3ae8d62c.txt").unlink()
    report = services.ingestor().run([pages], prune=True)
    assert report.removed == 1
    assert services.manifest.counts()["files"] == 1
    assert services.store.count() == services.manifest.counts()["chunks"]


def test_interrupted_ingest_is_completed_without_duplicates(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = _copy_seeds(tmp_path)
    services = build_services(settings)
    real = FileWriter.finish
    calls = {"n": 0}

    def dies_on_third(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # the process is killed after Chroma took the chunks
        return real(self, *args, **kwargs)

    monkeypatch.setattr(FileWriter, "finish", dies_on_third)
    with pytest.raises(KeyboardInterrupt):
        services.ingestor().run([pages])
    monkeypatch.setattr(FileWriter, "finish", real)
    resumed = build_services(settings)
    report = resumed.ingestor().run([pages])
    assert report.indexed == 3 and report.unchanged == 2
    fresh = build_services(Settings(index_dir=tmp_path / "fresh", embedding_model="hash"))
    expected = fresh.ingestor().run([pages]).chunks
    assert resumed.store.count() == resumed.manifest.counts()["chunks"] == expected
    answer, _ = resumed.answerer().answer("德马吉森精机平湖项目总投资多少？")
    assert answer.found and "1亿美元" in answer.text


def test_mixing_embedders_is_refused(settings: Settings, tmp_path: Path, tiny_model: Path) -> None:
    pages = _copy_seeds(tmp_path, ["001_db9f50eddc9905f9.txt"])
    build_services(settings).ingestor().run([pages])
    other = build_services(settings.model_copy(update={"embedding_model": str(tiny_model)}))
    with pytest.raises(EmbedderMismatch, match="--rebuild"):
        other.answerer()
    shutil.copy(SEEDS / "002_7bb0050a3ae8d62c.txt", pages)
    with pytest.raises(EmbedderMismatch, match="--rebuild"):
        other.ingestor().run([pages])
    assert build_services(settings).store.count() > 0  # nothing indexed was lost
    report = other.ingestor().run([pages], rebuild_all=True)
    assert report.indexed == 2 and not report.fallback


def test_unchanged_reingest_loads_no_model_and_decodes_nothing(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.ingest

    pages = _copy_seeds(tmp_path, ["001_db9f50eddc9905f9.txt"])
    build_services(settings).ingestor().run([pages])
    again = build_services(settings)

    def no_decoding(*args: object) -> None:
        raise AssertionError("an unchanged file was decoded")

    monkeypatch.setattr(index.ingest, "source_file", no_decoding)
    report = again.ingestor().run([pages])
    assert report.unchanged == 1 and report.errors == []
    assert report.embedder.startswith("hash-ngram-") and report.fallback
    assert again.embedder.loaded is None  # type: ignore[attr-defined]


def test_worker_process_tokenizes_like_the_main_process(tmp_path: Path) -> None:
    """A large ingest tokenizes in a worker process; the manifest and BM25 come out the same as inline."""
    rows = {}
    for name, pool in (("inline", TokenizerPool(workers=0)), ("worker", TokenizerPool(min_bytes=0, workers=1))):
        services = build_services(Settings(index_dir=tmp_path / name, embedding_model="hash"))
        ingestor = Ingestor(services.settings, services.embedder, services.store, services.manifest, tokenizer=pool)
        report = ingestor.run([SEEDS])
        assert report.indexed == 5 and not report.errors
        assert pool._pool is None  # the worker is stopped when the ingest ends
        rows[name] = services.manifest.db.execute("SELECT id, tokens FROM chunks ORDER BY id").fetchall()
        assert report.stages["tokenizer cpu"] > 0
        assert (pool.sent > 0) == (name == "worker")
    assert rows["inline"] == rows["worker"] and len(rows["worker"]) > 20


def test_passage_text_comes_from_the_manifest_not_chroma(settings: Settings, tmp_path: Path) -> None:
    from index.chunk import chunk_article
    from index.read import read_file
    from index.records import source_articles

    pages = _copy_seeds(tmp_path)
    services = build_services(settings)
    services.ingestor().run([pages])
    stored = services.store.collection.get(include=["documents"])
    assert stored["ids"] and not any(stored["documents"] or [])  # Chroma holds vectors and metadata only
    expected = {c.id: c.text for path in sorted(pages.iterdir()) for a in source_articles(read_file(path))
                for c in chunk_article(a, settings.chunk_size, settings.chunk_max)}
    got = services.store.get(list(expected))
    assert {cid: text for cid, (text, _) in got.items()} == expected
    # a chunk whose article the manifest does not hold (another process between its Chroma write and its
    # manifest commit) is left out rather than shown empty
    some = next(iter(expected))
    article = got[some][1]["article_id"]
    services.manifest.db.execute("DELETE FROM articles WHERE id = ?", (article,))
    assert some not in services.store.get([some])


def test_warm_up_loads_the_vector_index_in_the_background(settings: Settings, tmp_path: Path) -> None:
    services = build_services(settings)
    services.store.warm().join(timeout=60)  # an empty collection: nothing to load, nothing raised
    services.ingestor().run([_copy_seeds(tmp_path, ["001_db9f50eddc9905f9.txt"])])
    thread = services.store.warm()
    thread.join(timeout=60)
    assert not thread.is_alive()
    vector = services.embedder.embed_query("平湖")
    assert services.store.query(vector, 3, None)


def test_a_repeated_record_is_reported_and_skipped_and_later_files_are_indexed(settings: Settings, tmp_path: Path) -> None:
    import json

    first = {"id": "a1", "title": "口袋公园", "date": "2023-01-01", "text": "平湖新建口袋公园十座。"}
    again = {**first, "title": "口袋公园（改）", "text": "平湖新建口袋公园十二座。"}
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in (first, first, again)),
                                      encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(json.dumps({"id": "b1", "title": "第二个文件", "text": "第二个文件的报道。"},
                                                 ensure_ascii=False), encoding="utf-8")
    services = build_services(settings)
    report = services.ingestor().run([tmp_path / "a.jsonl", tmp_path / "b.jsonl"])
    assert report.errors == [] and report.indexed == 2 and services.store.count() == 2
    assert any("a.jsonl:2" in w and "repeats line 1" in w for w in report.warnings)
    assert any("a.jsonl:3" in w and "reuses the id of line 1" in w for w in report.warnings)


def test_same_named_files_in_two_folders_are_two_files(settings: Settings, tmp_path: Path) -> None:
    import json

    record = {"id": "r1", "title": "口袋公园", "date": "2023-01-01", "text": "平湖新建口袋公园十座。"}
    for folder in ("east", "west"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "news.jsonl").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    services = build_services(settings)
    services.ingestor().run([tmp_path / "east", tmp_path / "west"])
    assert services.store.count() == 2
    changed = {**record, "text": "平湖新建口袋公园十二座。"}
    (tmp_path / "east" / "news.jsonl").write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    report = services.ingestor().run([tmp_path / "east", tmp_path / "west"])
    assert report.indexed == 1 and report.unchanged == 1 and services.store.count() == 2
    texts = {p.text for p in services.answerer().retriever.search("口袋公园", 5)}
    assert any("十座" in t for t in texts) and any("十二座" in t for t in texts)  # the west copy did not vanish


def test_check_reports_what_each_part_lacks_or_holds_extra(settings: Settings, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    import json
    import shutil

    from index import lexical
    from qa.cli import main

    services = build_services(settings)
    services.ingestor().run([_copy_seeds(tmp_path)])
    index = str(settings.index_dir)
    assert main(["--index", index, "check"]) == 0 and "agree" in capsys.readouterr().out
    gone = services.store.collection.get(include=[], limit=2)["ids"]
    services.store.collection.delete(ids=gone)  # vectors lost
    services.store.collection.upsert(ids=["orphan-1"], embeddings=[[0.1] * services.embedder.dim],
                                     metadatas=[{"file": "nowhere"}])
    assert main(["--index", index, "check", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["chroma_chunks"] == report["manifest_chunks"] - 1
    assert any("Chroma lacks 2 chunks" in p for p in report["problems"])
    assert any("Chroma holds 1 chunks the manifest does not list" in p for p in report["problems"])
    shutil.rmtree(lexical.bm25_dir(settings.index_dir) / f"gen-{lexical.current_generation(settings.index_dir)}")
    assert main(["--index", index, "check"]) == 1
    out = capsys.readouterr().out
    assert "BM25 generation" in out and "unreadable" in out and "--repair" in out
    assert main(["--index", index, "ingest", "--repair"]) == 0 and "repaired:" in capsys.readouterr().out
    assert main(["--index", index, "check"]) == 0


def test_a_damaged_byte_keeps_the_page_and_says_so(settings: Settings, tmp_path: Path) -> None:
    page = "## 口袋公园开放\n\n本报讯 平湖新建口袋公园十座，总面积2万平方米，将于6月开放。市民可以就近休闲。\n" * 5
    data = bytearray(page.encode("utf-8"))
    data[40] = 0xFF
    (tmp_path / "damaged.txt").write_bytes(bytes(data))
    services = build_services(settings)
    report = services.ingestor().run([tmp_path / "damaged.txt"])
    assert report.indexed == 1 and report.errors == [] and services.store.count() > 0
    assert any("damaged.txt" in w and "damaged byte" in w for w in report.warnings)


def test_a_changed_record_costs_that_record_not_the_file(settings: Settings, tmp_path: Path) -> None:
    import json

    path = tmp_path / "news.jsonl"
    records = [{"id": f"n{i}", "title": f"新闻{i}", "date": "2023-04-07", "text": f"第{i}篇报道。" * 80} for i in range(40)]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    first = build_services(settings).ingestor().run([path])
    records[7]["text"] += "（更正）"
    records[9]["title"] = "新闻九（标题更正）"  # same text, new title: its context line changes, so it is embedded again
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    services = build_services(settings)
    again = services.ingestor().run([path])
    per_record = first.chunks // 40
    assert again.indexed == 1 and again.embedded == 2 * per_record < first.embedded
    assert services.manifest.counts()["chunks"] == first.chunks
    stored = services.store.collection.get(where={"file": str(path.resolve())}, include=["metadatas"])
    assert len(stored["ids"]) == first.chunks and any(m.get("title") == "新闻九（标题更正）" for m in stored["metadatas"])


def test_a_large_record_file_is_stored_in_batches_as_if_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    import index.ingest as ingest_module

    path = tmp_path / "news.jsonl"
    lines = [json.dumps({"id": f"n{i}", "title": f"新闻{i}", "date": "2023-04-07", "text": f"第{i}篇报道的正文。" * 60},
                        ensure_ascii=False) for i in range(30)]
    lines[5] = lines[4]  # a repeated line
    lines.insert(9, "not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def ingest(index: str, stream: bool) -> tuple[list[tuple[str, str]], list[str]]:
        monkeypatch.setattr(ingest_module, "STREAM_BYTES", 0 if stream else 10**12)
        monkeypatch.setattr(ingest_module, "RECORD_BATCH", 7)
        services = build_services(Settings(index_dir=tmp_path / index, embedding_model="hash"))
        report = services.ingestor().run([path])
        rows = services.manifest.db.execute("SELECT id, tokens FROM chunks ORDER BY id").fetchall()
        assert services.store.count() == len(rows)
        return rows, report.warnings

    whole, whole_notes = ingest("whole", stream=False)
    streamed, streamed_notes = ingest("streamed", stream=True)
    assert streamed == whole and streamed_notes == whole_notes and len(whole_notes) == 2
