"""Hostile and broken input: what `archive-qa ingest` says about each case, what it indexes, its peak memory.

    python -m bench.bad_inputs [--big-mb 200] [--out bench/results/bad_inputs.json]

Cases (each ingested into its own index, with a good page beside it that must be indexed too): a
``--big-mb`` JSONL file, a page of one million-character line, a 5 MB record, 5,000 small files, a folder
holding a symlink to itself, files deleted while the ingest runs, a JSONL of broken lines, wrong types
and repeated ids, a UTF-16 page without BOM, an empty file, a binary file. Peak memory is the ingest
process's maximum resident set (``VmHWM``, read while it runs).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.load import rss_mb

GOOD = "2023年4月7日◆星期五\n\n## 好稿件照常入库\n\n本报讯 这是一篇正常的报道，用来确认同批次的好文件照常入库。\n"
SENTENCE = "本报讯 平湖市今年以来全力推进乡村振兴，累计完成投资十二亿元，新建示范村八个。"
ENV = {**os.environ, "QA_EMBEDDING_MODEL": "hash", "HF_HUB_OFFLINE": "1"}


def _record(i: int, size: int) -> str:
    text = (SENTENCE * (size // len(SENTENCE) + 1))[:size]
    return json.dumps({"id": f"r{i}", "title": f"报道{i}", "date": "2023-04-07", "text": text}, ensure_ascii=False)


def build(root: Path, big_mb: int) -> dict[str, Path]:
    """Write every case into a folder of its own; return the folders by case name."""
    cases: dict[str, Path] = {}

    def case(name: str) -> Path:
        folder = root / name
        folder.mkdir(parents=True)
        (folder / "good.txt").write_text(GOOD, encoding="utf-8")
        cases[name] = folder
        return folder

    with (case("big_jsonl") / "big.jsonl").open("w", encoding="utf-8") as out:
        written, i = 0, 0
        while written < big_mb * 1_000_000:
            line = _record(i, 3000) + "\n"
            out.write(line)
            written += len(line.encode())
            i += 1
    line = "".join(f"平湖市今年以来全力推进乡村振兴，第{i}批累计完成投资{i}亿元。" for i in range(32_000))
    (case("million_char_line") / "line.txt").write_text("## 一行很长的版面\n\n" + line, encoding="utf-8")
    (case("five_mb_record") / "record.jsonl").write_text(_record(0, 1_700_000) + "\n", encoding="utf-8")
    many = case("five_thousand_files")
    for i in range(5000):
        (many / f"p{i:04d}.txt").write_text(f"## 简讯{i}\n\n本报讯 第{i}条简讯：{SENTENCE}\n", encoding="utf-8")
    loop = case("symlink_loop")
    (loop / "sub").mkdir()
    (loop / "sub" / "back").symlink_to(loop, target_is_directory=True)
    vanishing = case("vanishing_files")
    for i in range(400):
        (vanishing / f"v{i:03d}.txt").write_text(f"## 稿件{i}\n\n本报讯 {SENTENCE * 20}\n", encoding="utf-8")
    broken = case("broken_jsonl")
    lines = ['{"id": "a1", "text": "本报讯 正常的第一条记录。"}', '{"id": "a2", "text": ', "not json at all",
             '{"id": ["x"], "text": "id 是列表"}', '{"id": "a3", "text": 42}', '["a", "list"]',
             '{"id": "a1", "text": "本报讯 正常的第一条记录。"}', '{"id": "a1", "text": "同一 id 的另一段文字。"}',
             '{"id": "a4", "title": ["标题"], "date": 20230407, "text": "本报讯 类型不对的标题和日期。"}']
    (broken / "broken.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    odd = case("odd_encodings")
    (odd / "utf16.txt").write_bytes(GOOD.replace("好稿件", "无BOM的UTF-16稿件").encode("utf-16-le"))
    (odd / "empty.txt").write_bytes(b"")
    (odd / "binary.txt").write_bytes(bytes(range(256)) * 64)
    return cases


def run(name: str, folder: Path, index: Path) -> dict[str, Any]:
    """Ingest one case; for ``vanishing_files`` delete half the files a moment after the start."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "qa.cli", "--index", str(index), "ingest", str(folder)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    peak = [0.0]

    def watch() -> None:  # the process's own high-water mark, read until it ends
        while process.poll() is None:
            with contextlib.suppress(OSError, StopIteration, ValueError):
                peak[0] = max(peak[0], rss_mb(process.pid, "VmHWM"))
            time.sleep(0.2)

    threading.Thread(target=watch, daemon=True).start()
    if name == "vanishing_files":
        def vanish() -> None:
            time.sleep(1.0)
            for path in sorted(folder.glob("v*.txt"))[::2]:
                path.unlink(missing_ok=True)

        threading.Thread(target=vanish).start()
    out, err = process.communicate(timeout=1800)
    seconds = time.perf_counter() - started
    lines = out.splitlines()
    notes = [ln for ln in lines if ln.startswith(("error:", "warning:"))]
    return {"case": name, "exit": process.returncode, "seconds": round(seconds, 1),
            "peak_rss_mb": round(peak[0]),
            "summary": [ln for ln in lines if ln.startswith(("files:", "articles:"))],
            "notes": notes[:6], "more_notes": max(0, len(notes) - 6),
            "good_indexed": "好稿件照常入库" in _cli_ask(index),
            "traceback": "Traceback" in err}


def _cli_ask(index: Path) -> str:
    found = subprocess.run([sys.executable, "-m", "qa.cli", "--index", str(index), "ask", "好稿件照常入库了吗？",
                            "--json"], capture_output=True, text=True, env=ENV)
    try:
        return json.dumps(json.loads(found.stdout).get("citations", []), ensure_ascii=False)
    except ValueError:
        return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--big-mb", type=int, default=200)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        cases = build(Path(tmp) / "in", args.big_mb)
        for name, folder in cases.items():
            if args.only and name not in args.only:
                continue
            result = run(name, folder, Path(tmp) / f"idx-{name}")
            print(json.dumps(result, ensure_ascii=False), flush=True)
            results.append(result)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
