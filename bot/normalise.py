"""Fold the way people type (case, accents, apostrophes, hyphens, SMS, repeated letters) into tokens.

Pure and cheap: it runs on every message before any matching.
"""

from __future__ import annotations

import re
import unicodedata

_SPECIAL = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"})
_NON_WORD = re.compile(r"[^a-z0-9]+")
_REPEAT = re.compile(r"([a-z])\1{2,}")
_DOTTED = re.compile(r"\b(?:[a-z]\.){2,}(?:[a-z]\b)?")  # "C.R.O." -> "cro"


def fold(text: str) -> str:
    """Lower case, no accents, anything but letters and digits becomes one space."""
    text = text.translate(_SPECIAL).lower()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), text)
    return _NON_WORD.sub(" ", text).strip()


def fold_keep_dates(text: str) -> str:
    """Like `fold` but keeps / . - between digits, for date parsing."""
    text = text.translate(_SPECIAL).lower()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"(?<=\d)\s*([/.\-])\s*(?=\d)", r"\1", text)
    text = re.sub(r"[^a-z0-9/.\-]+", " ", text)
    text = re.sub(r"(?<!\d)[/.\-]|[/.\-](?!\d)", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def tokenise(
    text: str, shorthand: dict[str, list[str]], keep: frozenset[str] = frozenset(), squeeze: bool = True
) -> list[str]:
    """Tokens of `text`, SMS shorthand expanded, runs of 3+ identical letters squeezed.

    `keep` holds tokens that must not be squeezed (e.g. "ttt", an abbreviation of traitement).
    """
    out: list[str] = []
    for token in fold(text).split():
        if squeeze and token not in keep and token not in shorthand:
            token = _REPEAT.sub(r"\1", token)
        expansion = shorthand.get(token)
        if expansion is not None:
            out.extend(expansion)
        else:
            out.append(token)
    return out
