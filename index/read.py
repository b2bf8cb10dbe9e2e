"""Reading archive files: discovery, encoding detection, JSONL records."""

from __future__ import annotations

import codecs
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PAGE_SUFFIXES = {".txt", ".md"}
RECORD_SUFFIXES = {".jsonl"}
SUFFIXES = PAGE_SUFFIXES | RECORD_SUFFIXES


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
        return str(self.path.resolve())

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
            errors.append((path, f"unsupported file type '{path.suffix}' (expected .txt, .md or .jsonl)"))
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
        raise ReadError("binary file (contains NUL bytes)")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text, encoding
    raise ReadError("unknown encoding (not UTF-8, UTF-16 with BOM or GB18030/GBK)")


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ReadError(f"invalid {encoding} at byte {exc.start}") from exc


def _looks_like_text(text: str) -> bool:
    if not text:
        return True
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    private = sum(1 for ch in text if 0xE000 <= ord(ch) <= 0xF8FF)
    return (controls + private) / len(text) < 0.01


def read_file(path: Path) -> SourceFile:
    """Read and decode one archive file; raise ReadError naming the problem."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror}") from exc
    text, encoding = decode(data)
    if not text.strip().lstrip("\ufeff"):
        raise ReadError("empty file")
    sha = hashlib.sha256(data).hexdigest()
    return SourceFile(path=path, sha256=sha, text=text.lstrip("\ufeff"), encoding=encoding)


def iter_records(source: SourceFile) -> Iterator[dict[str, Any]]:
    """Yield the JSONL records of a file; bad lines are noted in ``source.problems``."""
    for number, line in enumerate(source.text.splitlines(), start=1):
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
        yield record


def _record_problem(record: Any) -> str | None:
    if not isinstance(record, dict):
        return "not a JSON object"
    if record.get("id") in (None, ""):
        return "missing 'id'"
    if not isinstance(record.get("text"), str) or not record["text"].strip():
        return "missing or empty 'text'"
    return None
