"""Accuracy on the labelled set of practitioners' questions stays at or above 97 %."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.evaluate import evaluate, read_cases, report

DATA = Path(__file__).parent / "data"


def test_labelled_set_accuracy(engine):
    cases = read_cases(str(DATA / "questions.tsv"))
    assert len(cases) >= 400
    outcomes = evaluate(engine, cases)
    accuracy = sum(o.ok for o in outcomes) / len(outcomes)
    assert accuracy >= 0.97, report(outcomes)


def test_labelled_set_covers_every_verdict_and_english():
    cases = read_cases(str(DATA / "questions.tsv"))
    assert {c.verdict for c in cases} == {
        "obligatoire",
        "pas_encore_en_vigueur",
        "exclu",
        "non_concerne",
        "non_liste",
        "a_verifier",
        "ambigu",
        "hors_sujet",
    }


@pytest.mark.parametrize(
    "name",
    [
        "questions_holdout.tsv",
        "questions_blind.tsv",
        "questions_blind2.tsv",
        "questions_blind3.tsv",
        "questions_blind4.tsv",
        "questions_blind5.tsv",
        "questions_blind6_en.tsv",
        "questions_blind7.tsv",
        "questions_blind8.tsv",
    ],
)
def test_other_authors_sets_accuracy(engine, name):
    """Sets written by other authors, first run blind (see README), then kept as regression sets."""
    cases = read_cases(str(DATA / name))
    outcomes = evaluate(engine, cases)
    accuracy = sum(o.ok for o in outcomes) / len(outcomes)
    assert accuracy >= 0.97, report(outcomes)
