"""One catalogue of wording: every sentence in French and English, every verdict and note code covered."""

from __future__ import annotations

import string

from bot import wording as W
from bot.answer import VERDICTS


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_sentence_exists_in_both_languages_with_the_same_parameters():
    for table in (W.TEXTS, W.TELEGRAM):
        for key, langs in table.items():
            assert set(langs) == {"fr", "en"}, key
            assert _fields(langs["fr"]) == _fields(langs["en"]), key
    assert set(W.LISTING["fr"]) == set(W.LISTING["en"])
    page = W.page_wording()
    assert set(page["fr"]) == set(page["en"])
    assert set(page["fr"]["answer"]) == set(page["en"]["answer"])  # type: ignore[arg-type]


def test_every_verdict_has_a_label_and_a_line_one_in_both_languages():
    for verdict in VERDICTS:
        assert W.verdict_label(verdict, "fr") != verdict and W.verdict_label(verdict, "en") != verdict
    assert W.verdict_label("a_verifier", "fr") == "À vérifier"
    assert W.verdict_label("a_verifier", "en") == "To be checked"
    page = W.page_wording()
    assert page["en"]["answer"]["verdicts"]["a_verifier"] == "To be checked"  # type: ignore[index]


def test_a_note_is_written_out_in_the_answers_language():
    from bot.answer import Note

    note = Note.of("starts_within", date=__import__("datetime").date(2023, 12, 31))
    assert note.params == {"date": "2023-12-31"}
    assert (
        W.note(note, "fr") == "Attention : l'obligation commence le 31 décembre 2023, au cours de la période demandée."
    )
    assert W.note(note, "en") == "Note: the obligation starts on 31 December 2023, within the period you asked about."
    kinds = Note.of("removed_ahead", sources="presse,communique", date="2024-05-27")
    assert "article de presse et communiqué officiel (reproduit)" in W.note(kinds, "fr")
