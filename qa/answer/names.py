"""Whether a passage is about the thing a question names: siblings, other towns, names jieba cut wrong."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from index.lexical import LexicalIndex
from index.tokenize import cut, dictionary_frequency, dictionary_tag
from qa.answer.question import TOWN, Question, chinese, fold, towns

COMMON_FREQ = 100  # a word jieba's dictionary counts this often is common Chinese, not a name
# a long word found only in pieces (a name jieba did not know, cut with its neighbours)
EDGE_CHARS = "是会有在于以打可下后就没被将把为的了与和及向从对让给又也都还再较时日说初中曾号呀么"
GLUE_FREQ = 40000  # a character jieba's dictionary counts this often alone (由, 当, 叫, 用) is a word of its own
SIBLING_CHARS = 2  # a sibling's name differs from the title's in the characters just before their shared head
SIBLING_HEAD = 4  # the longest shared head looked for
NAME_CHARS = 6  # a title this short is a name (嘉善南站), not a headline
PLAIN_TAGS = frozenset(["l", "t", "f", "z", "v", "vn", "vd", "a", "ad", "an", "d", "i", "m", "q"])  # jieba's tags of plain words
PROVINCES = ("北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西",
             "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古",
             "广西", "西藏", "宁夏", "新疆", "香港", "澳门")  # a figure of one is no answer for another
LOCAL_SUFFIXES = frozenset("港镇乡村路街桥湾")  # 独山港 is a town, not the county 独山
NOT_NAMING = ("v", "m", "f", "q", "p", "c", "u", "d", "r")  # jieba's tags for verbs, counts, places-of, particles …


def uncommon(word: str) -> bool:
    """Whether a word is a name or term rather than common Chinese (jieba's dictionary knows it as rare or not at all)."""
    return dictionary_frequency(word) < COMMON_FREQ


def namelike(word: str) -> bool:
    """Whether a word may be a name or term a passage must hold: not common Chinese, and not a word the dictionary
    knows as a plain noun, verb or phrase (药用价值, 退居幕后, 授勋: a report may say them otherwise)."""
    return uncommon(word) and dictionary_tag(word) not in PLAIN_TAGS


def unglued(word: str) -> str:
    """A word jieba made up with a particle (王是, 瞳于) or a common word (数由, 当伊维, 歌叫) without it; a word its
    dictionary knows as it is."""
    if dictionary_frequency(word):
        return word
    start, end = 0, len(word)
    while start < end and _glue(word[start]):
        start += 1
    while end > start and _glue(word[end - 1]):
        end -= 1
    return word[start:end]


def _glue(char: str) -> bool:
    """Whether a character is one jieba glues to a name it does not know: a particle, or a word that common."""
    return char in EDGE_CHARS or dictionary_frequency(char) >= GLUE_FREQ


def mend(question: Question, lexical: LexicalIndex) -> Question:
    """The question with words jieba made up by gluing a particle to a name the archive holds (尚恩有, 榅桲还,
    郭麐号) read as that name: the made-up word is in no report and would outweigh every other."""
    ceiling = lexical.idf("\x00")

    def name(word: str) -> str:
        core = unglued(word)
        return core if core and core != word and lexical.idf(word) >= ceiling > lexical.idf(core) else word

    return replace(question, words=[name(w) for w in question.words], focus={name(w) for w in question.focus},
                   beyond={name(w): name(b) if b else b for w, b in question.beyond.items()},
                   plain={name(w) for w in question.plain})


def another_place(question: Question, folded: str) -> bool:
    """Whether a (folded) sentence tells of another town than the one asked about (独山港镇's figure for 新埭镇),
    or of another province (江苏's figure for 河南)."""
    asked = [place for place in question.places if TOWN.search(place) and place not in folded]
    if asked and any(town not in asked for town in towns(folded)):
        return True
    asked_provinces = _provinces(question.text)  # the question's once: the cutter runs on no other sentence
    if not asked_provinces:
        return False
    said = _provinces(folded)
    return bool(said) and not asked_provinces & said


@lru_cache(maxsize=1024)
def cities(text: str) -> frozenset[str]:
    """The cities and counties text names, as the dictionary knows them (厦门 as 厦门市, 海盐 as 海盐县; not a region
    such as 长三角, nor 独山 in the town 独山港)."""
    import jieba.posseg

    found, end = set(), 0
    for word, flag in jieba.posseg.lcut(text):
        end += len(word)
        name = word.rstrip("市县")
        if flag == "ns" and len(name) >= 2 and text[end : end + 1] not in LOCAL_SUFFIXES \
                and any(dictionary_tag(name + rank) == "ns" for rank in "市县"):
            found.add(fold(name))
    return frozenset(found)


@lru_cache(maxsize=1024)
def _provinces(text: str) -> frozenset[str]:
    """The provinces text names as words (浙江 in 上半年浙江实现; not 山东 in 双鸭山东部, 河北 in 永定河北岸)."""
    if not any(province in text for province in PROVINCES):
        return frozenset()
    return frozenset(word.rstrip("省市") for word in cut(text) if word.rstrip("省市") in PROVINCES)


class Siblings:
    """Tells whether a question names a sibling of what an article is titled (交叉笛鲷 for 单斑笛鲷)."""

    def __init__(self, question: Question) -> None:
        self.asked = fold(question.text)
        self._tagged: list[tuple[int, str]] | None = None  # where each word of the question ends, its part of speech

    def of(self, title: str, article: str) -> bool:
        """Whether the question names a sibling of the article's titled subject.

        The title ends in a head (笛鲷; a common word like 南站 only when the title is as short as a name, 嘉善南站,
        not a headline); the question puts another modifier before that head, and the article never says the two
        together.
        """
        titled = fold(title)
        if not titled or titled in self.asked:
            return False
        for size in range(min(len(titled) - SIBLING_CHARS, SIBLING_HEAD), 1, -1):
            head = titled[-size:]
            at = self.asked.find(head)
            if at < SIBLING_CHARS or not (_rare_head(head) or len(titled) <= NAME_CHARS and chinese(head)):
                continue
            theirs, ours = self.asked[at - SIBLING_CHARS : at], titled[-size - SIBLING_CHARS : -size]
            if not self._names_before(at):  # 兴建关帝庙, 两起爆炸案: a verb or a count, not another name
                return False
            if theirs == ours or not chinese(theirs + ours) or any(ch in EDGE_CHARS for ch in theirs + ours):
                return False
            return theirs + head not in article  # (黑龙江龙属: 黑龙江 may be in an article on 乌拉嘎龙属)
        return False

    def _names_before(self, at: int) -> bool:
        """Whether the word of the question that ends just before ``at`` may be part of a name."""
        if self._tagged is None:
            import jieba.posseg

            self._tagged, start = [], 0
            for piece in jieba.posseg.lcut(self.asked):
                start += len(piece.word)
                self._tagged.append((start, piece.flag))
        flag = next((flag for end, flag in self._tagged if end >= at), "x")
        return not flag.startswith(NOT_NAMING)


def _rare_head(text: str) -> bool:
    """Whether text is all Chinese and holds no common word (笛鲷, 冠雉; not 南站 or 项目开工)."""
    return chinese(text) and all(uncommon(text[a:b]) for a in range(len(text)) for b in range(a + 2, len(text) + 1))
