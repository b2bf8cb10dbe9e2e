"""Reading PDF pages: title recall, body accuracy and pages per second, text layer and scans; splices against
the plain-text route.

    python -m bench.pdf_ingest [--text-pages 24] [--scan-pages 4] [--out bench/results/pdf_ingest.json]

Pages are written by ``tests.pdfpages`` (2 to 5 columns, headlines above and beside their bodies, boxed
stories, photos with captions, jumps to another page), so every article is known. Scans are those pages
rasterised at 150 dpi, slightly turned and speckled. The plain-text route is what an e-paper's own text
export gives (PDFium's text in content order, page by page), parsed as a ``.txt`` page; the PDF route lays
the page out first. Splices are counted by ``index.splice`` on the chunks of each route.
The plain-text route reads the text the way many exporters do, line by line across the page (each column's
piece of a line on a line of its own), which interleaves the columns as the sample ``.txt`` pages show.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from index.chunk import chunk_article
from index.parse import parse_page
from index.pdf import layer_lines, pdf_articles, read_pdf
from index.splice import count_splices
from tests.pdfpages import gold, sample_pages, scan, score, write_pdf

LAYOUTS = 4  # sample_pages cycles through four layouts


def _files(folder: Path, pages: int, scanned: bool) -> list[tuple[Path, list]]:  # type: ignore[type-arg]
    out = []
    for seed in range(max(1, pages // 2)):
        printed = sample_pages(seed, 2)
        path = folder / f"paper{seed}.pdf"
        write_pdf(printed, path)
        if scanned:
            scanned_path = folder / f"scan{seed}.pdf"
            scan(path, scanned_path, seed=seed)
            path = scanned_path
        out.append((path, printed))
    return out


def _judge(files: list[tuple[Path, list]], read: Callable[[Path], tuple[list, int]]) -> dict[str, float]:  # type: ignore[type-arg]
    """Read every file with ``read`` (articles, pages); recall and accuracy (means over files), splices, time."""
    recalls, accuracies, chunks, texts = [], [], [], []
    seconds, pages = 0.0, 0
    for path, printed in files:
        started = time.perf_counter()
        articles, count = read(path)
        seconds += time.perf_counter() - started
        pages += count
        result = score(gold(printed), articles)
        recalls.append(result["title_recall"])
        accuracies.append(result["body_accuracy"])
        chunks += [c for a in articles for c in chunk_article(a)]
        texts += [a.text for a in articles]
    spliced = count_splices(chunks, texts)
    return {"files": len(files), "pages": pages, "title_recall": round(statistics.mean(recalls), 4),
            "body_accuracy": round(statistics.mean(accuracies), 4), "pages_per_s": round(pages / seconds, 2),
            "chunks": len(chunks), "splices_per_100_chunks": round(100 * spliced / max(1, len(chunks)), 2)}


def measure(files: list[tuple[Path, list]]) -> dict[str, float]:  # type: ignore[type-arg]
    """The PDF route: each page laid out into articles (text layer, or OCR for scans)."""
    def read(path: Path) -> tuple[list, int]:  # type: ignore[type-arg]
        pages, _ = read_pdf(path.read_bytes(), path.name)
        return pdf_articles(pages, path, str(path)), len(pages)

    return _judge(files, read)


def text_route(files: list[tuple[Path, list]]) -> dict[str, float]:  # type: ignore[type-arg]
    """The same pages through the plain-text route: each page's lines across the page, parsed as a page file."""
    import pypdfium2 as pdfium

    def read(path: Path) -> tuple[list, int]:  # type: ignore[type-arg]
        document = pdfium.PdfDocument(str(path))
        articles = []
        for index in range(len(document)):
            page = document[index]
            lines = sorted(layer_lines(page, page.get_size()[1]), key=lambda ln: (round(ln.y1), ln.x0))
            articles += parse_page("\n".join(line.text for line in lines), f"{path.name}#{index + 1}")
        count = len(document)
        document.close()
        return articles, count

    result = _judge(files, read)
    return {k: result[k] for k in ("title_recall", "body_accuracy", "chunks", "splices_per_100_chunks")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--text-pages", type=int, default=24)
    parser.add_argument("--scan-pages", type=int, default=4)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        text_files = _files(folder, args.text_pages, scanned=False)
        result = {"text_layer": measure(text_files), "plain_text_route": text_route(text_files)}
        if args.scan_pages:
            result["scanned"] = measure(_files(folder, args.scan_pages, scanned=True))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
