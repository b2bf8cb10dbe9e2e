"""Reading, parsing and chunking never raise on any input, keep offsets valid and lose no article text."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from index.chunk import chunk_article
from index.models import Article
from index.parse import parse_page
from index.read import ReadError, SourceFile, decode, iter_records

CHINESE = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
PUNCT = st.sampled_from(list("。，、；：！？…“”（）《》 \n\n■#"))
PAGE_TEXT = st.text(st.one_of(CHINESE, PUNCT, st.characters(codec="utf-8")), max_size=3000)


@given(st.binary(max_size=2000))
@settings(max_examples=300, deadline=None)
def test_decoding_any_bytes_gives_text_or_a_named_problem(data: bytes) -> None:
    try:
        text, encoding = decode(data)
    except ReadError as exc:
        assert str(exc)
    else:
        assert isinstance(text, str) and encoding


@given(st.text(CHINESE, min_size=200, max_size=2000), st.integers(min_value=0))
@settings(max_examples=100, deadline=None)
def test_one_bad_byte_keeps_a_utf8_page(text: str, at: int) -> None:
    data = bytearray(text.encode("utf-8"))
    data[at % len(data)] = 0xFF
    decoded, encoding = decode(bytes(data))
    assert encoding.startswith("utf-8") and len(decoded) >= len(text) - 2


@given(PAGE_TEXT)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_parsing_any_page_never_raises(text: str) -> None:
    for article in parse_page(text, "page.txt"):
        assert isinstance(article.text, str) and article.text.strip()


@given(PAGE_TEXT, st.integers(min_value=40, max_value=400))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_chunks_keep_offsets_and_lose_no_text(text: str, size: int) -> None:
    article = Article(id="a", doc_id="d", source="s", title=None, text=text)
    chunks = chunk_article(article, size, size + 100)
    covered = [False] * len(text)
    for chunk in chunks:
        assert 0 <= chunk.start <= chunk.end <= len(text)
        assert chunk.text == text[chunk.start : chunk.end]
        assert len(chunk.text) <= size + 100
        for i in range(chunk.start, chunk.end):
            covered[i] = True
    lost = [c for c, seen in zip(text, covered, strict=True) if not seen and not c.isspace()]
    assert lost == []


@given(st.lists(st.one_of(st.text(max_size=80), st.just('{"id": 1, "text": "文"}'), st.just("[1,2]"),
                          st.just('{"id": "x", "text": 5}')), max_size=30))
@settings(max_examples=200, deadline=None)
def test_any_jsonl_lines_give_records_or_named_problems(lines: list[str]) -> None:
    source = SourceFile(path=Path("r.jsonl"), sha256="0", text="\n".join(lines), encoding="utf-8")
    records = list(iter_records(source))
    assert all(isinstance(r, dict) and r.get("id") not in (None, "") for r in records)
    assert all(p.startswith("r.jsonl:") for p in source.problems)


@given(st.text(CHINESE, min_size=20, max_size=200))  # a line or more: two bytes may pass for UTF-8
@settings(max_examples=200, deadline=None)
def test_gbk_pages_are_not_taken_for_damaged_utf8(text: str) -> None:
    data = text.encode("gb18030")
    try:
        data.decode("utf-8")
        assume(False)  # bytes that are valid UTF-8 too are read as UTF-8 (rare in real pages)
    except UnicodeDecodeError:
        pass
    decoded, encoding = decode(data)
    assert decoded == text and encoding == "gb18030"
