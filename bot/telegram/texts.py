"""The bot's own sentences, from the one catalogue (bot.wording): welcome, help, warnings, refusals, menus.

Kept as a module so handlers read `T.text(...)`; the sentences themselves live in `bot.wording.TELEGRAM`.
"""

from __future__ import annotations

from telegram import BotCommand

from bot import wording as W

EXAMPLES = W.EXAMPLES
KIND_NAMES = W.IDENTIFIER_KINDS
COMMANDS: dict[str, list[BotCommand]] = {
    lang: [BotCommand(name, description) for name, description in pairs]
    for lang, pairs in W.COMMAND_DESCRIPTIONS.items()
}


def lang_of(language_code: str | None) -> str:
    """The user's Telegram language: English if their app is in English, French otherwise."""
    return "en" if (language_code or "").lower().startswith("en") else "fr"


def text(key: str, lang: str, **values: str) -> str:
    return W.telegram(key, lang, **values)


def kinds_label(kinds: tuple[str, ...], lang: str) -> str:
    return W.identifier_kinds(kinds, lang)
