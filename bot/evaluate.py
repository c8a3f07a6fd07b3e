"""`obligations eval FILE`: accuracy on a labelled TSV (question, date, verdict, documents, note).

A row is right when the verdict matches and: for a verdict about one document (`a_verifier` included),
the first document is the expected one; for `ambigu`, every expected candidate is offered; for
`non_liste`, the first document is the expected one when the row names one (a document removed from the
list, or added later) and no document is named when it does not; for `hors_sujet`, no document is named.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.answer import VERDICTS

if TYPE_CHECKING:
    from bot.engine import Engine

SINGLE = {"obligatoire", "pas_encore_en_vigueur", "exclu", "a_verifier"}
DATED = SINGLE | {"non_liste"}  # verdicts whose date matters: the row answered depends on it
LONG = 100  # characters: a "long message" in the report


@dataclass(frozen=True)
class Case:
    line: int
    question: str
    date: dt.date
    verdict: str
    documents: tuple[str, ...]
    as_of: tuple[dt.date, dt.date] | None = None  # the span the answer's date must fall in (None: the date asked)
    date_labelled: bool = False  # the set has an as_of column: the date the answer is for is scored
    channel: str | None = None  # None: not labelled; "": no channel named


@dataclass(frozen=True)
class Outcome:
    case: Case
    verdict: str
    documents: tuple[str, ...]
    date: dt.date | None = None
    channel: str | None = None

    @property
    def verdict_ok(self) -> bool:
        """The verdict and the document(s) are right."""
        c = self.case
        if self.verdict != c.verdict:
            return False
        if c.verdict in SINGLE:
            return bool(self.documents) and self.documents[0] == c.documents[0]
        if c.verdict == "ambigu":
            return set(c.documents) <= set(self.documents)
        if c.verdict == "non_concerne":
            return (
                not c.documents or (bool(self.documents) and self.documents[0] == c.documents[0]) or not self.documents
            )
        if c.verdict == "non_liste" and c.documents:
            return bool(self.documents) and self.documents[0] == c.documents[0]
        return not self.documents

    @property
    def date_ok(self) -> bool:
        """The answer is for the date asked (scored where the verdict depends on a date)."""
        c = self.case
        if self.date is None or not c.date_labelled or c.verdict not in DATED:
            return True
        first, last = c.as_of or (c.date, c.date)
        return first <= self.date <= last

    @property
    def channel_ok(self) -> bool:
        """The channel asked was understood (scored where the set labels it and a document is answered)."""
        c = self.case
        if c.channel is None or c.verdict not in SINGLE:
            return True
        return (self.channel or "") == c.channel

    @property
    def ok(self) -> bool:
        return self.verdict_ok and self.date_ok and self.channel_ok

    @property
    def confident_wrong(self) -> bool:
        """A verdict given without asking back, and wrong: the worst failure."""
        return not self.ok and self.verdict != "ambigu"

    @property
    def asked_back(self) -> bool:
        """Asked which document when the question was clear."""
        return self.verdict == "ambigu" and self.case.verdict != "ambigu"


COLUMNS = {
    "question": ("question", "questions", "q", "text", "texte"),
    "date": ("date", "today", "asked_on", "day", "jour"),
    "verdict": ("verdict", "expected_verdict", "expected verdict", "label"),
    "documents": ("documents", "expected_documents", "expected documents", "document", "docs", "doc_ids", "ids"),
    "as_of": ("as_of", "asked_date", "date_asked", "effective_date"),
    "channel": ("channel", "channel_asked", "canal"),
}
_SPLIT_IDS = re.compile(r"[,;|\s]+")


def _header(row: list[str]) -> dict[str, int] | None:
    """Column positions by name, in any order; None if the first row is not a header."""
    names = [c.strip().lower() for c in row]
    found = {key: names.index(alias) for key, aliases in COLUMNS.items() for alias in aliases if alias in names}
    return found if {"question", "verdict"} <= set(found) else None


def read_cases(path: str, date: dt.date | None = None) -> list[Case]:
    """Labelled questions from a TSV (or CSV) file; columns by header name, else question, date, verdict, documents."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        text = fh.read()
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first or "," not in first else ","
    rows = list(
        csv.reader(
            io.StringIO(text), delimiter=delimiter, quoting=csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
        )
    )
    if not rows:
        raise ValueError(f"{path}: empty file")
    columns = _header(rows[0])
    start = 2 if columns else 1
    if columns is None:
        columns = {"question": 0, "date": 1, "verdict": 2, "documents": 3}
        if rows[0] and len(rows[0]) >= 2 and rows[0][1].strip() in VERDICTS:
            columns = {"question": 0, "verdict": 1, "documents": 2}
    cases = []
    for number, row in enumerate(rows[start - 1 :], start):
        if not row or not "".join(row).strip():
            continue

        def cell(key: str, row: list[str] = row) -> str:
            i = columns.get(key)
            return row[i].strip() if i is not None and i < len(row) else ""

        verdict = cell("verdict")
        if verdict not in VERDICTS:
            raise ValueError(f"{path}:{number}: unknown verdict {verdict!r} (expected one of {', '.join(VERDICTS)})")
        raw_date = cell("date")
        try:
            day = date or (dt.date.fromisoformat(raw_date) if raw_date else dt.date.today())
        except ValueError:
            raise ValueError(f"{path}:{number}: bad date {raw_date!r} (expected YYYY-MM-DD)") from None
        docs = tuple(d for d in _SPLIT_IDS.split(cell("documents")) if d)
        channel = cell("channel") if "channel" in columns else None
        try:
            as_of = _span(cell("as_of")) if cell("as_of") else None
        except ValueError:
            raise ValueError(
                f"{path}:{number}: bad as_of {cell('as_of')!r} (expected YYYY, YYYY-MM or YYYY-MM-DD)"
            ) from None
        question = row[columns["question"]] if columns["question"] < len(row) else ""
        cases.append(Case(number, question, day, verdict, docs, as_of, "as_of" in columns, channel))
    return cases


