"""`obligations eval FILE`: accuracy on a labelled TSV (question, date, verdict, documents, note).

A row is right when the verdict matches and: for a verdict about one document, the first document is
the expected one; for `ambigu`, every expected candidate is offered; for `non_liste`/`hors_sujet`,
no document is named.
"""
from __future__ import annotations

import csv
import datetime as dt
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass

SINGLE = {"obligatoire", "pas_encore_en_vigueur", "exclu"}


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
            return not c.documents or (bool(self.documents) and self.documents[0] == c.documents[0]) or not self.documents
        return not self.documents


def read_cases(path: str, date: dt.date | None = None) -> list[Case]:
    cases = []
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if not header or header[:4] != ["question", "date", "verdict", "documents"]:
            raise ValueError(f"{path}: expected a header 'question, date, verdict, documents[, note]'")
        for number, row in enumerate(reader, 2):
            if not row or not row[0].strip():
                continue
            if len(row) < 4:
                raise ValueError(f"{path}:{number}: expected at least 4 tab-separated fields, got {len(row)}")
            try:
                day = date or dt.date.fromisoformat(row[1])
            except ValueError:
                raise ValueError(f"{path}:{number}: bad date {row[1]!r}") from None
            docs = tuple(d.strip() for d in row[3].split(",") if d.strip())
            cases.append(Case(number, row[0], day, row[2].strip(), docs))
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
            lines.append(f"  line {c.line}: {c.question!r} [{c.date}] expected {c.verdict} {','.join(c.documents)} got {o.verdict} {','.join(o.documents)}")
    return "\n".join(lines)


def run_eval(engine, path: str, date: dt.date | None) -> int:
    try:
        cases = read_cases(path, date)
    except (OSError, ValueError) as exc:
        print(f"obligations eval: {exc}", file=sys.stderr)
        return 1
    print(report(evaluate(engine, cases)))
    return 0
