"""Reading files: encodings, binary and empty files, JSONL records."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.read import ReadError, discover, iter_records, read_file

PAGE = "2023年4月7日◆星期五\n\n本报讯 平湖举行会议。\n"


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
        lambda t: t.encode("utf-16"),
        lambda t: t.encode("gb18030"),
        lambda t: t.encode("gbk"),
        lambda t: t.encode("utf-16-le"),
        lambda t: t.encode("utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "gb18030", "gbk", "utf16le-no-bom", "utf16be-no-bom"],
)
def test_encodings_decode_to_the_same_text(tmp_path: Path, encode) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "page.txt"
    path.write_bytes(encode(PAGE))
    assert read_file(path).text == PAGE


def test_binary_and_empty_files_are_refused_by_name(tmp_path: Path) -> None:
    binary = tmp_path / "scan.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"   \n")
    with pytest.raises(ReadError, match="binary"):
        read_file(binary)
    binary.write_bytes(b"\x00\x01\x02\x03" * 100)  # reads as UTF-16, but as no text a page prints
    with pytest.raises(ReadError, match="binary"):
        read_file(binary)
    with pytest.raises(ReadError, match="empty"):
        read_file(empty)


def test_discover_recurses_and_reports_unsupported(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "p.md").write_text("x", encoding="utf-8")
    (tmp_path / "a" / "page.pdf").write_bytes(b"%PDF")  # PDFs in folders are found, not skipped
    (tmp_path / "a" / "skip.docx").write_bytes(b"x")
    other = tmp_path / "notes.docx"
    other.write_bytes(b"x")
    found, errors = discover([tmp_path / "a", other, tmp_path / "missing.txt"])
    assert [p.name for p in found] == ["p.md", "page.pdf"]
    assert {p.name for p, _ in errors} == {"notes.docx", "missing.txt"}


def test_bad_jsonl_lines_are_reported_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text('{"id": "a", "text": "正文"}\nnot json\n{"id": "c"}\n', encoding="utf-8")
    source = read_file(path)
    records = list(iter_records(source))
    assert [r["id"] for r in records] == ["a"]
    assert source.problems[0].startswith("docs.jsonl:2:")
    assert "missing or empty 'text'" in source.problems[1]


def test_a_symlink_loop_a_vanished_file_and_junk_beside_a_good_page(tmp_path: Path) -> None:
    from index.ingest import Ingestor
    from qa.services import build_services
    from qa.settings import Settings

    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "back").symlink_to(folder, target_is_directory=True)  # a loop
    (folder / "good.txt").write_text("## 好稿件\n\n本报讯 这是一篇正常的报道，用来确认同批次的好文件照常入库。\n", encoding="utf-8")
    (folder / "gone.txt").write_text("## 将被删除\n\n本报讯 这个文件在入库前消失。\n", encoding="utf-8")
    (folder / "junk.jsonl").write_text('{"id": "a", "text": 3}\nnot json\n{"id": ["x"], "text": "y"}\n', encoding="utf-8")
    files, _ = discover([folder])
    assert sorted(p.name for p in files) == ["gone.txt", "good.txt", "junk.jsonl"]  # the loop is not followed
    (folder / "gone.txt").unlink()  # vanishes between discovery and reading
    ingestor: Ingestor = build_services(Settings(index_dir=tmp_path / "idx", embedding_model="hash")).ingestor()
    report = ingestor.run(files)
    text = "\n".join(report.errors + report.warnings)
    assert "gone.txt" in text and "junk.jsonl:1" in text and "junk.jsonl:2" in text and "junk.jsonl:3" in text
    assert report.indexed == 1 and report.articles == 1
