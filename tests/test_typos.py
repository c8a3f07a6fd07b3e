"""Typos in the name of a document are read as the document; a different first letter is not a typo.

(The typo look-up compares a word only with lexicon words of about its length and, first, with those of
its first letter: these cases fail if that narrowing drops a word it should keep.)"""

from __future__ import annotations

import datetime as dt

import pytest

DAY = dt.date(2026, 1, 1)


@pytest.mark.parametrize(
    "text",
    [
        "Le compte rendu opératiore doit-il aller au DMP ?",  # two letters swapped: 2 edits, in a long word
        "Le compte rendu opréatoire doit-il aller au DMP ?",
        "Le compte rendu opératoir doit-il aller au DMP ?",  # one letter missing: a shorter word
        "Le compte rendu opératoirre doit-il aller au DMP ?",  # one letter too many: a longer word
    ],
)
def test_a_typo_in_a_document_name_is_read_as_that_document(engine, text):
    answer = engine.answer(text, DAY)
    assert (answer.verdict, answer.documents) == ("obligatoire", ["cr-operatoire"])


def test_a_short_word_with_one_typo_is_corrected(engine):
    answer = engine.answer("La lettre de liaisno doit-elle aller au DMP ?", DAY)
    assert (answer.verdict, answer.documents) == ("obligatoire", ["courriers"])


def test_a_different_first_letter_is_not_taken_for_a_typo(engine):
    answer = engine.answer("Le compte rendu poératoire doit-il aller au DMP ?", DAY)
    assert answer.verdict == "ambigu" and "cr-operatoire" in answer.documents
