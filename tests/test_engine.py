"""The engine as a user meets it: free-text questions in, verdicts, dates, channels and quotes out."""

from __future__ import annotations

import datetime as dt

import pytest

from bot import answer as top_level_answer
from bot.answer import VERDICTS
from bot.check import fold

D = dt.date
ENTRY = {
    "compte rendu de biologie médicale": ("cr-biologie", D(2022, 12, 31)),
    "compte rendu d'imagerie": ("cr-imagerie", D(2022, 12, 31)),
    "ordonnance de médicaments": ("prescription-produits-sante", D(2022, 12, 31)),
    "compte rendu opératoire": ("cr-operatoire", D(2023, 12, 31)),
    "ordonnance de bilan sanguin": ("prescription-biologie", D(2023, 12, 31)),
    "demande d'IRM": ("demande-imagerie", D(2023, 12, 31)),
    "certificat médical": ("certificats-declarations", D(2023, 12, 31)),
    "courrier au confrère": ("courriers", D(2023, 12, 31)),
    "lettre de liaison d'entrée": ("lettre-liaison-entree", D(2017, 1, 1)),
    "lettre de liaison de sortie": ("lettre-liaison-sortie", D(2017, 1, 1)),
}


@pytest.mark.parametrize("question", ENTRY)
def test_day_before_and_day_of_entry_into_force(engine, question):
    doc, effective = ENTRY[question]
    before = engine.answer(question, effective - dt.timedelta(days=1))
    on = engine.answer(question, effective)
    assert (before.verdict, before.documents[:1]) == ("pas_encore_en_vigueur", [doc])
    assert (on.verdict, on.documents[:1]) == ("obligatoire", [doc])
    assert on.effective_date == effective == before.effective_date


def test_the_done_when_example(engine, today):
    a = engine.answer("Dois-je envoyer le compte rendu opératoire au patient ?", today)
    assert a.verdict == "obligatoire" and a.documents == ["cr-operatoire"]
    assert a.effective_date == D(2023, 12, 31)
    assert [c.id for c in a.channels][0] == "mss_patient" and a.channels[0].asked
    assert {c.id for c in a.channels} == {"dmp", "mss_professionnels", "mss_patient"}
    mss = next(c for c in a.channels if c.id == "mss_professionnels")
    assert "médecin traitant" in mss.recipients
    texts = [q.text for q in a.citations]
    assert "| Le compte rendu opératoire | X | X | X | 31 décembre 2023 |" in texts
    assert any(t.startswith("3° Envoyés au patient par la messagerie sécurisée") for t in texts)
    assert all(q.url.startswith("https://") for q in a.citations)
    assert "31 décembre 2023" in a.text and "« 3° Envoyés au patient" in a.text
    assert engine.answer("compte rendu opératoire", D(2023, 6, 1)).verdict == "pas_encore_en_vigueur"


@pytest.mark.parametrize(
    "question,doc,exclusion",
    [
        ("CR de biologie fait pendant l'hospitalisation", "cr-biologie", "sejour_hospitalier"),
        ("compte rendu de scanner réalisé pendant le séjour hospitalier", "cr-imagerie", "sejour_hospitalier"),
        ("ordonnance soumise à entente préalable", "prescription-produits-sante", "entente_prealable"),
        ("ordo de médicaments faite pendant l'hospit", "prescription-produits-sante", "sejour_hospitalier"),
        ("ordonnance de prise de sang pour un patient hospitalisé", "prescription-biologie", "sejour_hospitalier"),
        ("demande d'IRM pendant l'hospitalisation", "demande-imagerie", "sejour_hospitalier"),
        ("courrier au confrère pendant le séjour hospitalier", "courriers", "sejour_hospitalier"),
        ("compte rendu de génétique constitutionnelle dans le DMP ?", "cr-biologie", "genetique_constitutionnelle"),
    ],
)
def test_each_exclusion(engine, today, question, doc, exclusion):
    a = engine.answer(question, today)
    assert (a.verdict, a.documents[:1]) == ("exclu", [doc])
    applying = [e for e in a.exclusions if e.applies]
    assert [e.id for e in applying] == [exclusion]
    assert any(applying[0].quote in q.text for q in a.citations)


