"""Whether passages answer *this* question: its subject, the fact it asks and the items it names, found together."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from index.chunk import split_sentences
from index.dates import int_date
from index.lexical import LexicalIndex
from index.tokenize import dictionary_tag
from qa.answer.names import EDGE_CHARS, Siblings, another_place, cities, namelike, unglued
from qa.answer.question import (
    _ROLE,
    ASK_NOUNS,
    CRISP_KINDS,
    DAY,
    FILLER,
    MEASURES,
    UNDONE,
    YEAR,
    Question,
    asks_clock_or_year,
    beyond_words,
    chinese,
    fills_slot,
    fold,
    forecast_only,
    holds_kind,
    kind_hint,
    names_instance,
    pairs,
    says_nothing,
)
from qa.relevance import ASKING
from qa.retrieve import Passage

# how a sentence is ranked among those that answer: its own share of the question (focus words counted
# FOCUS_FACTOR times), the share held with its neighbours and title, the kind of fact, the passage's rank,
# and what it says of the question beyond the title's subject: the words and the single characters the
# title does not hold (主要呈深褐色 for 主要呈什么颜色; 以甲壳类为食 for 以什么为食)
# (weights fitted on half of a public reading-comprehension dev set, checked on the other half)
FOCUS_FACTOR = 2.0
LOCAL_WEIGHT = 0.5
SUBJECT_WEIGHT = 1.0
KIND_WEIGHT = 0.3
LIST_WEIGHT = 0.6  # 有哪些 asks for a list: a sentence that lists is the likelier answer
PRIOR_WEIGHT = 0.8
ITEM_WEIGHT = 0.3
INSTANCE_WEIGHT = 0.3  # asked which one (哪家法院): a sentence that names one (黄冈市中级人民法院)
LEDE_WEIGHT = 0.5  # asked what or where: an article's opening sentence says what its subject is and where
LEDE_KINDS = (None, "place")
IDENTITY = frozenset(["职业", "身份", "职务", "名称", "籍贯", "地方"])  # what the opening says of its subject
TITLE_WEIGHT = 0.6  # a passage whose title names what is asked about is about it
REST_WEIGHT = 0.5  # the question's words beyond the title, in the sentence
CHAR_WEIGHT = 1.0  # its characters beyond the title, the ones few sentences hold weighing more ...
CHAR_SPAN = 40  # ... per this many characters of sentence: a long sentence holds many characters by chance
PLACE_WEIGHT = 0.3  # asked where: a sentence that locates (位于, 地处, ……省/市/区) over one that merely names a place
LOCATES = re.compile(r"位于|坐落|座落|地处|地址|生于|出生[于在]|[\u4e00-\u9fff]{2,}[省市县区州郡国镇乡村岛路街道]")
NATIVE = re.compile(r"(?:^|[，,；;（(])[\u4e00-\u9fff]{2,8}(?:[（(][^（()）]{1,20}[）)])?人(?=[，,。；;）)（(]|$)")  # 沧州清池人: where one is from
# asked where someone is from (是哪里人, 籍贯): a sentence that says it (广东海阳人, 生于……), not one naming any place
DIVISION_ASKED = re.compile(r"哪一?个(区|县|镇|乡|村|省|街道)")  # asked which district: 海淀区, not a court's 北京
ASKS_NATIVE = re.compile(r"(?:哪里|哪儿|什么地方|何地|何处|哪个地方|哪国|哪个国家|哪一国|哪个省)的?人|籍贯")
# an encyclopaedia's opening sentence: what its subject is (X，又称……，为……的一种)
DEFINES = re.compile(r"又称|又名|简称|俗名|俗称|学名|别名|[是为]一[种个座位家所部条项款]|之一|的一种|的一个")
PLACE_RANK = re.compile(r"(?:地区|自治区|省|市)$")
BORN = re.compile(r"籍贯|生于|出生[于在]|祖籍")
SLOT_WEIGHT = 0.5  # the question's words either side of its question word, something between them in the sentence
CUE_WEIGHT = 0.5  # a question of a common sort (how a thing got its name, what it eats): the sentence that says so
# (what such a question asks, how a report says it): a small maintained table, never per question
CUES: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (re.compile(r"(?:为什么|为何|因何|因为什么|怎么|如何).{0,8}?(?:叫|称|名)|名字?.{0,6}?(?:由来|来历|来源|怎么来|如何得来)"
                r"|由来|来历|得名|得此名"),
     re.compile(r"得名|命名|故名|为名|而名|名字(?:源|来)|名称(?:源|来)|取名|之名|意为|意思是|意指")),
    (re.compile(r"吃什么|以什么为食|食物|主食|食性|捕食什么|以什么为生"),
     re.compile(r"为食|食物|捕食|觅食|摄食|食性|吃|以.{1,12}为生")),
    (re.compile(r"习性"), re.compile(r"栖息|习性|觅食|群居|独居|夜行|昼伏|出没")),
    (re.compile(r"用途|作用|功能|用来做|有什么用"), re.compile(r"用于|用作|用来|可用|作用|功能|用途")),
    (re.compile(r"性格|为人|个性"), re.compile(r"性格|为人|个性|性情|脾气")),
)
COUNT_WEIGHT = 0.5  # asked how many: a number right after the word asked about (节水391.79万 over 2项节水)
NEAR_WEIGHT = 0.2  # the fact asked for stands right beside the word it is asked about (父亲是……王治平, 长度为80cm)
NEAR_BEFORE, NEAR_AFTER = 8, 16
CONTEXT_WEIGHT = 0.5  # words carried from earlier turns count half: they locate the subject, the new words decide
ASK_NOUN_WEIGHT = 0.3  # 特点, 影响: the report states the thing, seldom the word
RARE_SHARE = 0.999  # words the archive never saw as a word (names, terms) must be in the passage, at least in part
COMMON_IDF = 0.25  # a focus word with less than this share of the highest idf is everywhere in the archive
PART_CREDIT = 0.8
WORDED_NEAR = 6  # a verb's character this near the figure or date says the verb (亏损70余万元 for 亏了)
DATED = re.compile(r"\d+\s*[年月日号]")  # ... a date written out, not 近日 or 上午
FOCUS_HELD = 0.4  # a focus word counts as said when half its character pairs are (收盘 for 收盘价)
# an abbreviation's characters stand at most this many apart in the name it shortens, a name at most this many
# times as long (生物所 for 生物技术研究所)
ABBREVIATED_GAP, ABBREVIATED_SPAN = 4, 3
NAME_SHARE = 0.5  # more than this share of a rare name's pieces: a spelling variant (奥历 for 奥利), not a sibling (胸斑 for 背斑)
ASKED = re.compile(ASKING.pattern + "|为什么|为何")  # the question words, left out of its characters
PLAIN_CHARS = frozenset("的是了在和与及有为么个一呢吗")  # characters that say nothing about the question
GAP = re.compile(r"[ \t\u3000]{4,}")  # spaces that stand where a line ended
OPENING, CLOSING = "（(「『【〔", "）)」』】〕"
REPORT_LAG = 2  # a report tells of the day before (昨天) or two (前天)
OFFICE = re.compile(r"(?:书记|[市县镇乡区省村处科司署行团组园厂]长|主任|局长|部长|厅长|主席|院长|校长|会长|董事长|经理|总裁|站长|所长|社长|馆长|队长)$")
REMOVED = re.compile(r"免去|辞去|卸任|不再担任|不再兼任|被免职")
APPOINTED = re.compile(r"任命|出任|担任|接任|当选|任[\u4e00-\u9fff]{0,12}(?:长|书记|主任|主席)")
HOME = re.compile(r"我市|本市|全市|我县|本县|全县")


@dataclass
class Candidate:
    """One sentence of a passage, scored for the question, with the checks that make it an answer."""

    rank: int
    start: int
    end: int
    text: str
    score: float
    subject: float
    kind_ok: bool
    items_ok: bool
    rare_ok: bool = True
    focus_ok: bool = True
    opens: bool = False  # the opening sentence of its article (says what its subject is)

    @property
    def answers(self) -> bool:
        """Whether the sentence may be given as the answer."""
        return self.kind_ok and self.items_ok and self.focus_ok and self.rare_ok


def _verb_at(text: str, i: int) -> bool:
    """Whether the character at i stands in a verb, or alone (亏损, 愿 in 只愿赔偿; not 工 in 工业)."""
    known = [tag for word in (text[max(0, i - 1) : i + 1], text[i : i + 2]) if len(word) == 2
             and (tag := dictionary_tag(word))]
    return all(tag.startswith("v") for tag in known)


class Gate:
    """Scores the sentences of retrieved passages against a question and keeps those that answer it."""

    def __init__(self, question: Question, lexical: LexicalIndex, min_subject: float = 0.6,
                 today_year: int = 9999, home: tuple[str, ...] = ()) -> None:
        self.question = question
        self.home = {fold(h) for h in home}
        self.min_subject = min_subject
        self.today_year = today_year
        terms = {fold(w): lexical.idf(w) * (ASK_NOUN_WEIGHT if w in ASK_NOUNS else 1.0) for w in question.words}
        terms.update({fold(w): CONTEXT_WEIGHT * lexical.idf(w) for w in question.context if fold(w) not in terms})
        self.terms = {t: w for t, w in terms.items() if t}
        self.own = {t: w for t, w in self.terms.items() if t in {fold(w) for w in question.words}}
        self.pieces = {t: pairs(t) for t in self.terms if len(t) >= 3}
        self.total = sum(self.terms.values()) or 1.0
        ceiling = lexical.idf("\x00")  # the idf of a word the archive never saw
        # a word found all over the archive (the city's own name) does not tell what is asked
        # places are checked on their own (the paper's city may be called 我市)
        # (a word jieba made up with a particle, 王是 or 瞳于, is looked for without it)
        # (asked a number or date, when the nearest word is common the next one beyond it on its side is what is
        # counted or dated: 展期 for 持续)
        telling = [w if lexical.idf(w) >= COMMON_IDF * ceiling or not question.needs_focus else question.beyond.get(w, "")
                   for w in question.focus]
        focus = {fold(unglued(w)) for w in telling if w and lexical.idf(w) >= COMMON_IDF * ceiling}
        self.focus = {t for t in focus if len(t) >= 2} - set(question.places)
        self.wording = {fold(w) for w in question.wording}
        self.sharp = self.terms
        # (a list, or a trait the question names, 特征 or 颜色, is seldom in the opening)
        self.lede = question.kind in LEDE_KINDS and not question.listing \
            and not any(w in ASK_NOUNS and w not in IDENTITY for w in question.words)
        # a name in Latin letters (Arm, NASA) is said as it is: a passage that never says it is about something else
        self.latin = {w for w in map(fold, question.words) if re.fullmatch(r"[a-z]{2,}", w)}
        self.hint_weight = LIST_WEIGHT if question.listing and question.kind is None else KIND_WEIGHT
        self.chars = {ch for ch in ASKED.sub("", fold(question.text)) if chinese(ch) and ch not in PLAIN_CHARS}
        self.char_weights = {ch: 1.0 for ch in self.chars}
        self.articles: dict[str, str] = {}  # folded title and text of each retrieved article's parts
        self.siblings = Siblings(question)
        self.cues = [cue for asked, cue in CUES if asked.search(question.text)]
        self.native = question.kind == "place" and bool(ASKS_NATIVE.search(question.text))
        self.head = fold(question.counted)[-1:]  # the head of what a count ends on (器 of 报警器; 员: 五名球员 for 队员)
        division = DIVISION_ASKED.search(question.text)
        self.division = division.group(1) if division else ""
        asked = fold(question.text)
        self.offices = [re.compile(("" if "副" + t in asked else "(?<!副)") + re.escape(t)) for t in self.focus if OFFICE.search(t)]
        self.asks_removal = bool(REMOVED.search(asked))
        # (an office is written before its holder's name, 市委书记仲旭东: that one stays)
        self.roles = [w for w in question.words if len(w) > 1 and _ROLE.search(w) and not OFFICE.search(w)
                      and "的" + w in question.text] if question.kind == "person" else []
        self.item_patterns = {item: _item_patterns(item) for item in question.items}
        self.counted = re.compile("(?:" + "|".join(map(re.escape, self.focus)) + r").{0,3}?\d") if self.focus else None
        self.abridged = {t: _abridged_patterns(t) for t in self.focus if len(t) == 2} if question.kind == "number" else {}
        own = {fold(w): lexical.idf(w) for w in question.words if fold(w)}
        self.rarest = max(own, key=lambda t: own[t]) if own else None
        # only words jieba cut itself: a run of single characters joined back together may be no word at all
        plain = {fold(w) for w in question.plain}
        # what is asked of the subject (……的药用价值, 什么时间段), when the dictionary knows it as a common noun, a
        # passage may say in its own words (入药, 5:30到8:00): only the subject's names must be there
        attribute = {fold(w) for w in question.focus if "的" + w in question.text} | {t for t in own if set(t) <= question.asked}
        rare = {t for t, w in own.items()
                if w >= RARE_SHARE * ceiling and len(t) > 1 and t in plain and namelike(t) and not re.search(r"\d", t)}
        # (a word jieba cut across a name the question names, 某慧开 of 曾某慧开的, is checked as that name)
        named = {p for name in question.people + question.places for p in pairs(name)}
        self.rare = {t for t in rare if not (t in attribute and dictionary_tag(t) == "n")
                     and not (t not in question.people + question.places and pairs(t) & named)}

    def coverage(self, folded: str, focus_factor: float = 1.0, terms: dict[str, float] | None = None) -> float:
        """Share of the question's weighted words found in folded text (focus words counted ``focus_factor`` times)."""
        total = held = 0.0
        for term, weight in (terms or self.terms).items():
            weight *= focus_factor if term in self.focus else 1.0
            total += weight
            held += weight * self._held(term, folded)
        return held / (total or 1.0)

    def _places_found(self, article: str, title: str, raw: str) -> bool:
        """Every place the question names is in the (folded) article; the paper's own city may be called 我市,
        香港地区 香港 and 浙江省 浙江."""
        return all(place in article or place in self.home and self._home_said(title, raw)
                   or any(stem in article for stem in _place_stems(place)) for place in self.question.places)

    def _home_said(self, title: str, raw: str) -> bool:
        """The passage calls the paper's own city 我市 or 全市: not a report of another city's (厦门……全市星级酒店)
        whose title or text before names that city and not the paper's."""
        said = HOME.search(raw)
        if not said:
            return False
        named = cities(title + "。" + raw[: said.start()])
        return not named or bool(named & self.home)

    def _found_name(self, term: str, folded: str) -> bool:
        """A rare word is found whole, without the particle jieba glued to it (潘淑是), by half its pieces, or as the
        name it abbreviates (生物所: 生物技术研究所)."""
        core = unglued(term)
        core = term.strip(EDGE_CHARS) if core == term else core
        if len(core) < 2 or core in folded or any(stem in folded for stem in _place_stems(core)):
            return True
        pieces = self.pieces.get(term) or set()
        if pieces and sum(1 for p in pieces if p in folded) / len(pieces) > NAME_SHARE:
            return True
        return len(core) >= 3 and _abbreviates(core, folded)

    def _held(self, term: str, folded: str) -> float:
        if term in folded:
            return 1.0
        pieces = self.pieces.get(term)
        if not pieces:
            return 0.0
        return PART_CREDIT * sum(1 for p in pieces if p in folded) / len(pieces)

    def candidates(self, passages: list[Passage], depth: int) -> list[Candidate]:
        """Every sentence of the first ``depth`` passages, best first."""
        found: list[Candidate] = []
        texts = [fold(p.text) for p in passages[:depth]]
        sentences = [t for text in texts for t in re.split(r"[。！？；]", text)]
        self.sharp = self.sharpened(sentences)
        self.char_weights = {ch: 1.0 / (1.0 + math.log1p(sum(1 for s in sentences if ch in s))) for ch in self.chars}
        self.articles = {}
        for passage in passages:
            key = str(passage.meta.get("article_id") or passage.chunk_id)
            self.articles[key] = self.articles.get(key, fold(passage.meta.get("title") or "")) + fold(passage.text)
        for rank, passage in enumerate(passages[:depth]):
            found.extend(self._sentences(rank, passage, _prior(passages, rank)))
        return sorted(found, key=lambda c: (-c.score, c.rank, c.start))

    def sharpened(self, sentences: list[str]) -> dict[str, float]:
        """Weights that favour the words found in few of the candidate sentences (what tells them apart)."""
        return {t: w / (1.0 + math.log1p(sum(1 for s in sentences if t in s))) for t, w in self.terms.items()}

    def _sentences(self, rank: int, passage: Passage, prior: float) -> list[Candidate]:
        spans = sentence_spans(passage.text)
        headline = passage.meta.get("title") or ""
        title = fold(headline)
        folded = [fold(passage.text[a:b]) for a, b in spans]
        whole = title + "".join(folded)
        article = self.articles.get(str(passage.meta.get("article_id") or passage.chunk_id), whole)
        # the places and people named are looked for in every retrieved part of the article, not its chunk alone
        rare_ok = all(self._found_name(t, whole) for t in self.rare) and self._places_found(article, headline, passage.text) \
            and not self.siblings.of(headline, article) \
            and all(self._found_name(name, article) for name in self.question.people) \
            and all(name in article for name in self.latin)
        titled = self.coverage(title) if title else 0.0
        beyond = {t: w for t, w in self.sharp.items() if t not in title}
        chars = {ch: w for ch, w in self.char_weights.items() if ch not in title}
        # a name the question quotes is asked about where it is said (or just before), or it is what the article
        opening = title + "".join(folded[:1])  # is about (its title or first sentence)
        defines = bool(folded) and not passage.meta.get("start") and bool(DEFINES.search(folded[0]))
        out = []
        for i, (start, end) in enumerate(spans):
            window = title + "".join(folded[max(0, i - 1) : i + 2])
            before = "".join(folded[max(0, i - 1) : i + 1])
            # ... and it is what the article is about when its opening defines it (X，又称……的一种; 本鱼 later on)
            subject = self.coverage(opening + window if i >= 2 and defines else window)
            local = self.coverage(folded[i], focus_factor=FOCUS_FACTOR, terms=self.sharp)
            rest = self.coverage(folded[i], focus_factor=FOCUS_FACTOR, terms=beyond) if beyond else local
            # a report that tells of an event without its date tells it happened by the report's date
            sentence = passage.text[start:end]
            # posseg for 谁: run it once per sentence; asked who, a role the question names (作者) is no answer
            found_kind = holds_kind(self.question, self._unroled(sentence)) and self._of_place_asked(sentence) \
                and self._counted_said(folded[i])
            slot = fills_slot(self.question, folded[i])
            kind_ok = (found_kind or slot) and not forecast_only(self.question, sentence) \
                or (self.question.kind == "date" and bool(passage.meta.get("date")) and not asks_clock_or_year(self.question)
                    and not UNDONE.search(sentence))
            items_ok = all(self._item_found(item, folded[i], window, whole, passage) for item in self.question.items) \
                and all(name in before or name in opening for name in self.question.names) \
                and not another_place(self.question, folded[i]) and not says_nothing(self.question, sentence)
            named = sum(1 for item in self.question.items if item in folded[i])
            hint = found_kind if self.question.kind in CRISP_KINDS else kind_hint(self.question, sentence)
            near = NEAR_WEIGHT if found_kind and self._beside_focus(folded[i]) else 0.0
            locates = self._locates(folded[i])
            if locates:
                near += PLACE_WEIGHT
            cued = self.cued(folded[i])
            if cued:
                near += CUE_WEIGHT
            if slot:
                near += SLOT_WEIGHT
            instance = bool(self.question.which) and names_instance(self.question, sentence)
            if instance:
                near += INSTANCE_WEIGHT
            if self.question.kind == "number" and self._counted_after_focus(folded[i]):
                near += COUNT_WEIGHT
            # an article's opening says what its subject is (asked where, only an opening that locates it)
            opens = i == 0 and not passage.meta.get("start")
            opening_says = opens and self.lede \
                and (self.question.kind != "place" or locates or bool(NATIVE.search(folded[i]))) \
                and (not self.cues or cued)
            score = LOCAL_WEIGHT * local + SUBJECT_WEIGHT * subject + TITLE_WEIGHT * titled + (self.hint_weight if hint else 0.0) + PRIOR_WEIGHT * prior \
                + ITEM_WEIGHT * named + near + REST_WEIGHT * rest + _char_share(chars, folded[i]) \
                + (LEDE_WEIGHT if opening_says else 0.0)
            focus_ok = self._focus_found(folded[i], window, title)
            out.append(Candidate(rank, start, end, sentence.strip(), score, subject, kind_ok, items_ok, rare_ok,
                                 focus_ok, opens))
        return out

    def cued(self, folded: str) -> bool:
        """Whether a (folded) sentence says what a question of a common sort asks (为食 for 吃什么)."""
        return any(cue.search(folded) for cue in self.cues)

    def _locates(self, sentence: str) -> bool:
        """Asked where: whether the sentence locates (位于, ……省); asked where someone is from, whether it says so."""
        if self.question.kind != "place":
            return False
        if self.native:
            return bool(NATIVE.search(sentence) or BORN.search(sentence))
        return bool(LOCATES.search(sentence))

    def _counted_said(self, sentence: str) -> bool:
        """Asked how many of a thing (多少个燃气报警器), a clause gives a figure of that thing (its head character
        will do: 五名球员 for 几名队员), not of another the article counts (共收缴超期钢瓶12支)."""
        if not self.head:
            return True
        return any(self.head in clause and holds_kind(self.question, clause) for clause in re.split(r"[，；;。：:]", sentence))

    def _of_place_asked(self, sentence: str) -> bool:
        """Asked where someone is from, the sentence says so (广东海阳人, 生于); asked which district or county (哪个区),
        it names one beyond the question's own words."""
        if self.native:
            return bool(NATIVE.search(sentence) or BORN.search(sentence))
        return not self.division or self.division in beyond_words(self.question, sentence)

    def _unroled(self, sentence: str) -> str:
        """Asked whose role someone is (……的作者是谁), the sentence without that role: 作者 alone names no one."""
        for role in self.roles:
            sentence = sentence.replace(role, "")
        return sentence

    def _focus_found(self, sentence: str, window: str, title: str) -> bool:
        """A number or date must be said of what is asked (总投资, 开工), in the sentence and beside it.

        A focus word the title names is the article's subject: the sentence may leave it unsaid. Asked who holds
        an office (乡长是谁), the office must be said beside the name: a 党委书记, a 副乡长 or one removed from it
        (免去……乡长职务) does not answer.
        """
        if self.question.kind == "person" and any(OFFICE.search(t) for t in self.focus):
            # the office itself, not its deputy (副书记 for 书记); held, not left (免去……职务)
            held = all(pattern.search(window) for pattern in self.offices)
            left = REMOVED.search(sentence) and not self.asks_removal and not APPOINTED.search(REMOVED.sub("", sentence))
            return held and not left
        if not (self.question.needs_focus and self.focus):
            return True
        asked = [t for t in self.focus if t not in title]
        said = not asked or any(self._said(t, sentence, sentence) for t in asked)
        return said and all(self._said(t, window, sentence) for t in self.focus)

    def _said(self, term: str, text: str, sentence: str) -> bool:
        """Whether text says a focus word: whole or most of it, by a character beside the number, or, for a verb or
        modifier, by its telling character right beside the fact asked (亏损70余万元 for 亏了, 愿赔偿5000元 for
        愿意, 击碎发生在3月6日 for 打碎)."""
        if self._held(term, text) >= FOCUS_HELD or self._abridged(term, sentence):
            return True
        if term not in self.wording:
            return False
        # (a figure comes after its verb, 亏损70余万元; one before it is counted by it, 20多名救援队员)
        dated = self.question.kind == "date"
        for ch in term:
            for m in re.finditer(re.escape(ch), sentence) if ch not in FILLER else ():
                near = sentence[max(0, m.start() - WORDED_NEAR) if dated else m.end() : m.end() + WORDED_NEAR]
                if _verb_at(sentence, m.start()) and (DATED.search(near) if dated else holds_kind(self.question, near)):
                    return True
        return False

    def _abridged(self, term: str, sentence: str) -> bool:
        """Whether a two-character focus word of a 多少 question is said by one of its characters right beside the
        number (体长 by 长63厘米, 股份 by 500股, 设置 by 共设7座), or by its head closing the counted phrase (13英寸长)."""
        pattern = self.abridged.get(term)
        return pattern is not None and pattern.search(sentence) is not None

    def _counted_after_focus(self, folded: str) -> bool:
        """Whether a number follows a focus word within a few characters (节水391.79万, 总投资为3.5亿)."""
        return self.counted is not None and self.counted.search(folded) is not None

    def _beside_focus(self, folded: str) -> bool:
        """Whether the kind of fact asked for stands within a few characters of a focus word."""
        if self.question.kind not in CRISP_KINDS:
            return False
        for term in self.focus:
            for match in re.finditer(re.escape(term), folded):
                if holds_kind(self.question, folded[max(0, match.start() - NEAR_BEFORE) : match.end() + NEAR_AFTER]):
                    return True
        return False

    def _item_found(self, item: str, sentence: str, window: str, whole: str, passage: Passage) -> bool:
        """A named item must be in the text, and no neighbour of it (第五次 for 第十六次) beside the answer.

        A past year may instead be the report's year when the text names no year, a day the report's date
        (or the day or two before it: 昨天, 前天).
        """
        named, neighbour = self.item_patterns[item]
        if named.search(sentence):
            return True
        if self._neighbour(neighbour, sentence):
            return False
        if named.search(window) or named.search(whole) and not self._neighbour(neighbour, window):
            return True
        if dated := DAY.fullmatch(item):
            asked_year = int(dated.group(1)) if dated.group(1) else None
            if asked_year and f"{int(dated.group(2))}月{int(dated.group(3))}日" in sentence:  # its year said nearby
                reported = int(str(passage.meta.get("date") or 0)) // 10000
                return f"{asked_year}年" in window or reported == asked_year
            return _reported_on(passage.meta.get("date"), int(dated.group(2)), int(dated.group(3)), asked_year)
        year = YEAR.fullmatch(item)
        if not year or int(year.group(1)) > self.today_year or self._neighbour(YEAR, window):
            return False
        day = passage.meta.get("date")
        return not day or int(day) // 10000 in (int(year.group(1)), int(year.group(1)) + 1)  # undated: 0

    def _neighbour(self, neighbour: re.Pattern[str], text: str) -> bool:
        """Whether text names a neighbour of an item that is not itself named by the question (比2015年 in a
        question about 2020 compared with 2015 is no neighbour)."""
        return any(m.group(0) not in self.question.items for m in neighbour.finditer(text))

    def answering(self, candidates: list[Candidate]) -> list[Candidate]:
        """The candidates that answer the question, best first."""
        return [c for c in candidates if c.answers and c.subject >= self.min_subject]


