"""Every sentence of the feedback loop, in French and English, for every front end.

One dict so the wording can move into the project-wide catalogue in one piece. Plain text with no
`<`, `>` or `&`, so it is safe as Telegram HTML and in the page's textContent as it is; `{…}` fields
are filled with numbers and kind names only, never user text.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
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

KIND_NAMES: dict[str, dict[str, str]] = {
    "nir": {"fr": "numéro de sécurité sociale", "en": "social security number"},
    "ins": {"fr": "INS", "en": "INS"},
    "birth_date": {"fr": "date de naissance", "en": "date of birth"},
    "phone": {"fr": "numéro de téléphone", "en": "phone number"},
    "email": {"fr": "adresse e-mail", "en": "e-mail address"},
}


def text(key: str, lang: str, **values: object) -> str:
    template = TEXTS[key]["en" if lang == "en" else "fr"]
    return template.format(**values) if values else template


def kinds_label(kinds: tuple[str, ...] | list[str], lang: str) -> str:
    lang = "en" if lang == "en" else "fr"
    return ", ".join(KIND_NAMES[k][lang] for k in kinds if k in KIND_NAMES)


def for_page(lang: str) -> dict[str, str]:
    """Every sentence in one language, for the page (GET /api/feedback/texts)."""
    lang = "en" if lang == "en" else "fr"
    return {key: values[lang] for key, values in TEXTS.items()}
