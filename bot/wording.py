"""The one catalogue of our own sentences, in French and English: every front end takes its wording here.

Legal words come from the data (rules/, knowledge/); the engine returns codes with parameters, and the
renderers (Telegram, the page, the console, `ask`) turn them into these sentences. A change of tone
never touches the engine.
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
    # line 1 of an answer (bot.render.shape.headline)
    "head.obligatoire": {
        "fr": "Obligatoire depuis le {effective} : {title}.",
        "en": "Required since {effective}: {title}.",
    },
    "head.obligatoire_unverified": {
        "fr": "Obligatoire depuis le {effective} (date à vérifier) : {title}.",
        "en": "Required since {effective} (date to be checked): {title}.",
    },
    "head.pas_encore_en_vigueur": {
        "fr": "Pas encore obligatoire : {title} (à partir du {effective}).",
        "en": "Not yet required: {title} (from {effective}).",
    },
    "head.exclu": {
        "fr": "Pas d'obligation dans ce cas ({label}) : {title}.",
        "en": "No duty in this case ({label}): {title}.",
    },
    "head.non_concerne": {
        "fr": "Non concerné : cette obligation ne vise pas votre profession ({profession}).",
        "en": "Not concerned: this duty does not apply to your profession ({profession}).",
    },
    "head.non_liste": {
        "fr": "Non listé : ce document ne figure pas dans la liste de l'arrêté du 26 avril 2022, donc pas d'obligation DMP ni messagerie sécurisée à ce titre.",
        "en": "Not listed: this document is not in the list of the arrêté of 26 April 2022, so no DMP or secure messaging duty on that basis.",
    },
    "head.a_verifier": {
        "fr": "À vérifier : les textes consultés ne permettent pas de trancher.",
        "en": "To be checked: the texts consulted do not settle it.",
    },
    "head.a_verifier_title": {
        "fr": "À vérifier : {title} — les textes consultés ne permettent pas de trancher.",
        "en": "To be checked: {title} — the texts consulted do not settle it.",
    },
    "head.ambigu": {
        "fr": "Je ne suis pas sûr du document dont vous parlez. Lequel ?",
        "en": "I am not sure which document you mean. Which one?",
    },
    "head.ambigu_one": {
        "fr": "Je ne suis pas sûr du document dont vous parlez. S'agit-il de celui-ci ?",
        "en": "I am not sure which document you mean. Is it this one?",
    },
    "head.hors_sujet": {
        "fr": "Je réponds aux questions sur les documents que médecins et biologistes doivent verser au DMP et envoyer par messagerie sécurisée (arrêté du 26 avril 2022, annexe modifiée en 2024).",
        "en": "I answer questions on the documents that physicians and biologists must upload to the DMP and send by secure messaging (arrêté of 26 April 2022, annex changed in 2024).",
    },
    "at_date": {"fr": "Au {day}, {line}", "en": "On {day}, {line}"},
    "excluded_here": {"fr": "Exclu ici : {labels}.", "en": "Excluded here: {labels}."},
    "except": {"fr": "Sauf : {labels}.", "en": "Except: {labels}."},
    "more_quotes": {"fr": "Autres extraits", "en": "Other excerpts"},
    "colon": {"fr": " : ", "en": ": "},
    # console
    "console.pick": {"fr": "Tapez le numéro du document.", "en": "Type the number of the document."},
    # verdict headlines (long forms, kept for the caveats and older callers)
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
        "fr": "Message très long : seuls ses 2000 premiers caractères ont été lus.",
        "en": "Very long message: only its first 2000 characters were read.",
    },
    "covered_are": {
        "fr": "Sont visés : {who}.",
        "en": "It applies to: {who}.",
    },
    "covers_from_press": {
        "fr": "Le champ des professions est connu par un article de presse (la notice du Journal officiel n'a pas pu être consultée).",
        "en": "Who is covered is known from a press article (the Journal officiel notice could not be consulted).",
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

VERDICT_LABELS: dict[str, dict[str, str]] = {
    "obligatoire": {"fr": "Obligatoire", "en": "Required"},
    "pas_encore_en_vigueur": {"fr": "Pas encore en vigueur", "en": "Not yet in force"},
    "exclu": {"fr": "Exclu", "en": "Excluded"},
    "non_concerne": {"fr": "Non concerné", "en": "Not concerned"},
    "non_liste": {"fr": "Non listé par l'arrêté", "en": "Not listed in the arrêté"},
    "a_verifier": {"fr": "À vérifier", "en": "To be checked"},
    "ambigu": {"fr": "Quel document ?", "en": "Which document?"},
    "hors_sujet": {"fr": "Hors sujet", "en": "Off topic"},
}

# The annex's columns, in order after the document's wording (the 2022 source's note names them).
ANNEX_HEADINGS = {
    "fr": ("Versement au DMP", "Envoi aux professionnels", "Envoi au patient", "Entrée en vigueur"),
    "en": ("Upload to the DMP", "Sending to professionals", "Sending to the patient", "In force from"),
}
MARKS = {"fr": {"X": "oui", "X (*)": "oui (*)", "": "non"}, "en": {"X": "yes", "X (*)": "yes (*)", "": "no"}}

# Recipients in short, for the one-line channel; the full words stay in the quote of article 1.
RECIPIENTS = {
    "médecin traitant": {"fr": "médecin traitant", "en": "GP (médecin traitant)"},
    "médecin prescripteur s'il y a lieu": {"fr": "prescripteur s'il y a lieu", "en": "prescriber, if any"},
    "tout professionnel dont l'intervention dans la prise en charge du patient est pertinente": {
        "fr": "tout professionnel utile à la prise en charge",
        "en": "any professional involved in the care",
    },
}

KINDS_SHORT = {
    "officiel": {"fr": "", "en": ""},
    "reproduction": {"fr": "reproduction", "en": "reproduction"},
    "communique": {"fr": "communiqué", "en": "press release"},
    "presse": {"fr": "article de presse", "en": "press article"},
}

KINDS = {
    "officiel": {"fr": "texte officiel", "en": "official text"},
    "reproduction": {"fr": "reproduction du texte officiel", "en": "reproduction of the official text"},
    "presse": {"fr": "article de presse", "en": "press article"},
}


def text(key: str, lang: str, **values: str) -> str:
    template = TEXTS[key]["en" if lang == "en" else "fr"]
    return template.format(**values) if values else template


def annex_headings(lang: str) -> tuple[str, ...]:
    return ANNEX_HEADINGS["en" if lang == "en" else "fr"]


def mark(cell: str, lang: str) -> str:
    """An annex cell as shown under its heading: the mark « X » reads « oui »; anything else is kept as is."""
    return MARKS["en" if lang == "en" else "fr"].get(cell, cell)


def recipient(phrase: str, lang: str) -> str:
    return RECIPIENTS.get(phrase, {}).get("en" if lang == "en" else "fr", phrase)


def kind_short(value: str, lang: str) -> str:
    return KINDS_SHORT.get(value, {}).get("en" if lang == "en" else "fr", value)


def verdict_label(verdict: str, lang: str) -> str:
    return VERDICT_LABELS.get(verdict, {}).get("en" if lang == "en" else "fr", verdict)


def at_date(day: dt.date, line: str, lang: str) -> str:
    """« Au 6 janvier 2023 : pas encore obligatoire … »: the date first, the sentence lower-cased after it."""
    if line[:2] != "I " and line[:1].isupper() and not line[1:2].isupper():
        line = line[:1].lower() + line[1:]
    return text("at_date", lang, day=date(day, lang), line=line)


def kind(value: str, lang: str) -> str:
    return KINDS.get(value, {}).get("en" if lang == "en" else "fr", value)
