"""The one catalogue of our own sentences, in French and English: every front end takes its wording here.

Legal words come from the data (rules/, knowledge/); the engine returns codes with parameters, and the
renderers (Telegram, the page, the console, `ask`) turn them into these sentences. A change of tone
never touches the engine.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")

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
    "head.non_concerne_named": {
        "fr": "Non concerné : cette obligation ne vise pas cette profession ({profession}).",
        "en": "Not concerned: this duty does not apply to this profession ({profession}).",
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
    "about_sources": {"fr": "Sur les sources", "en": "About the sources"},
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
    "duty_of": {
        "fr": "Cette obligation pèse sur le professionnel qui établit le document ({who}), pas sur vous.",
        "en": "This duty falls on the professional who writes the document ({who}), not on you.",
    },
    "covers_from_press": {
        "fr": "Le champ des professions est connu par un article de presse (la notice du Journal officiel n'a pas pu être consultée).",
        "en": "Who is covered is known from a press article (the Journal officiel notice could not be consulted).",
    },
    "assumed": {
        "fr": "Je comprends : {title}.",
        "en": "I take it you mean: {title}.",
    },
    "also_excluded": {
        "fr": "Si vous parliez de : {title}, la réponse est la même : exclu dans ce cas.",
        "en": "If you meant: {title}, the answer is the same: excluded in this case.",
    },
    "also_asked": {
        "fr": "Votre question cite aussi : {title}. Posez-la séparément pour une réponse sur ce document.",
        "en": "Your question also mentions: {title}. Ask about it separately for an answer on that document.",
    },
    "version_date_unverified": {
        "fr": "Réponse fondée sur « {title} », appliqué ici à partir du {date} (date de signature) : sa date de publication au Journal officiel n'a pas pu être vérifiée.",
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
    "open_case": {"fr": "{text}", "en": "{text}"},
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
    "communique": {"fr": "communiqué officiel (reproduit)", "en": "official announcement (as reproduced)"},
    "presse": {"fr": "article de presse", "en": "press article"},
}


def text(key: str, lang: str, **values: str) -> str:
    template = TEXTS[key]["en" if lang == "en" else "fr"]
    return template.format(**values) if values else template


# Notes about how far the sources go (a row carried over, a date of signature, a press source): their
# hedge is on line 1 already ("date à vérifier", "À vérifier"), so the phone shows them in the fold.
ABOUT_SOURCES = frozenset(
    {
        "row_caveat",
        "channel_note",
        "unsettled_note",
        "open_case",
        "settled_note",
        "version_date_note",
        "version_date_unverified",
        "covers_from_press",
    }
)
NOTES_FROM_DATA = {"row_caveat", "channel_note", "unsettled_note", "settled_note", "version_date_note", "open_case"}
_SHORT_TITLES = {"version", "list", "title_of_text"}


def note(value: Any, lang: str) -> str:
    """A note (code and parameters, from `decide`) as a sentence: ISO dates written out, source kinds named,
    texts' long titles shortened; a note whose words come from the rules (`text`) is those words."""
    from bot.render.shape import short_title

    params: dict[str, str] = {}
    for key, raw in value.params.items():
        if _ISO.fullmatch(raw):
            params[key] = date(dt.date.fromisoformat(raw), lang)
        elif key == "sources":
            params[key] = join([kind(k, lang) for k in raw.split(",") if k], lang)
        elif key in _SHORT_TITLES:
            params[key] = short_title(raw)
        else:
            params[key] = raw
    if value.code in NOTES_FROM_DATA:
        return params.get("text", "")
    return text(value.code, lang, **params)


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


