"""Readers' 👍/👎 on answers, kept in SQLite beside the index and exportable as eval questions."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL, question TEXT, answer TEXT, liked INTEGER,
    comment TEXT, citations TEXT
);
"""


class FeedbackStore:
    """Append-only feedback rows; one connection guarded by a lock (the web server is threaded)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.db.executescript(SCHEMA)
        self.lock = threading.Lock()

    def add(self, question: str, answer: dict[str, Any], liked: bool | None, comment: str = "") -> int:
        """Store one judgement of an answer; return its row id."""
        cites = [{"doc_id": c.get("doc_id"), "text": c.get("text")} for c in answer.get("citations", [])]
        with self.lock, self.db:
            cursor = self.db.execute(
                "INSERT INTO feedback (at, question, answer, liked, comment, citations) VALUES (?, ?, ?, ?, ?, ?)",
                (time.time(), question, answer.get("text", ""), None if liked is None else int(liked), comment,
                 json.dumps(cites, ensure_ascii=False)),
            )
            return int(cursor.lastrowid or 0)

    def rows(self) -> list[dict[str, Any]]:
        """Return every stored judgement, oldest first."""
        with self.lock:
            cursor = self.db.execute("SELECT id, at, question, answer, liked, comment, citations FROM feedback ORDER BY id")
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def export_questions(self) -> list[dict[str, Any]]:
        """Return the judgements as eval questions (FORMAT.md): 👍 rows name their cited sources and anchor.

        A 👎 row keeps the reader's comment and no gold: someone has to write the right answer in.
        """
        out = []
        for row in self.rows():
            cites = json.loads(row["citations"] or "[]")
            liked = row["liked"] == 1
            first = next((c for c in cites if c.get("text")), None)
            out.append({
                "id": f"feedback-{row['id']}",
                "question": row["question"],
                "answers": [],
                "anchor": first["text"][:24] if liked and first else None,
                "source_ids": sorted({c["doc_id"] for c in cites if c.get("doc_id")}) if liked else None,
                "feedback": "up" if liked else ("down" if row["liked"] == 0 else "comment"),
                "comment": row["comment"] or None,
                "answer_given": row["answer"],
            })
        return out
