"""E-paper PDF pages: text from the text layer (or OCR for scans), laid out into articles, and a page image.

PDFium (``pypdfium2``, Apache-2.0/BSD) reads the text layer with each character's box and type size, and
renders the page: one fast native library for both, which pdfminer-based readers are not. Pages without a
usable text layer (a scan, or a layer of junk) are read by RapidOCR (``rapidocr-onnxruntime``, Apache-2.0),
whose wheel ships PP-OCR's Chinese detection and recognition models, so nothing is downloaded; its line
boxes go through the same layout step as the text layer's.
"""

from __future__ import annotations

import io
import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.clean import clean_text
from index.layout import LaidArticle, Line, PageLayout, lay_out
from index.masthead import read_masthead
from index.models import Article, stable_id

log = logging.getLogger(__name__)

IMAGE_WIDTH = 1200  # the page image a reader checks an answer against
OCR_SCALE = 3.0  # render scans at 216 dpi for OCR
OCR_MAX_WIDTH = 2600
OCR_MAX_SIDE = 4000
SPECK = 4  # pixels: scanner noise, not print
MIN_LAYER_CHARS = 20
_READABLE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef0-9A-Za-z，。、；：？！“”‘’（）《》%.\-]")
_LABEL = re.compile(r"(第\s*[0-9A-Z]{1,3}\s*版|[A-Z]\d{1,2}\s*版)")
_OCR_LOCK = threading.RLock()
_OCR: Any = None


class PdfError(Exception):
    """A PDF that cannot be read at all (encrypted, damaged, no pages)."""


@dataclass
class PdfPage:
    """One page: its number in the file, the articles laid out on it, its image, and how it was read."""

    number: int
    layout: PageLayout
    image: bytes | None
    ocr: bool
    problems: list[str] = field(default_factory=list)


