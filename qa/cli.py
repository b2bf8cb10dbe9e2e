"""The `archive-qa` command line: parse arguments, delegate to the services."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

from qa.settings import Settings


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="archive-qa", description="Cited answers from a newspaper archive.")
    parser.add_argument("--index", type=Path, help="index folder (default: QA_INDEX_DIR or ./data)")
    sub = parser.add_subparsers(dest="command", required=True)
    ingest = sub.add_parser("ingest", help="index PDF pages, page files (.txt/.md) and JSONL records, files or folders")
    ingest.add_argument("paths", nargs="*", type=Path)
    ingest.add_argument("--prune", action="store_true", help="remove files from the index that no longer exist")
    ingest.add_argument("--rebuild", action="store_true", help="drop the index and build it anew")
    ingest.add_argument("--repair", action="store_true",
                        help="make Chroma and BM25 agree with the manifest again (no PATH needed)")
    parse = sub.add_parser("parse", help="print the articles parsed from files, one JSON object per line")
    parse.add_argument("paths", nargs="+", type=Path)
    ask = sub.add_parser("ask", help="answer one question with cited passages")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the Answer as JSON")
    ask.add_argument("--k", type=int, help="passages given to the answer step")
    ask.add_argument("--since", help="earliest report date, YYYY-MM-DD")
    ask.add_argument("--until", help="latest report date, YYYY-MM-DD")
    ask.add_argument("--stream", action="store_true", help="print the sources, then the answer as it is written")
    chat = sub.add_parser("chat", help="a conversation in the terminal; questions from a pipe, one per line")
    chat.add_argument("--json", action="store_true", help="print one Answer JSON object per line")
    chat.add_argument("--k", type=int, help="passages given to the answer step")
    ev = sub.add_parser("eval", help="score questions with known answers (see the eval FORMAT)")
    ev.add_argument("questions", type=Path)
    ev.add_argument("--docs", nargs="+", type=Path, help="build a fresh index of these files first")
    ev.add_argument("--k", type=int, default=10)
    ev.add_argument("--json", action="store_true")
    fb = sub.add_parser("feedback", help="readers' 👍/👎 from the chat, exported as eval questions (JSONL)")
    fb.add_argument("action", choices=["export"])
    fb.add_argument("--out", type=Path, help="write to this file instead of standard output")
    check = sub.add_parser("check", help="check that the manifest, Chroma and BM25 hold the same chunks")
    check.add_argument("--json", action="store_true")
    serve = sub.add_parser("serve", help="serve the chat and API")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    settings = Settings(index_dir=args.index) if args.index else Settings()
    from qa import commands

    handler = getattr(commands, f"run_{args.command}")
    try:
        return int(handler(settings, args) or 0)
    except commands.UserError as exc:
        print(f"archive-qa: {exc}", file=sys.stderr)
        return 2


def temp_index() -> tempfile.TemporaryDirectory[str]:
    """Return a temporary folder for an index that lives as long as one command."""
    return tempfile.TemporaryDirectory(prefix="archive-qa-")


if __name__ == "__main__":
    sys.exit(main())
