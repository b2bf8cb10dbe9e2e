"""Newspaper pages written as PDF files, with the articles they print known: for tests and benchmarks.

A page has a masthead, then rows of articles side by side; each article spans some of the page's columns, its
headline above its body or beside it, its body flowed into balanced columns with indented paragraphs, and may be
boxed, carry a photo with a caption, or jump to another page. ``scan`` turns pages into image-only PDFs (rendered,
slightly rotated, with noise) and ``broken_layer`` puts a garbage text layer over such an image.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

FONT = "STSong-Light"  # a CJK font every PDF reader maps to an installed one (Noto CJK on Debian)
PAGE = (842.0, 1190.0)  # A3, as many papers print their e-paper pages


@dataclass
class Story:
    """One printed article: what the tests expect to read back."""

    title: str
    paragraphs: list[str]
    span: int = 1  # columns of the page it takes
    columns: int = 0  # columns its body is set in (0: as many as it spans)
    beside: bool = False  # headline in its own column to the left of the body
    boxed: bool = False
    caption: str | None = None
    byline: str | None = None
    jump_to: int | None = None  # printed page number its body continues on
    continued: int = 0  # the rest of an article jumped here from this (printed) page
    whole: list[str] | None = None  # all its paragraphs, when part of them is printed on another page

    @property
    def body(self) -> str:
        """The article's whole text, its paragraphs on lines of their own."""
        return "\n".join(self.whole or self.paragraphs)


@dataclass
class Page:
    """A page: its masthead and rows of stories (each row's spans add up to ``columns``)."""

    rows: list[list[Story]]
    columns: int = 3
    date: str = "2023年4月7日 星期五"
    issue: int = 5153
    label: str = "第3版"
    paper: str = "平湖日报"
    footer: str = "责任编辑：王明  校对：李华"
    size: tuple[float, float] = PAGE
    body_size: float = 9.5
    stories: list[Story] = field(default_factory=list)


