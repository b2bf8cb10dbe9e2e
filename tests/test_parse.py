"""Understanding pages: masthead, clean-up, articles, headlines, captions, furniture."""

from __future__ import annotations

from index.chunk import chunk_article, split_sentences
from index.clean import clean_text
from index.dates import iso_date as parse_date
from index.models import Article
from index.parse import parse_page
from tests.conftest import SEEDS

MASTHEAD_PAGE = """嘉兴日报社 中共平湖市委

2023年4月7日◆星期五

农历癸卯年闰二月十七 总第5153期

# 平湖版

# 新仓镇垃圾分类获评先进

■记 者 张三 通讯员 李四

本报讯 昨天，新仓镇垃圾分类工作获评先进。独山港经 济开发区同步推进，
全镇回收利用率达到60%。

今天多云，明天晴。今天白天最高气温27℃，明天早晨最低气温23℃。

编辑/王 五 电话/85018195 版式/赵六 校对/钱七
"""

HEADLINE_AFTER_PAGE = """■记者 林旭东

本报讯 昨天下午，某某精机签约落户平湖经济技术开发区，项目总投资1亿美
元，主要生产数控机床。

该项目计划明年投产，年产机床2200台。

总投资1亿美元

某某精机平湖项目签约落户某某精机平湖项目签约落户

本报讯 日前，平湖与金山召开共建景区推进会，两地将合作开发旅游精品路线。

平湖金山共建景区
■记者 居丹荔

近日，在独山港镇海塘沿线，工作人员正在为风机更换国产零部件，助力实现碳中和目标。

■摄影 王 强

技术提升助力碳中和
"""


def test_masthead_gives_date_issue_and_page() -> None:
    [article] = parse_page(MASTHEAD_PAGE, "p.txt")
    assert (article.date, article.issue, article.page) == ("2023-04-07", 5153, "平湖版")
    assert article.title == "新仓镇垃圾分类获评先进"
    assert "独山港经济开发区" in article.text
    assert "气温" not in article.text and "编辑" not in article.text
    assert article.byline and "张三" in article.byline


def test_page_without_masthead_has_no_date() -> None:
    articles = parse_page(HEADLINE_AFTER_PAGE, "p.txt")
    assert all(a.date is None for a in articles)


def test_headlines_after_bodies_attach_with_kicker_and_byline() -> None:
    articles = {a.title: a for a in parse_page(HEADLINE_AFTER_PAGE, "p.txt")}
    machine = articles["某某精机平湖项目签约落户"]
    assert machine.subtitle == "总投资1亿美元"
    assert "1亿美元，主要生产" in machine.text
    assert articles["平湖金山共建景区"].byline == "记者 居丹荔"
    caption = articles["技术提升助力碳中和"]
    assert caption.byline == "摄影 王 强" and caption.text.startswith("近日")


def test_clean_up_collapses_effects_without_harming_text() -> None:
    assert clean_text("国际劳动节大会现场" * 31 + "，，，，我市") == "国际劳动节大会现场，我市"
    assert clean_text("平湖汽车产业平湖汽车产业““整零协同整零协同””加速度加速度") == "平湖汽车产业“整零协同”加速度"
    for real in ("研究研究", "……", "1001002000", "常常", "谢谢你们"):
        assert clean_text(real) == real
    assert clean_text("全省 36个 试点") == "全省36个试点"


def test_seed_pages_parse_into_dated_titled_articles() -> None:
    page = (SEEDS / "001_db9f50eddc9905f9.txt").read_text(encoding="utf-8")
    articles = parse_page(page, "001.txt")
    assert len(articles) >= 6
    assert all(a.date == "2023-04-07" and a.issue == 5153 for a in articles)
    assert sum(1 for a in articles if a.title) >= len(articles) - 1
    assert not any("校对" in a.text or "JIAXING" in a.text for a in articles)


def test_record_dates() -> None:
    assert parse_date("2023-07-26 14:55") == "2023-07-26"
    assert parse_date("2021年6月8日") == "2021-06-08"
    assert parse_date("昨天") is None


def test_chunks_follow_sentences_with_overlap_and_offsets() -> None:
    sentence = "平湖市今年新建了一批口袋公园，市民休闲有了新去处。"
    text = "\n".join(sentence * 3 for _ in range(12))
    article = Article(id="a", doc_id="d", source="s", title="t", text=text)
    chunks = chunk_article(article, size=300, limit=400)
    assert len(chunks) > 2
    for chunk in chunks:
        assert len(chunk.text) <= 400
        assert text[chunk.start : chunk.end].strip() == chunk.text
        assert chunk.text.endswith("。")
    assert chunks[1].start < chunks[0].end  # one sentence of overlap
    assert split_sentences("他说：“好。”然后走了！")[0] == (0, 7)


def test_headlines_with_furniture_words_are_kept_by_their_place() -> None:
    page = (
        "2023年4月7日◆星期五\n\n总第5153期\n\n高考倒计时60天 我市考点准备就绪\n\n■记者 林旭东\n\n"
        "本报讯 昨天，记者从市教育局获悉，我市高考考点各项准备工作已基本就绪。\n\n"
        "平湖承办APEC中小企业论坛\n\n本报讯 昨天，APEC中小企业论坛在平湖开幕，来自二十多个经济体的代表参加。\n\n"
        "杭州亚运会 倒计时 169天\n\nTo the Opening Ceremony\n\n编辑/戴 琰 电话/85018195 版式/李春霞\n"
    )
    articles = parse_page(page, "p.txt")
    assert [a.title for a in articles] == ["高考倒计时60天我市考点准备就绪", "平湖承办APEC中小企业论坛"]
    assert "APEC中小企业论坛在平湖开幕" in articles[1].text
    assert not any("169天" in a.text or "Opening" in a.text for a in articles)  # a countdown box and a slogan
