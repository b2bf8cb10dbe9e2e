"""PDF e-paper pages: the text layer laid out into articles, scans read by OCR, page images, bad PDFs."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from index.pdf import pdf_articles, read_pdf, usable
from index.read import file_key
from qa.services import build_services
from qa.settings import Settings
from qa.web import create_app
from tests.pdfpages import Page, Story, gold, sample_pages, scan, score, story_text, write_pdf


def _read(path: Path) -> tuple[list, list[str]]:  # type: ignore[type-arg]
    pages, problems = read_pdf(path.read_bytes(), path.name)
    return pdf_articles(pages, path, file_key(path)), problems


@pytest.mark.parametrize("seed", [0, 1, 2, 3])  # 3, 4, 2 and 5 columns; headlines above and beside; box; photo; jump
def test_text_layer_pages_are_read_as_their_articles(tmp_path: Path, seed: int) -> None:
    pages = sample_pages(seed, 2)
    path = tmp_path / "paper.pdf"
    write_pdf(pages, path)
    articles, problems = _read(path)
    result = score(gold(pages), articles)
    assert problems == []
    assert result["title_recall"] >= 0.95 and result["body_accuracy"] >= 0.98, result
    first = articles[0]
    assert first.date == "2023-04-07" and first.issue == 5153 + seed and first.page == "第1版"
    assert first.doc_id == "paper.pdf#1" and first.pdf_page == 1 and not first.ocr
    x0, y0, x1, y1 = (float(v) for v in (first.region or "").split(","))
    assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1


def test_headlines_with_words_furniture_rules_feared_are_kept(tmp_path: Path) -> None:
    import random

    rng = random.Random(5)
    titles = ["高考倒计时60天 我市考点准备就绪", "平湖承办APEC中小企业论坛", "责任编辑培训班开班"]
    page = Page(rows=[[Story(t, story_text(rng, 2), span=1) for t in titles]], columns=3)
    path = tmp_path / "p.pdf"
    write_pdf([page], path)
    articles, _ = _read(path)
    assert {a.title for a in articles} >= {"高考倒计时60天我市考点准备就绪", "平湖承办APEC中小企业论坛", "责任编辑培训班开班"}
    assert all("责任编辑：王明" not in a.text for a in articles)  # the footer is furniture by its place


def test_an_article_jumped_to_another_page_is_one_article(tmp_path: Path) -> None:
    pages = sample_pages(1, 2)  # page 1 holds a story continued on page 2
    jumped = next(s for s in gold(pages) if s.whole)
    path = tmp_path / "jump.pdf"
    write_pdf(pages, path)
    articles, _ = _read(path)
    found = [a for a in articles if a.title == jumped.title.replace(" ", "")]
    assert len(found) == 1
    assert "下转" not in found[0].text and "上接" not in found[0].text
    assert score([jumped], found)["body_accuracy"] >= 0.98


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[list, list, list[str]]:  # type: ignore[type-arg]
    folder = tmp_path_factory.mktemp("scan")
    pages = sample_pages(1, 1)
    write_pdf(pages, folder / "text.pdf")
    scan(folder / "text.pdf", folder / "scan.pdf", seed=1)
    articles, problems = _read(folder / "scan.pdf")
    return pages, articles, problems


def test_a_scanned_page_is_read_by_ocr(scanned: tuple[list, list, list[str]]) -> None:  # type: ignore[type-arg]
    pages, articles, problems = scanned
    result = score(gold(pages), articles)
    assert result["title_recall"] >= 0.85 and result["body_accuracy"] >= 0.85, result
    assert all(a.ocr for a in articles) and articles[0].date == "2023-04-07"


def test_a_garbage_text_layer_is_replaced_by_ocr(tmp_path: Path) -> None:
    pages = sample_pages(2, 1)
    write_pdf(pages, tmp_path / "text.pdf")
    scan(tmp_path / "text.pdf", tmp_path / "junk.pdf", seed=2, garbage_layer=True)
    articles, problems = _read(tmp_path / "junk.pdf")
    assert any("junk.pdf page 1" in p and "OCR" in p for p in problems)
    assert score(gold(pages), articles)["title_recall"] >= 0.8


def test_usable_layer_check() -> None:
    from index.layout import Line

    assert usable([Line("本报讯 昨天上午，市长主持召开常务会议，研究部署有关工作。", 0, 0, 100, 10, 10)])
    assert not usable([Line("ÃÂ¤½¸¹ºxq#@ÃÂ¤½¸¹ºxq#@ÃÂ¤½¸¹º", 0, 0, 100, 10, 10)])


def _bad_pdfs(folder: Path) -> None:
    import pypdfium2 as pdfium
    from PIL import Image
    from reportlab.pdfgen import canvas

    secret = canvas.Canvas(str(folder / "encrypted.pdf"), encrypt="secret")
    secret.drawString(72, 720, "hidden")
    secret.save()
    good = folder / "good.pdf"
    write_pdf(sample_pages(0, 1), good)
    (folder / "truncated.pdf").write_bytes(good.read_bytes()[:2000])
    empty = pdfium.PdfDocument.new()
    empty.save(str(folder / "nopages.pdf"))
    Image.new("L", (850, 1200), 255).save(folder / "blank.pdf")


def test_bad_pdfs_are_named_and_the_rest_is_indexed(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _bad_pdfs(folder)
    settings = Settings(index_dir=tmp_path / "idx", embedding_model="hash")
    report = build_services(settings).ingestor().run([folder])
    errors = "\n".join(report.errors)
    assert "encrypted.pdf" in errors and "encrypted" in errors
    assert "truncated.pdf" in errors and "nopages.pdf" in errors and "no pages" in errors
    assert any("blank.pdf" in line and "page 1" in line and "no text" in line for line in report.warnings + report.errors)
    assert report.indexed == 1 and report.articles >= 3


def test_ingested_pdf_is_cited_with_its_page_image(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    pages = sample_pages(3, 1)
    write_pdf(pages, folder / "paper.pdf")
    settings = Settings(index_dir=tmp_path / "idx", embedding_model="hash")
    services = build_services(settings)
    first = services.ingestor().run([folder])
    again = build_services(settings).ingestor().run([folder])
    assert first.indexed == 1 and again.unchanged == 1 and again.indexed == 0  # unchanged: a no-op
    story = gold(pages)[0]
    with TestClient(create_app(services)) as client:
        found = client.get("/api/search", params={"q": story.title, "k": 3}).json()["passages"]
        top = found[0]
        assert top["doc_id"] == "paper.pdf#1" and top["title"] == story.title.replace(" ", "")
        page = client.get(f"/articles/{top['article_id']}")
        assert page.status_code == 200 and "class='region'" in page.text and "/image'" in page.text
        image = client.get(f"/articles/{top['article_id']}/image")
        assert image.status_code == 200 and image.headers["content-type"] == "image/webp"
        assert image.content[:4] == b"RIFF" and image.content[8:12] == b"WEBP"
        whole = client.get(f"/articles/{top['article_id']}/page")
        assert whole.status_code == 200 and "原版第1页" in whole.text