def _register() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _wrap(text: str, width: float, size: float, indent: int = 2) -> list[tuple[str, bool]]:
    """Cut a paragraph into lines of a column ``width`` wide; True marks a paragraph's first line."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[tuple[str, bool]] = []
    current, first = "", True
    room = width - indent * size
    for ch in text:
        if stringWidth(current + ch, FONT, size) > room:
            lines.append((current, first))
            current, first, room = "", False, width
        current += ch
    lines.append((current, first))
    return lines


def write_pdf(pages: list[Page], path: Path) -> None:
    """Write pages as one text-layer PDF."""
    from reportlab.pdfgen import canvas

    _register()
    pdf = canvas.Canvas(str(path), pagesize=pages[0].size)
    for page in pages:
        _draw_page(pdf, page)
        pdf.showPage()
    pdf.save()


def _draw_page(pdf, page: Page) -> None:  # type: ignore[no-untyped-def]
    width, height = page.size
    margin, gutter = 36.0, 14.0
    col = (width - 2 * margin - (page.columns - 1) * gutter) / page.columns
    size = page.body_size
    lead = size * 1.5
    y = height - margin
    pdf.setFont(FONT, 26)
    pdf.drawString(margin, y - 26, page.paper)
    pdf.setFont(FONT, 9)
    pdf.drawRightString(width - margin, y - 10, page.date)
    pdf.drawRightString(width - margin, y - 22, f"总第{page.issue}期  {page.label}")
    y -= 34
    pdf.setLineWidth(1.2)
    pdf.line(margin, y, width - margin, y)
    y -= 12
    for row in page.rows:
        x = margin
        bottom = y
        for story in row:
            span_width = story.span * col + (story.span - 1) * gutter
            bottom = min(bottom, _draw_story(pdf, story, x, y, span_width, size, lead, gutter))
            x += span_width + gutter
            page.stories.append(story)
        y = bottom - 16
        pdf.setLineWidth(0.5)
        pdf.line(margin, y + 8, width - margin, y + 8)
    pdf.setFont(FONT, 8)
    pdf.drawString(margin, 24, page.footer)


def _draw_story(pdf, story: Story, x: float, top: float, width: float, size: float, lead: float,  # type: ignore[no-untyped-def]
                gutter: float) -> float:
    """Draw a story in the box whose top left is (x, top); return the lowest y it used."""
    headline = 16.0 if story.span > 1 else 13.0
    y = top
    body_x, body_width = x, width
    heading_lines = _wrap(story.title, width * (0.3 if story.beside else 1.0), headline, indent=0)
    if story.beside:  # the headline stands in a narrow column at the left, the body to its right
        head_width = width * 0.3
        body_x, body_width = x + head_width + gutter, width - head_width - gutter
        heading_lines = _wrap(story.title, head_width, headline, indent=0)
        hy = y
        for text, _ in heading_lines:
            pdf.setFont(FONT, headline)
            pdf.drawString(x, hy - headline, text)
            hy -= headline * 1.3
        head_bottom = hy
    else:
        for text, _ in heading_lines:
            pdf.setFont(FONT, headline)
            pdf.drawString(x, y - headline, text)
            y -= headline * 1.3
        y -= 6
        head_bottom = y
    if story.byline:
        pdf.setFont(FONT, size * 0.9)
        pdf.drawString(body_x, y - size, story.byline)
        y -= lead + 2
    if story.continued:
        pdf.setFont(FONT, size * 0.9)
        pdf.drawString(body_x, y - size, f"（上接第{story.continued}版）")
        y -= lead + 2
    if story.caption:  # a photo (a grey box) and its caption, in a smaller type, at the top of the body
        photo = min(body_width, 140.0)
        pdf.setFillGray(0.8)
        pdf.rect(body_x, y - 70, photo, 70, fill=1, stroke=0)
        pdf.setFillGray(0.0)
        y -= 76
        pdf.setFont(FONT, size * 0.8)
        for text, _ in _wrap(story.caption, photo, size * 0.8, indent=0):
            pdf.drawString(body_x, y - size * 0.8, text)
            y -= size * 1.2
        y -= 6
    columns = story.columns or (1 if story.beside else story.span)
    col_width = (body_width - (columns - 1) * gutter) / columns
    lines = [line for p in story.paragraphs for line in _wrap(p, col_width, size)]
    if story.jump_to:
        lines.append((f"（下转第{story.jump_to}版）", True))
    per_column = math.ceil(len(lines) / columns)
    pdf.setFont(FONT, size)
    lowest = y
    for c in range(columns):
        cy = y
        for text, first in lines[c * per_column : (c + 1) * per_column]:
            indent = 2 * size if first and not text.startswith("（下转") else 0.0
            pdf.drawString(body_x + c * (col_width + gutter) + indent, cy - size, text)
            cy -= lead
        lowest = min(lowest, cy)
    lowest = min(lowest, head_bottom)
    if story.boxed:
        pdf.setLineWidth(0.8)
        pdf.rect(x - 4, lowest - 2, width + 8, top - lowest + 6, fill=0, stroke=1)
    return lowest


def scan(text_pdf: Path, out: Path, seed: int = 0, dpi: float = 150, angle: float = 0.6,
         garbage_layer: bool = False) -> None:
    """Rasterise a PDF's pages like a scanner (rotation, noise) into an image-only PDF.

    With ``garbage_layer`` each page also carries an invisible text layer of junk, as a bad OCR leaves.
    """
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    images = []
    document = pdfium.PdfDocument(str(text_pdf))
    for index in range(len(document)):
        image = document[index].render(scale=dpi / 72).to_pil().convert("L")
        image = image.rotate(rng.uniform(-angle, angle), resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
        noisy = image.load()
        assert noisy is not None
        w, h = image.size
        for _ in range(w * h // 200):
            px, py = rng.randrange(w), rng.randrange(h)
            noisy[px, py] = rng.choice((0, 90, 160, 255))
        images.append(image.filter(ImageFilter.GaussianBlur(0.4)))
    document.close()
    if not garbage_layer:
        images[0].save(out, save_all=True, append_images=images[1:], resolution=dpi)
        return
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(out), pagesize=PAGE)
    for image in images:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        pdf.drawImage(ImageReader(buffer), 0, 0, *PAGE)
        text = pdf.beginText(40, 800)
        text.setTextRenderMode(3)  # invisible
        text.setFont("Helvetica", 9)
        for _ in range(60):
            text.textLine("".join(rng.choice("ÃÂ¤½¸¹ºxq#@") for _ in range(40)))
        pdf.drawText(text)
        pdf.showPage()
    pdf.save()


SENTENCES = [
    "{place}{topic}工作取得新进展，全年完成投资{n}亿元，比上年增长{p}%。",
    "记者从{place}有关部门获悉，{topic}项目已于{m}月{d}日正式开工建设。",
    "项目总用地约{n}亩，建成后预计年产值可达{p}亿元，新增就业岗位{n}个。",
    "会议要求，各部门要进一步提高认识，狠抓落实，确保{topic}各项任务按期完成。",
    "据介绍，{place}今年以来累计接待游客{n}万人次，同比增长{p}%。",
    "活动现场，工作人员向市民发放宣传资料{n}余份，解答群众咨询{p}人次。",
    "下一步，{place}将继续加大{topic}力度，推动高质量发展再上新台阶。",
    "截至目前，全市已建成{topic}示范点{p}个，覆盖{n}个行政村。",
]
PLACES = ["当湖街道", "新埭镇", "独山港镇", "乍浦镇", "广陈镇", "林埭镇", "曹桥街道", "钟埭街道"]
TOPICS = ["垃圾分类", "乡村振兴", "污水治理", "数字经济", "文明创建", "交通建设", "养老服务", "科技创新"]
TITLES = ["{place}{topic}提速增效", "{topic}项目落地{place}", "{place}全力推进{topic}", "{topic}示范点建设成效明显",
          "{place}召开{topic}推进会", "高考倒计时{n}天 我市考点准备就绪", "平湖承办APEC中小企业论坛", "{place}{topic}再上新台阶"]


def story_text(rng: random.Random, paragraphs: int) -> list[str]:
    """Paragraphs of plausible news sentences (numbers and places vary)."""
    out = []
    for i in range(paragraphs):
        count = rng.randint(2, 4)
        sentences = [rng.choice(SENTENCES).format(place=rng.choice(PLACES), topic=rng.choice(TOPICS),
                                                  n=rng.randint(12, 980), p=rng.randint(2, 60),
                                                  m=rng.randint(1, 12), d=rng.randint(1, 28))
                     for _ in range(count)]
        out.append(("本报讯 " if i == 0 else "") + "".join(sentences))
    return out


def sample_pages(seed: int = 0, count: int = 2) -> list[Page]:
    """Pages of several layouts: 2 to 5 columns, headlines above and beside, a boxed story, a photo, a jump."""
    rng = random.Random(seed)

    used: set[str] = set()

    def story(span: int, **options: object) -> Story:
        title = ""
        while not title or title in used:  # one headline per article, as a paper prints them
            title = rng.choice(TITLES).format(place=rng.choice(PLACES), topic=rng.choice(TOPICS), n=rng.randint(10, 90))
        used.add(title)
        return Story(title=title, paragraphs=story_text(rng, rng.randint(2, 4)), span=span, **options)  # type: ignore[arg-type]

    layouts = [
        (3, [[story(2, byline="■记者 林旭东"), story(1)], [story(1, boxed=True), story(2, caption="图为项目施工现场。（记者 摄）")]]),
        (4, [[story(4, columns=4)], [story(2, beside=True), story(2)], [story(1), story(3, jump_to=-1)]]),
        (2, [[story(2)], [story(1), story(1, boxed=True)]]),
        (5, [[story(3), story(2)], [story(5, columns=5)]]),
    ]
    pages = []
    for n in range(count):
        columns, rows = layouts[(seed + n) % len(layouts)]
        page = Page(rows=rows, columns=columns, label=f"第{n + 1}版", issue=5153 + seed)
        pages.append(page)
    for number, page in enumerate(pages, start=1):  # a jump: half the body here, the rest atop the next page
        for row in page.rows:
            for s in row:
                if s.jump_to == -1:
                    s.jump_to = number + 1 if number < len(pages) else None
                if s.jump_to and s.whole is None:
                    s.whole, half = s.paragraphs, max(1, len(s.paragraphs) // 2)
                    s.paragraphs = s.whole[:half]
                    rest = Story(s.title, s.whole[half:], span=pages[s.jump_to - 1].columns, continued=number)
                    pages[s.jump_to - 1].rows.insert(0, [rest])
    return pages


def gold(pages: list[Page]) -> list[Story]:
    """The articles the pages print (a jumped article once, whole)."""
    return [s for page in pages for row in page.rows for s in row if not s.continued]


def _flat(text: str) -> str:
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text).split())


def score(stories: list[Story], articles: list) -> dict[str, float]:  # type: ignore[type-arg]
    """Title recall and body character accuracy (1 - edit distance / length) of read articles against the gold.

    A story's title is found when an article's title is similar to it (ratio >= 0.75, as the gold article
    lists are judged); its body is compared with that article's text, captions left out.
    """
    from difflib import SequenceMatcher

    from rapidfuzz.distance import Levenshtein

    found = 0
    accuracy = []
    for story in stories:
        title = _flat(story.title)
        best = max(articles, key=lambda a: SequenceMatcher(None, title, _flat(a.title or "")).ratio(), default=None)
        if best is None or SequenceMatcher(None, title, _flat(best.title or "")).ratio() < 0.75:
            accuracy.append(0.0)
            continue
        found += 1
        gold = _flat(story.body)
        text = _flat("\n".join(line for line in best.text.split("\n") if not line.startswith("（图片说明")))
        accuracy.append(max(0.0, 1 - Levenshtein.distance(gold, text) / max(1, len(gold))))
    n = max(1, len(stories))
    return {"title_recall": found / n, "body_accuracy": sum(accuracy) / n}
