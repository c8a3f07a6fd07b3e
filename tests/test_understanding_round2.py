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
        # « verser » is the arrêté's own word for the DMP (round 5); another verb of depositing names none
        ("Ordonnance de méthotrexate pour une PR : à verser ?", "dmp"),
        ("Ordonnance de méthotrexate pour une PR : à déposer ?", None),
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


@pytest.mark.parametrize(
    "text",
    [
        "Je suis technicienne de labo : est-ce que je dois envoyer les CR au DMP ?",
        "Lab tech here. Do I personally have to send urgent results to the prescriber via MSSanté?",
        "Un technicien de laboratoire demande s'il est lui-même soumis à l'obligation d'envoyer les CR au patient.",
        "Préparatrice en pharmacie : les ordonnances de lait infantile, on doit les mettre dans le DMP ?",
        "I'm an advanced practice nurse. Do I have to upload my lab test prescriptions to the DMP?",
        "bjr jsuis tech au labo, c moi ki doit envoyer les resultats au dmp ??",
        "Assistante médicale d'un MG : moi personnellement, je dois mettre dans le DMP les résultats bio ?",
    ],
)
def test_professions_not_covered_also_in_third_person_and_english(engine, text):
    assert ask(engine, text).verdict == "non_concerne"


def test_staff_acting_for_a_doctor_ask_the_doctors_question(engine):
    assert (
        ask(engine, "Assistante médicale d'un MG : le CR de biologie doit-il aller au DMP ?").verdict == "obligatoire"
    )
    a = ask(
        engine, "Technicienne de labo, je pose la question pour notre biologiste : la NFS faite ce matin va au DMP ?"
    )
    assert a.verdict == "obligatoire" and a.documents[0] == "cr-biologie"


def test_a_scanned_prescription_is_not_an_imaging_scan(engine):
    a = ask(engine, "Une préparatrice en pharmacie demande si elle doit verser les ordonnances scannées au DMP.")
    assert a.documents and a.documents[0] == "prescription-produits-sante"


@pytest.mark.parametrize(
    ("text", "document"),
    [
        # the asker's setting weighs on the document: a lab's « CR » is the lab report
        ("Admin SIL ici : tous les CR validés doivent partir vers le DMP ?", "cr-biologie"),
        ("Cabinet d'imagerie : le CR doit-il aller au DMP ?", "cr-imagerie"),
        # a test that was done, rendered or sampled is its result
        ("HbA1c faite au labo ce matin, DMP ?", "cr-biologie"),
        ("Exome rendu cette semaine : on le verse au DMP ?", "cr-biologie"),
        # specialists name imaging and operations by the exam or the operation
        ("Le CR d'ETT doit-il aller au DMP ?", "cr-imagerie"),
        ("CR de césarienne : obligatoire dans le DMP ?", "cr-operatoire"),
        ("CR d'arthro-IRM de l'épaule au prescripteur ?", "cr-imagerie"),
        ("CR de la pose de pacemaker : au DMP ?", "cr-operatoire"),
    ],
)
def test_the_document_from_setting_and_specialist_words(engine, text, document):
    a = ask(engine, text)
    assert a.verdict != "ambigu" and a.documents[0] == document


def test_a_weak_domain_with_a_participle_is_only_a_candidate(engine):
    a = ask(engine, "Les photos de plaies réalisées dans nos services de chirurgie doivent-elles être versées au DMP ?")
    assert a.verdict == "non_liste"


def test_constitutional_genetics_named_by_the_test(engine):
    a = ask(engine, "Recherche de mutations CFTR chez un couple en conseil génétique : CR au DMP ?")
    assert a.verdict == "exclu" and a.documents[0] == "cr-biologie"


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Quels documents un laboratoire de biologie médicale doit-il verser au DMP ?", "list"),
        ("Est-ce qu'un radiologue doit alimenter le DMP ?", "covered"),
        ("A patient closed his Mon espace santé account; what happens to the reports already sent?", "dmp_exists"),
        ("Le patient peut-il supprimer mon CR d'écho de son DMP ?", "patient_rights"),
        ("What are the penalties if our lab doesn't feed the DMP?", "sanctions"),
        ("Le forfait structure, combien je touche si j'alimente le DMP avec mes CR d'écho ?", "funding"),
        ("Notre SIL envoie les CR en double dans le DMP, comment supprimer un doublon ?", "practice"),
    ],
)
def test_questions_about_the_regulation_are_off_topic_with_a_pointer(engine, text, topic):
    a = ask(engine, text)
    assert a.verdict == "hors_sujet" and a.topic == topic and not a.documents


