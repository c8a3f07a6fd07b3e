"""`obligations reports list|export|purge`: what users reported, for maintainers (docs/reports.md).

`export --format tsv` writes the labelled-set format `obligations eval` reads (tests/data/LABELLING.md):
question, date, verdict, documents, as_of, channel, note. Verdict, documents, as_of and channel are
the answer *given*: a reviewer corrects them into the right labels before adding the rows to a set.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot import exitcodes
from bot.feedback.store import Report, ReportStore, StorageUnavailable, default_path

TSV_COLUMNS = ("question", "date", "verdict", "documents", "as_of", "channel", "note")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], date_type: Callable[[str], dt.date]) -> None:
    reports = sub.add_parser("reports", help="error reports users chose to send: list, export (TSV for eval), purge")
    actions = reports.add_subparsers(dest="reports_command", metavar="ACTION", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db", type=Path, help="the reports file (default: OBLIGATIONS_REPORTS_DB, else the state dir)"
    )
    lst = actions.add_parser("list", parents=[common], help="reports and vote counts, oldest first")
    lst.add_argument("--since", type=date_type, help="only those from this day (YYYY-MM-DD)")
    exp = actions.add_parser("export", parents=[common], help="reports as a labelled TSV to correct, on stdout")
    exp.add_argument("--format", choices=["tsv"], default="tsv")
    exp.add_argument("--since", type=date_type, help="only those from this day (YYYY-MM-DD)")
    purge = actions.add_parser("purge", parents=[common], help="delete reports (default: past the retention period)")
    purge.add_argument("--before", type=date_type, help="delete those created before this day (YYYY-MM-DD)")


def _store(args: argparse.Namespace) -> ReportStore:
    from bot.settings import load_settings

    settings = load_settings()
    path = args.db or settings.obligations_reports_db or default_path()
    return ReportStore(path, retention_days=settings.obligations_reports_retention_days)


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from bot.settings import SettingsError

    out = out or sys.stdout
    try:
        store = _store(args)
    except SettingsError as exc:
        print(f"obligations reports: {exc}", file=sys.stderr)
        return exc.exit_code
    action = args.reports_command
    if action in ("list", "export") and not store.path.exists():
        print(f"obligations reports: no reports yet (no file at {store.path})", file=sys.stderr)
        if action == "export":
            out.write("\t".join(TSV_COLUMNS) + "\n")
        return exitcodes.OK
    try:
        if action == "list":
            return _list(store, args.since, out)
        if action == "export":
            return _export(store, args.since, out)
        before = args.before or (dt.date.today() - store.retention)
        deleted = store.purge(before)
        out.write(f"deleted {deleted} report(s) created before {before.isoformat()}, and vote counts of those days\n")
        return exitcodes.OK
    except StorageUnavailable as exc:
        print(f"obligations reports: {exc}", file=sys.stderr)
        return exitcodes.FAILURE


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _list(store: ReportStore, since: dt.date | None, out: TextIO) -> int:
    reports = store.reports(since)
    for r in reports:
        answered = f"{r.verdict} {','.join(r.documents) or '-'}"
        out.write(
            f"#{r.id}  {r.created:%Y-%m-%d %H:%M}Z  {r.frontend} {r.lang}  answered {answered}"
            f" on {r.asked_on} ({r.version or 'no version'})\n"
        )
        out.write(f"    question: {_one_line(r.question)}\n")
        if r.comment:
            out.write(f"    comment:  {_one_line(r.comment)}\n")
        if r.masked:
            out.write(f"    masked:   {', '.join(r.masked)}\n")
    votes = store.votes(since)
    up = sum(v.count for v in votes if v.vote == "up")
    down = sum(v.count for v in votes if v.vote == "down")
    out.write(f"{len(reports)} report(s); votes: {up} up, {down} down" + (f" since {since}" if since else "") + "\n")
    for v in votes:
        if v.vote == "down":
            out.write(f"    down {v.count:>5}  {v.verdict} {','.join(v.documents) or '-'} ({v.frontend})\n")
    return exitcodes.OK


def tsv_row(r: Report) -> str:
    note = f"report {r.id}; {r.frontend}; {r.lang}; {r.version or 'no version'}; reported {r.created:%Y-%m-%d}"
    if r.masked:
        note += "; masked " + ",".join(r.masked)
    if r.comment:
        note += "; comment: " + _one_line(r.comment)
    cells = (
        _one_line(r.question),
        r.asked_on.isoformat(),
        r.verdict,
        ",".join(r.documents),
        r.answer_date.isoformat() if r.answer_date != r.asked_on else "",
        r.channel,
        note,
    )
    return "\t".join(c.replace("\t", " ") for c in cells)


def _export(store: ReportStore, since: dt.date | None, out: TextIO) -> int:
    out.write("\t".join(TSV_COLUMNS) + "\n")
    for r in store.reports(since):
        out.write(tsv_row(r) + "\n")
    return exitcodes.OK