def test_genetics_exclusion_only_from_the_2024_text(engine):
    before = engine.answer("compte rendu de génétique constitutionnelle dans le DMP ?", D(2024, 5, 26))
    after = engine.answer("compte rendu de génétique constitutionnelle dans le DMP ?", D(2024, 5, 27))
    assert before.verdict == "obligatoire" and after.verdict == "exclu"
    assert any("23 mai 2024" in c for c in before.caveats)
    assert any("Journal officiel" in c for c in after.caveats)


def test_no_exclusion_for_operative_report_in_hospital(engine, today):
    a = engine.answer("compte rendu opératoire pendant l'hospitalisation", today)
    assert a.verdict == "obligatoire"
    assert any("n'exclut pas" in c for c in a.caveats)


def test_outside_hospital_is_not_excluded(engine, today):
    assert engine.answer("CR bio hors hospitalisation, DMP ?", today).verdict == "obligatoire"


@pytest.mark.parametrize(
    "question,verdict",
    [
        ("Dois-je verser le CR bio dans le DMP ?", "obligatoire"),
        ("CRO en juin 2023 ?", "pas_encore_en_vigueur"),
        ("ordonnance soumise à accord préalable ?", "exclu"),
        ("je suis infirmière, dois-je envoyer le CR bio au patient ?", "non_concerne"),
        ("feuille de soins dans le DMP ?", "non_liste"),
        ("compte rendu ?", "ambigu"),
        ("bonjour", "hors_sujet"),
    ],
)
def test_each_verdict_kind(engine, today, question, verdict):
    assert engine.answer(question, today).verdict == verdict


def test_ambiguous_offers_candidates_and_no_verdict_on_any(engine, today):
    a = engine.answer("compte rendu ?", today)
    assert a.verdict == "ambigu"
    assert [c.id for c in a.candidates] == a.documents
    assert set(a.documents) == {"cr-biologie", "cr-imagerie", "cr-operatoire"}
    assert a.effective_date is None and not a.channels


def test_nature_times_domain(engine, today):
    assert engine.answer("ordonnance de scanner", today).documents[:1] == ["demande-imagerie"]
    assert engine.answer("résultats de scanner", today).documents[:1] == ["cr-imagerie"]


def test_hors_sujet_and_non_liste_name_no_document(engine, today):
    for q in ("merci !", "quel temps fera-t-il demain ?", "bilan de kiné dans le DMP ?"):
        a = engine.answer(q, today)
        assert a.documents == [] and a.verdict in ("hors_sujet", "non_liste")


@pytest.mark.parametrize(
    "question,day",
    [
        ("CR bio en 2023 ?", D(2023, 1, 1)),
        ("CR bio en juin 2023 ?", D(2023, 6, 1)),
        ("CR bio avant 2022 ?", D(2021, 12, 31)),
        ("CR bio le 15/03/2023 ?", D(2023, 3, 15)),
        ("lab report in March 2023?", D(2023, 3, 1)),
    ],
)
def test_dates_in_the_question(engine, today, question, day):
    assert engine.answer(question, today).date == day


def test_a_year_with_an_entry_into_force_inside_it_says_so(engine, today):
    a = engine.answer("CRO en 2023 ?", today)
    assert a.verdict == "pas_encore_en_vigueur"
    assert any("31 décembre 2023" in c for c in a.caveats)


def test_english_question_gets_english_answer(engine, today):
    a = engine.answer("Must I send the operative report to the patient?", today)
    assert a.lang == "en" and a.verdict == "obligatoire" and a.text.startswith("Required since")
    assert a.documents == ["cr-operatoire"]


def test_profession_covered_is_answered(engine, today):
    a = engine.answer("je suis biologiste, CR bio au médecin traitant ?", today)
    assert a.verdict == "obligatoire" and a.channels[0].id == "mss_professionnels"


def test_recipient_is_not_the_asker(engine, today):
    assert engine.answer("dois-je envoyer l'ordonnance de médicaments au kiné ?", today).verdict == "obligatoire"


