"""Reading archive files: discovery, encoding detection, JSONL records."""

from __future__ import annotations

import codecs
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PAGE_SUFFIXES = {".txt", ".md"}
RECORD_SUFFIXES = {".jsonl"}
PDF_SUFFIXES = {".pdf"}
SUFFIXES = PAGE_SUFFIXES | RECORD_SUFFIXES | PDF_SUFFIXES
# control characters other than \t \n \f \r, and the private use area: a wrong guess at the encoding
_NEWS_CHARS = re.compile(r"[\x20-\x7e\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef\u2010-\u2027\u25a0-\u25ff]")  # what a page prints
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0e-\x1f\ue000-\uf8ff]")


class ReadError(Exception):
    """A file that cannot be read as part of the archive; the message names the problem."""


@dataclass
class SourceFile:
    """A file's identity and decoded text."""

    path: Path
    sha256: str
    text: str
    encoding: str
    problems: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """Return the file's name, used as the doc_id of page files."""
        return self.path.name

    @property
    def key(self) -> str:
        """Return the absolute path that identifies the file in the index."""
        return file_key(self.path)

    @property
    def is_pdf(self) -> bool:
        """Return whether the file is a PDF of newspaper pages."""
        return self.path.suffix.lower() in PDF_SUFFIXES

    @property
    def is_records(self) -> bool:
        """Return whether the file holds JSONL article records."""
        return self.path.suffix.lower() in RECORD_SUFFIXES


def discover(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Expand files and folders (recursively) into archive files, with per-path errors."""
    found: list[Path] = []
    errors: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in SUFFIXES)
        elif not path.exists():
            errors.append((path, "no such file or folder"))
        elif path.suffix.lower() not in SUFFIXES:
            errors.append((path, f"unsupported file type '{path.suffix}' (expected .txt, .md, .jsonl or .pdf)"))
        else:
            found.append(path)
    return found, errors


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM or not), UTF-16 with BOM, or GB18030; return (text, encoding)."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16"), "utf-16"
    if b"\x00" in data:
        for encoding in ("utf-16-le", "utf-16-be"):  # UTF-16 without its BOM: NUL bytes, yet text
            if len(data) % 2 == 0 and (text := _utf16(data, encoding)) is not None:
                return text, f"{encoding} (no BOM)"
        raise ReadError("binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8")
        return text, "utf-8"
    except UnicodeDecodeError:
        mended = data.decode("utf-8", errors="replace")
        kept = data.decode("utf-8", errors="ignore")
        bad = len(re.findall("\ufffd+", mended)) - len(re.findall("\ufffd+", kept))  # damaged places, not bytes
        few = bad <= max(2, len(data) // 4000) and mended.count("\ufffd") * 50 <= len(mended)
        if few and _looks_like_text(mended):  # a few damaged bytes in a UTF-8 page (not a page in another code)
            return mended, f"utf-8 ({bad} damaged byte sequences replaced by U+FFFD)"
    for encoding in ("gb18030",):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text, encoding
    raise ReadError("unknown encoding (not UTF-8, UTF-16 with BOM or GB18030/GBK)")


def _utf16(data: bytes, encoding: str) -> str | None:
    """The text, when the bytes read as UTF-16 in this byte order give Chinese or plain text and nothing odd."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return text if _looks_like_text(text) and len(_NEWS_CHARS.findall(text)) >= 0.9 * len(text) else None


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ReadError(f"invalid {encoding} at byte {exc.start}") from exc


def _looks_like_text(text: str) -> bool:
    if not text:
        return True
    return len(_NOT_TEXT.findall(text)) / len(text) < 0.01


def file_key(path: Path) -> str:
    """Return the absolute path that identifies a file in the index."""
    return str(path.resolve())


def read_bytes(path: Path) -> tuple[bytes, str]:
    """Return a file's bytes and their sha256 (enough to tell an unchanged file); raise ReadError."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror}") from exc
    return data, hashlib.sha256(data).hexdigest()


def source_file(path: Path, data: bytes, sha: str) -> SourceFile:
    """Decode a file's bytes (a PDF keeps no text here: its pages are read by ``index.pdf``); raise ReadError
    naming the problem."""
    if path.suffix.lower() in PDF_SUFFIXES:
        if not data.startswith(b"%PDF") and b"%PDF" not in data[:1024]:
            raise ReadError("not a PDF (no %PDF header)")
        return SourceFile(path=path, sha256=sha, text="", encoding="pdf")
    text, encoding = decode(data)
    if not text.strip().lstrip("\ufeff"):
        raise ReadError("empty file")
    source = SourceFile(path=path, sha256=sha, text=text.lstrip("\ufeff"), encoding=encoding)
    if "damaged" in encoding:
        source.problems.append(f"{path.name}: {encoding.split('(', 1)[1].rstrip(')')}; the rest is indexed")
    return source


def read_file(path: Path) -> SourceFile:
    """Read and decode one archive file; raise ReadError naming the problem."""
    return source_file(path, *read_bytes(path))


def iter_records(source: SourceFile, lines: Iterable[str] | None = None) -> Iterator[dict[str, Any]]:
    """Yield the JSONL records of a file (its text, or ``lines`` read from it as they come); bad lines, and
    records repeating an earlier one's id, are noted in ``source.problems`` and skipped (the first record with
    an id is the one indexed)."""
    seen: dict[str, tuple[int, int]] = {}  # id -> (line number, hash of the line)
    for number, line in enumerate(source.text.splitlines() if lines is None else lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            source.problems.append(f"{source.name}:{number}: not valid JSON ({exc.msg})")
            continue
        problem = _record_problem(record)
        if problem:
            source.problems.append(f"{source.name}:{number}: {problem}")
            continue
        key = str(record["id"])
        if key in seen:
            same = "repeats" if hash(line.strip()) == seen[key][1] else "reuses the id of"
            source.problems.append(f"{source.name}:{number}: record {key!r} {same} line {seen[key][0]}; skipped")
            continue
        seen[key] = (number, hash(line.strip()))
        yield record


def record_lines(source: SourceFile) -> Iterator[str]:
    """The lines of a large JSONL file, read and decoded one at a time (JSON is UTF-8); a line with damaged
    bytes is kept with them replaced, and noted."""
    with source.path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                line = raw.decode("utf-8", errors="replace")
                source.problems.append(f"{source.name}:{number}: damaged UTF-8 bytes replaced by U+FFFD")
            yield line.lstrip("\ufeff") if number == 1 else line


def file_sha(path: Path) -> str:
    """The sha256 of a file, read a megabyte at a time; raise ReadError."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror}") from exc
    return digest.hexdigest()


def _record_problem(record: Any) -> str | None:
    if not isinstance(record, dict):
        return "not a JSON object"
    if record.get("id") in (None, ""):
        return "missing 'id'"
    if isinstance(record["id"], bool) or not isinstance(record["id"], str | int):
        return f"'id' must be text or a number, not {type(record['id']).__name__}"
    if not isinstance(record.get("text"), str) or not record["text"].strip():
        return "missing or empty 'text'"
    return None