def join(items: list[str], lang: str) -> str:
    """ "a, b et c" / "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + (" and " if lang == "en" else " et ") + items[-1]


def kind(value: str, lang: str) -> str:
    return KINDS.get(value, {}).get("en" if lang == "en" else "fr", value)


# The helpdesk page's own labels (served as JSON by /api/wording; the page has no wording of its own).
# `answer` labels follow the answer's language, the others the language toggle.
PAGE: dict[str, dict[str, object]] = {
    "fr": {
        "title": "Obligations DMP et messagerie sécurisée",
        "subtitle": "Arrêté du 26 avril 2022 (annexe modifiée par l'arrêté du 23 mai 2024) : quels documents "
        "verser au DMP, envoyer aux confrères et au patient.",
        "question_label": "Votre question",
        "placeholder": "Ex. : compte rendu de biologie dans le DMP ?",
        "ask": "Demander",
        "date_label": "Réponse à la date du",
        "today": "aujourd'hui",
        "hint": "Entrée pour demander, Échap pour effacer. N'écrivez aucune donnée patient.",
        "copy": "Copier la réponse",
        "copied": "Copié.",
        "copy_failed": "Copie impossible : sélectionnez le texte à la main.",
        "catalogue": "Tous les documents",
        "filter_label": "Filtrer",
        "filter_placeholder": "ex. : CRO, ordonnance, 2023",
        "col_document": "Document",
        "col_date": "Obligatoire depuis",
        "col_dmp": "DMP",
        "col_mss_pro": "MSS professionnels",
        "col_mss_patient": "MSS patient",
        "col_exclusions": "Exclusions",
        "no_match": "Aucun document ne correspond.",
        "footer": "Réponses tirées du texte de l'arrêté, citations à l'appui. En cas de doute, le texte "
        "publié au Journal officiel fait foi.",
        "lang_toggle": "English",
        "lang_toggle_label": "Switch to English",
        "catalogue_as_of": "Situation au {date}.",
        "loading": "Recherche…",
        "yes": "oui",
        "no": "non",
        "from": "à partir du {date}",
        "ask_about": "Demander pour ce document",
        "errors": {
            "missing_question": "Écrivez une question.",
            "question_too_long": "Question trop longue (2000 caractères au plus).",
            "bad_date": "Date invalide : choisissez un jour entre 1970 et 2100.",
            "unknown_document": "Document inconnu.",
            "rate_limited": "Trop de demandes à la fois depuis votre réseau : patientez quelques "
            "secondes, puis réessayez.",
            "network": "Le service ne répond pas. Réessayez dans un instant.",
            "other": "Le service n'a pas pu répondre.",
        },
        "privacy": "Votre question semble contenir des données patient ({kinds}). Elles ne sont ni "
        "conservées ni journalisées ; évitez de les saisir.",
        "kinds": {
            "nir": "n° de sécurité sociale",
            "ins": "INS",
            "birth_date": "date de naissance",
            "phone": "téléphone",
            "email": "adresse e-mail",
        },
        "answer": {
            "channels": "Canaux",
            "exclusions": "Exclusions",
            "quotes": "Le texte",
            "more_quotes": "Autres extraits ({n})",
            "caveats": "À savoir",
            "candidates": "Plusieurs documents correspondent. Lequel ?",
            "as_of": "Réponse au {date}",
            "since": "obligatoire depuis le {date}",
            "from": "obligatoire à partir du {date}",
            "recipients": "Destinataires : {list}",
            "applies": "s'applique à votre question",
            "unverified": "à vérifier",
            "read_source": "Lire sur {host}",
        },
    },
    "en": {
        "title": "DMP and secure messaging duties",
        "subtitle": "French arrêté of 26 April 2022 (annex changed by the arrêté of 23 May 2024): which "
        "documents go to the DMP, to other professionals and to the patient.",
        "question_label": "Your question",
        "placeholder": "E.g. lab report in the DMP?",
        "ask": "Ask",
        "date_label": "Answer as of",
        "today": "today",
        "hint": "Enter to ask, Esc to clear. Do not type any patient data.",
        "copy": "Copy the answer",
        "copied": "Copied.",
        "copy_failed": "Could not copy: select the text by hand.",
        "catalogue": "All documents",
        "filter_label": "Filter",
        "filter_placeholder": "e.g. op report, prescription, 2023",
        "col_document": "Document",
        "col_date": "Required since",
        "col_dmp": "DMP",
        "col_mss_pro": "Secure messaging, professionals",
        "col_mss_patient": "Secure messaging, patient",
        "col_exclusions": "Exclusions",
        "no_match": "No document matches.",
        "footer": "Answers drawn from the text of the arrêté, with quotes. When in doubt, the text published "
        "in the Journal officiel prevails.",
        "lang_toggle": "Français",
        "lang_toggle_label": "Passer en français",
        "catalogue_as_of": "As of {date}.",
        "loading": "Searching…",
        "yes": "yes",
        "no": "no",
        "from": "from {date}",
        "ask_about": "Ask about this document",
        "errors": {
            "missing_question": "Type a question.",
            "question_too_long": "Question too long (2000 characters at most).",
            "bad_date": "Invalid date: pick a day between 1970 and 2100.",
            "unknown_document": "Unknown document.",
            "rate_limited": "Too many requests at once from your network: wait a few seconds, then try again.",
            "network": "The service does not answer. Try again in a moment.",
            "other": "The service could not answer.",
        },
        "privacy": "Your question seems to contain patient data ({kinds}). It is neither kept nor logged; "
        "please avoid typing it.",
        "kinds": {
            "nir": "social security number",
            "ins": "INS",
            "birth_date": "date of birth",
            "phone": "phone number",
            "email": "e-mail address",
        },
        "answer": {
            "channels": "Channels",
            "exclusions": "Exclusions",
            "quotes": "The text",
            "more_quotes": "Other excerpts ({n})",
            "caveats": "Good to know",
            "candidates": "Several documents match. Which one?",
            "as_of": "Answer as of {date}",
            "since": "required since {date}",
            "from": "required from {date}",
            "recipients": "Recipients: {list}",
            "applies": "applies to your question",
            "unverified": "to be checked",
            "read_source": "Read on {host}",
        },
    },
}


_PAGE_ANSWER_EXTRA = {
    "fr": {
        "copy": "Copier la réponse",
        "copied": "Copié.",
        "copy_failed": "Copie impossible : sélectionnez le texte à la main.",
        "unverified_pill": "à vérifier",
        "not_in_force": "à partir du {date}",
        "planned": "prévu",
        "exclusions": "Exclusions",
        "excluded_here": "exclu ici",
    },
    "en": {
        "copy": "Copy the answer",
        "copied": "Copied.",
        "copy_failed": "Could not copy: select the text by hand.",
        "unverified_pill": "to be checked",
        "not_in_force": "from {date}",
        "planned": "planned",
        "exclusions": "Exclusions",
        "excluded_here": "excluded here",
    },
}
_PAGE_UI_EXTRA = {
    "fr": {
        "unverified": "date à vérifier",
        "not_in_force": "à partir du {date}",
        "planned": "prévu à partir du {date}",
        "hint": "Entrée pour demander, Échap pour effacer la question et revenir à aujourd'hui. N'écrivez aucune donnée patient.",
    },
    "en": {
        "unverified": "date to be checked",
        "not_in_force": "from {date}",
        "planned": "due from {date}",
        "hint": "Enter to ask, Esc to clear the question and go back to today. Do not type any patient data.",
    },
}


def page_wording() -> dict[str, dict[str, object]]:
    """Everything the helpdesk page writes, in both languages: its labels, the verdict names, the annex headings."""
    out: dict[str, dict[str, object]] = {}
    for lang in ("fr", "en"):
        ui = dict(PAGE[lang])
        ui.update(_PAGE_UI_EXTRA[lang])
        answer = dict(ui.pop("answer"))  # type: ignore[call-overload]
        answer.update(_PAGE_ANSWER_EXTRA[lang])
        answer["verdicts"] = {v: labels[lang] for v, labels in VERDICT_LABELS.items()}
        ui["answer"] = answer
        out[lang] = ui
    return out


# ---- Telegram: the bot's own messages (Telegram HTML, already safe: never filled with user text) ----
EXAMPLES: dict[str, tuple[str, ...]] = {
    "fr": (
        "Le compte rendu opératoire doit-il aller dans le DMP ?",
        "Dois-je envoyer le compte rendu de biologie au patient ?",
        "Lettre de liaison de sortie : par messagerie sécurisée ?",
    ),
    "en": (
        "Must the operative report go into the DMP?",
        "Must I send the lab report to the patient?",
        "Discharge letter: by secure messaging?",
    ),
}

TELEGRAM: dict[str, dict[str, str]] = {
    "start": {
        "fr": (
            "<b>Bonjour !</b> Je réponds aux questions sur les documents que médecins et biologistes doivent "
            "verser au DMP et envoyer par messagerie sécurisée (arrêté du 26 avril 2022, annexe modifiée en 2024), "
            "avec la date d'entrée en vigueur, les exclusions et la citation exacte du texte.\n\n"
            "Posez votre question en une phrase, par exemple :"
        ),
        "en": (
            "<b>Hello!</b> I answer questions on the documents that physicians and biologists must upload to the "
            "DMP and send by secure messaging (arrêté of 26 April 2022, annex changed in 2024), with the date, the "
            "exclusions and the exact words of the text.\n\n"
            "Ask your question in one sentence, for example:"
        ),
    },
    "privacy": {
        "fr": "🔒 N'envoyez aucune donnée patient (nom, NIR, date de naissance…) : je n'en ai pas besoin. Je ne garde pas vos messages ; seul le sujet de la dernière question est retenu 30 minutes pour les questions de suite (/oublier l'efface).",
        "en": "🔒 Do not send any patient data (name, NIR, date of birth…): I do not need it. I do not keep your messages; only the topic of your last question is kept for 30 minutes for follow-ups (/forget erases it).",
    },
    "help": {
        "fr": (
            "<b>Comment me poser une question</b>\n"
            "Nommez le document et, si vous voulez, le canal (DMP, messagerie sécurisée, patient) ou une date : "
            "« CR de biologie dans le DMP ? », « ordonnance soumise à entente préalable ? », « et en 2023 ? ».\n"
            "Je comprends les questions de suite (« et au patient ? ») pendant 30 minutes.\n\n"
            "<b>Commandes</b>\n"
            "/liste [date] — les documents, leurs dates et canaux (ex. /liste 2023-06-01)\n"
            "/document &lt;nom&gt; — un document en détail (ex. /document CRO, /document ordonnance 2023)\n"
            "/sources — les textes cités, avec leurs liens\n"
            "/oublier — effacer le contexte de la conversation\n"
            "/aide — cette aide\n\n"
            "Dans une autre conversation, tapez @{username} suivi de votre question."
        ),
        "en": (
            "<b>How to ask</b>\n"
            "Name the document and, if you like, the channel (DMP, secure messaging, patient) or a date: "
            "“lab report in the DMP?”, “prescription subject to prior approval?”, “and in 2023?”.\n"
            "I understand follow-ups (“and to the patient?”) for 30 minutes.\n\n"
            "<b>Commands</b>\n"
            "/list [date] — the documents, their dates and channels (e.g. /list 2023-06-01)\n"
            "/document &lt;name&gt; — one document in full (e.g. /document operative report, /document CRO 2023)\n"
            "/sources — the texts quoted, with links\n"
            "/forget — erase the conversation's context\n"
            "/help — this help\n\n"
            "In any other chat, type @{username} followed by your question."
        ),
    },
    "patient_data": {
        "fr": "⚠️ <b>Votre message semble contenir des données patient</b> ({kinds}). Ne les envoyez pas ici : je ne les garde pas et n'en ai pas besoin. Voici tout de même la réponse à votre question.",
        "en": "⚠️ <b>Your message seems to contain patient data</b> ({kinds}). Please do not send it here: I do not keep it and do not need it. Here is the answer to your question anyway.",
    },
    # Inline mode: the answer is posted in another chat, so the warning goes on top of it and in the
    # result's description (plain text there), where the user sees it before choosing to post.
    "patient_data_inline": {
        "fr": "⚠️ <b>Question avec des données patient</b> ({kinds}) : ne les envoyez pas sur Telegram.",
        "en": "⚠️ <b>Question with patient data</b> ({kinds}): do not send it over Telegram.",
    },
    "patient_data_short": {
        "fr": "⚠️ Données patient dans la question ({kinds}) : ne les envoyez pas. ",
        "en": "⚠️ Patient data in the question ({kinds}): do not send it. ",
    },
    "text_only": {
        "fr": "Je ne lis que le texte : posez votre question en une phrase (par ex. « CR opératoire dans le DMP ? »). Ne m'envoyez pas de document patient.",
        "en": "I only read text: type your question in one sentence (e.g. “operative report in the DMP?”). Please do not send patient documents.",
    },
    "rate_limited": {
        "fr": "Vous posez beaucoup de questions d'un coup : merci de patienter une minute avant la suivante.",
        "en": "That is a lot of questions at once: please wait a minute before the next one.",
    },
    "not_allowed": {
        "fr": "Désolé, ce bot est réservé à une liste d'utilisateurs. Contactez son administrateur pour y être ajouté.",
        "en": "Sorry, this bot is restricted to a list of users. Ask its administrator to add you.",
    },
    "stale_button": {
        "fr": "Ce bouton a expiré : reposez votre question.",
        "en": "This button has expired: please ask again.",
    },
    "forgotten": {
        "fr": "C'est oublié : la prochaine question repart de zéro.",
        "en": "Forgotten: the next question starts afresh.",
    },
    "nothing_to_forget": {
        "fr": "Je n'avais rien retenu de cette conversation.",
        "en": "I had nothing remembered for this chat.",
    },
    "document_usage": {
        "fr": "Indiquez un document par son nom (ex. /document CRO), parmi :\n{ids}",
        "en": "Name a document (e.g. /document operative report), one of:\n{ids}",
    },
    "document_unknown": {
        "fr": "Je ne reconnais pas ce document dans la liste. Les documents sont :\n{ids}",
        "en": "I do not recognise this document in the list. The documents are:\n{ids}",
    },
    "list_usage": {
        "fr": "Date non comprise. Exemples : /liste 2023-06-01, /liste 1/6/2023, /liste juin 2023.",
        "en": "Date not understood. Examples: /list 2023-06-01, /list 1/6/2023, /list June 2023.",
    },
    "error": {
        "fr": "Désolé, je n'ai pas pu répondre à ce message. Réessayez, ou reformulez la question.",
        "en": "Sorry, I could not answer this message. Please try again, or rephrase the question.",
    },
    "inline_hint": {
        "fr": "Tapez une question sur le DMP ou la messagerie sécurisée",
        "en": "Type a question on the DMP or secure messaging",
    },
}

# The feedback loop (bot/feedback): buttons, the consent explanation, the report's replies. Plain text
# with no <, > or &, safe as Telegram HTML and as the page's textContent; fields get numbers and kind names.
FEEDBACK: dict[str, dict[str, str]] = {
    # Buttons under an answer (Telegram) and on the page.
    "button_up": {"fr": "👍", "en": "👍"},
    "button_down": {"fr": "👎 Pas juste", "en": "👎 Not right"},
    "page_question": {"fr": "Cette réponse est-elle juste ?", "en": "Is this answer right?"},
    "page_up": {"fr": "👍 Oui", "en": "👍 Yes"},
    "page_report": {"fr": "Signaler", "en": "Report"},
    "page_comment_label": {
        "fr": "Commentaire (facultatif) : la bonne réponse serait…",
        "en": "Comment (optional): the right answer would be…",
    },
    "thanks_up": {"fr": "Merci !", "en": "Thank you!"},
    "thanks_down": {"fr": "Noté, merci.", "en": "Noted, thank you."},
    "already_voted": {"fr": "Déjà noté, merci.", "en": "Already noted, thank you."},
    "stale": {
        "fr": "Ce bouton a expiré : posez la question à nouveau pour donner votre avis.",
        "en": "This button has expired: ask the question again to give feedback.",
    },
    # The consent: what the team will see, and how to send it. Telegram asks for a reply.
    "explain": {
        "fr": (
            "📝 Aidez-nous à corriger cette réponse. Si vous nous envoyez la question, l'équipe la lira "
            "pour améliorer le bot, avec les identifiants patient (NIR, INS, téléphone, e-mail, date de "
            "naissance, nom après Mme/M.) masqués avant tout enregistrement. Rien d'autre n'est gardé : "
            "ni votre nom, ni votre identifiant. Les signalements sont effacés au bout de {days} jours."
        ),
        "en": (
            "📝 Help us fix this answer. If you send us the question, the team will read it to improve "
            "the bot, with patient identifiers (NIR, INS, phone, e-mail, date of birth, name after "
            "Mr/Mrs) masked before anything is written. Nothing else is kept: not your name, not your "
            "id. Reports are erased after {days} days."
        ),
    },
    "ask_reply": {
        "fr": (
            "Pour l'envoyer, répondez à ce message en collant la question. Vous pouvez ajouter, à la ligne "
            "suivante, ce que serait la bonne réponse. Sans réponse de votre part, rien n'est envoyé."
        ),
        "en": (
            "To send it, reply to this message with the question. You may add, on the next line, what the "
            "right answer would be. If you do not reply, nothing is sent."
        ),
    },
    "ask_page": {
        "fr": "“Signaler” envoie la question de la case ci-dessus ; sans clic, rien n'est envoyé.",
        "en": "“Report” sends the question in the box above; without a click, nothing is sent.",
    },
    "ask_console": {
        "fr": "Pour l'envoyer, tapez :signaler (suivi, si vous voulez, de la bonne réponse).",
        "en": "To send it, type :signaler (followed, if you like, by the right answer).",
    },
    "placeholder": {"fr": "La question, puis la bonne réponse", "en": "The question, then the right answer"},
    # Outcomes of a report.
    "stored": {
        "fr": "✅ Merci : votre signalement n° {id} est enregistré.",
        "en": "✅ Thank you: your report no. {id} is saved.",
    },
    "stored_masked": {
        "fr": "✅ Merci : votre signalement n° {id} est enregistré. Masqué avant enregistrement : {kinds}.",
        "en": "✅ Thank you: your report no. {id} is saved. Masked before saving: {kinds}.",
    },
    "empty": {
        "fr": "Le signalement est vide : envoyez la question en texte.",
        "en": "The report is empty: send the question as text.",
    },
    "too_long": {
        "fr": "Le signalement est trop long ({chars} caractères au plus) : raccourcissez la question.",
        "en": "The report is too long ({chars} characters at most): shorten the question.",
    },
    "limited": {
        "fr": "Vous avez déjà envoyé {limit} signalements aujourd'hui : merci ! Réessayez demain.",
        "en": "You have already sent {limit} reports today: thank you! Please try again tomorrow.",
    },
    "unavailable": {
        "fr": (
            "Désolé, le signalement n'a pas pu être enregistré pour le moment (stockage indisponible). "
            "Rien n'a été gardé. Les réponses, elles, fonctionnent normalement."
        ),
        "en": (
            "Sorry, the report could not be saved right now (storage unavailable). Nothing was kept. "
            "Answers work as usual."
        ),
    },
    "expired": {
        "fr": "Cette demande de signalement a expiré : rien n'a été enregistré. Appuyez de nouveau sur 👎 sous la réponse.",
        "en": "This report request has expired: nothing was saved. Press 👎 under the answer again.",
    },
    "no_answer": {
        "fr": "Aucune réponse à juger pour l'instant : posez d'abord une question.",
        "en": "No answer to judge yet: ask a question first.",
    },
}


IDENTIFIER_KINDS: dict[str, dict[str, str]] = {
    "nir": {"fr": "numéro de sécurité sociale", "en": "social security number"},
    "ins": {"fr": "INS", "en": "INS"},
    "birth_date": {"fr": "date de naissance", "en": "date of birth"},
    "phone": {"fr": "numéro de téléphone", "en": "phone number"},
    "email": {"fr": "adresse e-mail", "en": "e-mail address"},
}


COMMAND_DESCRIPTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "fr": (
        ("start", "Présentation et exemples"),
        ("aide", "Comment poser une question"),
        ("liste", "Les documents, dates et canaux (/liste 2023-06-01)"),
        ("document", "Un document en détail : /document CRO"),
        ("sources", "Les textes cités, avec liens"),
        ("oublier", "Effacer le contexte de la conversation"),
    ),
    "en": (
        ("start", "What this bot does, with examples"),
        ("help", "How to ask a question"),
        ("list", "The documents, dates and channels (/list 2023-06-01)"),
        ("document", "One document in full: /document operative report"),
        ("sources", "The texts quoted, with links"),
        ("forget", "Erase the conversation's context"),
    ),
}


def telegram(key: str, lang: str, **values: str) -> str:
    template = TELEGRAM[key]["en" if lang == "en" else "fr"]
    return template.format(**values) if values else template


def identifier_kinds(kinds: tuple[str, ...], lang: str) -> str:
    return ", ".join(IDENTIFIER_KINDS[k]["en" if lang == "en" else "fr"] for k in kinds if k in IDENTIFIER_KINDS)


# ---- the list of documents (/liste, `obligations list`) and the sources (/sources) ----
LISTING: dict[str, dict[str, str]] = {
    "fr": {
        "catalogue": "Documents de la liste au {date}",
        "from": "à partir du {date}",
        "since": "depuis le {date}",
        "sources_title": "Textes cités",
        "check": "vérifier sur Légifrance",
        "unverified": "date non vérifiée",
        "plain_head": "Documents au {date} :",
        "in_force": "en vigueur",
        "not_yet": "pas encore",
        "to_check": "à vérifier",
        "exclusions": "exclusions",
    },
    "en": {
        "catalogue": "Documents on the list as of {date}",
        "from": "from {date}",
        "since": "since {date}",
        "sources_title": "Texts quoted",
        "check": "check on Légifrance",
        "unverified": "date not verified",
        "plain_head": "Documents as of {date}:",
        "in_force": "in force",
        "not_yet": "not yet",
        "to_check": "to be checked",
        "exclusions": "exclusions",
    },
}

# ---- the console (`obligations console`) ----
CONSOLE: dict[str, dict[str, str]] = {
    "fr": {
        "help": """\
