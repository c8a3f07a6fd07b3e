"""The feedback loop's sentences, French and English, as every front end asks for them.

The sentences live in the one catalogue (`bot.wording.FEEDBACK`); identifier kinds are the privacy
warning's (`bot.wording.IDENTIFIER_KINDS`). `{…}` fields are filled with numbers and kind names only.
"""

from __future__ import annotations

from bot.wording import FEEDBACK as TEXTS
from bot.wording import IDENTIFIER_KINDS as KIND_NAMES


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