def test_followups_keep_document_change_channel_date_or_domain(engine, today):
    first = engine.answer("CRO au médecin traitant ?", today)
    second = engine.answer("et au patient ?", today, context=first)
    assert second.documents == ["cr-operatoire"] and second.channels[0].id == "mss_patient"
    third = engine.answer("et en 2023 ?", today, context=second)
    assert (
        third.verdict == "pas_encore_en_vigueur"
        and third.documents == ["cr-operatoire"]
        and third.channels[0].id == "mss_patient"
    )
    cr = engine.answer("compte rendu de biologie au patient ?", today)
    scan = engine.answer("et pour le scanner ?", today, context=cr)
    assert scan.documents == ["cr-imagerie"]
    fresh = engine.answer("certificat médical ?", today, context=third)
    assert fresh.documents == ["certificats-declarations"] and fresh.date == today


def test_forced_document_after_ambiguity(engine, today):
    amb = engine.answer("compte rendu au patient en 2023 ?", today)
    assert amb.verdict == "ambigu"
    picked = engine.answer("", today, context=amb, document="cr-biologie")
    assert picked.verdict == "obligatoire" and picked.documents == ["cr-biologie"] and picked.date == D(2023, 1, 1)
    assert picked.channels[0].id == "mss_patient"


def test_unverified_rows_say_so(engine, today):
    a = engine.answer("demande de radio dans le DMP ?", today)
    assert a.verdict == "obligatoire"
    assert any("Légifrance" in c for c in a.caveats)
    assert not all(c.verified for c in a.channels)


def test_every_quote_is_verbatim_from_its_source(engine, today):
    sources = {s.id: fold(s.text) for s in engine.sources}
    questions = [
        "CRO au patient ?",
        "ordo entente préalable",
        "je suis kiné, CR bio ?",
        "lettre de sortie au MT",
        "CR génétique constitutionnelle",
        "demande d'IRM en 2025",
        "certificat médical au DMP ?",
        "certificat médical au DMP en mars 2024 ?",
    ]
    for q in questions:
        for quote in engine.answer(q, today).citations:
            assert fold(quote.text) in sources[quote.source], (q, quote)
            assert quote.kind in ("officiel", "reproduction", "communique", "presse")


def test_json_shape(engine, today):
    data = engine.answer("CR bio dans le DMP ?", today).to_json()
    for key in (
        "question",
        "lang",
        "verdict",
        "documents",
        "date",
        "effective_date",
        "channels",
        "exclusions",
        "citations",
        "caveats",
        "text",
    ):
        assert key in data
    assert data["verdict"] in VERDICTS and data["date"] == "2026-11-25" and data["effective_date"] == "2022-12-31"
    assert set(data["citations"][0]) >= {"source", "kind", "url", "text"}


def test_top_level_answer_function():
    a = top_level_answer("CR bio dans le DMP ?", D(2023, 1, 2))
    assert a.verdict == "obligatoire"


@pytest.mark.parametrize(
    "text", ["", "   ", "\x00\x01\x02", "😀😀😀", "<b>CRO</b> &amp; patient", "a" * 20000, "\u202e\u200b", "𝔠𝔯𝔬"]
)
def test_bad_input_gives_an_answer(engine, today, text):
    a = engine.answer(text, today)
    assert a.verdict in VERDICTS and a.text


def test_off_topic_after_a_question_is_not_a_followup(engine, today):
    first = engine.answer("CR bio au patient ?", today)
    for text in ("quel temps fait-il ?", "merci", "comment on crée le DMP d'un patient ?"):
        a = engine.answer(text, today, context=first)
        assert a.verdict == "hors_sujet" and a.documents == [], text
    assert engine.answer("et la demande ?", today, context=first).documents == ["prescription-biologie"]


def test_only_constitutional_genetics_is_excluded(engine, today):
    assert engine.answer("CR de génétique constitutionnelle dans le DMP ?", today).verdict == "exclu"
    tumour = engine.answer("CR de génétique tumorale dans le DMP ?", today)
    assert tumour.verdict == "obligatoire" and tumour.documents == ["cr-biologie"]
    assert any("génétique constitutionnelle" in c for c in tumour.caveats)


