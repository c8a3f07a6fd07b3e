"""Understanding, round 5: rules learnt from blind sets of new authors (dentists and maxillofacial surgeons,
transplant and rare-disease centres, patients and relatives, emergency departments, town specialists). Each case
is an example of a rule true in general, written for the test, and asserts what the user sees."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.render.text import render_text

DAY = dt.date(2026, 12, 3)


def ask(engine, text, day=DAY):
    return engine.answer(text, day)


def verdict_of(engine, text):
    a = ask(engine, text)
    return a.verdict, a.documents[:1]


@pytest.mark.parametrize(
    ("text", "verdict", "documents"),
    [
        # in English « a » is an article, not « à »: the professional after it is the one asked about
        ("Is a physiotherapist covered by the DMP rules?", "non_concerne", []),
        ("Is a nurse practitioner bound by the obligation to upload lab reports?", "non_concerne", ["cr-biologie"]),
        # a self-introduction opened by a few words, when the asker's own duty is asked
        (
            "Coordinatrice de parcours (IDE) : suis-je tenue de verser les CR de bio que je récupère ?",
            "non_concerne",
            ["cr-biologie"],
        ),
        (
            "Je suis IPA en cardiologie, est-ce que je suis concernée par la lettre de liaison de sortie ?",
            "non_concerne",
            ["lettre-liaison-sortie"],
        ),
        # dentists and the people around them are not covered (but for the entry letter)
        (
            "Orthodontiste : mes demandes de téléradiographie doivent-elles aller au DMP ?",
            "non_concerne",
            ["demande-imagerie"],
        ),
        ("Prothésiste dentaire, suis-je concerné par l'arrêté ?", "non_concerne", []),
        (
            "Assistante dentaire : est-ce à moi de verser les ordonnances du cabinet ?",
            "non_concerne",
            ["prescription-produits-sante"],
        ),
        # stomatologists are doctors
        ("Stomatologue : le CR de mes panoramiques dentaires doit-il aller au DMP ?", "obligatoire", ["cr-imagerie"]),
    ],
)
def test_who_asks(engine, text, verdict, documents):
    assert verdict_of(engine, text) == (verdict, documents)


@pytest.mark.parametrize(
    ("text", "verdict", "documents"),
    [
        # « must he », « doit-il »: the professional named before, who writes the document, bears it
        (
            "I'm a pharmacist. When the rheumatologist renews my patients' methotrexate, must he send the "
            "prescription through MSSanté?",
            "obligatoire",
            ["prescription-produits-sante"],
        ),
        (
            "Je suis kiné ; quand le chirurgien voit mes patients en consultation post-op, doit-il m'envoyer son "
            "courrier par MSS ?",
            "obligatoire",
            ["courriers"],
        ),
        # but a document named in between is the pronoun's subject
        (
            "Je prescris de la kiné après une entorse : l'ordonnance de kiné doit-elle aller au DMP ?",
            "a_verifier",
            ["prescription-hors-produits-sante"],
        ),
    ],
)
def test_a_pronoun_duty_falls_on_the_writer_named_before(engine, text, verdict, documents):
    a = ask(engine, text)
    assert (a.verdict, a.documents[:1]) == (verdict, documents)
    if verdict == "obligatoire":
        assert "pas sur vous" not in render_text(a) or "not on you" not in render_text(a)


@pytest.mark.parametrize(
    ("text", "verdict", "day"),
    [
        # a genetic test on a person is constitutional, excluded from 27 May 2024
        ("Panel génétique cardiomyopathie (MYH7, MYBPC3) chez une patiente de 40 ans : CR au DMP ?", "exclu", DAY),
        ("Recherche de mutation du gène RET chez un homme de 30 ans : le compte rendu va au DMP ?", "exclu", DAY),
        ("Séquençage du gène PKHD1 chez un nourrisson : CR à envoyer au pédiatre par MSS ?", "exclu", DAY),
        # before the 2024 text it was not excluded
        ("Panel génétique cardiomyopathie chez une patiente : CR au DMP ?", "obligatoire", dt.date(2024, 3, 1)),
        # a tumour's genetics is somatic; a test said not to be genetic is not
        ("Recherche de mutation KRAS sur la tumeur colique : CR au DMP ?", "obligatoire", DAY),
        ("Bilan de thrombophilie non génétique fait en ville : CR au DMP ?", "obligatoire", DAY),
        ("The lipid panel report for an outpatient: does it go to the DMP?", "obligatoire", DAY),
    ],
)
def test_a_genetic_test_is_constitutional_unless_a_tumour_is_named(engine, text, verdict, day):
    a = ask(engine, text, day)
    assert (a.verdict, a.documents[:1]) == (verdict, ["cr-biologie"])


@pytest.mark.parametrize(
    ("text", "verdict", "documents"),
    [
        ("CR de cone beam des sinus, DMP ?", "obligatoire", ["cr-imagerie"]),
        ("Téléradiographie de profil : le compte rendu va au DMP ?", "obligatoire", ["cr-imagerie"]),
        (
            "Ordonnance de compléments nutritionnels oraux faite en consultation : DMP ?",
            "obligatoire",
            ["prescription-produits-sante"],
        ),
        (
            "Ordonnance de bains de bouche en consultation : MSS au patient ?",
            "obligatoire",
            ["prescription-produits-sante"],
        ),
        (
            "Ordonnance de canules de trachéotomie et de filtres HME : DMP ?",
            "obligatoire",
            ["prescription-produits-sante"],
        ),
        ("CR d'implantation d'un défibrillateur : DMP ?", "obligatoire", ["cr-operatoire"]),
        ("Le CR d'électromyographie des membres inférieurs au DMP ?", "non_liste", []),
        ("Carte d'urgence remise au patient drépanocytaire : DMP ?", "non_liste", []),
    ],
)
def test_specialists_words(engine, text, verdict, documents):
    assert verdict_of(engine, text) == (verdict, documents)


@pytest.mark.parametrize(
    ("text", "verdict", "as_of"),
    [
        # « depuis » opening the question asks about that date on
        (
            "Depuis le 1er janvier 2025, les courriers aux confrères doivent-ils partir par MSS ?",
            "a_verifier",
            dt.date(2025, 1, 1),
        ),
        (
            "Since 1 March 2024, must letters to colleagues be sent by secure messaging?",
            "obligatoire",
            dt.date(2024, 3, 1),
        ),
        # a month of last year
        (
            "En mai de l'an dernier, les courriers aux confrères devaient-ils partir par MSS ?",
            "a_verifier",
            dt.date(2025, 5, 1),
        ),
        (
            "Last year in June, did letters to colleagues have to go by secure messaging?",
            "a_verifier",
            dt.date(2025, 6, 1),
        ),
    ],
)
def test_the_date_asked(engine, text, verdict, as_of):
    a = ask(engine, text)
    assert (a.verdict, a.documents[:1], a.date) == (verdict, ["courriers"], as_of)


@pytest.mark.parametrize(
    ("text", "verdict", "document"),
    [
        # a passage through the emergency department without admission is outside a stay
        (
            "Ordonnance de sortie des urgences (antalgiques), elle va au DMP ?",
            "obligatoire",
            "prescription-produits-sante",
        ),
        (
            "ED discharge prescription for painkillers, patient not admitted: must it go to the DMP?",
            "obligatoire",
            "prescription-produits-sante",
        ),
        # the emergency department as where the patient was is no admission: the letter is a courrier
        (
            "Courrier au médecin traitant rédigé après un passage aux urgences : MSS obligatoire ?",
            "obligatoire",
            "courriers",
        ),
        ("Courrier au rhumatologue de ville pour un patient vu aux urgences : à verser ?", "obligatoire", "courriers"),
        # but a patient sent to it with a letter is an admission's letter
        (
            "J'adresse un patient aux urgences avec un courrier : DMP obligatoire ?",
            "obligatoire",
            "lettre-liaison-entree",
        ),
        # and an admission said outright is still a stay
        (
            "Patiente hospitalisée après son passage aux urgences : l'ordonnance faite pendant le séjour, DMP ?",
            "exclu",
            "prescription-produits-sante",
        ),
    ],
)
def test_the_emergency_department_without_admission(engine, text, verdict, document):
    assert verdict_of(engine, text) == (verdict, [document])


def test_when_every_candidate_is_excluded_the_answer_says_so_instead_of_asking(engine):
    a = ask(engine, "Patient en réanimation depuis 10 jours : les bilans quotidiens doivent-ils aller au DMP ?")
    assert (a.verdict, a.documents[:1]) == ("exclu", ["cr-biologie"])
    shown = render_text(a)
    assert "prescription d'examens de biologie médicale, la réponse est la même" in shown, shown
    # with nothing that excludes them, the question still asks which document is meant
    assert ask(engine, "Bilan sanguin : DMP obligatoire ?").verdict == "ambigu"


@pytest.mark.parametrize(
    ("text", "verdict", "document"),
    [
        # a patient or a relative asking whether they must act themselves: not covered
        ("Dois-je envoyer moi-même le CR de mon scanner à mon médecin traitant ?", "non_concerne", "cr-imagerie"),
        (
            "Tutrice de ma sœur : est-ce à moi de verser ses ordonnances dans Mon espace santé ?",
            "non_concerne",
            "prescription-produits-sante",
        ),
        ("Patient here: do I have to forward my lab report to my GP myself?", "non_concerne", "cr-biologie"),
        # asking what the doctor must do, they get the document's answer
        ("Mon médecin traitant doit-il recevoir le compte rendu de mon IRM ?", "obligatoire", "cr-imagerie"),
    ],
)
def test_patients_and_relatives(engine, text, verdict, document):
    assert verdict_of(engine, text) == (verdict, [document])


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        # what someone not covered writes is theirs: not concerned, even when a relative asks
        ("Le kiné m'a fait un courrier pour le rhumatologue : doit-il l'envoyer par MSS ?", "non_concerne"),
        (
            "My speech therapist wrote a letter to my neurologist. Does she have to send it via secure messaging?",
            "non_concerne",
        ),
        # a doctor named writing it bears the duty
        ("Le cardiologue m'a fait un courrier pour mon médecin traitant, doit-il l'envoyer par MSS ?", "obligatoire"),
    ],
)
def test_a_letter_written_by_someone_not_covered_is_theirs(engine, text, verdict):
    assert verdict_of(engine, text) == (verdict, ["courriers"])


@pytest.mark.parametrize(
    ("text", "verdict", "documents"),
    [
        # records and scores that are not in the list
        ("L'agenda du sommeil et le score d'Epworth remplis en consultation : DMP ?", "non_liste", []),
        ("Gériatre : le MMSE et la MoCA faits en consultation mémoire, à verser ?", "non_liste", []),
        ("Compte rendu d'actimétrie sur trois semaines : DMP ?", "non_liste", []),
        ("Le rapport d'observance de la PPC, à envoyer au MT par MSS ?", "non_liste", []),
        # drafting a letter, a clinical target: not a question about the list
        ("Tu peux me rédiger un courrier type pour le cardiologue ?", "hors_sujet", []),
        ("Quel objectif d'HbA1c chez un patient de 80 ans ?", "hors_sujet", []),
        # a driving-fitness opinion is a certificate, not listed since the 2024 text
        (
            "Avis médical d'aptitude à la conduite pour un patient diabétique : DMP ?",
            "non_liste",
            ["certificats-declarations"],
        ),
        (
            "Ordonnance d'EMLA avant une séance de laser en cabinet : DMP ?",
            "obligatoire",
            ["prescription-produits-sante"],
        ),
        # a patient said to be admitted is in a stay
        ("Scanner fait chez un patient admis en neurologie pour un AVC : CR au DMP ?", "exclu", ["cr-imagerie"]),
    ],
)
def test_records_scores_and_admissions(engine, text, verdict, documents):
    assert verdict_of(engine, text) == (verdict, documents)


@pytest.mark.parametrize(
    ("text", "verdict", "document"),
    [
        # a document said not to be the one asked about
        (
            "Courrier au MT écrit pendant l'hospitalisation, pas la lettre de sortie : MSS obligatoire ?",
            "exclu",
            "courriers",
        ),
        # a missing one is still the one asked about
        (
            "Ma mère n'a pas eu de lettre de sortie : l'hôpital devait-il la verser au DMP ?",
            "obligatoire",
            "lettre-liaison-sortie",
        ),
        # a letter for an admission is the entry letter
        (
            "Dermato : le courrier que je rédige pour son admission en chirurgie ambulatoire, DMP ?",
            "obligatoire",
            "lettre-liaison-entree",
        ),
    ],
)
def test_letters_said_for_what_they_are(engine, text, verdict, document):
    assert verdict_of(engine, text) == (verdict, [document])


@pytest.mark.parametrize(
    ("text", "verdict", "documents"),
    [
        # « jour avant » inside « hôpital de jour avant… » is not "days before"
        ("Bilan prélevé en hôpital de jour avant la séance : le CR bio va-t-il au DMP ?", "exclu", ["cr-biologie"]),
        # a care outside the list after a place word names the place
        (
            "Crème prescrite en consultation au centre de radiothérapie : l'ordonnance va au DMP ?",
            "obligatoire",
            ["prescription-produits-sante"],
        ),
        ("Compte rendu de séance de radiothérapie : DMP ?", "non_liste", []),
    ],
)
def test_settings_and_places(engine, text, verdict, documents):
    assert verdict_of(engine, text) == (verdict, documents)


@pytest.mark.parametrize(
    ("text", "verdict", "documents"),
    [
        # a work-up is lab tests and imaging: which report is meant is asked
        ("Les résultats du bilan pré-greffe, au DMP ?", "ambigu", ["cr-biologie", "cr-imagerie"]),
        ("La prescription du bilan d'extension : MSS ?", "ambigu", ["prescription-biologie", "demande-imagerie"]),
        # an exam named outright decides, the work-up is its context
        ("IRM hépatique pour le bilan pré-greffe, faite en externe : CR au DMP ?", "obligatoire", ["cr-imagerie"]),
    ],
)
def test_a_work_up_is_lab_tests_and_imaging(engine, text, verdict, documents):
    a = ask(engine, text)
    assert (a.verdict, a.documents[: len(documents)]) == (verdict, documents)


@pytest.mark.parametrize(
    ("text", "verdict", "document"),
    [
        # leaving the emergency department, with no admission said, is no stay
        ("ordo de sortie SAU (antalgiques) → MSS au MT ?", "obligatoire", "prescription-produits-sante"),
        (
            "IOA aux urgences : le médecin doit-il verser l'ordonnance de sortie dans le DMP ?",
            "obligatoire",
            "prescription-produits-sante",
        ),
        # a discharge from a ward still is
        ("Ordonnance de sortie d'hospitalisation en cardiologie : DMP ?", "exclu", "prescription-produits-sante"),
        # a nurse named in brackets as who gives the care is not the one asked about
        (
            "L'ordonnance de soins infirmiers (IDE libérale, 2 passages par jour) doit-elle être versée au DMP ?",
            "a_verifier",
            "prescription-hors-produits-sante",
        ),
    ],
)
def test_discharges_and_care_givers(engine, text, verdict, document):
    assert verdict_of(engine, text) == (verdict, [document])


@pytest.mark.parametrize(
    "text",
    [
        "ARM au centre 15 : suis-je tenue de verser quelque chose au DMP après un appel ?",
        "Secouriste en poste de secours : on doit mettre nos fiches d'intervention dans le DMP ?",
        "Technicienne de labo de nuit : suis-je responsable d'envoyer le CR de bio au DMP ?",
        "Medical physicist in radiotherapy: am I required to upload the dosimetry plans to the DMP?",
    ],
)
def test_more_people_not_covered(engine, text):
    assert ask(engine, text).verdict == "non_concerne"


def test_a_fire_brigade_doctor_is_a_doctor(engine):
    a = ask(engine, "Médecin sapeur-pompier : mes ordonnances faites en intervention, DMP ?")
    assert (a.verdict, a.documents[:1]) == ("obligatoire", ["prescription-produits-sante"])


@pytest.mark.parametrize(
    ("text", "verdict", "documents"),
    [
        # functional tests of the eye and the ear are not in the list
        ("ERG et PEV pour une suspicion de neuropathie optique : compte rendu au DMP ?", "non_liste", []),
        ("Audiogramme et tympanométrie faits au cabinet d'ORL : DMP ?", "non_liste", []),
        # a parent asking whether they must act themselves
        (
            "Est-ce que je dois moi-même mettre l'ordonnance de lunettes de mon fils dans son DMP ?",
            "non_concerne",
            ["prescription-produits-sante"],
        ),
        # eye drops are health products
        (
            "Ordonnance de collyre à instiller avant la consultation : MSS aux parents ?",
            "obligatoire",
            ["prescription-produits-sante"],
        ),
        # clinical and billing questions
        ("Après une cataracte, au bout de combien de jours peut-on reconduire ?", "hors_sujet", []),
        ("Dépassement d'honoraires pour une cataracte, quel plafond ?", "hors_sujet", []),
    ],
)
def test_eye_and_ear(engine, text, verdict, documents):
    assert verdict_of(engine, text) == (verdict, documents)


@pytest.mark.parametrize(
    ("text", "verdict", "document", "as_of"),
    [
        # « avant fin 2023 » is before the last day of 2023
        (
            "Avant fin 2023, la prescription de bilan bio devait-elle être versée au DMP ?",
            "pas_encore_en_vigueur",
            "prescription-biologie",
            dt.date(2023, 12, 30),
        ),
        (
            "Before the end of 2023, did operative reports have to be uploaded?",
            "pas_encore_en_vigueur",
            "cr-operatoire",
            dt.date(2023, 12, 30),
        ),
    ],
)
def test_before_the_end_of_a_year(engine, text, verdict, document, as_of):
    a = ask(engine, text)
    assert (a.verdict, a.documents[:1], a.date) == (verdict, [document], as_of)


@pytest.mark.parametrize(
    ("text", "verdict", "documents"),
    [
        ("Orthoprothésiste : dois-je verser au DMP mes comptes rendus d'essayage ?", "non_concerne", []),
        ("Les enseignants en APA sont-ils concernés par l'arrêté ?", "non_concerne", []),
        (
            "Je suis en SMR depuis trois semaines : mes prises de sang d'ici doivent-elles être dans mon DMP ?",
            "exclu",
            ["cr-biologie"],
        ),
        ("Ordo d'AINS faite par le médecin du club : DMP ?", "obligatoire", ["prescription-produits-sante"]),
    ],
)
def test_rehabilitation_and_sport(engine, text, verdict, documents):
    assert verdict_of(engine, text) == (verdict, documents)


@pytest.mark.parametrize(
    ("text", "documents"),
    [
        # « examens », "tests": lab tests or imaging, whichever the question does not say
        (
            "L'ordonnance d'examens complémentaires faite en consultation : DMP ?",
            ["prescription-biologie", "demande-imagerie"],
        ),
        ("Les examens faits en consultation sont-ils à verser ?", ["cr-biologie", "cr-imagerie"]),
        ("The test request for next week: mandatory via MSS?", ["prescription-biologie", "demande-imagerie"]),
    ],
)
def test_exams_without_saying_which(engine, text, documents):
    a = ask(engine, text)
    assert a.verdict == "ambigu" and set(a.documents) == set(documents), (a.verdict, a.documents)


@pytest.mark.parametrize(
    ("text", "verdict", "document"),
    [
        # saying one does something makes the document one's own only if one may write it
        (
            "IDE libérale, je fais les prises de sang à domicile : les CR du labo doivent aller au DMP ?",
            "obligatoire",
            "cr-biologie",
        ),
        (
            "Infirmière : les ordonnances de pansements que je rédige, DMP ?",
            "non_concerne",
            "prescription-produits-sante",
        ),
        # a customer asking is not the writer relaying a question
        (
            "Opticien : un client me demande d'envoyer sa prescription de lunettes dans son DMP, suis-je obligé ?",
            "non_concerne",
            "prescription-produits-sante",
        ),
    ],
)
def test_whose_document(engine, text, verdict, document):
    assert verdict_of(engine, text) == (verdict, [document])


@pytest.mark.parametrize(
    ("text", "headline"),
    [
        # a profession the question speaks of is not « votre profession »
        ("Les enseignants en APA sont-ils concernés par l'arrêté ?", "ne vise pas cette profession"),
        (
            "Le kiné m'a fait un courrier pour le rhumatologue : doit-il l'envoyer par MSS ?",
            "ne vise pas cette profession (masseur-kinésithérapeute)",
        ),
        ("Is a physiotherapist covered by the DMP rules?", "does not apply to this profession (physiotherapist)"),
        # the asker's own
        ("Kiné : mes bilans au DMP ?", "ne vise pas votre profession (masseur-kinésithérapeute)"),
    ],
)
def test_not_concerned_says_whose_profession(engine, text, headline):
    a = ask(engine, text)
    assert a.verdict == "non_concerne"
    assert headline in render_text(a).splitlines()[0]


@pytest.mark.parametrize(
    ("text", "verdict", "documents"),
    [
        # the fetus's DNA in the mother's blood is constitutional genetics; a virus's genotype is not
        (
            "DPNI (ADN fœtal libre circulant) pour la trisomie 21 : le CR du labo va-t-il au DMP ?",
            "exclu",
            ["cr-biologie"],
        ),
        ("Génotypage HPV 16/18 après un test positif : le CR va au DMP ?", "obligatoire", ["cr-biologie"]),
        # a work-up said as the purpose of an exam is its context
        (
            "Écho pelvienne pour bilan d'endométriose faite au cabinet : CR au MT par MSS ?",
            "obligatoire",
            ["cr-imagerie"],
        ),
        # a maternity the document is sent to is not where it was made
        ("Écho du 3e trimestre faite au cabinet, je l'envoie à la maternité par MSS ?", "obligatoire", ["cr-imagerie"]),
        # records outside the list, products, and a clinical question
        ("Le compte rendu d'anesthésie de la péridurale doit-il aller dans le DMP ?", "non_liste", []),
        (
            "Tire-lait prescrit en consultation deux semaines après la sortie : DMP ?",
            "obligatoire",
            ["prescription-produits-sante"],
        ),
        ("Écho T2 normale, je revois la patiente quand ?", "hors_sujet", []),
    ],
)
def test_womens_health(engine, text, verdict, documents):
    assert verdict_of(engine, text) == (verdict, documents)


@pytest.mark.parametrize(
    ("text", "verdict", "documents"),
    [
        # a situation said outright stays said when the question also compares with it
        (
            "Génotypage DPYD avant capécitabine : ce CR est-il exclu comme la génétique constitutionnelle ?",
            "exclu",
            ["cr-biologie"],
        ),
        # lab tests and blood products named by specialists
        ("Plombémie d'un salarié exposé, faite en ville : CR au DMP ?", "obligatoire", ["cr-biologie"]),
        ("IgE spécifiques faites en ville pour un enfant : CR au pédiatre par MSS ?", "obligatoire", ["cr-biologie"]),
        (
            "Prescription de culots globulaires au bloc pendant le séjour : DMP ?",
            "exclu",
            ["prescription-produits-sante"],
        ),
        # records outside the list, billing
        ("Le carnet INR rempli par le patient, on le scanne dans le DMP ?", "non_liste", []),
        ("Les examens ajoutés par le biologiste sont-ils remboursés ?", "hors_sujet", []),
    ],
)
def test_pharmacies_and_labs(engine, text, verdict, documents):
    assert verdict_of(engine, text) == (verdict, documents)


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        # Mon espace santé with messaging or a verb of sending is the patient's messaging
        ("L'ordonnance de la consultation part dans Mon espace santé par la messagerie ?", "mss_patient"),
        ("Le CR d'écho doit-il être envoyé sur Mon espace santé ?", "mss_patient"),
        ("ordo de pilule MSS patiente ?", "mss_patient"),
        # put in it, it is the DMP; with a professional addressee, theirs
        ("Le CR d'écho doit-il être versé dans Mon espace santé ?", "dmp"),
        ("Le CR d'écho doit-il être envoyé au médecin traitant par messagerie ?", "mss_professionnels"),
    ],
)
def test_mon_espace_sante_messaging(engine, text, channel):
    assert ask(engine, text).channel_asked == channel


@pytest.mark.parametrize(
    "text",
    [
        # general questions about the regulation, the patient's rights, the messaging itself: off the list
        "Le DPO demande si le versement au DMP nécessite le consentement du patient.",
        "Existe-t-il une liste officielle des documents obligatoires au DMP ?",
        "Comment obtenir une adresse de messagerie sécurisée pour notre centre ?",
        "Faut-il que l'INS soit qualifiée avant d'envoyer un document au DMP ?",
        "Can I ask my doctor to remove my scan report from my DMP?",
    ],
)
def test_general_questions_are_off_the_list(engine, text):
    assert ask(engine, text).verdict == "hors_sujet"


def test_a_person_housed_in_a_shelter_is_no_off_topic_question(engine):
    a = ask(engine, "Ordonnance de lunettes pour un enfant hébergé en hôtel social : DMP ?")
    assert (a.verdict, a.documents[:1]) == ("obligatoire", ["prescription-produits-sante"])


@pytest.mark.parametrize(
    ("text", "verdict", "documents"),
    [
        # a letter to someone who is not a health professional is not a listed courrier
        (
            "Le courrier à la directrice d'école pour expliquer la maladie de l'enfant, c'est dans la liste ?",
            "non_liste",
            [],
        ),
        ("The letter I write to my patient's employer to adapt her job: is it in scope?", "non_liste", []),
        (
            "Courrier au pneumologue de ville pour un patient vu en consultation : MSS obligatoire ?",
            "obligatoire",
            ["courriers"],
        ),
        # a care named with its prescription at the start is the care, not the asker
        (
            "Kiné respiratoire pour une bronchiolite : l'ordonnance va dans le DMP ?",
            "a_verifier",
            ["prescription-hors-produits-sante"],
        ),
        ("Kiné : dois-je verser mes bilans au DMP ?", "non_concerne", []),
    ],
)
def test_letters_and_cares(engine, text, verdict, documents):
    assert verdict_of(engine, text) == (verdict, documents)
