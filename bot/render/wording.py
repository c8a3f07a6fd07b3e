"""Our own sentences around the law, in French and English. Legal words come from the data.

Kept beside the renderers so that a change of tone never touches the engine.
"""

from __future__ import annotations

import datetime as dt

MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def date(value: dt.date, lang: str) -> str:
    if lang == "en":
        return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS_FR[value.month - 1]} {value.year}"


TEXTS: dict[str, dict[str, str]] = {
    # verdict headlines
    "obligatoire": {
        "fr": "Oui, c'est obligatoire (depuis le {effective}) : {title}.",
        "en": "Yes, this is mandatory (since {effective}): {title}.",
    },
    "obligatoire_unverified": {
        "fr": "Oui, obligatoire depuis le {effective} selon l'arrêté de 2022 — date à vérifier, la ligne correspondante de l'annexe de 2024 n'a pas pu être consultée : {title}.",
        "en": "Yes, mandatory since {effective} under the 2022 arrêté — date to be checked, the matching row of the 2024 annex could not be consulted: {title}.",
    },
    "pas_encore_en_vigueur": {
        "fr": "Pas encore obligatoire au {day} : {title}. L'obligation s'applique à partir du {effective}.",
        "en": "Not yet mandatory on {day}: {title}. The obligation applies from {effective}.",
    },
    "exclu": {
        "fr": "Non, pas d'obligation dans ce cas ({label}) : {title}. L'annexe dit : « {quote} ».",
        "en": "No, not in this case ({label}): {title}. The annex says: « {quote} ».",
    },
    "non_concerne": {
        "fr": "Cette obligation ne vise pas votre profession ({profession}).",
        "en": "This obligation does not apply to your profession ({profession}).",
    },
    "non_liste": {
        "fr": "Ce document ne figure pas dans la liste de l'arrêté du 26 avril 2022 : pas d'obligation de versement au DMP ni d'envoi par messagerie sécurisée à ce titre.",
        "en": "This document is not in the list of the arrêté of 26 April 2022: no duty to upload it to the DMP or send it by secure messaging on that basis.",
    },
    "non_liste_removed": {
        "fr": "Non : depuis le {effective}, ce document ne figure plus dans la liste : {title}.",
        "en": "No: since {effective} this document is no longer on the list: {title}.",
    },
    "non_liste_document": {
        "fr": "Non : au {day}, ce document ne figure pas dans la liste : {title}.",
        "en": "No: on {day} this document is not on the list: {title}.",
    },
    "a_verifier": {
        "fr": "À vérifier : les sources dont nous disposons ne permettent pas de trancher au {day} pour : {title}.",
        "en": "To be checked: the sources we hold do not settle it on {day} for: {title}.",
    },
    "ambigu": {
        "fr": "Je ne suis pas sûr du document dont vous parlez. Lequel ?",
        "en": "I am not sure which document you mean. Which one?",
    },
    "ambigu_one": {
        "fr": "Je ne suis pas sûr du document dont vous parlez. S'agit-il de celui-ci ?",
        "en": "I am not sure which document you mean. Is it this one?",
    },
    "hors_sujet": {
        "fr": "Je réponds aux questions sur les documents que médecins et biologistes doivent verser au DMP et envoyer par messagerie sécurisée (arrêté du 26 avril 2022, annexe modifiée en 2024).",
        "en": "I answer questions on the documents that physicians and biologists must upload to the DMP and send by secure messaging (arrêté of 26 April 2022, annex changed in 2024).",
    },
    "examples": {
        "fr": "Exemples : « Dois-je envoyer le compte rendu opératoire au patient ? », « CR bio dans le DMP ? », « ordonnance soumise à entente préalable ? »",
        "en": "Examples: “Must I send the operative report to the patient?”, “Lab report in the DMP?”, “Prescription subject to prior approval?”",
    },
    # sections
    "todo": {"fr": "À faire :", "en": "What to do:"},
    "todo_if": {"fr": "Ce qu'il faudra faire :", "en": "What will be required:"},
    "todo_otherwise": {"fr": "En dehors de ce cas :", "en": "Outside this case:"},
    "todo_if_due": {
        "fr": "Si l'obligation s'applique (selon l'arrêté de 2022) :",
        "en": "If the obligation applies (as in the 2022 arrêté):",
    },
    "recipients": {"fr": "— destinataires :", "en": "— recipients:"},
    "condition": {"fr": "condition", "en": "condition"},
    "not_verified": {"fr": "non vérifié", "en": "not verified"},
    "exclusions": {"fr": "Exclusions :", "en": "Exclusions:"},
    "no_exclusion": {"fr": "Exclusions : aucune.", "en": "Exclusions: none."},
    "effective": {"fr": "Entrée en vigueur : {effective}.", "en": "In force from: {effective}."},
    "sources": {"fr": "Source :", "en": "Source:"},
    "caveats": {"fr": "À noter :", "en": "Note:"},
    # caveats
    "truncated": {
        "fr": "Message très long : seul son début a été lu.",
        "en": "Very long message: only its beginning was read.",
    },
    "covered_are": {
        "fr": "Sont visés : {who}.",
        "en": "It applies to: {who}.",
    },
    "covers_from_press": {
        "fr": "Le champ des professions est connu par un article de presse (la notice du Journal officiel n'a pas pu être consultée).",
        "en": "Who is covered is known from a press article (the Journal officiel notice could not be consulted).",
    },
    "as_of_day": {
        "fr": "Au {day} :",
        "en": "As of {day}:",
    },
    "assumed": {
        "fr": "Je comprends : {title}.",
        "en": "I take it you mean: {title}.",
    },
    "also_asked": {
        "fr": "Votre question cite aussi : {title}. Posez-la séparément pour une réponse sur ce document.",
        "en": "Your question also mentions: {title}. Ask about it separately for an answer on that document.",
    },
    "version_date_unverified": {
        "fr": "Réponse fondée sur le texte « {title} », appliqué ici à partir du {date} (date de signature) : sa date de publication au Journal officiel n'a pas pu être vérifiée.",
        "en": "Answer based on « {title} », applied here from {date} (date of signature): its date of publication in the Journal officiel could not be verified.",
    },
    "situation_not_excluding": {
        "fr": "La situation « {situation} » n'exclut pas ce document : aucune exclusion de ce type pour {title}.",
        "en": "The situation “{situation}” does not exclude this document: {title} has no such exclusion.",
    },
    "genetics_later": {
        "fr": "L'exclusion des comptes rendus de génétique constitutionnelle n'apparaît qu'avec l'arrêté du 23 mai 2024 (appliqué ici à partir du {date}).",
        "en": "The exclusion of constitutional genetics reports only appears with the arrêté of 23 May 2024 (applied here from {date}).",
    },
    "removed": {
        "fr": "D'après les sources citées ci-dessous — {sources} —, la mise à jour de la liste ({version}) a supprimé ce document : il n'y figure plus à partir du {date}.",
        "en": "According to the sources quoted below — {sources} —, the update of the list ({version}) removed this document: it is off the list from {date}.",
    },
    "was_due": {
        "fr": "Il était obligatoire du {start} au {end}.",
        "en": "It was mandatory from {start} to {end}.",
    },
    "removed_ahead": {
        "fr": "D'après les sources citées ci-dessous — {sources} —, ce document sort de la liste le {date} (mise à jour de la liste).",
        "en": "According to the sources quoted below — {sources} —, this document leaves the list on {date} (update of the list).",
    },
    "added_later": {
        "fr": "La liste en vigueur à cette date ({list}) ne le comprend pas. D'après les sources citées ci-dessous — {sources} —, la mise à jour de la liste ({version}) l'a ajouté ensuite (texte appliqué ici à partir du {date}).",
        "en": "The list in force on that date ({list}) does not include it. According to the sources quoted below — {sources} —, the update of the list ({version}) added it later (text applied here from {date}).",
    },
    "starts_within": {
        "fr": "Attention : l'obligation commence le {date}, au cours de la période demandée.",
        "en": "Note: the obligation starts on {date}, within the period you asked about.",
    },
    "date_unreadable": {
        "fr": "Une date de votre question n'est pas un jour du calendrier : la réponse porte sur le {day}.",
        "en": "A date in your question is not a calendar day: the answer is as of {day}.",
    },
    "situation_maybe": {
        "fr": "Attention : l'annexe exclut « {quote} ». Si c'est le cas ici, il n'y a pas d'obligation.",
        "en": "Note: the annex excludes « {quote} ». If that is the case here, there is no obligation.",
    },
    "hospital_and_outside": {
        "fr": "Votre question évoque à la fois un séjour hospitalier et une prise en charge hors séjour : l'annexe dit « {quote} ».",
        "en": "Your question mentions both a hospital stay and care outside a stay: the annex says « {quote} ».",
    },
    "document_condition": {
        "fr": "Condition : {title} est visée « {condition} ».",
        "en": "Condition: the {title} is covered « {condition} ».",
    },
    "answer_as_of": {"fr": "Réponse au {day}.", "en": "Answer as of {day}."},
}

KINDS = {
    "officiel": {"fr": "texte officiel", "en": "official text"},
    "reproduction": {"fr": "reproduction du texte officiel", "en": "reproduction of the official text"},
    "communique": {"fr": "communiqué officiel (reproduit)", "en": "official announcement (as reproduced)"},
    "presse": {"fr": "article de presse", "en": "press article"},
}


def text(key: str, lang: str, **values: str) -> str:
    template = TEXTS[key]["en" if lang == "en" else "fr"]
    return template.format(**values) if values else template


def join(items: list[str], lang: str) -> str:
    """ "a, b et c" / "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + (" and " if lang == "en" else " et ") + items[-1]


def kind(value: str, lang: str) -> str:
    return KINDS.get(value, {}).get("en" if lang == "en" else "fr", value)
