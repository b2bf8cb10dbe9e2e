"""Real-model handling (prompts, devices, fallback without torch) and the LangChain-native pieces."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index.embed import (
    BGE_ZH_QUERY_INSTRUCTION,
    EmbedderConfig,
    HashEmbedder,
    SentenceTransformerEmbedder,
    default_batch_size,
    load_embedder,
)
from qa.retrieve import Fusion
from qa.services import build_services, embedder_config
from qa.settings import Settings
from tests.conftest import ROOT
from tests.llm_server import ScriptedLLM

QUESTION = "德马吉森精机平湖项目总投资多少？"


def _with_prompts(tiny_model: Path, folder: Path, prompts: dict[str, str] | None) -> Path:
    shutil.copytree(tiny_model, folder)
    config = folder / "config_sentence_transformers.json"
    data = json.loads(config.read_text()) if config.exists() else {}
    data["prompts"] = prompts or {}
    config.write_text(json.dumps(data))
    return folder


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_model_prompts_reach_queries_and_passages(tiny_model: Path, tmp_path: Path) -> None:
    folder = _with_prompts(tiny_model, tmp_path / "e5-like", {"query": "query: ", "document": "passage: "})
    embedder = SentenceTransformerEmbedder(EmbedderConfig(str(folder), device="cpu"))
    raw = embedder._model  # the same model, called without prompts
    text = "平湖市生活垃圾分类处理率"
    query, passage = embedder.embed_query(text), embedder.embed_documents([text])[0]
    assert _cosine(query, raw.encode("query: " + text)) > 0.9999
    assert _cosine(passage, raw.encode("passage: " + text)) > 0.9999
    assert _cosine(query, raw.encode(text)) < 0.9999  # the prompt changed the vector


def test_bge_zh_folder_without_prompts_gets_its_query_instruction(tiny_model: Path, tmp_path: Path) -> None:
    folder = _with_prompts(tiny_model, tmp_path / "bge-small-zh-v1.5", None)
    embedder = SentenceTransformerEmbedder(EmbedderConfig(str(folder), device="cpu"))
    assert embedder.query_prompt == BGE_ZH_QUERY_INSTRUCTION
    text = "平湖第一家民营研究院"
    assert _cosine(embedder.embed_query(text), embedder._model.encode(BGE_ZH_QUERY_INSTRUCTION + text)) > 0.9999
    assert _cosine(embedder.embed_documents([text])[0], embedder._model.encode(text)) > 0.9999  # passages bare
    overridden = SentenceTransformerEmbedder(EmbedderConfig(str(folder), device="cpu", query_prompt=""))
    assert overridden.query_prompt == ""  # settings win over the default


def test_settings_carry_device_and_prompts_to_the_embedder(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path, embedding_device="cpu", embedding_devices="cpu, cpu",
                        query_prompt="问：", document_prompt="文：")
    config = embedder_config(settings)
    assert (config.device, config.devices, config.query_prompt, config.document_prompt) == ("cpu", ("cpu", "cpu"), "问：", "文：")


def test_batch_size_follows_the_device_unless_set(tiny_model: Path) -> None:
    assert (default_batch_size("cpu"), default_batch_size("cuda:0")) == (64, 512)
    assert SentenceTransformerEmbedder(EmbedderConfig(str(tiny_model), device="cpu")).batch_size == 64
    assert SentenceTransformerEmbedder(EmbedderConfig(str(tiny_model), batch_size=8, device="cpu")).batch_size == 8
    assert embedder_config(Settings(index_dir=tiny_model)).batch_size is None


def test_missing_model_falls_back_fast_without_torch_and_says_what_to_do() -> None:
    code = (
        "import logging, sys, io\n"
        "stream = io.StringIO(); logging.basicConfig(stream=stream, level=logging.WARNING)\n"
        "from index.embed import EmbedderConfig, load_embedder\n"
        "e = load_embedder(EmbedderConfig('BAAI/bge-small-zh-v1.5'))\n"
        "print(e.fallback, 'torch' in sys.modules, 'QA_EMBEDDING_MODEL' in stream.getvalue())\n"
    )
    env = {**os.environ, "HF_HOME": "/nonexistent-cache", "HF_HUB_CACHE": "/nonexistent-cache/hub"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["True", "False", "True"], out.stderr


def test_a_broken_model_folder_falls_back_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "modules.json").write_text("not json")
    with caplog.at_level(logging.WARNING):
        embedder = load_embedder(EmbedderConfig(str(tmp_path / "broken")))
    assert isinstance(embedder, HashEmbedder) and "QA_EMBEDDING_MODEL" in caplog.text


@pytest.mark.skipif(not os.environ.get("QA_TEST_MODEL_DIR"), reason="QA_TEST_MODEL_DIR names no real model folder")
def test_real_model_folder_retrieves_a_paraphrase() -> None:
    """With a real multilingual model (e5-small), a paraphrased question finds its passage by meaning."""
    embedder = SentenceTransformerEmbedder(EmbedderConfig(os.environ["QA_TEST_MODEL_DIR"]))
    passages = ["平湖市今年1至5月城市生活垃圾分类处理率达到100%。", "德马吉森精机平湖项目总投资1亿美元，注册资金3500万美元。",
                "第二届长三角青年台商慢速垒球邀请赛共有8支队伍参赛。"]
    vectors = embedder.embed_documents(passages)
    assert vectors.shape == (3, embedder.dim) and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-3)
    for question, expected in (("这家德国机床企业在平湖投了多少钱？", 1), ("垃圾分类做得怎么样？", 0), ("垒球比赛有几个队？", 2)):
        assert int(np.argmax(vectors @ embedder.embed_query(question))) == expected, question


def test_fusion_lowers_the_dense_weight_for_a_clear_bm25_winner_and_a_rare_term(seeds_index: Path) -> None:
    index = build_services(Settings(index_dir=seeds_index, embedding_model="hash")).answerer().retriever.lexical
    fusion = Fusion(1.0, peak_damp=0.5, exact_damp=0.6)
    flat = [("a", 10.0), ("b", 9.9)]
    peaked = [("a", 10.0), ("b", 1.0)]
    assert fusion.weight("垃圾分类怎么样", flat, index) > fusion.weight("垃圾分类怎么样", peaked, index)
    assert fusion.exact("德马吉森精机的项目", index) and fusion.exact("2022年的事", index)
    assert not fusion.exact("平湖市的工作怎么样", index)  # words many chunks hold
    assert fusion.weight("德马吉森精机的项目", flat, index) < fusion.weight("平湖市的工作怎么样", flat, index)
    paraphrase = Fusion(1.0, peak_damp=0.5, exact_damp=0.6, cover_gain=1.0)
    assert paraphrase.weight("平湖市的工作怎么样", flat, index, cover=0.2) > paraphrase.weight("平湖市的工作怎么样", flat, index, cover=1.0)


# -- LangChain ---------------------------------------------------------------------------------------


@pytest.fixture
def llm() -> Iterator[ScriptedLLM]:
    server = ScriptedLLM().start()
    yield server
    server.stop()


def test_archive_retriever_returns_documents_with_provenance(seeds_index: Path) -> None:
    from langchain_core.documents import Document

    from qa.chain import ArchiveRetriever

    retriever = build_services(Settings(index_dir=seeds_index, embedding_model="hash")).answerer().retriever
    docs = ArchiveRetriever(retriever=retriever, k=3).invoke(QUESTION)
    assert len(docs) == 3 and all(isinstance(d, Document) for d in docs)
    meta = docs[0].metadata
    assert "德马吉森精机" in docs[0].page_content
    assert {"title", "date", "doc_id", "article_id", "start", "end", "score", "chunk_id"} <= set(meta)
    assert isinstance(meta["start"], int) and meta["end"] > meta["start"]
    assert meta["date"] is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta["date"])  # this page prints no date
    dated_docs = ArchiveRetriever(retriever=retriever, k=1).invoke("2023年4月7日 企业智慧化")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", dated_docs[0].metadata["date"])
    from datetime import date

    dated = ArchiveRetriever(retriever=retriever, k=5, since=date(2099, 1, 1)).invoke(QUESTION)
    assert dated == []  # the date filter reaches the search


def test_a_users_lcel_chain_runs_on_our_retriever(seeds_index: Path, llm: ScriptedLLM) -> None:
    from langchain_core.output_parsers import StrOutputParser
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_core.runnables import RunnablePassthrough
    from langchain_openai import ChatOpenAI

    from qa.chain import ArchiveRetriever

    retriever = ArchiveRetriever(
        retriever=build_services(Settings(index_dir=seeds_index, embedding_model="hash")).answerer().retriever, k=2)

    def format_docs(docs: list[Any]) -> str:
        return "\n\n".join(f"{d.metadata['title']}（{d.metadata['date']}）：{d.page_content}" for d in docs)

    llm.reply = lambda request: "总投资1亿美元。"
    prompt = ChatPromptTemplate.from_messages([("system", "根据资料回答。"), ("human", "资料：{context}\n问题：{question}")])
    model = ChatOpenAI(base_url=llm.base_url, api_key="x", model="stand-in", max_retries=0)  # type: ignore[arg-type]
    chain = {"context": retriever | format_docs, "question": RunnablePassthrough()} | prompt | model | StrOutputParser()
    assert chain.invoke(QUESTION) == "总投资1亿美元。"
    sent = llm.prompts()[0]
    assert "德马吉森精机平湖项目签约落户" in sent and QUESTION in sent


def test_embeddings_adapter_serves_a_langchain_vector_store(tiny_model: Path) -> None:
    from langchain_core.vectorstores import InMemoryVectorStore

    from qa.chain import ArchiveEmbeddings

    embeddings = ArchiveEmbeddings(SentenceTransformerEmbedder(EmbedderConfig(str(tiny_model), device="cpu")))
    store = InMemoryVectorStore(embedding=embeddings)
    store.add_texts(["平湖垃圾分类处理率达到100%", "德马吉森精机总投资1亿美元"])
    found = store.similarity_search("德马吉森精机总投资1亿美元", k=1)
    assert found[0].page_content == "德马吉森精机总投资1亿美元"
    assert len(embeddings.embed_query("问")) == embeddings.embedder.dim


def test_answer_chain_falls_back_to_the_extractive_answer(seeds_index: Path, llm: ScriptedLLM) -> None:
    from langchain_core.runnables import Runnable

    from qa.chain import answer_chain

    settings = Settings(index_dir=seeds_index, embedding_model="hash", llm_base_url=llm.base_url, llm_timeout=5.0)
    chain = answer_chain(build_services(settings).answerer())
    assert isinstance(chain, Runnable)
    llm.reply = lambda request: "德马吉森精机平湖项目总投资1亿美元[1]。"
    answer = chain.invoke({"question": QUESTION})
    assert answer.text.startswith("德马吉森精机平湖项目总投资1亿美元") and not answer.degraded
    llm.status = 500
    fallback = chain.invoke({"question": QUESTION, "history": [{"role": "user", "content": "瑞科项目是什么？"},
                                                               {"role": "assistant", "content": "……"}]})
    assert fallback.found and "1亿美元" in fallback.text and "语言模型" in (fallback.degraded or "")


# -- dates and metadata ------------------------------------------------------------------------------


def _archive(tmp_path: Path) -> Settings:
    """A JSONL of two papers' records (one undated) and a page whose masthead prints its paper."""
    records = [
        {"id": "n1", "title": "南湖区新建三座公园", "date": "2023-03-02", "paper": "南湖晚报",
         "text": "南湖区今年新建三座口袋公园，总面积1.2万平方米，计划5月底前全部开放。"},
        {"id": "p1", "title": "平湖新建口袋公园", "date": "2023-03-05",
         "text": "平湖今年新建五座口袋公园，总面积2万平方米，6月底前开放。"},
        {"id": "u1", "title": "口袋公园养护办法出台", "date": "",
         "text": "口袋公园养护办法明确，公园绿地由属地街道负责日常养护。"},
        {"id": "o1", "title": "去年的口袋公园", "date": "2021-07-01",
         "text": "2021年全市建成口袋公园两座。"},
    ]
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "records.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    (folder / "page.txt").write_text(
        "南湖晚报社\n\n2023年3月8日◆星期三\n\n总第9001期\n\n## 南湖口袋公园开放\n\n本报讯 南湖区首座口袋公园昨天开放，面积3000平方米。\n",
        encoding="utf-8")
    settings = Settings(index_dir=tmp_path / "idx", embedding_model="hash", paper_name="嘉兴日报·平湖版")
    build_services(settings).ingestor().run([folder])
    return settings


