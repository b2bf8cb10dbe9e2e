"""Repairing an index from what it still holds: the manifest keeps every article's text and every chunk's
tokens, so Chroma's vectors and the BM25 files can always be made again from it.

A kill at the wrong moment (Chroma's vector index half written) can leave a store that opens but cannot
be searched or written; a crash between the parts leaves chunks in one and not the other. ``repair``
finds which, rebuilds only that, and says what it did.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from index import lexical
from index.check import IndexCheck, check_index, chroma_ids
from index.chunk import chunk_article
from index.manifest import Manifest
from index.models import Article
from index.settings import IndexSettings
from index.store import ChromaStore

log = logging.getLogger(__name__)

_ARTICLE_FIELDS = set(Article.__dataclass_fields__) - {"file"}


def store_broken(store: ChromaStore) -> str | None:
    """Why the store cannot be searched or read (None when it can): opening, counting, one nearest-neighbour
    search with a stored vector."""
    try:
        collection = store.collection
        if collection.count() == 0:
            return None
        sample = collection.get(limit=1, include=["embeddings"])
        vector = np.asarray(sample["embeddings"][0], dtype=np.float32)
        collection.query(query_embeddings=[vector], n_results=1, include=["distances"])
    except Exception as exc:  # noqa: BLE001 - any failure here is what is reported
        return f"{type(exc).__name__}: {str(exc)[:200]}"
    return None


def repair(settings: IndexSettings, manifest: Manifest, store: ChromaStore,
           embed: Callable[[list[str]], Any]) -> list[str]:
    """Make Chroma and BM25 agree with the manifest again; return what was done (nothing when all agree)."""
    done: list[str] = []
    broken = store_broken(store)
    if broken is not None and store.url is None:
        done.append(f"Chroma could not be searched ({broken}); its folder was rebuilt from the manifest")
        _fresh_store(store)
    check = check_index(settings.index_dir, manifest, store)
    stored = set(chroma_ids(store))
    known = {str(row[0]) for row in manifest.db.execute("SELECT id FROM chunks")}
    orphans = sorted(stored - known)
    if orphans:
        store.delete_ids(orphans)
        done.append(f"{len(orphans)} chunks the manifest does not hold were removed from Chroma")
    missing = known - stored
    if missing:
        added = _restore(settings, manifest, store, embed, missing)
        done.append(f"{added} chunks missing from Chroma were embedded again from the manifest's articles")
    if _bm25_stale(check) or missing or orphans:
        lexical.rebuild(settings.index_dir, manifest)
        done.append("BM25 was rebuilt from the manifest")
    return done


def _fresh_store(store: ChromaStore) -> None:
    """Replace an unreadable Chroma folder with an empty one (its vectors are made again)."""
    path: Path = store.path
    broken = path.with_name(path.name + ".broken")
    shutil.rmtree(broken, ignore_errors=True)
    if path.exists():
        path.rename(broken)
    store.reopen()
    store.collection  # noqa: B018 - creates the collection for the configured embedder
    shutil.rmtree(broken, ignore_errors=True)


def _restore(settings: IndexSettings, manifest: Manifest, store: ChromaStore,
             embed: Callable[[list[str]], Any], missing: set[str]) -> int:
    """Chunk the manifest's articles again (chunk ids are derived from article ids) and add the missing ones."""
    added = 0
    for key in manifest.keys():
        chunks = []
        for body in manifest.file_articles(key):
            article = Article(file=key, **{k: v for k, v in body.items() if k in _ARTICLE_FIELDS})
            chunks += [c for c in chunk_article(article, settings.chunk_size, settings.chunk_max) if c.id in missing]
        if chunks:
            store.add(chunks, embed([c.index_text() for c in chunks]))
            added += len(chunks)
    return added


def _bm25_stale(check: IndexCheck) -> bool:
    return any("BM25" in problem for problem in check.problems)
