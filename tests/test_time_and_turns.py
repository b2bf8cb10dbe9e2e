"""Dates in questions, a day's issue, follow-ups without an LLM, and the optional rerank model."""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path

import pytest

from index.dates import date_range, iso_date
from qa.cli import main
from qa.services import build_services
from qa.settings import Settings
from tests.conftest import SEEDS

TODAY = date(2023, 5, 10)

PAGE = """{day}◆星期{weekday}

总第{issue}期

## {title}

本报讯 {body}
"""


def _page(folder: Path, name: str, day: str, weekday: str, issue: int, title: str, body: str) -> None:
    text = PAGE.format(day=day, weekday=weekday, issue=issue, title=title, body=body)
    (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture
def two_dates(tmp_path: Path) -> Settings:
    """Two issues report the same project with different figures; a third page has no masthead."""
    pages = tmp_path / "pages"
    pages.mkdir()
    _page(pages, "a.txt", "2022年6月28日", "二", 4961, "光伏产业园项目开工",
          "昨天，平湖光伏产业园项目正式开工，项目总投资12亿元，计划两年内建成投产。")
    _page(pages, "b.txt", "2023年4月7日", "五", 5153, "光伏产业园项目追加投资",
          "记者从市发改局获悉，平湖光伏产业园项目追加投资，项目总投资增至15亿元，一期厂房已经结顶。")
    _page(pages, "c.txt", "2023年4月7日", "五", 5153, "乡村文化礼堂开放",
          "新埭镇乡村文化礼堂日前开放，礼堂可容纳三百人，每周举办两场文艺演出。")
    settings = Settings(index_dir=tmp_path / "idx", embedding_model="hash", today=TODAY)
    build_services(settings).ingestor().run([pages])
    return settings


@pytest.mark.parametrize(("question", "since", "until"), [
    # 年/月/日
    ("2022年6月28日的报纸报道了什么？", date(2022, 6, 28), date(2022, 6, 28)),
    ("2022年6月28号开了什么会？", date(2022, 6, 28), date(2022, 6, 28)),
    ("2023年4月有哪些报道？", date(2023, 4, 1), date(2023, 4, 30)),
    ("2023年4月份有哪些报道？", date(2023, 4, 1), date(2023, 4, 30)),
    ("2021年平湖有多少名考生？", date(2021, 1, 1), date(2021, 12, 31)),
    # relative to today (2023-05-10)
    ("今年3月开了几次常务会议？", date(2023, 3, 1), date(2023, 3, 31)),
    ("去年12月的用电量是多少？", date(2022, 12, 1), date(2022, 12, 31)),
    ("去年的垃圾分类处理率是多少？", date(2022, 1, 1), date(2022, 12, 31)),
    ("前年有多少游客？", date(2021, 1, 1), date(2021, 12, 31)),
    ("上个月开了什么会？", date(2023, 4, 1), date(2023, 4, 30)),
    ("本月有什么活动？", date(2023, 5, 1), date(2023, 5, 10)),
    ("昨天的报纸头版是什么？", date(2023, 5, 9), date(2023, 5, 9)),
    ("最近有什么新项目？", date(2023, 2, 9), date(2023, 5, 10)),
    # halves and quarters
    ("今年上半年新增多少企业？", date(2023, 1, 1), date(2023, 6, 30)),
    ("2022年下半年的出口额？", date(2022, 7, 1), date(2022, 12, 31)),
    ("2022年第一季度GDP增长多少？", date(2022, 1, 1), date(2022, 3, 31)),
    ("去年三季度的税收？", date(2022, 7, 1), date(2022, 9, 30)),
    # comparisons are not the period asked
    ("今年1至5月垃圾总量比去年同期增长多少？", date(2023, 1, 1), date(2023, 5, 31)),
    # the Spring Festival
    ("2023年春节前后有哪些活动？", date(2023, 1, 7), date(2023, 2, 6)),
    ("2022年春节期间游客多少？", date(2022, 1, 31), date(2022, 2, 7)),
    ("春节前发了多少慰问金？", date(2022, 12, 23), date(2023, 1, 21)),
    # ranges
    ("2023年1至5月的增幅？", date(2023, 1, 1), date(2023, 5, 31)),
    ("2022年3月到6月的报道", date(2022, 3, 1), date(2022, 6, 30)),
    ("2022年11月至2023年2月的报道", date(2022, 11, 1), date(2023, 2, 28)),
    ("2022年6月1日至6月30日的报道", date(2022, 6, 1), date(2022, 6, 30)),
    ("2022年6月1日—15日有哪些会议？", date(2022, 6, 1), date(2022, 6, 15)),
    ("2021年至2023年的投资总额", date(2021, 1, 1), date(2023, 12, 31)),
    ("2021—2022年的报道", date(2021, 1, 1), date(2022, 12, 31)),
    # Chinese numerals
    ("二〇二二年六月二十八日的报纸", date(2022, 6, 28), date(2022, 6, 28)),
    ("2023年十二月有什么活动？", date(2023, 12, 1), date(2023, 12, 31)),
    ("今年四月十日开了什么会？", date(2023, 4, 10), date(2023, 4, 10)),
])
def test_dates_read_from_questions(question: str, since: date, until: date) -> None:
    found = date_range(question, TODAY)
    assert found is not None and (found.since, found.until) == (since, until), found


@pytest.mark.parametrize("question", [
    "光伏产业园项目总投资多少？", "2023年2月30日的报纸", "二期工程12个月内完工吗？", "6月28日开工的项目投资多少？",
    "第二季度的工作重点", "2023年13月的报道",
])
def test_no_date_and_impossible_dates(question: str) -> None:
    assert date_range(question, TODAY) is None


@pytest.mark.parametrize(("written", "expected"), [
    ("2023-04-07", "2023-04-07"), ("2023-04-07 14:55", "2023-04-07"), ("2023/4/7", "2023-04-07"),
    ("2023年4月7日", "2023-04-07"), ("2023.4.7", "2023-04-07"), ("2023-02-30", None), ("2023-13-01", None),
    ("昨天", None), (20230407, None), ("", None),
])
def test_written_dates_are_read_and_impossible_ones_refused(written: object, expected: str | None) -> None:
    assert iso_date(written) == expected


def test_an_impossible_date_filter_is_a_clear_error(seeds_index: Path) -> None:
    from fastapi.testclient import TestClient

    from qa.web import create_app

    client = TestClient(create_app(build_services(Settings(index_dir=seeds_index, embedding_model="hash"))))
    reply = client.post("/api/ask", json={"question": "垃圾分类", "since": "2023-02-30"})
    assert reply.status_code == 422 and "2023-02-30" in reply.text


def test_dated_question_answers_from_that_date_only(two_dates: Settings) -> None:
    answer, _ = build_services(two_dates).answerer().answer("2022年6月光伏产业园项目总投资多少？")
    assert answer.found and "12亿元" in answer.text and "15亿元" not in answer.text
    assert {c.date for c in answer.citations} == {"2022-06-28"}


def test_undated_question_says_which_report_says_what_newest_first(two_dates: Settings) -> None:
    answer, _ = build_services(two_dates).answerer().answer("光伏产业园项目总投资多少？")
    assert answer.text.index("据2023年4月7日报道") < answer.text.index("据2022年6月28日报道")
    assert answer.text.index("15亿元") < answer.text.index("12亿元")


def test_explicit_until_wins_over_the_question(two_dates: Settings) -> None:
    answerer = build_services(two_dates).answerer()
    from qa.retrieve import Filters

    answer, _ = answerer.answer("2023年光伏产业园项目总投资多少？", filters=Filters(until=20221231))
    assert {c.date for c in answer.citations} == {"2022-06-28"}


def test_a_days_issue_is_listed(two_dates: Settings) -> None:
    answer, _ = build_services(two_dates).answerer().answer("2023年4月7日的报纸报道了哪些新闻？")
    assert answer.found and "光伏产业园项目追加投资" in answer.text and "乡村文化礼堂开放" in answer.text
    assert {c.date for c in answer.citations} == {"2023-04-07"} and len(answer.citations) == 2


def test_relative_date_outside_the_archive_falls_back_with_a_notice(two_dates: Settings) -> None:
    answerer = build_services(two_dates.model_copy(update={"today": date(2026, 1, 5)})).answerer()
    answer, _ = answerer.answer("今年光伏产业园项目总投资多少？")
    first = answer.text.split("。")[0]
    # the first sentence says the asked period holds no report and names the date of what it quotes
    assert answer.found and first.startswith("档案中没有今年（2026年）的相关报道") and "据2023年4月7日报道" in first
    assert "15亿元" in first


def test_follow_up_without_llm_through_chat(seeds_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index = seeds_index
    questions = "德马吉森精机是一家什么样的企业？\n它在平湖的项目总投资多少？\n"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("QA_EMBEDDING_MODEL", "hash")
        patch.setattr("sys.stdin", __import__("io").StringIO(questions))
        assert main(["--index", str(index), "chat", "--json"]) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert "德马吉森精机" in second["query"] and second["query"].endswith("它在平湖的项目总投资多少？")
    assert second["found"] and "1亿美元" in second["text"]
    assert second["citations"][0]["title"] == "德马吉森精机平湖项目签约落户"


@pytest.fixture(scope="session")
def tiny_cross_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random 2-layer BERT cross-encoder (one logit) saved where CrossEncoder(path) loads it."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    torch.manual_seed(0)
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)] + list("0123456789abcdefghijklmnopqrstuvwxyz")
    vocab = {tok: i for i, tok in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + chars)}
    folder = tmp_path_factory.mktemp("tiny-ce")
    BertTokenizerFast(vocab=vocab, do_lower_case=True, tokenize_chinese_chars=True).save_pretrained(folder)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=512, num_labels=1)
    BertForSequenceClassification(config).save_pretrained(folder)
    return folder


