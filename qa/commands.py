"""What each command does, given settings and parsed arguments."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from index.models import parse_day
from index.read import ReadError, discover, read_file
from index.records import source_articles
from index.store import EmbedderMismatch
from qa.answer import Answer
from qa.citations import source_label
from qa.retrieve import Filters
from qa.settings import Settings


class UserError(Exception):
    """A problem the user can fix; printed without a traceback."""


def _services(settings: Settings):  # type: ignore[no-untyped-def]
    from qa.services import build_services

    return build_services(settings)


def run_ingest(settings: Settings, args: argparse.Namespace) -> int:
    """Index files; print the report."""
    if not args.paths and not args.repair:
        raise UserError("ingest: give the files or folders to index (or --repair alone)")
    services = _services(settings)
    try:
        report = services.ingestor(progress=sys.stderr.isatty()).run(args.paths, prune=args.prune,
                                                                       rebuild_all=args.rebuild, repair=args.repair)
    except EmbedderMismatch as exc:
        raise UserError(str(exc)) from exc
    print(report.summary())
    return 1 if report.errors else 0


def run_parse(settings: Settings, args: argparse.Namespace) -> int:
    """Print the parsed articles of files as JSON lines."""
    files, errors = discover(args.paths)
    problems = [f"{p}: {why}" for p, why in errors]
    for path in files:
        try:
            source = read_file(path)
        except ReadError as exc:
            problems.append(f"{path}: {exc}")
            continue
        for article in source_articles(source):
            print(json.dumps(article.to_dict(), ensure_ascii=False))
        problems += source.problems
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


def _date(value: str | None, flag: str) -> int | None:
    try:
        return parse_day(value)
    except ValueError as exc:
        raise UserError(f"{flag} expects a date YYYY-MM-DD, got '{value}'") from exc


def _answerer(settings: Settings):  # type: ignore[no-untyped-def]
    try:
        return _services(settings).answerer()
    except EmbedderMismatch as exc:
        raise UserError(str(exc)) from exc


def run_ask(settings: Settings, args: argparse.Namespace) -> int:
    """Answer one question."""
    answerer = _answerer(settings)
    filters = Filters(since=_date(args.since, "--since"), until=_date(args.until, "--until"))
    if args.stream:
        for event in answerer.stream(args.question, k=args.k, filters=filters):
            if args.json:
                print(json.dumps(event, ensure_ascii=False), flush=True)
            else:
                _print_event(event, settings.paper_name)
        return 0
    answer, _ = answerer.answer(args.question, k=args.k, filters=filters)
    print(json.dumps(answer.to_dict(), ensure_ascii=False) if args.json else format_answer(answer, settings.paper_name))
    return 0


def _print_event(event: dict[str, Any], paper: str) -> None:
    if event["event"] == "sources":
        for c in event["citations"]:
            print(_source_line(c, paper))
        print(flush=True)
    elif event["event"] == "token":
        print(event["text"], end="", flush=True)
    else:
        answer = event["answer"]
        print()
        for line in _remarks(answer.get("degraded"), answer.get("notice"), answer.get("unsupported_sentences") or []):
            print(line)


def _source_line(citation: Any, paper: str) -> str:
    return f"[{citation['n'] if isinstance(citation, dict) else citation.n}] {source_label(citation, paper)}"


def _remarks(degraded: str | None, notice: str | None, unsupported: list[str]) -> list[str]:
    lines = [f"注意：{text}" for text in (degraded, notice) if text]
    lines += [f"未能在所引报道中核实：{sentence}" for sentence in unsupported]
    return lines


def format_answer(answer: Answer, paper: str) -> str:
    """Render an answer and its sources for a terminal."""
    lines = _remarks(answer.degraded, answer.notice, []) + [answer.text, ""]
    for c in answer.citations:
        lines.append(_source_line(c, paper) + ("" if c.supported else "  (未核实)"))
        lines.append(f"    {c.text[:160]}{'…' if len(c.text) > 160 else ''}")
    lines += _remarks(None, None, answer.unsupported_sentences)
    return "\n".join(lines).rstrip()


def run_chat(settings: Settings, args: argparse.Namespace) -> int:
    """A conversation: each line read is a question that may lean on the ones before it."""
    answerer = _answerer(settings)
    history: list[tuple[str, str]] = []
    interactive = sys.stdin.isatty() and not args.json
    while True:
        if interactive:
            print("问：", end="", flush=True)
        line = sys.stdin.readline()
        if not line:
            return 0
        question = line.strip()
        if not question:
            continue
        answer, _ = answerer.answer(question, k=args.k, history=history)
        print(json.dumps(answer.to_dict(), ensure_ascii=False) if args.json else format_answer(answer, settings.paper_name) + "\n",
              flush=True)
        history.append((question, answer.text))


def run_eval(settings: Settings, args: argparse.Namespace) -> int:
    """Score a questions file, optionally on a fresh index of --docs."""
    # with --json the one JSON object is all the command prints; the embedder and ingest go inside it
    with _quiet() if args.json else contextlib.nullcontext():
        result = _evaluate(settings, args)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        skip = {"questions"}
        print("\n".join(f"{key}: {value}" for key, value in result.items() if key not in skip))
    return 0


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Hold log records below ERROR back, and send whatever a library prints to standard output (from Python
    or from native code) to standard error instead, so that standard output carries one JSON object."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        root.setLevel(level)


def _evaluate(settings: Settings, args: argparse.Namespace) -> dict[str, Any]:
    from qa.cli import temp_index
    from qa.evaluate import evaluate, load_questions

    questions = load_questions(args.questions)
    if not args.docs:
        services = _services(settings)
        result = evaluate(services.answerer(), questions, k=args.k)
    else:
        with temp_index() as folder:
            services = _services(settings.model_copy(update={"index_dir": Path(folder)}))
            report = services.ingestor().run(args.docs)
            if not args.json:
                print(report.summary(), file=sys.stderr)
            result = evaluate(services.answerer(), questions, k=args.k)
            result["ingest"] = {"files": report.files, "articles": report.articles, "chunks": report.chunks,
                                "errors": report.errors, "seconds": round(report.seconds, 2)}
    result["embedder"] = {"name": services.embedder.name, "fallback": services.embedder.fallback}
    return result


def run_feedback(settings: Settings, args: argparse.Namespace) -> int:
    """Export the chat's feedback as eval questions."""
    from qa.feedback import FeedbackStore

    path = settings.feedback_db or settings.index_dir / "feedback.sqlite"
    if not path.exists():
        raise UserError(f"no feedback stored yet ({path} does not exist)")
    lines = [json.dumps(q, ensure_ascii=False) for q in FeedbackStore(path).export_questions()]
    text = "\n".join(lines) + ("\n" if lines else "")
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"{len(lines)} questions written to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def run_check(settings: Settings, args: argparse.Namespace) -> int:
    """Report the index's integrity; exit 1 when its parts disagree."""
    from index.check import check_index
    from qa.services import build_services

    services = build_services(settings)
    report = check_index(settings.index_dir, services.manifest, services.store)
    print(json.dumps(report.to_dict(), ensure_ascii=False) if args.json else report.summary())
    return 0 if report.ok else 1


def run_serve(settings: Settings, args: argparse.Namespace) -> int:
    """Serve the chat and API."""
    from qa.web import serve

    serve(settings, host=args.host or settings.host, port=args.port or settings.port)
    return 0
