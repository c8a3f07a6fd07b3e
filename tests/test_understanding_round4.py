"""Understanding, round 4: the duty falls on whoever writes the document (tests/data/LABELLING.md, « Who is
covered »). Someone not covered asking about a document a doctor or a biologist writes gets that document's
answer, with a line saying whose duty it is; asking about their own duty or their own document, they are not
concerned. Each case asserts what the user sees: verdict, document and the line about the duty."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.render.text import render_text

DAY = dt.date(2026, 12, 3)


def ask(engine, text, day=DAY):
    return engine.answer(text, day)


@pytest.mark.parametrize(
    ("text", "verdict", "document"),
    [
        # a document only covered professionals write, asked impersonally: the document's answer
        ("IDE en chirurgie : le CRO doit-il partir dans le DMP ?", "obligatoire", "cr-operatoire"),
        ("infirmiere liberale, CR de bio a mettre au DMP ?", "obligatoire", "cr-biologie"),
        ("IDEL, lettre de liaison de sortie a verser au DMP ?", "obligatoire", "lettre-liaison-sortie"),
        (
            "Midwife in a maternity unit: is the obstetrician's discharge letter supposed to go into the DMP?",
            "obligatoire",
            "lettre-liaison-sortie",
        ),
        (
            "Kiné en SSR. La radio du genou faite pendant le séjour chez nous, le CR doit-il aller dans le DMP ?",
            "exclu",
            "cr-imagerie",
        ),
        # a covered professional named as the one who wrote it (« par », an author verb)
        (
            "Infirmière en EHPAD. Le médecin traitant de nos résidents doit-il verser ses ordonnances de "
            "médicaments dans leur DMP ?",
            "obligatoire",
            "prescription-produits-sante",
        ),
        (
            "Je suis infirmière. L'ordonnance de bas de contention prescrite par le phlébologue va-t-elle au DMP ?",
            "obligatoire",
            "prescription-produits-sante",
        ),
    ],
)
def test_a_document_a_doctor_writes_is_answered_with_whose_duty_it_is(engine, text, verdict, document):
    a = ask(engine, text)
    assert (a.verdict, a.documents[:1]) == (verdict, [document])
    shown = render_text(a)
    assert "pas sur vous" in shown or "not on you" in shown, shown


@pytest.mark.parametrize(
    ("text", "document"),
    [
        # the asker's own duty, first person or relayed
        ("Je suis kiné, le compte rendu d'IRM de mon patient doit-il être versé par moi ?", "cr-imagerie"),
        ("Infirmière en cabinet de radiologie : l'envoi des CR d'imagerie par MES me concerne-t-il ?", "cr-imagerie"),
        ("Technicien de labo : l'obligation de verser les CR de bio au DMP s'applique-t-elle à moi ?", "cr-biologie"),
        ("Une IDE demande si elle devait verser au DMP les CR bio qu'elle récupère au labo.", "cr-biologie"),
        ("I'm a phlebotomy nurse. Is it my job to send lab results to patients through Mon espace santé?", None),
        # the asker's profession named as bearing the duty (an inverted verb too)
        ("Les manips ont-ils une obligation d'envoyer les CR d'examen au patient via Mon espace santé ?", None),
        # a document the asker may write, nobody else named: theirs
        ("kine ici, courrier au MT par MSS obligatoire ?", "courriers"),
        ("pharmacien d'officine, ordo a mettre au DMP ?", "prescription-produits-sante"),
        # their own document: a possessive, or named only as an assessment
        ("Psychologue en psychiatrie : mes CR de bilans psychométriques doivent-ils aller dans le DMP ?", None),
        ("Un orthoptiste demande si ses comptes rendus de bilan orthoptique partent à l'ophtalmo par MSS.", None),
        ("Psychomotricienne : mon compte rendu de bilan psychomoteur, DMP ?", None),
    ],
)
def test_their_own_duty_or_document_is_not_concerned(engine, text, document):
    a = ask(engine, text)
    assert a.verdict == "non_concerne", (a.verdict, a.documents)
    if document:
        assert a.documents[:1] == [document]


def test_a_covered_asker_gets_no_line_about_someone_elses_duty(engine):
    a = ask(engine, "Chirurgien : le CRO doit-il partir dans le DMP ?")
    assert (a.verdict, a.documents[:1]) == ("obligatoire", ["cr-operatoire"])
    assert "pas sur vous" not in render_text(a)


def test_writers_must_be_professions_of_the_catalogue(tmp_path):
    import shutil

    from bot.loading import DEFAULT_KNOWLEDGE_DIR, DEFAULT_RULES_DIR, RuleFileError, load_rulebook

    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    catalogue = rules / "catalogue.yaml"
    catalogue.write_text(catalogue.read_text().replace("written_by: [biologiste]", "written_by: [biologist]"))
    with pytest.raises(RuleFileError) as err:
        load_rulebook(rules, DEFAULT_KNOWLEDGE_DIR)
    assert "unknown profession id 'biologist'" in str(err.value)
    assert "cr-biologie" in str(err.value)


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        # a patient or a relative asking whether they must do it themselves
        (
            "Maman d'un bébé de 2 mois : est-ce que je dois ajouter moi-même le CR de son écho dans son DMP ?",
            "non_concerne",
        ),
        ("As a parent, am I required to upload my son's blood test results to his DMP myself?", "non_concerne"),
        # …or asking about the doctor's document: its answer
        ("Papa ici : le compte rendu de la radio de mon fils doit-il aller dans son DMP ?", "obligatoire"),
        # a month is no relative (« mars » is not « mari »)
        ("En mars 2025, mes courriers aux MT devaient-ils être versés dans le DMP ?", "a_verifier"),
    ],
)
def test_patients_and_relatives_are_askers_not_covered(engine, text, verdict):
    assert ask(engine, text).verdict == verdict


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        # relayed by the writer: the relayed person's duty in the third person, the writer's « je » is not theirs
        (
            "le manip radio du cabinet me demande si c'est à lui d'envoyer le CR de radio au médecin traitant par MSS",
            "non_concerne",
        ),
        ("Le kiné me demande si je dois lui envoyer le CR de l'IRM par messagerie sécurisée.", "obligatoire"),
        # whether a profession is covered, asked about them
        ("Are school nurses covered by the DMP decree?", "non_concerne"),
        ("Un neuropsychologue est-il soumis à l'obligation d'alimenter le DMP ?", "non_concerne"),
        ("Un radiologue doit-il alimenter le DMP ?", "hors_sujet"),
        # staff acting for a doctor, asking about themselves
        ("Assistante médicale : est-ce moi qui dois déposer les CR de biologie dans le DMP ?", "non_concerne"),
    ],
)
def test_whose_question_it_is(engine, text, verdict):
    assert ask(engine, text).verdict == verdict


@pytest.mark.parametrize(
    "text",
    [
        # the covered professional as the document's owner (« du psychiatre »), or after a place, not an addressee
        "Notre IDE de CMP demande si la réponse écrite du psychiatre au médecin traitant doit être versée au DMP.",
        "Psychologue au CMP : le psychiatre doit-il envoyer son courrier au médecin traitant par MSS ?",
        "Puéricultrice en PMI : le médecin de PMI prescrit de la vitamine D à un bébé, l'ordonnance va au DMP ?",
    ],
)
def test_a_covered_writer_named_so_decides(engine, text):
    a = ask(engine, text)
    assert a.verdict == "obligatoire", (a.verdict, a.documents)


@pytest.mark.parametrize(
    ("text", "verdict", "day"),
    [
        # a date dictated in words is the date asked
        ("en deux mille vingt deux le conte rendu de scanner devait aller dans le DMP", "pas_encore_en_vigueur", None),
        (
            "le trente et un décembre deux mille vingt-trois le compte rendu opératoire devait-il aller au DMP",
            "obligatoire",
            dt.date(2023, 12, 31),
        ),
        (
            "au premier mars deux mille vingt-trois le CRO dans le DMP c'était obligatoire",
            "pas_encore_en_vigueur",
            None,
        ),
        # a number that is no year stays a number
        ("deux mille patients par an au labo, le CR bio doit aller au DMP ?", "obligatoire", DAY),
    ],
)
def test_dates_dictated_in_words(engine, text, verdict, day):
    a = ask(engine, text)
    assert a.verdict == verdict, (a.verdict, a.date)
    if day:
        assert a.date == day


@pytest.mark.parametrize(
    "text",
    [
        "le compte rendu de la prise de sang je le mets dans son des MP",
        "ordonnance de bandelettes dans le D M P obligatoire ?",
    ],
)
def test_the_dmp_as_speech_to_text_writes_it(engine, text):
    a = ask(engine, text)
    assert a.verdict == "obligatoire"
    assert a.channel_asked == "dmp", a.channel_asked


@pytest.mark.parametrize(
    "text",
    [
        # the letter of a doctor who arranges the admission is written before it: lettre de liaison d'entrée
        "Médecin en centre de santé, j'hospitalise un patient de 78 ans en médecine pour une pneumopathie. Ma "
        "lettre pour le service doit-elle être versée au DMP ?",
        "Médecin du CMP, j'organise l'hospitalisation programmée d'un patient au CHS la semaine prochaine. Le "
        "courrier que je joins pour l'équipe qui va l'accueillir doit-il être versé au DMP ?",
    ],
)
def test_a_letter_arranging_an_admission_is_the_entry_letter(engine, text):
    a = ask(engine, text)
    assert (a.verdict, a.documents[:1]) == ("obligatoire", ["lettre-liaison-entree"])


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("Microdélétions du chromosome Y (AZF) chez un homme azoosperme, résultat du labo : DMP ?", "exclu"),
        ("Recherche de mutation familiale chez une apparentée, CR du labo au DMP ?", "exclu"),
        # the virus's genes are not the patient's
        ("Génotypage de résistance du VIH, le CR du labo va-t-il dans le DMP ?", "obligatoire"),
    ],
)
def test_constitutional_genetics_said_by_family_or_chromosome(engine, text, verdict):
    a = ask(engine, text)
    assert (a.verdict, a.documents[:1]) == (verdict, ["cr-biologie"])


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        # a duty verb after a covered professional outweighs a possessive of the asker
        (
            "Je suis suivie au CMP. Ma psychiatre doit-elle mettre mes ordonnances d'antidépresseurs dans mon DMP ?",
            "obligatoire",
        ),
        # …and a possessive outweighs a carer named with « par »
        (
            "Je suis orthophoniste, mon bilan de langage pour un enfant suivi par le pédiatre doit-il aller dans le DMP ?",
            "non_concerne",
        ),
        # the patient's family, in the first person plural
        (
            "Notre bébé a eu une échographie en ville, le cabinet nous a donné le CR. C'est à nous de le scanner dans son DMP ?",
            "non_concerne",
        ),
        (
            "My wife had a C-section last week. Are we supposed to upload the operative report to her DMP ourselves?",
            "non_concerne",
        ),
        ("Our CSAPA nurse asks whether she herself has to upload the lab reports to the DMP.", "non_concerne"),
    ],
)
def test_the_strongest_sign_of_whose_duty_wins(engine, text, verdict):
    a = ask(engine, text)
    assert a.verdict == verdict, (a.verdict, a.documents)


@pytest.mark.parametrize(
    "text",
    [
        # a prescription of a care the 2024 list adds, named by its assessment or its kind
        "Médecin de PMI : je prescris un bilan orthoptique pour un enfant de 3 ans qui louche. Ordonnance au DMP ?",
        "Séances de kiné respiratoire prescrites en juillet 2024, obligation de les verser ?",
        "Sage-femme : le gynécologue qui prescrit la rééducation périnéale à ma patiente doit-il verser cette "
        "ordonnance au DMP ?",
    ],
)
def test_a_prescription_of_care_is_the_new_document(engine, text):
    a = ask(engine, text)
    assert (a.verdict, a.documents[:1]) == ("a_verifier", ["prescription-hors-produits-sante"])


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        # staff speak for the practice (« on »), unless they ask about themselves (« je »)
        (
            "Secrétaire médicale du cabinet de radiologie : doit-on déposer les comptes rendus d'IRM dans le DMP ?",
            "obligatoire",
        ),
        (
            "Je suis secrétaire médicale. Quand je rédige moi-même un courrier, suis-je tenue de l'envoyer par MSS ?",
            "non_concerne",
        ),
        # …and for the practice that employs them
        (
            "Je suis secrétaire dans un cabinet de kinésithérapeutes : doit-on déposer les bilans de nos kinés dans le DMP ?",
            "non_concerne",
        ),
    ],
)
def test_practice_staff(engine, text, verdict):
    assert ask(engine, text).verdict == verdict


@pytest.mark.parametrize(
    ("text", "verdict", "document"),
    [
        # an exam said as a moment is context, not the document asked
        (
            "Médecin nucléaire, je prescris un bilan thyroïdien avant la scinti. L'ordonnance doit-elle aller au DMP ?",
            "obligatoire",
            "prescription-biologie",
        ),
        # a product named after « de la », « du »: a prescription of health products
        (
            "Psychiatre de liaison, je lui prescris de la sertraline pendant son séjour en maternité : DMP ?",
            "exclu",
            "prescription-produits-sante",
        ),
    ],
)
def test_what_the_prescription_is_of(engine, text, verdict, document):
    a = ask(engine, text)
    assert (a.verdict, a.documents[:1]) == (verdict, [document])


@pytest.mark.parametrize(
    "text",
    [
        "Fréquence des NFS sous clozapine : tous les mois la première année ?",
        "À quel terme faire l'échographie du 3e trimestre ?",
    ],
)
def test_clinical_questions_are_off_topic(engine, text):
    assert ask(engine, text).verdict == "hors_sujet"


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        # the lab bound by the duty writes the report, not the prescription
        (
            "En octobre 2022, le labo devait-il déjà verser les lithémies de nos patients dans le DMP ?",
            "pas_encore_en_vigueur",
        ),
        ("Le labo doit-il verser les sérologies VIH prescrites au CeGIDD dans le DMP ?", "obligatoire"),
        # …but an invoice is still no report
        ("Le labo doit-il mettre sa facture dans mon DMP ?", "non_liste"),
    ],
)
def test_the_lab_bound_writes_the_report(engine, text, verdict):
    a = ask(engine, text)
    assert a.verdict == verdict, (a.verdict, a.documents)
    if verdict != "non_liste":
        assert a.documents[:1] == ["cr-biologie"]


@pytest.mark.parametrize(
    ("text", "document"),
    [
        # a request told as the story, its report asked about
        (
            "Centre de santé : notre généraliste a prescrit une écho abdominale, faite en ville. Le CR doit-il être "
            "envoyé au médecin prescripteur par MSS ?",
            "cr-imagerie",
        ),
        (
            "Médecin du travail : je demande une radio des mains pour un salarié. Le radiologue doit-il m'envoyer le CR par MSS ?",
            "cr-imagerie",
        ),
        # « prescripteur », "prescriber" are people, « le report » a postponement
        ("Lab tech here. Do I personally have to send urgent results to the prescriber via MSSanté?", "cr-biologie"),
        (
            "La demande d'imagerie doit-elle être versée dans le DMP ou cette obligation a-t-elle été repoussée ? On a lu "
            "des choses contradictoires sur le report.",
            "demande-imagerie",
        ),
    ],
)
def test_the_document_asked_about_is_the_one_named_last(engine, text, document):
    assert ask(engine, text).documents[:1] == [document]


@pytest.mark.parametrize(
    ("text", "verdict", "document"),
    [
        # a letter written after discharge, or after an ER visit without admission, is a courrier
        (
            "Psychiatre hospitalier, consultation externe un mois après la sortie : mon courrier au MT doit-il aller au DMP ?",
            "obligatoire",
            "courriers",
        ),
        (
            "Addiction doctor: a patient seen in the ER and not admitted, I write a letter to his GP. Is MSSanté mandatory?",
            "obligatoire",
            "courriers",
        ),
        # a day-hospital session is a stay; its kind is its setting, not a document
        (
            "Ordonnance d'antiémétiques faite pendant la séance de chimio en hôpital de jour : DMP ?",
            "exclu",
            "prescription-produits-sante",
        ),
        (
            "Mon patient est venu en hospitalisation de jour d'évaluation gériatrique et a eu un scanner : le CR doit-il "
            "aller dans son DMP ?",
            "exclu",
            "cr-imagerie",
        ),
        # a stay compared with is not said
        (
            "Les ordonnances de médicaments que je fais en EHPAD doivent aller dans le DMP ou c'est exclu comme un "
            "séjour hospitalier ?",
            "obligatoire",
            "prescription-produits-sante",
        ),
        (
            "Dermato : sa réponse au médecin traitant après avoir vu le patient, elle doit partir en MSS ?",
            "obligatoire",
            "courriers",
        ),
        (
            "Test BRCA fait par le labo pour ma patiente dont la mère a eu un cancer du sein, le CR va-t-il dans son DMP ?",
            "exclu",
            "cr-biologie",
        ),
    ],
)
def test_when_and_where_a_document_is_written(engine, text, verdict, document):
    a = ask(engine, text)
    assert (a.verdict, a.documents[:1]) == (verdict, [document])


@pytest.mark.parametrize(
    ("text", "verdict", "document"),
    [
        # a letter sending the patient to a hospital, a CHU, the ER: the lettre de liaison d'entrée
        (
            "MG formé à l'IVG en ville. Quand j'adresse une patiente au centre hospitalier pour une aspiration, la "
            "lettre que je joins doit passer par MSS ?",
            "obligatoire",
            "lettre-liaison-entree",
        ),
        # a negation just before, small words aside; not one that qualifies another word
        (
            "Question de cours : un médecin doit-il verser au DMP la demande d'examen de radiologie d'un acte à "
            "réaliser en dehors de tout séjour hospitalier ?",
            "obligatoire",
            "demande-imagerie",
        ),
        (
            "Andrologue, azoospermie non obstructive : caryotype et recherche de microdélétions. Le CR du labo de "
            "génétique doit-il aller au DMP ?",
            "exclu",
            "cr-biologie",
        ),
        (
            "HLA-B*57:01 avant de mettre de l'abacavir, le résultat du labo doit-il aller au DMP ?",
            "exclu",
            "cr-biologie",
        ),
        # products named in their users' words
        (
            "We run a PrEP clinic. Since when must PrEP prescriptions be sent to patients through Mon espace santé?",
            "obligatoire",
            "prescription-produits-sante",
        ),
        (
            "Gynaecologist: does my prescription for a contraceptive pill have to go into the DMP?",
            "obligatoire",
            "prescription-produits-sante",
        ),
    ],
)
def test_sexual_health_and_reproduction_words(engine, text, verdict, document):
    a = ask(engine, text)
    assert (a.verdict, a.documents[:1]) == (verdict, [document])


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("Comment paramétrer mon logiciel de cabinet pour que l'ordo parte directement dans le DMP ?", "hors_sujet"),
        # set-up said in passing, the question is the obligation
        (
            "Pour le paramétrage de notre logiciel, les certificats médicaux font-ils partie des documents à envoyer au "
            "patient via la messagerie de Mon espace santé ?",
            "non_liste",
        ),
        ("On risque quoi si on ne verse pas les CRO au DMP ?", "hors_sujet"),
    ],
)
def test_how_to_and_sanctions_are_off_topic(engine, text, verdict):
    assert ask(engine, text).verdict == verdict


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        # « mon DMP »: the patient asks; about his own duty he is not concerned…
        ("Est-ce que je dois moi-même ajouter mon certificat de permis dans mon DMP ?", "non_concerne"),
        # …about the lab's, he gets the lab's answer; « Mon espace santé » is a name, not a possessive
        ("Prise de sang analysée par le labo : le labo doit mettre le CR dans mon DMP ?", "obligatoire"),
        ("Mon opération de la cataracte date de juin 2024. Le CRO devait-il être mis dans mon DMP ?", "obligatoire"),
        ("Do I have to put my drug prescriptions in Mon espace santé?", "obligatoire"),
        # a year after « la liste de » names the text; « dans la liste en 2023 » is a date
        ("La liste de 2022 contenait les certificats ; est-ce toujours le cas pour nos CNCI ?", "non_liste"),
        ("La prescription de séances de kiné, c'était dans la liste en 2023 ?", "non_liste"),
        # a residence permit is no stay
        (
            "Pour un titre de séjour étranger malade, le néphrologue de ville écrit au médecin de l'OFII. Ce courrier "
            "doit-il partir par MSS ?",
            "obligatoire",
        ),
    ],
)
def test_patients_certificates_and_texts(engine, text, verdict):
    a = ask(engine, text)
    assert a.verdict == verdict, (a.verdict, a.documents)


@pytest.mark.parametrize(
    "text",
    [
        "Le labo doit-il envoyer le CR de la NFS aux parents via Mon espace santé ?",
        "Should the lab send the report to the rider through Mon espace santé messaging?",
        "My husband had a vasectomy, should the surgeon have sent the operative report to his Mon espace santé inbox?",
    ],
)
def test_sent_to_the_patient_through_mon_espace_sante_is_its_messaging(engine, text):
    assert ask(engine, text).channel_asked == "mss_patient"


@pytest.mark.parametrize(
    ("text", "verdict", "documents"),
    [
        # a hospital named is not a stay; a letter to or from it may be the liaison letter
        (
            "Oncologue au CHU de Martinique : la recherche de mutation EGFR sur la tumeur (génétique somatique) faite "
            "par le labo, le CR doit-il être dans le DMP ?",
            "obligatoire",
            ["cr-biologie"],
        ),
        ("Le courrier pour l'hôpital, MSS obligatoire ?", "ambigu", ["courriers", "lettre-liaison-entree"]),
        ("Et le courrier de l'hôpital, il doit être dans mon DMP ?", "ambigu", ["courriers", "lettre-liaison-sortie"]),
        # a letter named outright, sent with the patient into hospital: the entry letter
        (
            "Lettre d'adressage à l'hôpital de Bayonne pour une hospitalisation programmée, envoyée par MSS : obligatoire ?",
            "obligatoire",
            ["lettre-liaison-entree"],
        ),
        (
            "GP in Alsace: when I refer him for admission to Strasbourg hospital, is my referral letter required in the DMP?",
            "obligatoire",
            ["lettre-liaison-entree"],
        ),
        # the stay said outright still excludes
        (
            "Is the radiology report of a CT scan performed during a hospital admission subject to the DMP upload obligation?",
            "exclu",
            ["cr-imagerie"],
        ),
        # of somatic and constitutional genetics both named, the one said last is asked about
        (
            "Laboratoire de génétique du CHU : on fait de la génétique somatique et constitutionnelle. Pour le volet "
            "constitutionnel, un CR rendu aujourd'hui doit-il être envoyé dans le DMP ?",
            "exclu",
            ["cr-biologie"],
        ),
    ],
)
def test_a_hospital_named_is_not_a_stay(engine, text, verdict, documents):
    a = ask(engine, text)
    assert (a.verdict, sorted(a.documents)) == (verdict, sorted(documents))


@pytest.mark.parametrize(
    ("text", "verdict", "document"),
    [
        # an operation or a moment beside another document is its context
        (
            "Arrêt de travail après vasectomie rédigé en octobre 2023 : fallait-il le verser ?",
            "pas_encore_en_vigueur",
            "certificats-declarations",
        ),
        (
            "Orchidectomie pour tumeur du testicule : les marqueurs (AFP, bHCG, LDH) dosés pendant l'hospitalisation → DMP ?",
            "exclu",
            "cr-biologie",
        ),
        # the lab named as writing it, with no asker said: its report
        ("L'ECBU réalisé par le labo de ville, doit-il aller dans le DMP ?", "obligatoire", "cr-biologie"),
    ],
)
def test_context_and_the_writer_named(engine, text, verdict, document):
    a = ask(engine, text)
    assert (a.verdict, a.documents[:1]) == (verdict, [document])


@pytest.mark.parametrize(
    ("text", "verdict", "document"),
    [
        # the mobile geriatric team is no electromyogram
        (
            "Un gériatre de l'EMG rédige la lettre de liaison de sortie, elle doit quand même aller au DMP ?",
            "obligatoire",
            "lettre-liaison-sortie",
        ),
        # a word with an operation's ending is read by it, not as a typo of an exam outside the list
        (
            "Notre patiente a eu une colostomie de décharge à la clinique. Le chirurgien devait-il envoyer le CRO à "
            "la patiente dans sa messagerie Mon espace santé ?",
            "obligatoire",
            "cr-operatoire",
        ),
        # the sample an exam was done on is not the document asked
        (
            "Recherche de mutation EGFR sur biopsie tumorale par le labo de biologie moléculaire : CR au DMP ?",
            "obligatoire",
            "cr-biologie",
        ),
        # palliative care is a setting, anticipatory prescriptions are medicines
        (
            "Prescriptions anticipées rédigées en consultation externe de soins palliatifs pour un patient qui rentre "
            "chez lui : DMP obligatoire ?",
            "obligatoire",
            "prescription-produits-sante",
        ),
    ],
)
def test_settings_and_samples_are_context(engine, text, verdict, document):
    a = ask(engine, text)
    assert (a.verdict, a.documents[:1]) == (verdict, [document])


@pytest.mark.parametrize(
    ("text", "verdict", "document"),
    [
        # HAD: whether it is a hospital stay, our sources do not say
        (
            "Patient en HAD depuis 3 semaines : l'ordo de morphine que je fais, DMP obligatoire ?",
            "a_verifier",
            "prescription-produits-sante",
        ),
        ("Courrier au MT depuis l'HAD pendant la prise en charge, MSS obligatoire ?", "a_verifier", "courriers"),
        # …where it makes no difference, or the patient is not (or no longer) in HAD, the usual answer
        ("CRO d'un patient suivi en HAD, DMP ?", "obligatoire", "cr-operatoire"),
        (
            "Ma patiente n'est pas en HAD : la prescription de furosémide que je fais à domicile doit-elle aller au DMP ?",
            "obligatoire",
            "prescription-produits-sante",
        ),
        (
            "Patient sorti d'HAD il y a trois semaines, je lui prescris une IRM lombaire, la demande doit-elle aller au DMP ?",
            "obligatoire",
            "demande-imagerie",
        ),
        # "had" in English is a verb
        ("The patient had surgery last week, must the op note go to the DMP?", "obligatoire", "cr-operatoire"),
    ],
)
def test_hospital_at_home_is_left_open_by_the_sources(engine, text, verdict, document):
    a = ask(engine, text)
    assert (a.verdict, a.documents[:1]) == (verdict, [document])
    shown = render_text(a)
    if verdict == "a_verifier":
        assert "HAD" in shown and "legifrance" in shown.lower(), shown
        assert a.effective_date is None  # no date asserted where the sources are silent


def test_an_open_case_in_the_lexicon_must_be_one_of_the_catalogue(tmp_path):
    import shutil

    from bot.engine import Engine
    from bot.loading import DEFAULT_KNOWLEDGE_DIR, DEFAULT_RULES_DIR, RuleFileError

    rules, knowledge = tmp_path / "rules", tmp_path / "knowledge"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, knowledge)
    lexicon = knowledge / "lexicon.yaml"
    lexicon.write_text(
        lexicon.read_text(encoding="utf-8").replace("open_situations:\n  had:", "open_situations:\n  hap:")
    )
    with pytest.raises(RuleFileError, match="hap"):
        Engine.load(rules, knowledge)


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        # genes of inherited diseases, and family studies: constitutional genetics
        ("Génotypage du gène F8 chez un patient hémophile A : le CR doit-il être versé au DMP ?", "exclu"),
        ("Recherche de mutations ATP7B pour maladie de Wilson chez le frère d'un patient : CR au DMP ?", "exclu"),
        # a protected ward is a stay
        (
            "Patient en secteur protégé pendant l'aplasie post-chimio, scanner thoracique : le CR du scanner doit-il aller au DMP ?",
            "exclu",
        ),
        # professionals named as bearing the duty when nobody says who asks
        (
            "La cadre de l'HDJ demande si les infirmières doivent envoyer elles-mêmes les CR de bio aux patients.",
            "non_concerne",
        ),
        # a verb just before the next professional is that professional's; « recevoir » binds no one
        (
            "I'm an English-speaking nurse working in Nice: must the GP put the wound dressing prescription in the DMP?",
            "obligatoire",
        ),
        (
            "Je fais une ordonnance de midazolam pour un patient au domicile, le pharmacien doit-il la recevoir par MSS ?",
            "obligatoire",
        ),
    ],
)
def test_hospital_specialties_words(engine, text, verdict):
    a = ask(engine, text)
    assert a.verdict == verdict, (a.verdict, a.documents)


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        # a prescription during a stay, nothing else said: the ward's medicines, excluded
        (
            "Inpatient ward prescriptions for a voluntarily admitted patient on our psychiatric unit: do they need to go into the DMP?",
            "exclu",
        ),
        (
            "Antibiothérapie prescrite et administrée pendant l'hospitalisation : la prescription va dans le DMP ?",
            "exclu",
        ),
        # the patient's right to refuse or to hide is a question about his rights, not a document
        ("Une patiente peut-elle refuser qu'on alimente son DMP avec ses résultats ?", "hors_sujet"),
        ("Un sportif peut-il empêcher que son médecin traitant voie un document dans le DMP ?", "hors_sujet"),
    ],
)
def test_ward_prescriptions_and_patients_rights(engine, text, verdict):
    assert ask(engine, text).verdict == verdict


@pytest.mark.parametrize(
    ("text", "verdict", "document"),
    [
        # a care word inside a setting is the setting; an exam outside the list inside a listed phrase is that phrase
        (
            "Hôpital de jour d'oncologie : les bilans sanguins faits pendant la séance de chimio, CR au DMP obligatoire ?",
            "exclu",
            "cr-biologie",
        ),
        (
            "Radio de thorax d'un nouveau-né hospitalisé en soins intensifs néonatals : le CR est à verser au DMP ?",
            "exclu",
            "cr-imagerie",
        ),
        (
            "Hystéroscopie opératoire au bloc pour résection d'un polype : le compte rendu, DMP ?",
            "obligatoire",
            "cr-operatoire",
        ),
        (
            "Biopsie liquide (NGS tumoral EGFR/KRAS sur ADN circulant) en ambulatoire : notre CR doit-il aller au DMP ?",
            "obligatoire",
            "cr-biologie",
        ),
    ],
)
def test_a_word_inside_a_longer_phrase_is_that_phrase(engine, text, verdict, document):
    a = ask(engine, text)
    assert (a.verdict, a.documents[:1]) == (verdict, [document])
