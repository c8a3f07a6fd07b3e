"""Spot patient identifiers pasted into a question, so the bot can warn the practitioner.

Practitioners sometimes paste a line of a patient file along with their question. The bot must not
keep it and should say so; it still answers the question (the engine ignores numbers). This module
only says *which kinds* of identifiers it saw, never where or what, so nothing of the text can leak
through its result into logs.

Pure: text in, kinds out. Heuristics lean towards warning (a false warning costs a sentence; a
missed NIR costs nothing more, since the text is never kept either way), but plain dates, years,
RPPS/ADELI/FINESS numbers and document ids do not trigger it.
"""

from __future__ import annotations

import re

NIR = "nir"
INS = "ins"
BIRTH_DATE = "birth_date"
PHONE = "phone"
EMAIL = "email"
KINDS: tuple[str, ...] = (NIR, INS, BIRTH_DATE, PHONE, EMAIL)

_S = r"[ .\-]?"  # one optional separator between digit groups, as people type them
# NIR / numéro de sécurité sociale: sex (1/2), year, month, department (2 digits, 2A/2B, or the
# first digits of 97x/98x: the digit count stays 13), commune, order, then an optional 2-digit key.
_MONTH = r"0[1-9]|1[0-2]|20|3[0-9]|4[0-2]"  # 20 and 30–42: INSEE codes for an unknown month
_NIR_RE = re.compile(
    r"(?<![\w+])"
    rf"[12]{_S}\d{{2}}{_S}(?:{_MONTH}){_S}(?:\d{{2}}|2[ABab]){_S}\d{{3}}{_S}\d{{3}}(?:{_S}\d{{2}})?"
    r"(?![\w])"
)
_NIR_SPACED_RE = re.compile(  # 97x/98x departments written as 3 + 2 digits: "1 56 03 971 23 456 78"
    rf"(?<![\w+])[12]{_S}\d{{2}}{_S}(?:{_MONTH}){_S}9[78]\d{_S}\d{{2}}{_S}\d{{3}}(?:{_S}\d{{2}})?(?![\w])"
)
_INS_RE = re.compile(r"\bINS(?:-?[CN]A?)?\b\s*(?:n[°o]\s*)?[:#=]?\s*\d[\d .\-]{5,}", re.IGNORECASE)

_MONTHS_FR_EN = (
    r"janv(?:ier|\.)?|f[ée]vr(?:ier|\.)?|mars|avr(?:il|\.)?|mai|juin|juil(?:let|\.)?|ao[uû]t|"
    r"sept(?:embre|\.)?|oct(?:obre|\.)?|nov(?:embre|\.)?|d[ée]c(?:embre|\.)?|"
    r"january|february|march|april|may|june|july|august|september|october|november|december"
)
_FULL_DATE = (
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:19|20)?\d{2}"
    rf"|\d{{1,2}}(?:er)?\s+(?:{_MONTHS_FR_EN})\s+(?:19|20)\d{{2}})"
)
# A birth date is a full date introduced as one ("né le", "DDN", "date de naissance", "born on"),
# or a full date right after a civil title and a capitalised name ("Mme Dupont 12/03/1956").
_DOB_MARKER_RE = re.compile(
    r"(?:\bn[ée]e?\s*(?:\(e\)\s*)?le\b|\bn[ée]\(e\)\s*le\b|\bddn\b|\bdate\s+de\s+naissance\b|\bdate\s+of\s+birth\b|\bdob\b|\bborn\s+on\b|\bborn\b)"
    rf"\s*[:\-]?\s*{_FULL_DATE}",
    re.IGNORECASE,
)
_TITLE = r"(?:M\.|Mr\.?|Mme\.?|Mlle\.?|Mrs\.?|Ms\.?|Miss|Monsieur|Madame|Mademoiselle)"
_NAME = r"[A-ZÀ-Ý][\w'\-À-ÿ]+"
_NAMED_DATE_RE = re.compile(rf"\b{_TITLE}\s+{_NAME}(?:\s+{_NAME}){{0,2}}\s*[,(]?\s*(?:\w+\s+)?{_FULL_DATE}")
_PHONE_RE = re.compile(r"(?<![\w+])(?:(?:\+|00)33[ .\-]?(?:\(0\)[ .\-]?)?|0)[1-9](?:[ .\-]?\d{2}){4}(?![\w])")
_EMAIL_RE = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}")


def _mask(text: str, pattern: re.Pattern[str]) -> tuple[str, bool]:
    """Blank out matches so a span counted as one kind is not counted again as another."""
    found = False

    def blank(match: re.Match[str]) -> str:
        nonlocal found
        found = True
        return " " * len(match.group(0))

    return pattern.sub(blank, text), found


# Order matters: each match is masked before the next kind is looked for (an e-mail's digits are no phone).
_PATTERNS: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = (
    (EMAIL, (_EMAIL_RE,)),
    (INS, (_INS_RE,)),
    (NIR, (_NIR_RE, _NIR_SPACED_RE)),
    (BIRTH_DATE, (_DOB_MARKER_RE, _NAMED_DATE_RE)),
    (PHONE, (_PHONE_RE,)),
)
# A civil title and a capitalised name ("Mme Dupont"): masked in a stored report, never a warning on its own.
_TITLED_NAME_RE = re.compile(rf"\b{_TITLE}\s+{_NAME}(?:[ \-]{_NAME}){{0,2}}")
MASKS: dict[str, str] = {
    NIR: "[NIR]",
    INS: "[INS]",
    BIRTH_DATE: "[date de naissance]",
    PHONE: "[téléphone]",
    EMAIL: "[e-mail]",
    "name": "[nom]",
}


def find_identifiers(text: str) -> tuple[str, ...]:
    """The kinds of patient identifiers present in `text` (subset of KINDS, in KINDS order)."""
    if not text:
        return ()
    found: set[str] = set()
    rest = text
    for kind, patterns in _PATTERNS:
        for pattern in patterns:
            rest, hit = _mask(rest, pattern)
            if hit:
                found.add(kind)
    return tuple(kind for kind in KINDS if kind in found)


def mask_identifiers(text: str) -> tuple[str, tuple[str, ...]]:
    """`text` with every identifier `find_identifiers` sees replaced by a bracketed kind ("[NIR]"), and
    the kinds masked. Also masks a civil title with a name ("Mme Dupont" → "[nom]").

    For the one place text is ever written (a report the user chose to send): what was masked is gone,
    not kept aside. Same patterns and order as `find_identifiers`, so a warned-about kind is masked.
    """
    if not text:
        return text, ()
    found: set[str] = set()
    rest = text
    for kind, patterns in _PATTERNS:
        for pattern in patterns:
            rest, count = pattern.subn(MASKS[kind], rest)
            if count:
                found.add(kind)
    rest = _TITLED_NAME_RE.sub(MASKS["name"], rest)
    return rest, tuple(kind for kind in KINDS if kind in found)


def has_identifiers(text: str) -> bool:
    return bool(find_identifiers(text))
