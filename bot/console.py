"""`obligations console`: ask questions at a prompt, a few lines per answer.

For helpdesk staff who live in a terminal. Line editing and history come from the stdlib
`readline`, and history stays in memory: questions may contain patient data, so nothing is ever
written to disk. With stdin not a terminal it reads one question a line and exits at end of input,
which is how scripts (and tests) drive it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import textwrap
from collections.abc import Callable
from typing import Any, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import wording as W
from bot.feedback import texts as FT
from bot.feedback.facts import AnswerFacts
from bot.feedback.service import MAX_QUESTION_CHARS, Feedback
from bot.render import shape
from bot.settings import SettingsError, load_settings

WIDTH = 100

HELP = W.console("help")


def today() -> dt.date:
    """Today in France: the regulation's dates are French calendar days."""
    try:
        return dt.datetime.now(ZoneInfo("Europe/Paris")).date()
    except ZoneInfoNotFoundError:
        return dt.date.today()


def _wrap(text: str, indent: str = "  ", hang: str = "") -> str:
    return "\n".join(
        textwrap.fill(part, WIDTH, initial_indent=indent, subsequent_indent=indent + hang) if part.strip() else ""
        for part in text.splitlines()
    )


def _date_text(day: Any) -> str:
    return day.strftime("%d/%m/%Y") if isinstance(day, dt.date) else str(day)


def format_answer(a: Any) -> str:
    """The answer shape every front end follows (bot.render.shape), up to the fold: line 1, what to do,
    the exclusion, the one primary quote with its source, the caveats. No blank line inside an answer."""
    lines = [shape.assumed_line(a), shape.headline(a)] if shape.assumed_line(a) else [shape.headline(a)]
    if a.verdict == "ambigu":
        lines.extend(f"  {n}. {c.title}" for n, c in enumerate(a.candidates, 1))
        lines.append("  " + W.text("console.pick", a.lang))
        return "\n".join(lines)
    channels = shape.channel_lines(a)
    if channels:
        lines.append("  " + shape.todo_title(a))
        lines.extend(_wrap(("→ " if asked else "- ") + text, hang="  ") for asked, text in channels)
    exclusion = shape.exclusion_line(a)
    if exclusion:
        lines.append(_wrap(exclusion))
    primary, _ = shape.quotes(a)
    if primary is not None:
        lines.append(_wrap(shape.quote_text(primary, a.lang)))
        lines.append(f"  — {shape.source_line(primary, a.lang)} {primary.url}")
    for caveat in a.caveats:
        lines.append(_wrap(f"! {caveat}", hang="  "))
    return "\n".join(lines)


def _channel_names(summary: Any) -> str:
    names = []
    for c in getattr(summary, "channels", []) or []:
        if isinstance(c, str):
            names.append(c)
        else:
            names.append(getattr(c, "id", None) or getattr(c, "channel", None) or str(c))
    return ", ".join(names)


def format_catalogue(summaries: list[Any], day: dt.date) -> str:
    lines = [W.console("list_head", date=_date_text(day))]
    for s in summaries:
        title = s.title
        effective = _date_text(s.effective_date) if s.effective_date else "—"
        lines.append(f"  {s.id:<28} {effective:<11} {_channel_names(s):<40} {title}")
    return "\n".join(lines)