def test_each_record_and_page_is_cited_with_its_own_paper(tmp_path: Path) -> None:
    from qa.citations import source_label

    settings = _archive(tmp_path)
    answerer = build_services(settings).answerer()
    answer, _ = answerer.answer("南湖区新建了几座口袋公园？")
    first = answer.citations[0]
    assert first.paper == "南湖晚报" and source_label(first, settings.paper_name).startswith("《南湖晚报》2023-03-02")
    page = answerer.retriever.search("南湖区首座口袋公园开放面积", 1)[0]
    assert page.meta["paper"] == "南湖晚报" and page.meta["issue"] == 9001
    pinghu = answerer.retriever.search("平湖新建五座口袋公园", 1)[0]
    assert "paper" not in pinghu.meta  # the record names none: the configured paper stands in at display time
    assert source_label(pinghu.meta, settings.paper_name).startswith("《嘉兴日报·平湖版》2023-03-05")


def test_a_dated_search_filters_inside_chroma_and_keeps_undated_pages(tmp_path: Path) -> None:
    from qa.retrieve import Filters

    settings = _archive(tmp_path)
    services = build_services(settings)
    store = services.store
    assert store.dates_everywhere
    vector = services.embedder.embed_query("口袋公园")
    scoped = Filters(20230301, 20230331, keep_undated=True)
    found = {cid for cid, _ in store.query(vector, 10, scoped.where())}
    metas = store.get_scored(sorted(found), None)
    days = sorted(meta["date"] for _, meta, _ in metas.values())
    assert days[0] == 0 and all(d == 0 or 20230301 <= d <= 20230331 for d in days) and 20230302 in days
    strict = {cid for cid, _ in store.query(vector, 10, Filters(None, 20230331).where())}
    assert all(0 < meta["date"] <= 20230331 for _, meta, _ in store.get_scored(sorted(strict), None).values())