@pytest.mark.parametrize(
    "question",
    [
        "cr bio en dehors d'un séjour hospitalier",
        "le cr bio n'est pas fait pendant l'hospit",
        "CR bio hors hospitalisation",
    ],
)
def test_outside_a_stay_said_many_ways(engine, today, question):
    assert engine.answer(question, today).verdict == "obligatoire"


def test_rows_unseen_in_2024_are_qualified_in_the_headline(engine):
    a = engine.answer("courrier au confrère au DMP ?", D(2026, 1, 15))
    assert a.verdict == "obligatoire" and a.verified is False
    assert "date à vérifier" in a.text.splitlines()[0]
    assert any("https://www.legifrance.gouv.fr/" in c for c in a.caveats)
    assert engine.answer("CR bio au DMP ?", D(2024, 9, 1)).verified is True


@pytest.mark.parametrize(
    "question,day,caveat",
    [
        ("CR opératoire pour 2000 patients", D(2026, 11, 25), False),
        ("CR opératoire 12/2023", D(2023, 12, 1), False),
        ("operative report on 03/15/2023", D(2023, 3, 15), False),
        ("CR opératoire au 2e semestre 2023", D(2023, 7, 1), False),
        ("CR opératoire le 31/02/2023", D(2026, 11, 25), True),
    ],
)
def test_dates_are_read_or_said_unread(engine, today, question, day, caveat):
    a = engine.answer(question, today)
    assert a.date == day
    assert any("pas un jour du calendrier" in c or "not a calendar day" in c for c in a.caveats) is caveat


def test_care_prescriptions_are_to_be_checked_but_recipients_are_not_care(engine, today):
    # « prescriptions hors produits de santé », added by the 2024 text as announced: à vérifier
    for question in ("ordonnance d'infirmier au DMP ?", "ordo de kiné pour une lombalgie au DMP ?"):
        a = engine.answer(question, today)
        assert (a.verdict, a.documents) == ("a_verifier", ["prescription-hors-produits-sante"]), question
    a = engine.answer("ordonnance de médicaments à envoyer à l'infirmière ?", today)
    assert a.verdict == "obligatoire" and a.documents == ["prescription-produits-sante"]


def test_exclusion_headline_names_the_situation_and_quotes_the_text(engine, today):
    a = engine.answer("prescription de bio pour un bilan pendant l'hospitalisation", today)
    assert a.verdict == "exclu"
    first = a.text.splitlines()[0]
    assert first.startswith("Pas d'obligation dans ce cas (séjour hospitalier)")
    assert "pour les actes ayant vocation à être pratiqués hors séjour hospitalier" in a.text.split("«", 1)[1]
    assert "En dehors de ce cas :" in a.text


def test_french_question_with_a_is_answered_in_french(engine, today):
    a = engine.answer("ordo soumise à entente préalable ?", today)
    assert a.lang == "fr" and a.text.startswith("Pas d'obligation")


def test_verified_dmp_column_of_a_partly_seen_row(engine, today):
    a = engine.answer("prescription de biologie au DMP ?", today)
    by_id = {c.id: c for c in a.channels}
    assert by_id["dmp"].verified is True and by_id["mss_patient"].verified is False


def test_one_weak_candidate_is_answered_with_the_assumption_stated(engine, today):
    a = engine.answer("arrêt de travail dans le DMP ?", today)
    assert a.verdict != "ambigu" and a.assumed and a.documents == ["certificats-declarations"]
    assert a.text.startswith("Je comprends : certificats et déclarations")


def test_a_number_picks_a_candidate(engine, today):
    amb = engine.answer("compte rendu au patient en 2023 ?", today)
    assert engine.answer("2", today, context=amb).documents == ["cr-imagerie"]
    third = engine.answer("the third one", today, context=amb)
    assert third.documents == ["cr-operatoire"] and third.verdict == "pas_encore_en_vigueur"
    assert engine.answer("7", today, context=amb).verdict == "hors_sujet"