def test_rerank_model_reorders_the_candidates(tmp_path: Path, tiny_cross_encoder: Path) -> None:
    settings = Settings(index_dir=tmp_path / "idx", embedding_model="hash", rerank_model=str(tiny_cross_encoder),
                        rerank_candidates=12)
    services = build_services(settings)
    services.ingestor().run([SEEDS])
    answerer = services.answerer()
    assert answerer.reranker is not None
    answer, passages = answerer.answer("德马吉森精机平湖项目总投资多少？", k=5)
    assert len(passages) == 5 and "rerank_ms" in answer.timings
    scores = [p.score for p in passages]
    assert scores == sorted(scores, reverse=True)
    direct = answerer.reranker.rerank("德马吉森精机平湖项目总投资多少？", passages)
    assert [p.chunk_id for p in direct] == [p.chunk_id for p in passages]


def test_rerank_model_that_cannot_load_keeps_the_fused_order(tmp_path: Path,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(index_dir=tmp_path / "idx", embedding_model="hash", rerank_model=str(tmp_path / "missing"))
    services = build_services(settings)
    services.ingestor().run([SEEDS])
    with caplog.at_level(logging.WARNING):
        answerer = services.answerer()
    assert answerer.reranker is None and "rerank model" in caplog.text
    answer, _ = answerer.answer("德马吉森精机平湖项目总投资多少？")
    assert answer.found and "1亿美元" in answer.text
