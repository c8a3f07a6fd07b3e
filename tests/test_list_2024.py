"""The list as the 2024 text left it: certificates removed, prescriptions hors produits de santé added,
two rows uncertain until 31 December 2025 — on both sides of every date that matters."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from bot.console import format_answer
from bot.render.html import render_html

D = dt.date
TODAY = D(2026, 11, 25)
CERT = "certificats-declarations"
NEW = "prescription-hors-produits-sante"


@pytest.mark.parametrize(
    "question,day,verdict,docs",
    [
        # certificates: in the list from 31 Dec 2023 until the 2024 text applies (27 May 2024)
        ("certificat médical dans le DMP ?", D(2023, 12, 30), "pas_encore_en_vigueur", [CERT]),
        ("certificat médical dans le DMP ?", D(2023, 12, 31), "obligatoire", [CERT]),
        ("certificat médical dans le DMP ?", D(2024, 5, 26), "obligatoire", [CERT]),
        ("certificat médical dans le DMP ?", D(2024, 5, 27), "non_liste", [CERT]),
        ("medical certificate in the DMP?", TODAY, "non_liste", [CERT]),
        # the new document: not in the 2022 list, then added with what we do not know
        ("ordo de kiné dans le DMP ?", D(2024, 5, 26), "non_liste", [NEW]),
        ("ordo de kiné dans le DMP ?", D(2024, 5, 27), "a_verifier", [NEW]),
        ("ordo de kiné dans le DMP ?", D(2023, 1, 1), "non_liste", [NEW]),
        ("bon de transport dans le DMP ?", TODAY, "a_verifier", [NEW]),
        ("PMT au patient par Mon espace santé ?", TODAY, "a_verifier", [NEW]),
        ("prescription de soins infirmiers au DMP ?", TODAY, "a_verifier", [NEW]),
        ("ordo IDE au DMP ?", TODAY, "a_verifier", [NEW]),
        ("prescription d'orthophonie dans le DMP ?", TODAY, "a_verifier", [NEW]),
        ("ordonnance de cure thermale au DMP ?", TODAY, "a_verifier", [NEW]),
        ("prescription d'activité physique adaptée au DMP ?", TODAY, "a_verifier", [NEW]),
        ("physiotherapy prescription in the DMP?", TODAY, "a_verifier", [NEW]),
        ("ambulance transport prescription: DMP upload required?", TODAY, "a_verifier", [NEW]),
        ("je suis infirmière, ordo de kiné dans le DMP ?", TODAY, "non_concerne", [NEW]),
        # what is not a prescription of care stays as it was
        ("bilan de kiné dans le DMP ?", TODAY, "non_liste", []),
        ("compte rendu de kiné dans le DMP ?", TODAY, "non_liste", []),
        (
            "kiné, je prescris des béquilles, l'ordonnance au DMP ?",
            TODAY,
            "non_concerne",
            ["prescription-produits-sante"],
        ),
        # the demande d'imagerie and the courriers: uncertain from 27 May 2024 to 30 Dec 2025, due after
        ("demande d'IRM dans le DMP ?", D(2023, 12, 30), "pas_encore_en_vigueur", ["demande-imagerie"]),
        ("demande d'IRM dans le DMP ?", D(2024, 5, 26), "obligatoire", ["demande-imagerie"]),
        ("demande d'IRM dans le DMP ?", D(2024, 5, 27), "a_verifier", ["demande-imagerie"]),
        ("demande d'IRM dans le DMP ?", D(2025, 12, 30), "a_verifier", ["demande-imagerie"]),
        ("demande d'IRM dans le DMP ?", D(2025, 12, 31), "obligatoire", ["demande-imagerie"]),
        ("courrier au confrère par MSSanté ?", D(2023, 12, 30), "pas_encore_en_vigueur", ["courriers"]),
        ("courrier au confrère par MSSanté ?", D(2024, 5, 26), "obligatoire", ["courriers"]),
        ("courrier au confrère par MSSanté ?", D(2024, 5, 27), "a_verifier", ["courriers"]),
        ("courrier au confrère par MSSanté ?", D(2025, 12, 30), "a_verifier", ["courriers"]),
        ("courrier au confrère par MSSanté ?", D(2025, 12, 31), "obligatoire", ["courriers"]),
        # an exclusion that applies still excludes, uncertain window or not
        ("demande d'IRM faite pendant l'hospitalisation, DMP ?", D(2025, 3, 1), "exclu", ["demande-imagerie"]),
        ("demande d'IRM faite pendant l'hospitalisation, DMP ?", TODAY, "exclu", ["demande-imagerie"]),
        # constitutional genetics is excluded from the day the 2024 text applies
        ("CR de génétique constitutionnelle au DMP ?", D(2024, 5, 26), "obligatoire", ["cr-biologie"]),
        ("CR de génétique constitutionnelle au DMP ?", D(2024, 5, 27), "exclu", ["cr-biologie"]),
    ],
)
def test_dated_verdicts(engine, question, day, verdict, docs):
    a = engine.answer(question, day)
    assert (a.verdict, a.documents[:1]) == (verdict, docs)


def test_a_certificate_today_is_no_longer_listed_and_the_answer_says_who_says_so(engine):
    a = engine.answer("certificat médical au DMP ?", TODAY)
    assert a.verdict == "non_liste" and a.documents == [CERT]
    headline = a.text.splitlines()[0]
    assert "ne figure plus dans la liste" in headline and "27 mai 2024" in headline
    assert any("Il était obligatoire du 31 décembre 2023 au 26 mai 2024" in c for c in a.caveats)
    removal = next(c for c in a.caveats if "a supprimé ce document" in c)
    # attributed to what the sources are, never to the arrêté's own text
    assert "article de presse" in removal and "communiqué officiel (reproduit)" in removal
    kinds = {q.kind for q in a.citations if "autres certificats et déclarations" in q.text}
    assert kinds == {"presse", "communique"}
    assert all("arrete" not in q.source for q in a.citations if "Supprimer" in q.text)
    # and why 27 May: published in the JO of 26 May, Code civil art. 1, quoted
    assert any(q.source == "code-civil-article-1" and "le lendemain de leur publication" in q.text for q in a.citations)
    assert any("Journal officiel du 26 mai 2024" in q.text for q in a.citations)
    assert "« Supprimer les « autres certificats et déclarations" in a.text


def test_a_certificate_before_the_removal_warns_of_it(engine):
    a = engine.answer("certificat médical au DMP ?", D(2024, 3, 1))
    assert a.verdict == "obligatoire"
    assert any("sort de la liste le 27 mai 2024" in c for c in a.caveats)


def test_a_prescription_of_physiotherapy_says_what_is_known_and_where_to_check(engine):
    a = engine.answer("ordo de kiné dans le DMP ?", TODAY)
    assert a.verdict == "a_verifier" and a.documents == [NEW]
    assert a.text.splitlines()[0].startswith("À vérifier")
    assert a.effective_date is None and a.channels == []  # no date, no duties asserted
    note = next(c for c in a.caveats if "hors produits de santé" in c)
    assert "libellé exact" in note and "date" in note and "https://www.legifrance.gouv.fr/" in note
    assert {q.kind for q in a.citations} >= {"presse", "communique"}
    assert any("Ajouter des prescriptions hors produits de santé" in q.text for q in a.citations)


def test_before_the_2024_text_the_new_document_is_simply_not_listed(engine):
    a = engine.answer("ordo de kiné dans le DMP ?", D(2024, 1, 15))
    assert a.verdict == "non_liste" and a.documents == [NEW]
    assert any("ne le comprend pas" in c and "l'a ajouté ensuite" in c for c in a.caveats)


def test_the_uncertain_window_and_after(engine):
    during = engine.answer("demande d'IRM dans le DMP ?", D(2025, 6, 1))
    assert during.verdict == "a_verifier" and during.effective_date is None
    assert any("31 décembre 2025" in c and "déduction" in c for c in during.caveats)
    assert any("Reporter au 31 décembre 2025" in q.text for q in during.citations)
    after = engine.answer("demande d'IRM dans le DMP ?", D(2026, 1, 15))
    assert after.verdict == "obligatoire"
    assert any("31 décembre 2023" in c and "31 décembre 2025" in c for c in after.caveats)


def test_a_verifier_is_rendered_by_every_front_end(engine):
    a = engine.answer("ordo de kiné dans le DMP ?", TODAY)
    assert a.to_json()["verdict"] == "a_verifier"
    assert format_answer(a).startswith("À vérifier : les sources dont nous disposons ne permettent pas de trancher")
    assert "prescriptions hors produits de santé" in format_answer(a).splitlines()[0]
    telegram = "".join(render_html(a))
    assert "<b>À vérifier" in telegram and "legifrance.gouv.fr" in telegram
    english = engine.answer("physiotherapy prescription in the DMP?", TODAY)
    assert format_answer(english).startswith("To be checked")
    assert english.text.startswith("To be checked")


def test_list_leaves_out_removed_and_not_yet_added_documents():
    def listed(day: str) -> str:
        proc = subprocess.run(
            [sys.executable, "-m", "bot.cli", "list", "--date", day], capture_output=True, text=True, timeout=60
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    before, after = listed("2024-05-26"), listed("2024-05-27")
    assert CERT in before and NEW not in before
    assert CERT not in after
    line = next(row for row in after.splitlines() if row.startswith(f"- {NEW}:"))
    assert "à vérifier" in line
