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

from bot.answer import VERDICTS

SINGLE = {"obligatoire", "pas_encore_en_vigueur", "exclu", "a_verifier"}


@dataclass(frozen=True)
class Case:
    line: int
    question: str
    date: dt.date
    verdict: str
    documents: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    case: Case
    verdict: str
    documents: tuple[str, ...]

    @property
    def ok(self) -> bool:
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


COLUMNS = {
    "question": ("question", "questions", "q", "text", "texte"),
    "date": ("date", "today", "asked_on", "day", "jour"),
    "verdict": ("verdict", "expected_verdict", "expected verdict", "label"),
    "documents": ("documents", "expected_documents", "expected documents", "document", "docs", "doc_ids", "ids"),
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
        cases.append(
            Case(number, row[columns["question"]] if columns["question"] < len(row) else "", day, verdict, docs)
        )
    return cases


def evaluate(engine, cases: list[Case]) -> list[Outcome]:
    out = []
    for c in cases:
        a = engine.answer(c.question, c.date)
        out.append(Outcome(c, a.verdict, tuple(a.documents)))
    return out


def report(outcomes: list[Outcome]) -> str:
    lines = []
    total = len(outcomes)
    right = sum(o.ok for o in outcomes)
    lines.append(f"accuracy: {right}/{total} = {100 * right / max(total, 1):.1f} %")
    by_verdict: dict[str, list[bool]] = defaultdict(list)
    by_doc: dict[str, list[bool]] = defaultdict(list)
    confusion: Counter = Counter()
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
            lines.append(
                f"  line {c.line}: {c.question!r} [{c.date}] expected {c.verdict} {','.join(c.documents)} got {o.verdict} {','.join(o.documents)}"
            )
    return "\n".join(lines)


def run_eval(engine, path: str, date: dt.date | None) -> int:
    try:
        cases = read_cases(path, date)
    except (OSError, ValueError) as exc:
        print(f"obligations eval: {exc}", file=sys.stderr)
        return 1
    print(report(evaluate(engine, cases)))
    return 0