def test_a_question_about_one_document_in_the_list_is_not_about_the_list(engine):
    a = ask(engine, "Le compte rendu de vidéonystagmographie (VNG) est-il dans la liste des documents obligatoires ?")
    assert a.verdict == "non_liste" and a.topic is None


def test_a_profession_not_covered_is_not_off_topic(engine):
    assert ask(engine, "Une infirmière doit-elle alimenter le DMP ?").verdict == "non_concerne"


def test_a_vague_document_with_the_dmp_offers_the_list(engine):
    a = ask(engine, "Le document qu'on remet au patient le jour de la sortie, il est obligatoire dans le DMP ?")
    assert a.verdict == "ambigu" and "lettre-liaison-sortie" in a.documents


def test_one_weak_candidate_is_answered_with_the_assumption_first(engine):
    from bot.render.html import answer_blocks
    from bot.render.text import render_text

    a = ask(engine, "En avril 2023, un avis d'arrêt de travail devait-il être mis dans le DMP ?")
    assert a.verdict == "pas_encore_en_vigueur" and a.assumed and a.documents == ["certificats-declarations"]
    assert render_text(a).startswith("Je comprends : certificats et déclarations")
    assert "Je comprends" in str(answer_blocks(a)[0])
    clear = ask(engine, "CRO au DMP ?")
    assert not clear.assumed and not render_text(clear).startswith("Je comprends")


def test_several_weak_candidates_are_still_asked(engine):
    a = ask(engine, "IRM au DMP ?")
    assert a.verdict == "ambigu" and not a.assumed


@pytest.mark.parametrize(
    ("text", "as_of"),
    [
        # a year that names a text, a ticket's date, an update: not the date asked
        ("l'arrêté de 2022 couvre-t-il nos résultats de biologie ou c'est seulement celui de 2024 ?", DAY),
        ("Does the 2022 order cover imaging reports?", DAY),
        ("Ticket #3050 créé en juin 2022, relancé ce matin : les CR bio vont-ils au DMP ?", DAY),
        # "depuis le …" states a premise: the question is about now
        ("le CRO doit partir au DMP depuis le 31/12/2023, c'est bien ça ?", DAY),
        # a date asked is still the date asked
        ("Le CRO en juin 2023 ?", dt.date(2023, 6, 1)),
    ],
)
def test_the_date_asked(engine, text, as_of):
    assert ask(engine, text).date == as_of


@pytest.mark.parametrize(
    ("text", "verdict", "document"),
    [
        # a letter sending a patient into hospital is the lettre de liaison d'entrée, written outside the stay
        (
            "Un MG demande si la lettre qu'il rédige pour adresser un patient en hospitalisation doit aller au DMP.",
            "obligatoire",
            "lettre-liaison-entree",
        ),
        # written during the stay, it stays a letter produced during the stay
        ("Lettre adressée pendant le séjour au médecin traitant : DMP ?", "exclu", "courriers"),
        # after discharge, without admission, in consultation at the hospital: outside a stay
        (
            "A radiologist asks whether the report of an X-ray done in A&E for a patient sent home the same day "
            "must go into the DMP.",
            "obligatoire",
            "cr-imagerie",
        ),
        (
            "Un patient hospitalisé il y a 3 semaines revient en ville faire sa NFS chez nous : le CR au DMP ?",
            "obligatoire",
            "cr-biologie",
        ),
        # the discharge prescription is written during the stay
        ("ordonnance de sortie → DMP ?", "exclu", "prescription-produits-sante"),
        # somatic genetics is not constitutional genetics
        (
            "Does a somatic tumour NGS panel report fall under the DMP obligation, or is it excluded like germline?",
            "obligatoire",
            "cr-biologie",
        ),
    ],
)
def test_when_and_where_the_document_is_produced(engine, text, verdict, document):
    a = ask(engine, text)
    assert (a.verdict, a.documents[:1]) == (verdict, [document])


