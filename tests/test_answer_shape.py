"""A dozen questions a doctor or a helpdesk agent typically asks, rendered as they would read them.

Each answer must fit a phone screen before the fold, say the verdict on line 1 (with the date when it is
not today), show one primary quote and never the same quote twice, and be HTML Telegram accepts.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics

import pytest

from bot.render import shape
from bot.render.html import render_html, visible_before_fold
from bot.render.text import render_text
from tests.fake_bot_api import shared_engine
from tests.test_render_html import parse

TODAY = dt.date(2026, 11, 25)

# (question, verdict, the start of line 1 as the reader sees it)
TYPICAL = [
    (
        "Le compte rendu opératoire doit-il aller dans le DMP ?",
        "obligatoire",
        "✅ Obligatoire depuis le 31 décembre 2023 : compte rendu opératoire.",
    ),
    (
        "CR bio à envoyer au patient ?",
        "obligatoire",
        "✅ Obligatoire depuis le 31 décembre 2022 : compte rendu d'examens de biologie médicale.",
    ),
    (
        "compte rendu de radio pendant une hospitalisation ?",
        "exclu",
        "🚫 Pas d'obligation dans ce cas (séjour hospitalier) : compte rendu d'examens d'imagerie",
    ),
    ("ordonnance soumise à entente préalable dans le DMP ?", "exclu", "🚫 Pas d'obligation dans ce cas"),
    (
        "CRO dans le DMP en juin 2023 ?",
        "pas_encore_en_vigueur",
        "⏳ Au 1er juin 2023, pas encore obligatoire : compte rendu opératoire (à partir du 31 décembre 2023).",
    ),
    ("je suis kiné, le bilan dans le DMP ?", "non_concerne", "🙅 Non concerné : cette obligation ne vise pas"),
    ("certificat médical dans le DMP ?", "non_liste", "➖ Non : depuis le 27 mai 2024, ce document ne figure plus"),
    ("photos peropératoires dans le DMP ?", "non_liste", "➖ Non listé : ce document ne figure pas"),
    ("compte rendu ?", "ambigu", "❓ Je ne suis pas sûr du document dont vous parlez."),
    ("comment changer le toner de l'imprimante ?", "hors_sujet", "💬 Je réponds aux questions"),
    (
        "Must the operative report go to the patient?",
        "obligatoire",
        "✅ Required since 31 December 2023: operative report.",
    ),
    ("lettre de liaison de sortie par messagerie sécurisée ?", "obligatoire", "✅ Obligatoire depuis le"),
]

_QUOTE = re.compile(r"« (.+?) »(?=\n|$|\s—)", re.S)


@pytest.fixture(scope="module")
def rendered():
    engine = shared_engine()
    out = {}
    for question, _, _ in TYPICAL:
        answer = engine.answer(question, TODAY)
        out[question] = (answer, render_html(answer))
    return out


@pytest.mark.parametrize(("question", "verdict", "first_line"), TYPICAL, ids=[q for q, _, _ in TYPICAL])
def test_a_typical_answer_reads_on_a_phone(rendered, question, verdict, first_line):
    answer, messages = rendered[question]
    assert answer.verdict == verdict
    assert len(messages) == 1, "one message"
    text = parse(messages[0])  # valid Telegram HTML (tags known and balanced, under 4,096 characters)
    assert text.splitlines()[0].startswith(first_line), text.splitlines()[0]
    assert len(visible_before_fold(messages)) <= 1000, "fits a phone screen before the fold"
    # one primary quote, outside the fold; the others (if any) inside the one expandable blockquote
    assert messages[0].count("<blockquote>") == (1 if answer.citations else 0)
    assert messages[0].count("<blockquote expandable>") <= 1
    # no quote twice: every « … » shown differs from the others and none is inside another
    quotes = [q.strip() for q in _QUOTE.findall(text)]
    for i, q in enumerate(quotes):
        assert not any(i != j and q in other for j, other in enumerate(quotes)), f"« {q} » twice"
    # one link per source
    links = re.findall(r'<a href="([^"]+)"', messages[0])
    assert len(links) == len(set(links))


def test_the_median_typical_answer_fits_one_phone_screen(rendered):
    lengths = [len(visible_before_fold(messages)) for _, messages in rendered.values()]
    assert statistics.median(lengths) <= 700


def test_the_annex_row_is_shown_under_its_headings_and_its_cells_are_the_texts_own(rendered):
    answer, messages = rendered["Le compte rendu opératoire doit-il aller dans le DMP ?"]
    primary, _ = shape.quotes(answer)
    assert primary is not None and primary.text == "| Le compte rendu opératoire | X | X | X | 31 décembre 2023 |"
    assert (
        "« Le compte rendu opératoire »\n"
        "Versement au DMP : oui · Envoi aux professionnels : oui · Envoi au patient : oui · "
        "Entrée en vigueur : 31 décembre 2023"
    ) in parse(messages[0])
    cells = shape.row_cells(primary.text)
    assert "| " + " | ".join(cells) + " |" == primary.text, "the cells put back together are the quote checked"
    # the long title of the arrêté appears nowhere; its short title once, as the link
    assert "fixant la liste" not in messages[0]
    assert parse(messages[0]).count("Arrêté du 23 mai 2024, annexe") == 1


def test_an_exclusion_is_named_once_and_quoted_once(rendered):
    answer, messages = rendered["compte rendu de radio pendant une hospitalisation ?"]
    text = parse(messages[0])
    assert text.count("hors compte rendu produit dans le cadre d'un séjour hospitalier") == 1
    assert "Exclu ici : séjour hospitalier." in text


def test_plain_text_follows_the_same_shape(rendered):
    answer, _ = rendered["CRO dans le DMP en juin 2023 ?"]
    lines = render_text(answer).splitlines()
    assert lines[0] == shape.headline(answer) == answer.headline
    assert lines[1] == "Ce qu'il faudra faire :"
    assert render_text(answer).count("Versement au DMP : oui") == 1