def read_pdf(data: bytes, name: str, image_width: int = IMAGE_WIDTH) -> tuple[list[PdfPage], list[str]]:
    """Read every page of a PDF; a page that fails is reported (named by page) and the others are kept."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise PdfError(_pdf_problem(str(exc), data)) from exc
    pages: list[PdfPage] = []
    problems: list[str] = []
    try:
        if len(document) == 0:
            raise PdfError("the PDF has no pages")
        for index in range(len(document)):
            try:
                page = read_page(document[index], index + 1, image_width)
            except Exception as exc:  # noqa: BLE001 - one bad page must not lose the others
                problems.append(f"{name} page {index + 1}: cannot be read ({type(exc).__name__}: {exc}); skipped")
                continue
            problems += [f"{name} page {index + 1}: {p}" for p in page.problems]
            pages.append(page)
    finally:
        document.close()
    return pages, problems


def _pdf_problem(message: str, data: bytes) -> str:
    """What is wrong with a PDF PDFium cannot open (its error code is the last one it met, maybe another file's)."""
    if b"/Encrypt" in data:
        return "the PDF is encrypted (a password is needed)"
    if re.search(rb"/Type\s*/Pages\b", data) and not re.search(rb"/Type\s*/Page\b", data):
        return "the PDF has no pages"
    return f"not a readable PDF (damaged or truncated: {message})"


def read_page(page: Any, number: int, image_width: int = IMAGE_WIDTH) -> PdfPage:
    """Read one page: the text layer if it is usable, else OCR of the rendered page."""
    width, height = page.get_size()
    lines = layer_lines(page, height)
    problems = []
    ocr = False
    if not usable(lines):
        if lines:
            problems.append("the text layer is not readable text; read by OCR instead")
        lines, ocr = ocr_lines(page, width), True
        if not lines:
            problems.append("no text found on the page (an empty or image-only page)")
    image = render_image(page, width, image_width)
    return PdfPage(number, lay_out(lines, width, height, same_size=0.2 if ocr else 0.06), image, ocr, problems)


def layer_lines(page: Any, height: float) -> list[Line]:
    """The text layer's characters grouped into lines: one baseline, no gap wider than a column gutter."""
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    try:
        chars = []
        x, y = _double(), _double()
        for i in range(textpage.count_chars()):
            code = raw.FPDFText_GetUnicode(textpage.raw, i)
            if raw.FPDFText_IsGenerated(textpage.raw, i) or code in (0, 0xFFFE) or chr(code).isspace():
                continue
            left, _, right, _ = textpage.get_charbox(i, loose=True)  # the advance, not the ink
            raw.FPDFText_GetCharOrigin(textpage.raw, i, x, y)
            size = raw.FPDFText_GetFontSize(textpage.raw, i) or 10.0
            chars.append((chr(code), left, height - y.value, right, size))
    finally:
        textpage.close()
    return group_chars(chars)


def _double():  # type: ignore[no-untyped-def]
    import ctypes

    return ctypes.c_double()


def group_chars(chars: list[tuple[str, float, float, float, float]]) -> list[Line]:
    """Group (char, left, baseline, right, size) into lines split at gaps wider than a character."""
    lines: list[Line] = []
    rows: list[list[tuple[str, float, float, float, float]]] = []
    for char in sorted(chars, key=lambda c: (round(c[2], 1), c[1])):
        if rows and abs(rows[-1][-1][2] - char[2]) <= 0.3 * char[4]:
            rows[-1].append(char)
        else:
            rows.append([char])
    for row in rows:
        row.sort(key=lambda c: c[1])
        run = [row[0]]
        for char in row[1:]:
            gap = char[1] - run[-1][3]
            if gap > 1.0 * max(char[4], run[-1][4]) or abs(char[4] - run[-1][4]) > 0.2 * char[4]:
                lines.append(_line(run))
                run = []
            elif gap > 0.25 * char[4] and run[-1][0].isascii() and char[0].isascii():
                run.append((" ", run[-1][3], char[2], char[1], char[4]))
            run.append(char)
        lines.append(_line(run))
    return lines


def _line(run: list[tuple[str, float, float, float, float]]) -> Line:
    size = max(c[4] for c in run)
    baseline = run[0][2]
    return Line("".join(c[0] for c in run), run[0][1], baseline - 0.88 * size, run[-1][3], baseline + 0.12 * size, size)


def usable(lines: list[Line]) -> bool:
    """Whether a text layer reads as text: enough of it, and mostly characters a Chinese paper prints."""
    text = "".join(line.text for line in lines)
    if len(text) < MIN_LAYER_CHARS:
        return False
    return len(_READABLE.findall(text)) >= 0.8 * len(text)


def ocr_lines(page: Any, width: float) -> list[Line]:
    """OCR a rendered page: detect text lines, cut them at blank gutters the detector ran across, then
    recognise each piece; every line keeps its box (in page points) and a type size from its width."""
    import numpy as np

    scale = min(OCR_SCALE, OCR_MAX_WIDTH / width)
    image = np.asarray(deskew(page.render(scale=scale, grayscale=True).to_pil().convert("L")).convert("RGB"))
    engine = _engine()
    with _OCR_LOCK:
        found, _ = engine(image, use_rec=False, use_cls=False)
    lines: list[Line] = []
    heights = sorted(max(p[1] for p in quad) - min(p[1] for p in quad) for quad in found or [])
    body = heights[len(heights) // 2] if heights else 0.0  # most lines are body type
    for quad in found or []:
        x0, x1 = int(min(p[0] for p in quad)), int(max(p[0] for p in quad))
        y0, y1 = int(min(p[1] for p in quad)), int(max(p[1] for p in quad))
        # a detected box is a little taller than its characters are wide; one run across two columns of a
        # turned page is taller still, so no wider than the body type's characters
        pitch = 0.85 * min(y1 - y0, body or y1 - y0)
        cuts = [x0, *(int(c) for c in _blank_runs(image, (x0, x1), (y0, y1), pitch)), x1]
        for a, b in zip(cuts, cuts[1:], strict=False):
            a, b = _inked_span(image, (a, b), (y0, y1))  # a piece starts and ends at its print, not mid-gutter
            if b - a < 0.5 * pitch:
                continue
            with _OCR_LOCK:
                read, _ = engine(image[y0:y1, a:b], use_det=False, use_cls=False)
            if not read:
                continue
            text, confidence = read[0][0].strip(), float(read[0][1])
            if text and confidence >= 0.5:
                # a few characters say little about their size by their width: their box's height says more
                size = type_size(text, (b - a) / scale) if len(text) >= 4 else round(1.7 * (y1 - y0) / scale) / 2
                lines.append(Line(text, a / scale, y0 / scale, b / scale, y1 / scale, size))
    return lines


def deskew(image: Any) -> Any:
    """Turn a scan upright: the angle (within two degrees) at which its rows of print are sharpest."""
    import numpy as np
    from PIL import Image

    small = image.resize((image.width // 4, image.height // 4))
    best, angle = -1.0, 0.0
    for step in range(-20, 21):
        turned = np.asarray(small.rotate(step / 10, fillcolor=255)) < 160
        rows = turned.sum(axis=1).astype(float)
        sharp = float(np.square(np.diff(rows)).sum())
        if sharp > best:
            best, angle = sharp, step / 10
    return image if angle == 0 else image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)


def _engine() -> Any:
    global _OCR
    with _OCR_LOCK:
        if _OCR is None:
            from rapidocr_onnxruntime import RapidOCR

            _OCR = RapidOCR(max_side_len=OCR_MAX_SIDE)  # keep the page's resolution: gutters stay gutters
        return _OCR


def _ink(image: Any, xs: tuple[int, int], ys: tuple[int, int]) -> Any:
    """Which columns of a band of the page hold print: a few dark pixels (light strokes of a blurred scan count)."""
    band = image[max(0, ys[0]) : ys[1], max(0, xs[0]) : xs[1]]
    if band.ndim == 3:
        band = band[..., 0]
    return (band < 200).sum(axis=0) >= 4


def _blank_runs(image: Any, xs: tuple[int, int], ys: tuple[int, int], pitch: float) -> list[float]:
    """The middles of blank stretches wider than a character and a quarter across a line's band (gutters).

    A column of the band is print when it has a few dark pixels (light strokes of a blurred scan count);
    specks of scanner noise no wider than a stroke do not end a blank stretch.
    """
    ink = _ink(image, xs, ys).tolist()
    middles: list[float] = []
    start, speck = None, 0
    for x, inked in enumerate(ink + [True] * (SPECK + 1)):
        if not inked:
            start = x if start is None else start
            speck = 0
        elif start is not None:
            speck += 1
            if speck > SPECK:
                end = x - speck + 1
                if end - start > 1.25 * pitch:  # wider than the space after a comma
                    middles.append(xs[0] + (start + end) / 2)
                start, speck = None, 0
    return middles


def _inked_span(image: Any, xs: tuple[int, int], ys: tuple[int, int]) -> tuple[int, int]:
    columns = _ink(image, xs, ys).nonzero()[0]
    if len(columns) == 0:
        return xs[0], xs[0]
    return xs[0] + max(0, int(columns[0]) - 3), xs[0] + min(xs[1] - xs[0], int(columns[-1]) + 4)


def type_size(text: str, width: float) -> float:
    """A line's type size from its width: Chinese characters are square, digits and Latin about half as wide
    (a box's height says less: detection pads it, and a tilted scan makes long lines taller)."""
    wide = sum(1 for ch in text if ord(ch) > 0x2E80)
    ems = wide + 0.55 * (len(text) - wide)
    return round(2 * width / max(ems, 1.0)) / 2


def render_image(page: Any, width: float, image_width: int) -> bytes | None:
    """The page as a WebP image ``image_width`` pixels wide (None when rendering fails)."""
    try:
        image = page.render(scale=image_width / width).to_pil()
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="WEBP", quality=70)
        return buffer.getvalue()
    except Exception as exc:  # noqa: BLE001 - the text is indexed without its image
        log.warning("page image not rendered: %s", exc)
        return None


def page_image_name(key: str, number: int) -> str:
    """The file name of a PDF page's image in the index's ``pages`` folder."""
    return f"{stable_id(key)}-{number}.webp"


def page_image(index_dir: Path, key: str, number: int) -> Path:
    """Where the image of page ``number`` of the PDF ``key`` is kept."""
    return index_dir / "pages" / page_image_name(key, number)


def save_images(index_dir: Path, key: str, pages: list[PdfPage]) -> None:
    """Keep the rendered pages of a PDF beside the index (written whole, then moved into place)."""
    for page in pages:
        if page.image is None:
            continue
        target = page_image(index_dir, key, page.number)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        partial.write_bytes(page.image)
        partial.replace(target)


def pdf_articles(pages: list[PdfPage], path: Path, key: str, paper: str | None = None) -> list[Article]:
    """Articles of a PDF's pages; an article jumped to another page of the file is joined with its rest."""
    out: list[Article] = []
    pending: dict[str, tuple[Article, LaidArticle]] = {}
    for page in pages:
        head = read_masthead(page.layout.masthead)
        label = head.page or _page_label(page.layout.masthead)
        for laid in page.layout.articles:
            if laid.jump_in and laid.title:
                earlier = pending.pop(laid.title, None)
                if earlier is not None:  # the rest of an article begun on an earlier page
                    earlier[0].text += "\n" + clean_text(laid.text)
                    continue
            article = _article(laid, page, path, key, head, label, paper)
            if article is None:
                continue
            if laid.jump_out and laid.title:
                pending[laid.title] = (article, laid)
            out.append(article)
    for article in out:  # identity once the text is whole
        article.id = stable_id(key, article.doc_id, article.text)
    return out


def _page_label(masthead: list[str]) -> str | None:
    """The page label printed beside other masthead items (``总第5154期 第3版``)."""
    match = _LABEL.search(" ".join(masthead))
    return match.group(1) if match else None


def _article(laid: LaidArticle, page: PdfPage, path: Path, key: str, head: Any, label: str | None,
             paper: str | None) -> Article | None:
    text = clean_text(laid.text)
    captions = [clean_text(c) for c in laid.captions if c.strip()]
    if captions:
        text = "\n".join([text, *(f"（图片说明：{c}）" for c in captions)]).strip()
    if len(text) < 8:
        return None
    width, height = page.layout.width, page.layout.height
    x0, y0, x1, y1 = laid.box
    doc_id = f"{path.name}#{page.number}"
    return Article(
        id="", doc_id=doc_id, source=doc_id, title=laid.title, subtitle=laid.subtitle, byline=laid.byline,
        date=head.date, issue=head.issue, page=label, text=text, file=key, paper=head.paper or paper,
        pdf_page=page.number, ocr=page.ocr,
        region=",".join(f"{v:.4f}" for v in (x0 / width, y0 / height, x1 / width, y1 / height)),
    )
