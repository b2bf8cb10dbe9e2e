"""Column breaks: cut paragraphs rejoined with their continuation, never glued to the next column; the splice detector."""

from __future__ import annotations

import re
from collections import Counter

from index.chunk import chunk_article
from index.clean import ends_sentence
from index.columns import repair_columns
from index.parse import parse_page
from index.splice import count_splices, find_splices
from tests.conftest import SEEDS

MASTHEAD = "嘉兴日报社 中共平湖市委\n\n2023年5月9日◆星期二\n\n农历癸卯年三月二十 总第5185期\n\n# 平湖版\n"

BODY = [
    # cut by a column break; its continuation (``高了……``) comes two paragraphs later
    "本报讯 昨天上午,新仓镇首批口袋公园正式开 放。公园由闲置地块改造而成,总投资300万元, 建设内容包括健身步道、儿童乐园和休闲广场, 进一步提",
    "据了解,新仓镇今年还将新建5个口袋公园,覆盖 全镇所有村社区。",
    "高了居民的生活品质。镇党委书记李四表示,口袋 公园虽小,却是群众身边的幸福空间。",
    # cut, and the continuation is not on the page
    "新仓镇相关负责人介绍,口袋公园建成后由村社区 负责日常管护,确保公园干净整洁、设施完",
    "市委书记王五在调研时说,要把口袋公园建设作为 民生实事抓实抓好,让群众有更多获得感。",
    # a plain line break between columns: the next paragraph continues the word (``处理``)
    "发现问题后,工作人员及时进行处",
    "理,并在一周内完成了整改。",
    # a line of another column printed inside this paragraph
    "昨天,记者在公园看到,不少市民带着孩子在步道 上散步 年销售额突破两千万元 ,有的在广场上跳舞。",
]

PAGE = MASTHEAD + "\n# 新仓镇首批口袋公园开放\n\n■记 者 张三\n\n" + "\n\n".join(BODY) + "\n\n编辑/王 五 校对/钱七\n"


def _chars(text: str) -> Counter[str]:
    return Counter(re.sub(r"\s+", "", text))


def test_cut_paragraph_rejoins_its_later_continuation() -> None:
    [article] = parse_page(PAGE, "p.txt")
    assert "进一步提高了居民的生活品质。" in article.text
    assert "及时进行处理,并在一周内" in article.text
    assert "\n据了解,新仓镇今年" in article.text


def test_cut_without_continuation_stays_its_own_paragraph() -> None:
    [article] = parse_page(PAGE, "p.txt")
    paragraphs = article.text.split("\n")
    cut = next(p for p in paragraphs if p.startswith("新仓镇相关负责人"))
    assert cut.endswith("设施完") and not ends_sentence(cut)
    assert "设施完市委书记" not in article.text


def test_no_text_is_lost() -> None:
    [article] = parse_page(PAGE, "p.txt")
    assert _chars(article.text) == _chars("".join(BODY))


def test_parsed_articles_carry_no_splice() -> None:
    [article] = parse_page(PAGE, "p.txt")
    assert find_splices(article.text) == []
    assert count_splices(chunk_article(article, size=80, limit=120)) == 0


def test_detector_flags_spliced_text_and_not_clean_text() -> None:
    spliced = "促进平湖汽车产业可持续、高市委书记仲旭东在讲话中说,平湖地理位置优越。"
    assert find_splices(spliced) == [spliced.index("市委书记")]
    glued = "市长周军波主持召开市十六届政府第五次常在学习《职业教育法》时,周军波强调。"
    assert find_splices(glued) == [glued.index("在学习")]
    assert find_splices("确保公园干净整洁、设施完\n市委书记王五在调研时说,要抓实抓好。") == []
    for clean in (
        "会上,市委书记仲旭东在讲话中说,平湖地理位置优越。",
        "该公司运检部负责人俞起说,测温发现的异常已处理。",
        "副中队长李梦熙在东路巡逻执勤时,发现一名老人。",
        "据了解,新仓镇今年还将新建5个口袋公园。",
    ):
        assert find_splices(clean) == [], clean


def test_repair_keeps_new_sentences_apart() -> None:
    cut, new, cont = "学员们都收获颇", "青年干部是干部队伍中最有干劲的力量。", "丰。"
    assert repair_columns([cut, new]) == [cut, new]
    assert repair_columns(["今年的工作举措要提", "高政治站位。"]) == ["今年的工作举措要提高政治站位。"]
    assert repair_columns(["", cont]) == [cont]


def test_seed_pages_keep_their_text_and_carry_no_splice() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        articles = parse_page(path.read_text(encoding="utf-8"), path.name)
        for article in articles:
            assert find_splices(article.text) == [], (path.name, article.title)
            old = "".join(article.text.split("\n"))
            assert _chars(old) == _chars(article.text)
