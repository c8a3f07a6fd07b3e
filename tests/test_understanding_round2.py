"""Understanding, round 2: one case for each general rule learnt from blind sets 9–12 (lab, hospital,
helpdesk, specialists). Each asserts what the user sees: verdict, document, date and channel asked."""

from __future__ import annotations

import datetime as dt

import pytest

DAY = dt.date(2026, 12, 3)


def ask(engine, text, day=DAY):
    return engine.answer(text, day)


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        # a verb of depositing does not name a channel
        ("Ordonnance de méthotrexate pour une PR : à verser ?", None),
        # a channel named outright beats a recipient
        ("Depuis 2026, les courriers entre confrères doivent aller dans le DMP ?", "dmp"),
        # a letter's addressee is not the channel asked
        ("Mon courrier au médecin traitant après une consultation, obligatoire ?", None),
        # messaging without saying whose: the recipient says it
        ("CR de scanner : à envoyer au patient par MSS ?", "mss_patient"),
        ("CR de scanner : à envoyer au médecin traitant par MSS ?", "mss_professionnels"),
        ("CRO de cataracte → MSS patient ?", "mss_patient"),
        # a recipient alone still says it when nothing else does
        ("le CR de scanner doit-il être envoyé au médecin traitant ?", "mss_professionnels"),
    ],
)
def test_channel_asked(engine, text, channel):
    assert ask(engine, text).channel_asked == channel


def test_a_message_naming_no_document_is_not_offered_every_document(engine):
    a = ask(engine, "La patiente s'oppose à ce qu'on alimente son DMP, qu'est-ce qu'on fait ?")
    assert a.verdict == "hors_sujet" and not a.documents
