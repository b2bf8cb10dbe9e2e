"""Retrieval and answer scoring: context lines, question words, the scored pool, focused sentences."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from index.chunk import chunk_article
from index.lexical import bm25_scores
from index.models import Article
from qa.relevance import focus_words, question_words
from qa.services import build_services
from qa.settings import Settings

PAGE = """嘉兴日报
高考，加油！
星光不问赶路人，时光不负有心人。昨天，全国高考正式拉开大幕，我市2675名考生满怀信心，走进高考考场，为青春与梦想奋力一搏。与此同时，我市多部门协同合作、周密部署，为高考做好最优保障。
"""

DISTRACTORS = [
    {"id": "d1", "title": "某省高考报名", "date": "2023-06-01",
     "text": "今年该省参加高考的考生共有38万名，比去年增加1万名。"},
    {"id": "d2", "title": "高考志愿填报", "date": "2023-07-01",
     "text": "高考成绩公布后，考生参加志愿填报的人数创新高，招生考试院提醒考生注意填报时间。"},
]


def test_index_text_names_paper_date_and_title() -> None:
    article = Article(id="a", doc_id="p.txt", source="p.txt", title="高考，加油！", text="我市2675名考生走进考场。",
                      date="2021-06-08", paper="嘉兴日报·平湖版")
    chunk = chunk_article(article, 400, 500)[0]
    assert chunk.index_text().splitlines()[0] == "嘉兴日报·平湖版 2021年6月8日 高考，加油！"
    assert chunk.text == "我市2675名考生走进考场。"  # what is stored and cited stays the passage itself


def test_page_chunk_found_by_the_papers_place(tmp_path: Path) -> None:
    """A page that says only 我市 is found for a question that names the paper's city."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "page.txt").write_text(PAGE, encoding="utf-8")
    (docs / "news.jsonl").write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in DISTRACTORS),
                                     encoding="utf-8")
    services = build_services(Settings(index_dir=tmp_path / "idx", embedding_model="hash", paper_name="嘉兴日报·平湖版"))
    services.ingestor().run([docs])
    answer, passages = services.answerer().answer("平湖有多少名考生参加高考？", k=3)
    assert passages[0].meta["source"] == "page.txt"
    assert answer.found and "2675" in answer.text


def test_unknown_name_stays_one_word() -> None:
    assert "钟埭" in question_words("钟埭社区划分了多少个网格？")
    assert "钟" not in question_words("钟埭社区划分了多少个网格？")


def test_focus_words_are_next_to_the_question_word() -> None:
    assert "队伍" in focus_words("邀请赛有几支队伍参赛？")
    assert focus_words("活动的主题是什么？") == {"主题"}


def test_answer_holds_the_sentence_with_the_asked_number(tmp_path: Path) -> None:
    record = {"id": "r1", "title": "垒球邀请赛开赛", "date": "2021-05-20",
              "text": "第二届平湖杯垒球邀请赛日前在我市开赛，平湖杯垒球邀请赛已是两岸交流的重要赛事。"
                      "本次邀请赛共有来自上海、安徽的8支队伍参赛。比赛为期两天。"}
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    services = build_services(Settings(index_dir=tmp_path / "idx", embedding_model="hash"))
    services.ingestor().run([path])
    answer, _ = services.answerer().answer("第二届平湖杯垒球邀请赛有几支队伍参赛？")
    assert answer.found and "8支队伍" in answer.text


def test_readers_follow_bm25_generations_without_failing(tmp_path: Path) -> None:
    """One process ingests while another keeps answering: no request fails, the new file is found."""
    import shutil
    import threading

    from tests.conftest import SEEDS

    pages = tmp_path / "pages"
    pages.mkdir()
    shutil.copy(SEEDS / "001_db9f50eddc9905f9.txt", pages)
    settings = Settings(index_dir=tmp_path / "idx", embedding_model="hash")
    build_services(settings).ingestor().run([pages])
    reader = build_services(settings).answerer()
    assert reader.answer("德马吉森精机平湖项目总投资多少？")[0].found is False
    failures: list[BaseException] = []
    stop = threading.Event()

    def keep_asking() -> None:
        while not stop.is_set():
            try:
                reader.answer("平湖远景数字科技创投基金的规模是多少？")
            except BaseException as exc:  # noqa: BLE001 - any failure is what this test looks for
                failures.append(exc)

    asking = threading.Thread(target=keep_asking)
    asking.start()
    try:
        writer = build_services(settings)
        for name in ("002_7bb0050a3ae8d62c.txt", "003_464e6d5e7a2db0ea.txt", "004_ddfb3c66dc3d3638.txt"):
            shutil.copy(SEEDS / name, pages)
            writer.ingestor().run([pages])
    finally:
        stop.set()
        asking.join()
    assert failures == []
    answer, _ = reader.answer("德马吉森精机平湖项目总投资多少？")
    assert answer.found and "1亿美元" in answer.text
    generations = sorted(p.name for p in (tmp_path / "idx" / "bm25").glob("gen-*"))
    assert len(generations) == 2  # the current one and the one before it


def test_vectorised_bm25_scores_equal_bm25s_own_index() -> None:
    import bm25s

    rng = np.random.default_rng(7)
    vocab = {"": 0} | {f"t{i}": i for i in range(1, 300)}
    docs = [rng.integers(1, 300, size=int(rng.integers(1, 60))).astype(np.int32) for _ in range(700)]
    reference = bm25s.BM25()
    reference.index(bm25s.tokenization.Tokenized(ids=[d.tolist() for d in docs], vocab=vocab), show_progress=False)
    ours = bm25_scores(docs, len(vocab), reference.k1, reference.b, block=97)
    assert ours["num_docs"] == reference.scores["num_docs"]
    np.testing.assert_array_equal(ours["indptr"], reference.scores["indptr"])
    np.testing.assert_array_equal(ours["indices"], reference.scores["indices"])
    np.testing.assert_allclose(ours["data"], reference.scores["data"], rtol=1e-5)


def test_rows_and_idf_from_a_built_generation(tmp_path: Path) -> None:
    from index import lexical
    from tests.conftest import SEEDS

    settings = Settings(index_dir=tmp_path / "idx", embedding_model="hash")
    services = build_services(settings)
    services.ingestor().run([SEEDS])
    built = lexical.load(settings.index_dir)
    assert built.ids and built._by_id is not None  # the sorted ids come from the generation's files
    unsorted = lexical.LexicalIndex(built.bm25, built.ids, built.dates, built.sources, built.generation)
    for index in (built, unsorted):
        assert [index.row(cid) for cid in index.ids] == list(range(len(index.ids)))
        assert index.row("not-a-chunk") is None and index.row("0" * 16) is None and index.row("f" * 16) is None
    tokens = [chunk_tokens for _, chunk_tokens, _, _ in services.manifest.iter_chunks()]
    n, word = len(tokens), tokens[0][0]
    df = sum(word in set(t) for t in tokens)
    assert np.isclose(built.idf(word), np.log(1 + (n - df + 0.5) / (df + 0.5)))
    assert np.isclose(built.idf("从未出现的词"), np.log(1 + (n + 0.5) / 0.5))
