"""LangChain-native pieces over the archive: a retriever, an embeddings adapter and the answer chain.

A LangChain app takes them as it takes any other: ``ArchiveRetriever`` in an LCEL chain
(``retriever | format_docs | prompt | llm``), ``ArchiveEmbeddings`` wherever ``Embeddings`` go, and
``answer_chain`` as a ``Runnable`` from ``{"question", "history"}`` to our checked, cited ``Answer``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import ConfigDict

from index.embed import Embedder
from index.models import date_to_int, int_to_date
from qa.followup import turns
from qa.retrieve import Filters, Passage, Retriever

if TYPE_CHECKING:
    from qa.answer import Answerer

METADATA_KEYS = ("title", "issue", "page", "paper", "doc_id", "article_id", "source", "start", "end", "ordinal")


def to_document(passage: Passage) -> Document:
    """A passage as a LangChain ``Document``: its text, and where it comes from in the metadata."""
    meta: dict[str, Any] = {key: passage.meta[key] for key in METADATA_KEYS if passage.meta.get(key) is not None}
    meta["date"] = int_to_date(passage.meta.get("date"))
    meta["chunk_id"] = passage.chunk_id
    meta["score"] = passage.score
    return Document(page_content=passage.text, metadata=meta, id=passage.chunk_id)


class ArchiveRetriever(BaseRetriever):
    """The archive's hybrid retrieval (BM25 and dense, fused per question) as a LangChain retriever.

    ``since`` / ``until`` limit the report dates (inclusive), ``sources`` the source files, ``k`` the
    number of documents; each document's metadata carries title, date, issue, page, paper, doc_id,
    article_id, offsets and score.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Retriever
    k: int = 5
    since: date | None = None
    until: date | None = None
    sources: list[str] = []

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        since = date_to_int(self.since.isoformat()) if self.since else None
        until = date_to_int(self.until.isoformat()) if self.until else None
        filters = Filters(since, until, list(self.sources))
        return [to_document(p) for p in self.retriever.search(query, self.k, filters)]


class ArchiveEmbeddings(Embeddings):
    """The archive's embedder as LangChain ``Embeddings`` (passages and questions get the model's prompts)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages."""
        return [[float(x) for x in row] for row in self.embedder.embed_documents(list(texts))]

    def embed_query(self, text: str) -> list[float]:
        """Embed one question."""
        return [float(x) for x in self.embedder.embed_query(text)]


def answer_chain(answerer: Answerer) -> Runnable[dict[str, Any], Any]:
    """The answer service as a ``Runnable``: ``{"question", "history"?, "k"?}`` in, a checked ``Answer`` out.

    ``history`` is a list of (question, answer) pairs or OpenAI-style ``{"role", "content"}`` messages.
    Two steps: the plan (follow-up, dates, retrieval, the answerability gate), then the answer, whose
    LLM call falls back to the extractive answer (``with_fallbacks``) on any failure.
    """

    def plan(request: dict[str, Any]) -> Any:
        return answerer.plan(str(request["question"]), request.get("k"), history=turns(request.get("history")))

    return RunnableLambda(plan, name="archive_plan") | RunnableLambda(answerer.respond, name="archive_respond")