@pytest.mark.parametrize(
    "question,verdict,docs",
    [
        (
            "Question client : une infirmière demande si ses courriers au médecin doivent être déposés dans le DMP.",
            "non_concerne",
            ["courriers"],
        ),
        (
            "Un client demande si la mammographie doit être déposée dans le DMP.",
            "ambigu",
            ["cr-imagerie", "demande-imagerie"],
        ),
        (
            "Le Dr Lebrun demande si le compte rendu de sa prostatectomie doit aller au patient.",
            "obligatoire",
            ["cr-operatoire"],
        ),
        (
            "Dermatologist: do my isotretinoin prescriptions have to be sent to the patient?",
            "obligatoire",
            ["prescription-produits-sante"],
        ),
    ],
)
def test_helpdesk_phrasings(engine, today, question, verdict, docs):
    a = engine.answer(question, today)
    assert a.verdict == verdict and a.documents[: len(docs)] == docs


def test_an_ambiguous_new_question_is_not_swallowed_by_the_context(engine, today):
    first = engine.answer("ordonnance de bilan sanguin au patient ?", today)
    assert engine.answer("compte rendu ?", today, context=first).verdict == "ambigu"
    assert engine.answer("et le compte rendu ?", today, context=first).documents == ["cr-biologie"]


def test_the_texts_own_words_are_quoted_in_english_answers(engine, today):
    a = engine.answer("must I send the op report to the GP?", today)
    assert "médecin traitant" in a.text and "DMP (shared medical record, Mon espace santé), lorsqu'il existe" in a.text
    assert "« 2° Envoyés par messagerie sécurisée au médecin traitant" in a.text


def test_a_new_question_carries_nothing_over(engine, today):
    first = engine.answer("CRO au patient en 2023 ?", today)
    fresh = engine.answer("compte rendu ?", today, context=first)
    assert fresh.verdict == "ambigu" and fresh.date == today and fresh.channel_asked is None


@pytest.mark.parametrize(
    "question,verdict,docs",
    [
        ("Rx for amoxicillin - must it be sent to the patient?", "obligatoire", ["prescription-produits-sante"]),
        ("RX du thorax : le compte rendu au DMP ?", "obligatoire", ["cr-imagerie"]),
        ("INR à 4,5 sous AVK, conduite à tenir ?", "hors_sujet", []),
        ("Compte rendu de coloscopie diagnostique au DMP ?", "non_liste", []),
        ("Surgeon: intraoperative photos - do they go in the DMP with the op note?", "non_liste", []),
        (
            "prescription de Spasfon pour un patient vu en consultation, DMP ?",
            "obligatoire",
            ["prescription-produits-sante"],
        ),
        ("J'envoie à l'IDEL une ordonnance de pansements, DMP ?", "obligatoire", ["prescription-produits-sante"]),
        (
            "Je suis médecin hospitalier, à la sortie je prescris une prise de sang à faire en ville : DMP ?",
            "obligatoire",
            ["prescription-biologie"],
        ),
        ("Pendant le séjour, j'écris au psychiatre libéral du patient : ce courrier au DMP ?", "exclu", ["courriers"]),
    ],
)
def test_generalisations_from_blind_sets(engine, today, question, verdict, docs):
    a = engine.answer(question, today)
    assert (a.verdict, a.documents[: len(docs)]) == (verdict, docs)


@pytest.mark.parametrize(
    "question,verdict,docs",
    [
        (
            "Psychiatrist: do my lithium prescriptions need to go into the DMP?",
            "obligatoire",
            ["prescription-produits-sante"],
        ),
        (
            "Sous isotrétinoïne, l'ordonnance du test de grossesse sanguin doit-elle aller au DMP ?",
            "obligatoire",
            ["prescription-biologie"],
        ),
        ("Courrier au médecin traitant après la coloscopie : DMP ?", "obligatoire", ["courriers"]),
        ("Psychiatre : certificat de soins sans consentement, DMP ?", "non_liste", ["certificats-declarations"]),
        ("Le dosage du PSA, dois-je le mettre dans le DMP ?", "ambigu", ["cr-biologie", "prescription-biologie"]),
    ],
)
def test_specialists_vocabulary(engine, today, question, verdict, docs):
    a = engine.answer(question, today)
    assert (a.verdict, a.documents[: len(docs)]) == (verdict, docs)
