"""Every labelled set in tests/data/ holds at ≥ 99.5 % (verdict, document, and the date and channel asked
where the set labels them), or misses only questions listed in known_misses.tsv.

The sets are found by glob: a new set is gated the day it is added.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bot.evaluate import evaluate, read_cases, report, summary

DATA = Path(__file__).parent / "data"
SETS = sorted(p.name for p in DATA.glob("*.tsv") if p.name != "known_misses.tsv")
MIN_ROWS = 200
THRESHOLD = 0.995


def known_misses() -> dict[str, set[int]]:
    """set name -> line numbers accepted as misses for now (each with the reason in the file)."""
    out: dict[str, set[int]] = {}
    path = DATA / "known_misses.tsv"
    if path.exists():
        with open(path, encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                out.setdefault(row["set"], set()).add(int(row["line"]))
    return out


def test_there_are_labelled_sets():
    assert len(SETS) >= 10, SETS


@pytest.mark.parametrize("name", SETS)
def test_labelled_set(engine, name):
    cases = read_cases(str(DATA / name))
    assert len(cases) >= MIN_ROWS, f"{name}: {len(cases)} rows, a set needs at least {MIN_ROWS}"
    outcomes = evaluate(engine, cases)
    figures = summary(outcomes)
    if figures["accuracy"] >= THRESHOLD:
        return
    allowed = known_misses().get(name, set())
    unexpected = [o for o in outcomes if not o.ok and o.case.line not in allowed]
    assert not unexpected, f"{name}: {100 * figures['accuracy']:.1f} % < {100 * THRESHOLD} %\n" + report(outcomes)


def test_known_misses_point_at_real_rows():
    for name, lines in known_misses().items():
        assert name in SETS, f"known_misses.tsv names {name}, which is not a labelled set"
        cases = {c.line for c in read_cases(str(DATA / name))}
        assert lines <= cases, f"known_misses.tsv: {name} has no rows {sorted(lines - cases)}"


def test_labelled_sets_cover_every_verdict_and_english():
    verdicts = {c.verdict for name in SETS for c in read_cases(str(DATA / name))}
    assert verdicts >= {
        "obligatoire",
        "pas_encore_en_vigueur",
        "exclu",
        "non_concerne",
        "non_liste",
        "a_verifier",
        "ambigu",
        "hors_sujet",
    }