def test_followups_about_the_patient_and_before(engine):
    first = ask(engine, "CR bio au DMP ?")
    for text in ("et le patient ?", "et la patiente ?"):
        a = engine.answer(text, DAY, context=first)
        assert a.documents == ["cr-biologie"] and a.channel_asked == "mss_patient", text
    en = engine.answer("what about the patient?", DAY, context=ask(engine, "lab report in the DMP?"))
    assert en.documents == ["cr-biologie"] and en.channel_asked == "mss_patient"
    before = engine.answer("et avant ?", DAY, context=first)
    assert before.verdict == "pas_encore_en_vigueur" and before.date == dt.date(2022, 12, 30)


def test_a_date_asked_holds_for_its_question_not_for_a_new_document(engine):
    first = ask(engine, "CR bio au DMP ?")
    dated = engine.answer("et en 2023 ?", DAY, context=first)
    assert dated.date == dt.date(2023, 1, 1)
    assert dated.text.startswith("Au 1er janvier 2023")  # the first line says the answer is not about today
    same = engine.answer("et au patient ?", DAY, context=dated)
    assert same.date == dt.date(2023, 1, 1) and same.text.startswith("Au 1er janvier 2023")
    other = engine.answer("et le CRO ?", DAY, context=same)
    assert other.documents == ["cr-operatoire"] and other.date == DAY and not other.text.startswith("Au ")


@pytest.mark.parametrize(
    ("text", "verdict", "document"),
    [
        # a participle does not beat a named document
        ("Le compte rendu de la NFS prescrite par le cardiologue, DMP ?", "obligatoire", "cr-biologie"),
        (
            "Bilan prénatal prescrit par la sage-femme libérale : nos résultats doivent aller dans le DMP ?",
            "obligatoire",
            "cr-biologie",
        ),
        # a profession after « par » is who did it, not a kind of care
        ("ECBU prélevé par l'infirmière de l'EHPAD : le CR va dans son DMP ?", "obligatoire", "cr-biologie"),
        # a genetic test named alone is its report
        ("Caryotype constitutionnel dans un bilan de fausses couches à répétition : DMP ?", "exclu", "cr-biologie"),
        # a strong domain wins over a weak word nearer the nature
        (
            "Doppler veineux réalisé pendant une hospitalisation de jour en chirurgie vasculaire, CR à verser ?",
            "exclu",
            "cr-imagerie",
        ),
    ],
)
def test_named_things_beat_participles_and_agents(engine, text, verdict, document):
    a = ask(engine, text)
    assert (a.verdict, a.documents[:1]) == (verdict, [document])


def test_a_typo_correction_never_makes_a_question_off_topic(engine):
    a = ask(engine, "Did the 2022 order already cover imaging reports in March 2023? asks a radiology group")
    assert (a.verdict, a.documents[:1], a.date) == ("obligatoire", ["cr-imagerie"], dt.date(2023, 3, 1))


def test_the_letter_pointed_at_is_the_subject(engine):
    a = ask(
        engine,
        "Biologiste : quand j'écris au MT pour signaler un résultat critique, ce courrier doit-il partir par MSS ?",
    )
    assert a.documents[:1] == ["courriers"]


def test_a_technician_asking_for_the_lab_asks_the_labs_question(engine):
    a = ask(
        engine, "Technicienne, je pose la question pour le labo : le LBM doit-il envoyer les CR au médecin traitant ?"
    )
    assert (a.verdict, a.documents[:1]) == ("obligatoire", ["cr-biologie"])


@pytest.mark.parametrize(
    "text",
    [
        "Vaccine prescriptions: mandatory in the DMP for a paediatric practice?",
        "IVT d'aflibercept au cabinet : la prescription du produit, obligation de la partager ?",
        "The audiology centre asks me to send hearing aid prescriptions via secure messaging: is that mandatory?",
    ],
)
def test_health_products_named_by_specialists(engine, text):
    a = ask(engine, text)
    assert (a.verdict, a.documents[:1]) == ("obligatoire", ["prescription-produits-sante"])


def test_a_document_pointed_at_is_the_subject_after_a_non_listed_one(engine):
    a = ask(
        engine, "Je reçois les résultats d'anapath et j'écris au médecin traitant. Ce courrier est-il obligatoire ?"
    )
    assert (a.verdict, a.documents[:1]) == ("obligatoire", ["courriers"])
    assert ask(engine, "Les photos peropératoires avec le CRO, au DMP ?").verdict == "non_liste"
