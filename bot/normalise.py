"""Fold the way people type (case, accents, apostrophes, hyphens, SMS, repeated letters) into tokens.

Pure and cheap: it runs on every message before any matching.
"""

from __future__ import annotations

import re
import unicodedata

_SPECIAL_CHARS = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"}
_SPECIAL = re.compile("[" + "".join(_SPECIAL_CHARS) + "]")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_REPEAT = re.compile(r"([a-z])\1{2,}")
_DOTTED = re.compile(r"\b(?:[a-z]\.){2,}(?:[a-z]\b)?")  # "C.R.O." -> "cro"
_DATE_SEPARATOR = re.compile(r"(?<=\d)\s*([/.\-])\s*(?=\d)")
_SPACED_SEPARATOR = re.compile(r"\s[/.\-]|[/.\-]\s")
_NOT_DATE_CHAR = re.compile(r"[^a-z0-9/.\-]+")
_LONE_SEPARATOR = re.compile(r"(?<!\d)[/.\-]|[/.\-](?!\d)")
_SPACES = re.compile(r"\s+")


# the combining marks (accents once decomposed) of the Basic Multilingual Plane, deleted by str.translate
_BMP_COMBINING: dict[int, None] = {cp: None for cp in range(0x10000) if unicodedata.combining(chr(cp))}


def _without_combining(run: re.Match[str]) -> str:
    text = run.group(0)
    if max(text) <= "\uffff":
        return text.translate(_BMP_COMBINING)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _plain(text: str) -> str:
    """Lower case without accents. Accents and the special letters are never ASCII, so only non-ASCII runs
    are looked at, and ASCII text (most questions, and the long pastes) skips the Unicode work."""
    if text.isascii():
        return text.lower()
    text = _SPECIAL.sub(lambda m: _SPECIAL_CHARS[m.group(0)], text).lower()
    text = unicodedata.normalize("NFKD", text)
    return _NON_ASCII_RUN.sub(_without_combining, text)


def fold(text: str) -> str:
    """Lower case, no accents, anything but letters and digits becomes one space."""
    text = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), _plain(text))
    return _NON_WORD.sub(" ", text).strip()


def fold_keep_dates(text: str) -> str:
    """Like `fold` but keeps / . - between digits, for date parsing."""
    text = _plain(text)
    if _SPACED_SEPARATOR.search(text):  # else "12 / 03" is already "12/03": nothing to join
        text = _DATE_SEPARATOR.sub(r"\1", text)
    text = _NOT_DATE_CHAR.sub(" ", text)
    text = _LONE_SEPARATOR.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def tokenise(
    text: str, shorthand: dict[str, list[str]], keep: frozenset[str] = frozenset(), squeeze: bool = True
) -> list[str]:
    """Tokens of `text`, SMS shorthand expanded, runs of 3+ identical letters squeezed.

    `keep` holds tokens that must not be squeezed (e.g. "ttt", an abbreviation of traitement).
    """
    out: list[str] = []
    folded = fold(text)
    squeeze = squeeze and _REPEAT.search(folded) is not None  # a run of letters never spans two tokens
    for token in folded.split():
        if squeeze and token not in keep and token not in shorthand:
            token = _REPEAT.sub(r"\1", token)
        expansion = shorthand.get(token)
        if expansion is not None:
            out.extend(expansion)
        else:
            out.append(token)
    return out