class Session:
    """The state of one console session: the answer date and the previous answer (for follow-ups)."""

    def __init__(self, engine: Any, out: Callable[[str], None], feedback: Feedback | None = None) -> None:
        self.engine = engine
        self.out = out
        self.feedback = feedback if feedback is not None else Feedback.disabled()
        self.date: dt.date | None = None
        self.previous: Any = None
        self.last_question: str | None = None
        self.facts: AnswerFacts | None = None  # of the last answer, for :faux / :juste / :signaler
        self.voted = False

    def day(self) -> dt.date:
        return self.date or today()

    def handle(self, line: str) -> bool:
        """Answer one line; False when the user asked to quit."""
        line = line.strip()
        if not line:
            return True
        if line.startswith(":"):
            return self.command(line)
        if line.isdigit() and self.previous is not None and self.previous.verdict == "ambigu":
            index = int(line) - 1
            if 0 <= index < len(self.previous.candidates):
                self.ask(self.last_question or line, document=self.previous.candidates[index].id)
                return True
        self.ask(line)
        return True

    def ask(self, question: str, document: str | None = None) -> None:
        context = self.previous if document is None else None
        answer = self.engine.answer(
            question[:2000], today=self.day(), context=context, document=document, asked_on=today()
        )
        self.previous = answer
        self.facts = AnswerFacts.of(answer, self.day())
        self.voted = False
        if document is None:
            self.last_question = question
        self.out(format_answer(answer))

    def vote(self, up: bool) -> None:
        """:juste / :faux: count the vote once per answer; after :faux, say what :signaler would send."""
        if self.facts is None:
            self.out(FT.text("no_answer", self.facts_lang()))
            return
        lang = self.facts.lang
        if self.voted:
            self.out(FT.text("already_voted", lang))
            return
        self.voted = True
        self.feedback.vote(up, self.facts, "console")
        if up:
            self.out(FT.text("thanks_up", lang))
        else:
            explain = FT.text("explain", lang, days=self.feedback.retention_days)
            self.out(FT.text("thanks_down", lang) + "\n" + _wrap(explain, "") + "\n" + FT.text("ask_console", lang))

    def report(self, comment: str) -> None:
        """:signaler: the last question, masked, with the answer's facts; the user typed it, so it is consent."""
        if self.facts is None or not self.last_question:
            self.out(FT.text("no_answer", self.facts_lang()))
            return
        lang = self.facts.lang
        outcome = self.feedback.report("console", self.last_question, comment, self.facts, "console")
        if outcome.stored:
            key = "stored_masked" if outcome.masked else "stored"
            self.out(FT.text(key, lang, id=outcome.number, kinds=FT.kinds_label(outcome.masked, lang)))
        else:
            self.out(FT.text(outcome.outcome, lang, chars=MAX_QUESTION_CHARS, limit=self.feedback.cap.limit))

    def facts_lang(self) -> str:
        return self.facts.lang if self.facts is not None else "fr"

    def command(self, line: str) -> bool:
        name, _, rest = line[1:].partition(" ")
        name = name.lower()
        rest = rest.strip()
        if name in {"quitter", "quit", "q", "exit"}:
            return False
        if name in {"aide", "help", "h", "?"}:
            self.out(HELP)
        elif name in {"faux", "wrong"}:
            self.vote(False)
        elif name in {"juste", "right"}:
            self.vote(True)
        elif name in {"signaler", "report"}:
            self.report(rest)
        elif name in {"liste", "list", "l"}:
            self.out(format_catalogue(self.engine.catalogue(self.day()), self.day()))
        elif name == "date":
            if not rest:
                self.date = None
                self.out(W.console("date_today", date=_date_text(today())))
            else:
                try:
                    self.date = dt.date.fromisoformat(rest)
                except ValueError:
                    self.out(W.console("date_bad", value=repr(rest)))
                else:
                    self.out(W.console("date_set", date=_date_text(self.date)))
        else:
            self.out(W.console("unknown_command", name=name))
        return True


def _setup_readline() -> None:
    """Line editing and in-memory history; never read from or written to a file."""
    try:
        import readline
    except ImportError:  # Windows without pyreadline: plain input() still works
        return
    readline.set_history_length(500)
    readline.set_auto_history(True)
    readline.clear_history()


def _interactive(session: Session, stdin: TextIO) -> int:
    _setup_readline()
    print(W.console("banner"))
    while True:
        prompt = f"[{session.date.isoformat()}] ? " if session.date else "? "
        try:
            line = input(prompt)
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        try:
            if not session.handle(line):
                return 0
        except KeyboardInterrupt:
            print()
            return 0
        print()


def _batch(session: Session, stdin: TextIO) -> int:
    try:
        for line in stdin:
            if not line.strip():
                continue
            if not session.handle(line):
                break
            print(flush=True)
    except KeyboardInterrupt:
        return 0
    return 0


def run(args: argparse.Namespace | None = None, stdin: TextIO | None = None) -> int:
    """0 at the end of input or on :quitter; 2 if the rules do not load; 78 on bad settings."""
    from bot import exitcodes
    from bot.loading import RuleFileError
    from bot.redaction import redact_for_stderr

    stdin = stdin or sys.stdin
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(redact_for_stderr(f"obligations console: {exc}"), file=sys.stderr)
        return exc.exit_code
    try:
        from bot.engine import Engine

        engine = Engine.from_settings(settings)
    except RuleFileError as exc:
        print(redact_for_stderr(f"obligations console: the rules did not load: {exc}"), file=sys.stderr)
        return exitcodes.DATA
    session = Session(engine, lambda text: print(text, flush=True), Feedback.from_settings(settings))
    if stdin.isatty() and sys.stdout.isatty():
        return _interactive(session, stdin)
    return _batch(session, stdin)
