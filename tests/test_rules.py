"""The regulation as data: the facts of each document, per version of the text, and `check`."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.check import check_rulebook, fold
from bot.loading import DEFAULT_RULES_DIR, read_yaml

D = dt.date
ALL = {"dmp", "mss_professionnels", "mss_patient"}

# (document, effective date, exclusions in the 2022 text, exclusions in the 2024 text, type code)
FACTS = [
    (
        "cr-biologie",
        D(2022, 12, 31),
        {"sejour_hospitalier"},
        {"sejour_hospitalier", "genetique_constitutionnelle"},
        "11502-2",
    ),
    ("cr-imagerie", D(2022, 12, 31), {"sejour_hospitalier"}, {"sejour_hospitalier"}, "18748-4"),
    (
        "prescription-produits-sante",
        D(2022, 12, 31),
        {"sejour_hospitalier", "entente_prealable"},
        {"sejour_hospitalier", "entente_prealable"},
        "57833-6",
    ),
    ("cr-operatoire", D(2023, 12, 31), set(), set(), "34874-8"),
    ("prescription-biologie", D(2023, 12, 31), {"sejour_hospitalier"}, {"sejour_hospitalier"}, "PRESC-BIO"),
    ("demande-imagerie", D(2023, 12, 31), {"sejour_hospitalier"}, {"sejour_hospitalier"}, "55115-0"),
    ("courriers", D(2023, 12, 31), {"sejour_hospitalier"}, {"sejour_hospitalier"}, "96349-6"),
]


def test_the_documents_are_those_of_the_catalogue_in_its_order(engine):
    catalogue = list(read_yaml(DEFAULT_RULES_DIR / "catalogue.yaml")["documents"])
    assert list(engine.rulebook.documents) == catalogue
    assert len(catalogue) == 11 and "prescription-hors-produits-sante" in catalogue


@pytest.mark.parametrize("doc,effective,ex2022,ex2024,code", FACTS)
def test_annex_row_facts(engine, doc, effective, ex2022, ex2024, code):
    rb = engine.rulebook
    v22, row22, ok22 = rb.row_at(doc, D(2023, 6, 1))
    v24, row24, ok24 = rb.row_at(doc, D(2025, 1, 1))
    assert (v22.id, v24.id) == ("arrete-2022-04-26", "arrete-2024-05-23")
    assert ok22 and ok24
    assert row22.effective_date == effective == row24.effective_date
    assert {e.id for e in row22.exclusions} == ex2022
    assert {e.id for e in row24.exclusions} == ex2024
    assert {c.channel for c in row22.channels} == ALL
    assert rb.documents[doc].type_code == code
    assert set(v22.covers) == {"medecin", "biologiste"}
    mss = next(c for c in row22.channels if c.channel == "mss_professionnels")
    assert mss.recipients == [
        "médecin traitant",
        "médecin prescripteur s'il y a lieu",
        "tout professionnel dont l'intervention dans la prise en charge du patient est pertinente",
    ]
    conditions = {c.channel: c.condition for c in row22.channels}
    assert conditions["dmp"] == "lorsqu'il existe" and conditions["mss_patient"] == "lorsqu'elle existe"


def test_rows_not_seen_in_2024_are_carried_over_and_flagged(engine):
    for doc in ("prescription-biologie", "demande-imagerie", "certificats-declarations", "courriers"):
        _, row, _ = engine.rulebook.row_at(doc, D(2025, 1, 1))
        assert row.verified is False and row.caveat is not None, doc
    for doc in ("cr-biologie", "cr-imagerie", "prescription-produits-sante", "cr-operatoire"):
        _, row, _ = engine.rulebook.row_at(doc, D(2025, 1, 1))
        assert row.verified is True, doc


def test_lettres_de_liaison(engine):
    rb = engine.rulebook
    v, entree, ok = rb.row_at("lettre-liaison-entree", D(2020, 1, 1))
    assert ok and v.id == "csp-R1112-1-1" and entree.effective_date == D(2017, 1, 1)
    assert entree.condition == "lorsqu'elle est dématérialisée"
    assert not entree.exclusions
    v, sortie, ok = rb.row_at("lettre-liaison-sortie", D(2020, 1, 1))
    assert ok and v.id == "csp-R1112-1-2" and sortie.effective_date == D(2017, 1, 1)
    recipients = next(c for c in sortie.channels if c.channel == "mss_professionnels").recipients
    assert "médecin traitant" in recipients
    assert rb.documents["lettre-liaison-entree"].type_code == "18761-7"
    assert rb.documents["lettre-liaison-sortie"].type_code == "11490-0"


def test_before_any_text_the_earliest_row_is_not_in_force(engine):
    version, row, in_force = engine.rulebook.row_at("cr-biologie", D(2021, 1, 1))
    assert not in_force and version.id == "arrete-2022-04-26"


def test_check_passes_on_the_shipped_data(engine):
    assert [str(p) for p in check_rulebook(engine.rulebook)] == []


def test_every_citation_is_verbatim(engine):
    rb = engine.rulebook
    cits = []
    for v in rb.versions:
        for r in v.rows:
            cits += r.citations + [c.citation for c in r.channels] + [e.citation for e in r.exclusions]
            cits += r.unsettled.citations if r.unsettled else []
        cits += v.applies_from_citations
    assert len(cits) > 50
    for c in cits:
        assert fold(c.excerpt) in fold(rb.sources[c.source].text), c


def test_sources_have_kind_url_and_title(engine):
    kinds = {s.kind for s in engine.sources}
    assert kinds == {"officiel", "reproduction", "communique", "presse"}
    for s in engine.sources:
        assert s.url.startswith("https://") and s.title and s.text