def unclosed(text: str) -> bool:
    """Whether text opens a bracket it does not close (a semicolon inside brackets ends no sentence)."""
    return sum(text.count(ch) for ch in OPENING) > sum(text.count(ch) for ch in CLOSING)


def join_bracketed(pieces: list[str]) -> list[str]:
    """Pieces of text joined back where a cut fell inside brackets (安哥拉匡撒（符号：Kz；ISO货币编号：AOA）)."""
    if unclosed("".join(pieces)):
        return pieces  # a bracket the text never closes joins nothing
    out: list[str] = []
    for piece in pieces:
        if out and unclosed(out[-1]):
            out[-1] += piece
        else:
            out.append(piece)
    return out


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The sentences of a passage as the answer reads them: cut at wide gaps, never at a semicolon inside brackets
    (a full stop still ends one: a bracket the text never closes must not join it to the rest) nor at a mark inside
    a title's 《》."""
    out: list[tuple[int, int]] = []
    for start, end in split_at_gaps(text, split_sentences(text)):
        before = text[out[-1][0] : out[-1][1]].rstrip() if out else ""
        inside = before.endswith(("；", ";")) and unclosed(before) or before.count("《") > before.count("》")
        if inside and not text[out[-1][1] : start].strip():  # 《我的狐仙女友！》 is one title
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def split_at_gaps(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences cut again at a wide run of spaces: a headline and a dateline flattened into one line of text."""
    out = []
    for start, end in spans:
        for gap in GAP.finditer(text, start, end):
            if gap.start() > start:
                out.append((start, gap.start()))
            start = gap.end()
        if end > start:
            out.append((start, end))
    return out


def _abridged_patterns(term: str) -> re.Pattern[str] | None:
    """A two-character word's telling characters beside a number (年 of 年薪 is not 满2年), or its head closing the
    counted phrase (6名消防员; not 20多名救援 for 救出)."""
    telling = [re.escape(ch) for ch in term if ch not in PLAIN_CHARS and ch not in MEASURES]
    if not telling:
        return None
    chars = "(?:" + "|".join(telling) + ")"
    choices = [rf"{chars}[为约达共计有了]?\d", rf"\d[\d.]*[万亿千百]?{chars}"]
    if re.escape(term[-1]) in telling:
        choices.append(rf"\d[\d.]*[^\d，。；,;]{{1,3}}?{re.escape(term[-1])}")
    return re.compile("|".join(choices))


def _item_patterns(item: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The item as written (2月2日, not inside 12月2日) and any neighbour of it (第五次 for 第十六次)."""
    if model := re.fullmatch(r"([a-z]+)(\d+[a-z]?)", item):  # model3: modelx and model5 are its neighbours
        name, mark = model.groups()
        return re.compile(re.escape(item) + r"(?![a-z\d])"), re.compile(f"{name}(?!{mark}(?![a-z\\d]))[a-z\\d]{{1,2}}(?![a-z\\d])")
    alone = r"(?<!\d)" if item[0].isdigit() else ""
    return re.compile(alone + re.escape(item)), re.compile(alone + re.sub(r"\d+", r"\\d+", re.escape(item)))


def _reported_on(reported: object, month: int, day: int, year: int | None = None) -> bool:
    """Whether a report dated ``YYYYMMDD`` came out on that day (of that year, when the question names one) or the
    two days after (昨天, 前天)."""
    when = int_date(int(str(reported))) if reported else None
    if when is None:
        return False
    told = [when - timedelta(days=back) for back in range(REPORT_LAG + 1)]
    return any((d.month, d.day) == (month, day) and year in (None, d.year) for d in told)


def _char_share(weights: dict[str, float], folded: str) -> float:
    """How much of the question's characters beyond the title a sentence holds, for its length."""
    if not weights:
        return 0.0
    share = sum(w for ch, w in weights.items() if ch in folded) / sum(weights.values())
    return CHAR_WEIGHT * share * min(1.0, CHAR_SPAN / max(1, len(folded)))


def _abbreviates(short: str, text: str) -> bool:
    """Whether text holds a longer name that short abbreviates: its characters in order and close together (生物所
    in 生物技术研究所, 中科院 in 中国科学院)."""
    return any(len(m.group(0)) <= ABBREVIATED_SPAN * len(short) for m in _abbreviation(short).finditer(text))


@lru_cache(maxsize=256)
def _abbreviation(short: str) -> re.Pattern[str]:
    """Short's characters in order, at most ``ABBREVIATED_GAP`` apart within a clause."""
    return re.compile(re.escape(short[0]) + "".join(f"[^，。；、]{{0,{ABBREVIATED_GAP}}}?" + re.escape(ch) for ch in short[1:]))


def _place_stems(place: str) -> list[str]:
    """A place's name without the word for its rank (香港地区: 香港, 浙江省: 浙江), when two characters or more remain."""
    match = PLACE_RANK.search(place)
    return [place[: match.start()]] if match and match.start() >= 2 else []


def _prior(passages: list[Passage], rank: int) -> float:
    scores = [p.score for p in passages]
    if scores and min(scores) > 0:
        return scores[rank] / max(scores)
    return 1.0 / (1 + rank)

