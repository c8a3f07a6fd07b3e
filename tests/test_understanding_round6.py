"""Understanding, round 6: rules learnt from blind sets of new authors (geriatrics and nursing homes, forensic
and occupational medicine, anaesthesia and interventional specialties, English-speaking practitioners, neurology,
dermatology and pathology). Each case is an example of a rule true in general, written for the test, and asserts
what the user sees."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.render.text import render_text

DAY = dt.date(2026, 12, 3)


def ask(engine, text, day=DAY):
    return engine.answer(text, day)


@pytest.mark.parametrize(
    "text",
    [
        "Un kiné est-il concerné par l'arrêté ?",
        "Les orthophonistes sont-ils concernés par ce texte ?",
        "Is a physio covered by the order?",
    ],
)
def test_a_profession_asked_about_is_not_read_as_its_care(engine, text):
    """A word that names both a profession and its care (« kiné ») is the professional when the question asks
    whether that profession is covered: no « Je comprends : prescriptions hors produits de santé » line."""
    a = ask(engine, text)
    assert (a.verdict, a.documents) == ("non_concerne", [])
    assert "prescriptions hors produits" not in render_text(a)


@pytest.mark.parametrize(
    ("text", "verdict", "document"),
    [
        # the act the patient is in for, or the act a stay is for, is the setting of the document asked
        (
            "Gastroscopie en HDJ : le CR de la NFS faite le matin même au labo de l'hôpital, DMP ?",
            "exclu",
            "cr-biologie",
        ),
        (
            "Hospitalisation de nuit pour polysomnographie : les examens biologiques faits pendant ce séjour, DMP ?",
            "exclu",
            "cr-biologie",
        ),
        (
            "Admitted for a TAVI work-up: the lab results done during the admission, do they go to the DMP?",
            "exclu",
            "cr-biologie",
        ),
        # a consultation as the place where a prescription is written
        (
            "Bains de bouche prescrits en consultation de radiothérapie, l'ordonnance va au DMP ?",
            "obligatoire",
            "prescription-produits-sante",
        ),
        # the report of that act is still the thing asked
        ("Le CR de la coloscopie faite en HDJ, DMP ?", "non_liste", None),
        ("Compte rendu de polysomnographie en hospitalisation de jour : à verser ?", "non_liste", None),
    ],
)
def test_an_act_named_as_the_setting_is_not_the_document_asked(engine, text, verdict, document):
    a = ask(engine, text)
    assert a.verdict == verdict
    assert a.documents[:1] == ([document] if document else [])


@pytest.mark.parametrize(
    ("text", "verdict", "document"),
    [
        # a form, a sheet, a chart, a diary: a record of the file, outside the list
        ("La fiche de consultation d'anesthésie, elle va dans le DMP ?", "non_liste", None),
        ("Le formulaire de directives anticipées, DMP obligatoire ?", "non_liste", None),
        ("The blood pressure diary my patient keeps, should it go into the DMP?", "non_liste", None),
        ("Le relevé de pression de la pompe, à verser ?", "non_liste", None),
        # a listed document named beside it is still the one asked
        ("Fiche de liaison : le CR de biologie part au DMP ?", "obligatoire", "cr-biologie"),
        (
            "Fiche patient remplie, et l'ordonnance de médicaments : elle va au DMP ?",
            "obligatoire",
            "prescription-produits-sante",
        ),
    ],
)
def test_a_record_of_the_file_is_outside_the_list(engine, text, verdict, document):
    a = ask(engine, text)
    assert a.verdict == verdict
    assert a.documents[:1] == ([document] if document else [])


@pytest.mark.parametrize(
    "text",
    [
        "Pouvez-vous me lister tout ce que nos médecins doivent verser au DMP ?",
        "Mon espace santé, c'est quoi exactement ?",
        "La famille verra-t-elle les comptes rendus dans le DMP de leur père ?",
        "Comment accéder au DMP de ma mère ?",
    ],
)
def test_questions_about_the_regulation_or_the_dmp_as_a_whole(engine, text):
    assert ask(engine, text).verdict == "hors_sujet"


@pytest.mark.parametrize(
    ("text", "as_of"),
    [
        # a day or a month said right after a month or a year, in brackets or as an aside, narrows it
        ("En décembre 2023 (le 31), la demande de scanner devait-elle être versée ?", dt.date(2023, 12, 31)),
        ("Before Christmas 2023 (say 15 Dec), did the GP have to upload the lab prescription?", dt.date(2023, 12, 15)),
        ("In 2025 (say September), did letters to GPs have to go by MSSanté?", dt.date(2025, 9, 1)),
        ("The op note of a TURP in 2023 (October), mandatory?", dt.date(2023, 10, 1)),
        # a modal verb is not a month, and a date already narrowed keeps its qualifier
        ("In 2023 may the GP skip the DMP for lab reports?", dt.date(2023, 1, 1)),
        ("Avant fin 2023 (octobre ou novembre), le CRO devait-il aller au DMP ?", dt.date(2023, 12, 30)),
    ],
)
def test_a_day_or_month_after_the_date_narrows_it(engine, text, as_of):
    assert ask(engine, text).date == as_of


@pytest.mark.parametrize(
    ("text", "verdict", "document"),
    [
        # people outside care (a lawyer, an employer, a nursing home's management) asking about a doctor's
        # document get that document's answer; asked about their own duty, they are not covered
        (
            "Avocate : l'arrêt de travail prescrit à ma cliente en février 2024 devait-il être versé au DMP ?",
            "obligatoire",
            "certificats-declarations",
        ),
        (
            "Directrice d'EHPAD : est-ce moi qui dois verser les comptes rendus de biologie des résidents ?",
            "non_concerne",
            "cr-biologie",
        ),
        (
            "Bonjour, je suis avocat : le CR de scanner de mon client aurait dû être versé au DMP ?",
            "obligatoire",
            "cr-imagerie",
        ),
        # occupational health nurses and assistants, perfusionists, cytotechnicians are not covered
        ("IDEST : suis-je tenue de verser les CR de bio que le salarié m'apporte ?", "non_concerne", "cr-biologie"),
        ("Perfusionniste : dois-je verser mon relevé de CEC au DMP ?", "non_concerne", None),
        # a document the doctor signs is the doctor's, whoever asks about it
        (
            "Infirmière en santé au travail : la lettre que le médecin du travail signe pour le psychiatre doit-elle "
            "partir par messagerie sécurisée ?",
            "obligatoire",
            "courriers",
        ),
    ],
)
def test_people_outside_care_and_more_professions_not_covered(engine, text, verdict, document):
    a = ask(engine, text)
    assert a.verdict == verdict
    assert a.documents[:1] == ([document] if document else [])


@pytest.mark.parametrize(
    ("text", "verdict", "document"),
    [
        # a French « rapport » is an expert's, a device's or an assessor's report, outside the list
        ("Médecin expert : mon rapport pour l'assureur doit-il partir par MSS ?", "non_liste", None),
        ("Le rapport d'interrogation du défibrillateur, DMP ?", "non_liste", None),
        # « par rapport à » is no report
        ("Par rapport au CR de biologie, il doit aller au DMP ?", "obligatoire", "cr-biologie"),
        # a listed report named beside it is still the one asked
        ("Pour mon rapport, le compte rendu de scanner devait-il être versé au DMP ?", "obligatoire", "cr-imagerie"),
    ],
)
def test_a_french_rapport_is_no_listed_report(engine, text, verdict, document):
    a = ask(engine, text)
    assert a.verdict == verdict
    assert a.documents[:1] == ([document] if document else [])


@pytest.mark.parametrize(
    ("text", "verdict", "document"),
    [
        # a listed document named outright and followed by the duty verb is the subject, whatever act came first
        (
            "Gastroscopie en ambulatoire : la lettre de liaison de sortie doit-elle être envoyée au MT par MSS ?",
            "obligatoire",
            "lettre-liaison-sortie",
        ),
        # a bare « le CR » after an exam outside the list is that exam's
        ("EFR faites avant la chirurgie : le CR doit-il être versé ?", "non_liste", None),
    ],
)
def test_a_document_named_as_the_subject_of_the_duty_is_the_one_asked(engine, text, verdict, document):
    a = ask(engine, text)
    assert a.verdict == verdict
    assert a.documents[:1] == ([document] if document else [])


@pytest.mark.parametrize(
    ("text", "document"),
    [
        # interventional and nuclear medicine vocabulary
        ("CR de pose de PM double chambre, à envoyer au MT par MSS ?", "cr-operatoire"),
        ("PET report for an outpatient: must it be sent to the GP by secure messaging?", "cr-imagerie"),
        ("Ordonnance de prasugrel remise en consultation, MSS au MT ?", "prescription-produits-sante"),
    ],
)
def test_interventional_vocabulary(engine, text, document):
    a = ask(engine, text)
    assert (a.verdict, a.documents[:1]) == ("obligatoire", [document])


@pytest.mark.parametrize(
    "text",
    [
        # how to send, from which software: set-up, whatever document it names
        "Comment on envoie un CR d'IRM par MSSanté depuis notre RIS ?",
        "Comment on fait pour que le CRO parte tout seul dans le DMP ?",
        "How do I send the discharge letter through MSSanté?",
    ],
)
def test_how_to_send_is_set_up(engine, text):
    assert ask(engine, text).verdict == "hors_sujet"


def test_a_letter_sent_in_for_admission_is_the_entry_letter(engine):
    a = ask(engine, "I'm sending my patient in for admission to cardiology with a letter. Must it go by MSSanté?")
    assert (a.verdict, a.documents[:1]) == ("obligatoire", ["lettre-liaison-entree"])


@pytest.mark.parametrize(
    "text",
    [
        # devices and medicines named by patients' and specialists' words
        "My prescription for a walking frame, do I send it to the resident's Mon espace santé messaging?",
        "CGM sensor prescription, DMP?",
        "Stylo d'adrénaline prescrit en consultation d'allergologie, DMP obligatoire ?",
    ],
)
def test_devices_and_medicines_vocabulary(engine, text):
    a = ask(engine, text)
    assert (a.verdict, a.documents[:1]) == ("obligatoire", ["prescription-produits-sante"])


@pytest.mark.parametrize(
    ("text", "verdict", "document"),
    [
        # "fine" is a penalty only as a noun; a licence is software only when said so
        (
            "Dermatologist: in February 2024 should my medical certificates for sport (fine to swim) have been "
            "uploaded to the DMP?",
            "obligatoire",
            "certificats-declarations",
        ),
        ("Is there a fine if our centre doesn't upload reports?", "hors_sujet", None),
        (
            "Today, is a medical certificate for a sports licence still on the list?",
            "non_liste",
            "certificats-declarations",
        ),
        ("Combien coûte la licence pour un deuxième poste ?", "hors_sujet", None),
        ("Quel doit être le contenu d'un certificat de non contre-indication au sport ?", "hors_sujet", None),
    ],
)
def test_words_of_penalties_and_software_only_in_their_sense(engine, text, verdict, document):
    a = ask(engine, text)
    assert a.verdict == verdict
    assert a.documents[:1] == ([document] if document else [])


@pytest.mark.parametrize(
    "text",
    [
        # records of care homes, occupational and forensic medicine, sleep and allergy: outside the list
        "Le projet d'accompagnement personnalisé du résident, à verser au DMP ?",
        "La coupe PATHOS de l'EHPAD, au DMP ?",
        "Les réquisitions de l'OPJ, on doit les mettre dans le DMP de la victime ?",
        "Le protocole de soins ALD doit-il être versé dans le DMP ?",
        "Do I have to upload my nerve conduction study reports to the DMP?",
        "The CPAP download report, do I have to send it to the GP via secure messaging?",
    ],
)
def test_records_outside_the_list(engine, text):
    assert ask(engine, text).verdict == "non_liste"


def test_a_short_record_name_does_not_catch_everyday_words_as_typos(engine):
    """A short entry draws typo corrections (« time » was read as « TILE »): such names are kept long."""
    a = ask(engine, "Last time the player had an MRI in a private imaging centre: the report, DMP?")
    assert (a.verdict, a.documents[:1]) == ("obligatoire", ["cr-imagerie"])


def test_someone_who_tells_the_asker_to_act_does_not_relay_a_question(engine):
    """« Aide-soignante : on me demande de scanner… » is the aide-soignante's own question about her own duty; only
    a professional named just before « me demande » (« le kiné me demande si… ») relays one through the writer."""
    a = ask(
        engine, "Aide-soignante : on me demande de scanner les résultats de labo dans le DMP, c'est à moi de le faire ?"
    )
    assert (a.verdict, a.documents[:1]) == ("non_concerne", ["cr-biologie"])


@pytest.mark.parametrize(
    ("text", "verdict", "document"),
    [
        # an act said as when or why a document was written is not what the document is of
        (
            "Crème prescrite en décembre 2022 pendant une radiothérapie en centre libéral : l'ordonnance devait-elle "
            "partir au DMP ?",
            "pas_encore_en_vigueur",
            "prescription-produits-sante",
        ),
        (
            "Ordonnance de Moviprep pour une coloscopie : elle doit être versée ?",
            "obligatoire",
            "prescription-produits-sante",
        ),
        # a prescription for that act still prescribes it
        ("Le compte rendu de la coloscopie, DMP ?", "non_liste", None),
    ],
)
def test_an_act_said_as_the_occasion_is_not_the_document_asked(engine, text, verdict, document):
    a = ask(engine, text)
    assert a.verdict == verdict
    assert a.documents[:1] == ([document] if document else [])


@pytest.mark.parametrize(
    ("text", "verdict", "document"),
    [
        # angiograms and lymphoscintigraphy are imaging; a TAVI is an operation, not a typo for « taxi »
        ("CT angiogram report for an outpatient, must it go to the DMP?", "obligatoire", "cr-imagerie"),
        ("Lymphoscintigraphie faite en externe : le CR au DMP ?", "obligatoire", "cr-imagerie"),
        ("CR de TAVI, à envoyer au MT par MSS ?", "obligatoire", "cr-operatoire"),
    ],
)
def test_imaging_and_procedures_vocabulary(engine, text, verdict, document):
    a = ask(engine, text)
    assert (a.verdict, a.documents[:1]) == (verdict, [document])


def test_a_stay_said_as_over_is_not_where_the_document_is_made(engine):
    """« Consultation post-réa » is after the stay: the letter written then is outside it."""
    a = ask(engine, "Consultation post-réa : le courrier au médecin traitant doit-il partir par MSS ?")
    assert (a.verdict, a.documents[:1]) == ("obligatoire", ["courriers"])
