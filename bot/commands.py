"""The one-shot subcommands of `obligations`: ask, list, show, check, eval."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot import exitcodes
from bot.loading import RuleFileError
from bot.redaction import redact_for_stderr

if TYPE_CHECKING:
    from bot.engine import Engine


def _engine() -> Engine:
    """The engine from the data directories the settings name; unknown or bad settings stop here."""
    from bot.engine import Engine
    from bot.settings import load_settings

    return Engine.from_settings(load_settings())


def _print_json(data: Any, out: TextIO = sys.stdout) -> None:
    out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def run(command: str, args: argparse.Namespace) -> int:
    from bot.settings import SettingsError

    try:
        if command == "check":
            return cmd_check()
        engine = _engine()
    except RuleFileError as exc:
        print(redact_for_stderr(f"obligations: invalid rule data: {exc}"), file=sys.stderr)
        return exitcodes.DATA
    except SettingsError as exc:
        print(redact_for_stderr(f"obligations: {exc}"), file=sys.stderr)
        return exc.exit_code
    today = getattr(args, "date", None) or dt.date.today()
    if command == "ask":
        return cmd_ask(engine, args, today)
    if command == "list":
        return cmd_list(engine, today, args.json)
    if command == "show":
        return cmd_show(engine, args.document, today, args.json)
    if command == "eval":
        from bot.evaluate import run_eval

        return run_eval(engine, args.file, args.date)
    print(f"obligations: unknown command {command!r}", file=sys.stderr)
    return 2


def cmd_ask(engine: Engine, args: argparse.Namespace, today: dt.date) -> int:
    if args.jsonl:
        return _ask_jsonl(engine, args.jsonl, today)
    if args.question is None:
        print(
            'obligations ask: give a question, e.g. obligations ask "CR bio dans le DMP ?" (or --jsonl FILE)',
            file=sys.stderr,
        )
        return exitcodes.USAGE
    answer = engine.answer(args.question, today, asked_on=dt.date.today())
    if args.json:
        _print_json(answer.to_json())
    else:
        print(answer.text)
    return 0


def _ask_jsonl(engine: Engine, path: str, today: dt.date) -> int:
    """One JSON answer a line for one question a line, whatever the bytes and the locale.

    Input is read as bytes and each line decoded as UTF-8 with replacement (a stray Latin-1 byte in a
    spreadsheet export must not end the batch); output is UTF-8 written to the binary stdout, so neither
    a C locale nor a strict UTF-8 one changes what comes out: one line of valid UTF-8 JSON per line in.
    """
    try:
        stream = sys.stdin.buffer if path == "-" else open(path, "rb")
    except OSError as exc:
        print(f"obligations ask: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 1
    write = _json_line_writer(sys.stdout)
    with stream:
        for raw in stream:
            # A blank line gets an answer too: output lines match input lines.
            question = raw.removesuffix(b"\n").removesuffix(b"\r").decode("utf-8", errors="replace")
            answer = engine.answer(question, today, asked_on=dt.date.today())
            write(answer.to_json())
    return 0


def _json_line_writer(out: TextIO) -> Callable[[Any], None]:
    """Write-and-flush one JSON line as UTF-8 bytes to `out`'s binary buffer (ASCII escapes where there is none)."""
    buffer = getattr(out, "buffer", None)
    if buffer is None:  # a text-only stream (a test's StringIO): \u escapes are encodable in any locale

        def write_text(data: Any) -> None:
            out.write(json.dumps(data, ensure_ascii=True) + "\n")
            out.flush()

        return write_text
    out.flush()  # anything already written as text goes first

    def write_bytes(data: Any) -> None:
        buffer.write((json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8", errors="replace"))
        buffer.flush()

    return write_bytes


def cmd_list(engine: Engine, today: dt.date, as_json: bool) -> int:
    from bot.render.listing import render_catalogue

    rows = engine.catalogue(today)
    if as_json:
        _print_json([r.to_json() for r in rows])
    else:
        print(render_catalogue(rows, engine.rulebook, today))
    return 0


def cmd_show(engine: Engine, document: str, today: dt.date, as_json: bool) -> int:
    if document not in engine.rulebook.documents:
        known = ", ".join(engine.rulebook.documents)
        print(f"obligations show: unknown document {document!r}; known ids: {known}", file=sys.stderr)
        return exitcodes.USAGE
    answer = engine.show(document, today, asked_on=dt.date.today())
    if as_json:
        _print_json(answer.to_json())
    else:
        print(answer.text)
    return 0


def cmd_check() -> int:
    from bot.check import check_lexicon, check_rulebook
    from bot.loading import DEFAULT_KNOWLEDGE_DIR
    from bot.settings import load_settings

    try:
        engine = _engine()
        knowledge = load_settings().obligations_knowledge_dir or DEFAULT_KNOWLEDGE_DIR
        problems = check_rulebook(engine.rulebook) + check_lexicon(Path(knowledge) / "lexicon.yaml", engine.rulebook)
    except RuleFileError as exc:
        print(redact_for_stderr(f"obligations check: {exc}"), file=sys.stderr)
        return 1
    for p in problems:
        print(f"obligations check: {p}", file=sys.stderr)
    if problems:
        return 1
    versions = len(engine.rulebook.versions)
    citations = sum(
        len(r.citations) + len(r.channels) + len(r.exclusions) for v in engine.rulebook.versions for r in v.rows
    )
    print(
        f"ok: {versions} legal texts, {len(engine.rulebook.documents)} documents, {len(engine.rulebook.sources)} sources, {citations} citations verbatim"
    )
    return 0