def _span(text: str) -> tuple[dt.date, dt.date]:
    """ "2023" → the whole year, "2023-06" → the month, "2023-06-01" → that day."""
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        first = dt.date(parts[0], parts[1], 1)
        after = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return first, after - dt.timedelta(days=1)
    day = dt.date(*parts)
    return day, day


def evaluate(engine: Engine, cases: list[Case]) -> list[Outcome]:
    out = []
    known = engine.rulebook.channels
    for c in cases:
        if c.channel and c.channel not in known:
            raise ValueError(f"line {c.line}: unknown channel {c.channel!r} (expected one of {', '.join(known)})")
        a = engine.answer(c.question, c.date)
        out.append(Outcome(c, a.verdict, tuple(a.documents), a.date, a.channel_asked))
    return out


def _rate(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100 * part / max(whole, 1):.1f} %"


def summary(outcomes: list[Outcome]) -> dict[str, float]:
    """The headline figures, as fractions: full score, verdict+document, confident wrong, long vs short."""
    total = max(len(outcomes), 1)
    long = [o for o in outcomes if len(o.case.question) > LONG]
    short = [o for o in outcomes if len(o.case.question) <= LONG]
    return {
        "accuracy": sum(o.ok for o in outcomes) / total,
        "verdict_accuracy": sum(o.verdict_ok for o in outcomes) / total,
        "confident_wrong": sum(o.confident_wrong for o in outcomes) / total,
        "asked_back": sum(o.asked_back for o in outcomes) / total,
        "long_accuracy": sum(o.ok for o in long) / max(len(long), 1),
        "short_accuracy": sum(o.ok for o in short) / max(len(short), 1),
    }


def report(outcomes: list[Outcome]) -> str:
    lines = []
    total = len(outcomes)
    right = sum(o.ok for o in outcomes)
    long = [o for o in outcomes if len(o.case.question) > LONG]
    short = [o for o in outcomes if len(o.case.question) <= LONG]
    lines.append(f"accuracy: {_rate(right, total)} (verdict, document, date asked and channel asked)")
    lines.append(
        f"confident wrong: {_rate(sum(o.confident_wrong for o in outcomes), total)} (a wrong verdict other than ambigu)"
    )
    lines.append(f"verdict and document only: {_rate(sum(o.verdict_ok for o in outcomes), total)}")
    lines.append(f"asked back when the question was clear: {_rate(sum(o.asked_back for o in outcomes), total)}")
    lines.append(f"messages over {LONG} characters: {_rate(sum(o.ok for o in long), len(long))}")
    lines.append(f"messages of {LONG} characters or fewer: {_rate(sum(o.ok for o in short), len(short))}")
    wrong_date = sum(o.verdict_ok and not o.date_ok for o in outcomes)
    wrong_channel = sum(o.verdict_ok and o.date_ok and not o.channel_ok for o in outcomes)
    if wrong_date or wrong_channel:
        lines.append(f"right verdict but wrong date asked: {wrong_date}; wrong channel asked: {wrong_channel}")
    by_verdict: dict[str, list[bool]] = defaultdict(list)
    by_doc: dict[str, list[bool]] = defaultdict(list)
    confusion: Counter[tuple[str, str]] = Counter()
    for o in outcomes:
        by_verdict[o.case.verdict].append(o.ok)
        for d in o.case.documents[:1]:
            by_doc[d].append(o.ok)
        if o.case.verdict in SINGLE and o.documents and o.case.documents and o.documents[0] != o.case.documents[0]:
            confusion[(o.case.documents[0], o.documents[0])] += 1
    lines.append("\nper verdict:")
    for v, oks in sorted(by_verdict.items()):
        lines.append(f"  {v:24} {sum(oks):4}/{len(oks):<4} {100 * sum(oks) / len(oks):5.1f} %")
    lines.append("\nper document (expected):")
    for d, oks in sorted(by_doc.items()):
        lines.append(f"  {d:30} {sum(oks):4}/{len(oks):<4} {100 * sum(oks) / len(oks):5.1f} %")
    if confusion:
        lines.append("\nconfusion (expected -> answered):")
        for (a, b), n in confusion.most_common():
            lines.append(f"  {a} -> {b}: {n}")
    misses = [o for o in outcomes if not o.ok]
    if misses:
        lines.append(f"\nmisses ({len(misses)}):")
        for o in misses:
            c = o.case
            extra = ""
            if o.verdict_ok and not o.date_ok:
                extra = f" (answered for {o.date}, asked {c.as_of[0] if c.as_of else c.date})"
            elif o.verdict_ok and not o.channel_ok:
                extra = f" (channel {o.channel or 'none'}, expected {c.channel or 'none'})"
            lines.append(
                f"  line {c.line}: {c.question!r} [{c.date}] expected {c.verdict} {','.join(c.documents)}"
                f" got {o.verdict} {','.join(o.documents)}{extra}"
            )
    return "\n".join(lines)


def run_eval(engine: Engine, path: str, date: dt.date | None) -> int:
    try:
        cases = read_cases(path, date)
        outcomes = evaluate(engine, cases)
    except (OSError, ValueError) as exc:
        print(
            f"obligations eval: {path}: {exc}" if str(exc).startswith("line ") else f"obligations eval: {exc}",
            file=sys.stderr,
        )
        return 1
    print(report(outcomes))
    return 0
