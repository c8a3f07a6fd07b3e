"""The bot's own sentences (welcome, help, warnings, refusals), in French and English.

Telegram HTML, already safe: nothing here is filled with user text. Legal wording never appears
here; it comes from the engine's answers.
"""

from __future__ import annotations

from telegram import BotCommand

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

_T: dict[str, dict[str, str]] = {
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

KIND_NAMES: dict[str, dict[str, str]] = {
    "nir": {"fr": "numéro de sécurité sociale", "en": "social security number"},
    "ins": {"fr": "INS", "en": "INS"},
    "birth_date": {"fr": "date de naissance", "en": "date of birth"},
    "phone": {"fr": "numéro de téléphone", "en": "phone number"},
    "email": {"fr": "adresse e-mail", "en": "e-mail address"},
}

COMMANDS: dict[str, list[BotCommand]] = {
    "fr": [
        BotCommand("start", "Présentation et exemples"),
        BotCommand("aide", "Comment poser une question"),
        BotCommand("liste", "Les documents, dates et canaux (/liste 2023-06-01)"),
        BotCommand("document", "Un document en détail : /document CRO"),
        BotCommand("sources", "Les textes cités, avec liens"),
        BotCommand("oublier", "Effacer le contexte de la conversation"),
    ],
    "en": [
        BotCommand("start", "What this bot does, with examples"),
        BotCommand("help", "How to ask a question"),
        BotCommand("list", "The documents, dates and channels (/list 2023-06-01)"),
        BotCommand("document", "One document in full: /document operative report"),
        BotCommand("sources", "The texts quoted, with links"),
        BotCommand("forget", "Erase the conversation's context"),
    ],
}


def lang_of(language_code: str | None) -> str:
    """The user's Telegram language: English if their app is in English, French otherwise."""
    return "en" if (language_code or "").lower().startswith("en") else "fr"


def text(key: str, lang: str, **values: str) -> str:
    template = _T[key]["en" if lang == "en" else "fr"]
    return template.format(**values) if values else template


def kinds_label(kinds: tuple[str, ...], lang: str) -> str:
    return ", ".join(KIND_NAMES[k]["en" if lang == "en" else "fr"] for k in kinds if k in KIND_NAMES)