Posez une question en français ou en anglais, par exemple :
  compte rendu de biologie dans le DMP ?
  et au patient ?            (une question de suite garde le document précédent)
Commandes :
  :date 2023-06-01   répondre à cette date      :date   revenir à aujourd'hui
  :liste             tous les documents          :aide   cette aide
  :faux              la réponse n'est pas juste  :juste  elle l'est
  :signaler [texte]  envoyer la dernière question à l'équipe (identifiants masqués),
                     avec, si vous voulez, la bonne réponse
  :quitter           sortir (ou Ctrl-D)
Après une question ambiguë, tapez le numéro du document voulu.
L'historique reste en mémoire : rien n'est écrit sur le disque.""",
        "banner": "Obligations DMP et messagerie sécurisée — :aide pour l'aide, :quitter ou Ctrl-D pour sortir.",
        "list_head": "Documents au {date} :",
        "date_today": "Date : aujourd'hui ({date}).",
        "date_set": "Date : {date}.",
        "date_bad": "Date invalide : {value} (attendu AAAA-MM-JJ, par exemple 2023-06-01).",
        "unknown_command": "Commande inconnue : :{name}. Tapez :aide.",
    },
}


def console(key: str, **values: str) -> str:
    """The console speaks French (its users are French helpdesk staff); answers follow the question's language."""
    template = CONSOLE["fr"][key]
    return template.format(**values) if values else template
