"""The `obligations` command: ask, list, show, check, eval, reports, and the front ends (telegram, serve, console).

Only argument parsing and printing live here; every answer comes from `bot.engine`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (expected YYYY-MM-DD): {value!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="obligations",
        description="Which documents must médecins and biologistes put in the DMP and send by secure messaging (arrêté du 26 avril 2022, annex changed in 2024)?",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    ask = sub.add_parser("ask", help="answer a question in French or English")
    ask.add_argument("question", nargs="?", help='the question, e.g. "CR bio dans le DMP ?"')
    ask.add_argument("--date", type=_date, help="answer as of this date (YYYY-MM-DD); default today")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument(
        "--jsonl", metavar="FILE", help="one question a line in FILE ('-' for stdin), one JSON answer a line out"
    )

    lst = sub.add_parser("list", help="every document with its date, channels and exclusions")
    lst.add_argument("--date", type=_date, help="as of this date; default today")
    lst.add_argument("--json", action="store_true")

    show = sub.add_parser("show", help="one document in full, with its citations")
    show.add_argument("document", metavar="DOC_ID")
    show.add_argument("--date", type=_date)
    show.add_argument("--json", action="store_true")

    sub.add_parser("check", help="validate rules/ and knowledge/ (citations verbatim, ids, dates)")

    ev = sub.add_parser("eval", help="accuracy on a labelled TSV of questions")
    ev.add_argument("file")
    ev.add_argument("--date", type=_date, help="override the date column")

    tg = sub.add_parser("telegram", help="run the Telegram bot (long polling, or webhook with --webhook-url)")
    tg.add_argument("--webhook-url", help="public HTTPS URL Telegram posts updates to")
    tg.add_argument("--listen", default=None, help="address to listen on in webhook mode (default 127.0.0.1)")
    tg.add_argument("--port", type=int, default=None, help="port to listen on in webhook mode (default 8080)")

    srv = sub.add_parser("serve", help="the helpdesk web page and JSON API")
    srv.add_argument("--host", default=None)
    srv.add_argument("--port", type=int, default=None)
    srv.add_argument("--webhook-url", help="also serve the Telegram webhook in this process")

    sub.add_parser("console", help="an interactive prompt")

    from bot.feedback.cli import add_parser as add_reports_parser

    add_reports_parser(sub, _date)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command
    if command is None:
        if sys.stdin.isatty() and sys.stdout.isatty():
            command = "console"
        else:
            parser.print_help()
            return 0
    if command == "telegram":
        from bot.telegram.main import run as run_telegram

        return run_telegram(args)
    if command == "serve":
        from bot.web.main import run as run_web

        return run_web(args)
    if command == "console":
        from bot.console import run as run_console

        return run_console(args)
    if command == "reports":
        from bot.feedback.cli import run as run_reports

        return run_reports(args)
    from bot import commands

    return commands.run(command, args)


def entry() -> int:
    """Console entry point: `obligations ... | head` must end quietly, not with a traceback."""
    try:
        code = main()
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(entry())
