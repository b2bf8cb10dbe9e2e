"""The manifest: which files are indexed (by sha256), their articles and chunk tokens, in SQLite."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from index.models import Article, Chunk, date_to_int

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (key TEXT PRIMARY KEY, name TEXT, sha256 TEXT, articles INT, chunks INT);
CREATE TABLE IF NOT EXISTS articles (id TEXT PRIMARY KEY, file TEXT, body TEXT);
CREATE TABLE IF NOT EXISTS chunks (id TEXT PRIMARY KEY, file TEXT, tokens TEXT, date INT, source TEXT);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE INDEX IF NOT EXISTS chunks_file ON chunks(file);
CREATE INDEX IF NOT EXISTS articles_file ON articles(file);
"""


class FileWriter:
    """Writes one file's articles and chunks inside the manifest's open transaction."""

    def __init__(self, db: sqlite3.Connection, key: str) -> None:
        self.db = db
        self.key = key
        self.finished = False
        self.article_ids: set[str] = set()

    def tokens(self, ids: list[str]) -> dict[str, str]:
        """The joined tokens the manifest holds for chunks of this file, by id."""
        found: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            found.update(self.db.execute(
                f"SELECT id, tokens FROM chunks WHERE file = ? AND id IN ({','.join('?' * len(part))})",
                [self.key, *part],
            ).fetchall())
        return found

    def add(self, articles: list[Article], chunks: list[Chunk], tokens: list[str]) -> None:
        """Write articles and chunks (replacing rows with the same ids)."""
        self.article_ids.update(a.id for a in articles)
        self.db.executemany(
            "INSERT OR REPLACE INTO articles VALUES (?, ?, ?)",
            [(a.id, self.key, json.dumps(a.stored(), ensure_ascii=False)) for a in articles],
        )
        self.db.executemany(
            "INSERT OR REPLACE INTO chunks VALUES (?, ?, ?, ?, ?)",
            [(c.id, self.key, t, date_to_int(c.article.date) or 0, c.article.source)
             for c, t in zip(chunks, tokens, strict=True)],
        )

    def finish(self, name: str, sha: str, articles: int, chunk_ids: set[str]) -> None:
        """Drop this file's rows that were not written again, and record the file."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS kept (id TEXT PRIMARY KEY)")
        for table, ids in (("chunks", chunk_ids), ("articles", self.article_ids)):
            self.db.execute("DELETE FROM kept")
            self.db.executemany("INSERT OR IGNORE INTO kept VALUES (?)", [(i,) for i in ids])
            self.db.execute(f"DELETE FROM {table} WHERE file = ? AND id NOT IN (SELECT id FROM kept)", (self.key,))
        self.db.execute("DELETE FROM kept")
        self.db.execute("DELETE FROM files WHERE key = ?", (self.key,))
        self.db.execute("INSERT INTO files VALUES (?, ?, ?, ?, ?)", (self.key, name, sha, articles, len(chunk_ids)))
        self.finished = True


class Manifest:
    """What the index holds; every change bumps the generation the BM25 files follow."""

    def __init__(self, index_dir: Path) -> None:
        index_dir.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(index_dir / "manifest.sqlite", check_same_thread=False)
        self.db.executescript(SCHEMA)
        self._reading = threading.Lock()  # server threads share the connection

    def sha(self, key: str) -> str | None:
        """Return the sha256 recorded for a file, or None."""
        rows = self._read("SELECT sha256 FROM files WHERE key = ?", [key])
        return rows[0][0] if rows else None

    def keys(self) -> list[str]:
        """Return the keys of all indexed files."""
        return [row[0] for row in self._read("SELECT key FROM files", [])]

    @contextmanager
    def writing(self, key: str) -> Iterator[FileWriter]:
        """A file's new rows, written part by part in one transaction: the old rows stay readable to the writer
        (``tokens``) until ``finish`` drops those not written again. Nothing is committed unless it finishes."""
        with self.db:
            writer = FileWriter(self.db, key)
            yield writer
            if not writer.finished:
                raise RuntimeError(f"the manifest rows of {key} were not finished")
            self._bump()

    def remove_file(self, key: str) -> None:
        """Forget a file."""
        with self.db:
            self._delete(key)
            self._bump()

    def _delete(self, key: str) -> None:
        for table, column in (("files", "key"), ("articles", "file"), ("chunks", "file")):
            self.db.execute(f"DELETE FROM {table} WHERE {column} = ?", (key,))

    def _bump(self) -> None:
        self.db.execute(
            "INSERT INTO meta VALUES ('generation', '1') ON CONFLICT(key) DO UPDATE SET value = value + 1"
        )

    def generation(self) -> int:
        """Return the counter bumped by every change."""
        rows = self._read("SELECT value FROM meta WHERE key = 'generation'", [])
        return int(rows[0][0]) if rows else 0

    def iter_chunks(self) -> Iterator[tuple[str, list[str], int, str]]:
        """Yield (id, tokens, date int, source) of every chunk in a stable order."""
        for cid, tokens, date, source in self.db.execute("SELECT id, tokens, date, source FROM chunks ORDER BY rowid"):
            yield cid, tokens.split(" ") if tokens else [], int(date or 0), source or ""

    def passages(self, metas: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
        """Return the text of chunks given their metadata (``article_id``, ``start``, ``end``), by chunk id.

        A chunk is ``article.text[start:end]``, stripped. Chunks whose article is not held are left out.
        """
        wanted = list({str(meta["article_id"]) for meta in metas.values() if meta.get("article_id")})
        texts: dict[str, str] = {}
        for first in range(0, len(wanted), 500):
            part = wanted[first : first + 500]
            texts.update(self._read(
                f"SELECT id, json_extract(body, '$.text') FROM articles WHERE id IN ({','.join('?' * len(part))})", part,
            ))
        out = {}
        for cid, meta in metas.items():
            text = texts.get(str(meta.get("article_id")))
            if text is not None and "start" in meta and "end" in meta:
                out[cid] = text[int(meta["start"]) : int(meta["end"])].strip()
        return out

    def article(self, article_id: str) -> dict | None:
        """Return an article's JSON object by id."""
        rows = self._read("SELECT body FROM articles WHERE id = ?", [article_id])
        return json.loads(rows[0][0]) if rows else None

    def articles(self, limit: int = 500) -> list[dict]:  # type: ignore[type-arg]
        """Return up to ``limit`` article JSON objects (most recently indexed first)."""
        rows = self._read("SELECT body FROM articles ORDER BY rowid DESC LIMIT ?", [limit])
        return [json.loads(row[0]) for row in rows]

    def file_articles(self, key: str) -> list[dict]:  # type: ignore[type-arg]
        """Return the JSON objects of the articles read from one file, in the order they were read."""
        rows = self._read("SELECT body FROM articles WHERE file = ? ORDER BY rowid", [key])
        return [json.loads(row[0]) for row in rows]

    def article_file(self, article_id: str) -> str | None:
        """Return the key (path) of the file an article came from."""
        rows = self._read("SELECT file FROM articles WHERE id = ?", [article_id])
        return str(rows[0][0]) if rows else None

    def counts(self) -> dict[str, int]:
        """Return the number of files, articles and chunks."""
        return {
            table: int(self._read(f"SELECT COUNT(*) FROM {table}", [])[0][0])
            for table in ("files", "articles", "chunks")
        }

    def _read(self, sql: str, params: list[Any]) -> list[Any]:
        with self._reading:
            return self.db.execute(sql, params).fetchall()

    def clear(self) -> None:
        """Forget everything."""
        with self.db:
            for table in ("files", "articles", "chunks"):
                self.db.execute(f"DELETE FROM {table}")
            self._bump()
