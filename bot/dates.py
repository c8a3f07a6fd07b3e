"""Find the date a question is about ("en 2023", "en juin 2023", "avant 2022", "le 15/03/2023").

A year stands for its 1 January (or today, for the current year): the answer then holds for the
year unless an obligation starts inside it, which the engine says in a caveat. Never invents a
date the question does not give; returns None when there is none.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from bot.normalise import fold_keep_dates

MONTHS = {
    "janvier": 1,
    "janv": 1,
    "january": 1,
    "jan": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "february": 2,
    "feb": 2,
    "mars": 3,
    "march": 3,
    "mar": 3,
    "avril": 4,
    "avr": 4,
    "april": 4,
    "apr": 4,
    "mai": 5,
    "may": 5,
    "juin": 6,
    "june": 6,
    "jun": 6,
    "juillet": 7,
    "juil": 7,
    "july": 7,
    "jul": 7,
    "aout": 8,
    "august": 8,
    "aug": 8,
    "septembre": 9,
    "sept": 9,
    "september": 9,
    "sep": 9,
    "octobre": 10,
    "oct": 10,
    "october": 10,
    "novembre": 11,
    "nov": 11,
    "november": 11,
    "decembre": 12,
    "dec": 12,
    "december": 12,
}
_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
_YEAR = r"((?:19|20)\d\d)"
_BEFORE = r"(avant|before|jusqu a|until|prior to)"
_AFTER = r"(apres|after)"
_END = r"(fin|end of|end|late)"
_START = r"(debut|start of|beginning of|early|a partir de|from|des)"
_SINCE = r"(depuis|since)"
_MID = r"(mi|mid|milieu|middle of)"

ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
NUMERIC = re.compile(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})\b")
DAY_MONTH_YEAR = re.compile(r"\b(1er|\d{1,2})(?:er)? " + _MONTH + r" " + _YEAR + r"\b")
MONTH_DAY_YEAR = re.compile(r"\b" + _MONTH + r" (\d{1,2})(?:st|nd|rd|th)? " + _YEAR + r"\b")
MONTH_YEAR = re.compile(r"\b" + _MONTH + r" " + _YEAR + r"\b")
NUMERIC_MONTH = re.compile(r"(?<![\d/.\-])(\d{1,2})[/.\-]((?:19|20)\d\d)(?![\d/.\-])")
SEMESTER = re.compile(
    r"\b(1er|1|premier|first|2e|2eme|2nd|second|deuxieme|2) (?:semestre|half|half of) " + _YEAR + r"\b"
)
_YEAR_CONTEXT = re.compile(r"\b(en|in|annee|year|depuis|since|avant|before|apres|after|fin|debut|end|mi|mid)\s*$")
YEAR = re.compile(r"(?<![\d/.\-])" + _YEAR + r"(?![\d/.\-])")
TODAY_WORDS = re.compile(r"\b(aujourd hui|maintenant|actuellement|a ce jour|today|now|currently|at present)\b")
LAST_YEAR = re.compile(r"\b(l an dernier|l annee derniere|an dernier|annee derniere|last year)\b")
NEXT_YEAR = re.compile(r"\b(l an prochain|l annee prochaine|annee prochaine|next year)\b")
# « en juin de l'an dernier », « l'an dernier en juin », "last year in June": a month of last year
MONTH_LAST_YEAR = re.compile(
    r"\b" + _MONTH + r" (?:de |d )?(?:l )?(?:an dernier|annee derniere)\b"
    r"|\b(?:l )?(?:an dernier|annee derniere|last year) (?:en |in |au mois de )?" + _MONTH + r"\b"
    r"|\b" + _MONTH + r" (?:of )?last year\b"
)


@dataclass(frozen=True)
class DateFound:
    date: dt.date
    phrase: str  # normalised text that gave it, for explanations (never the message itself)
    granularity: str  # day | month | year
    span_start: dt.date  # first day the phrase may mean
    span_end: dt.date  # last day the phrase may mean


def _safe(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


_QUALIFIERS = (
    # « avant fin 2023 », "before the end of 2023": the days before the last one
    ("before_end", r"(?:avant|before) (?:la |the )?" + _END),
    ("before", _BEFORE),
    ("after", _AFTER),
    ("end", _END),
    ("since", _SINCE),
    ("start", _START),
    ("mid", _MID),
)
_QUALIFIER_AT_END = [(name, re.compile(group + r" (?:le |l |the |en |in )?$")) for name, group in _QUALIFIERS]


# what may come before a « depuis » that opens the question ("Bonjour, depuis le 1er janvier 2025, …")
_OPENING = re.compile(r"^(?:(?:bonjour|bonsoir|hello|hi|salut|question|et|and|ok|so|alors|donc)\s+)*$")


def _qualifier(prefix: str) -> str | None:
    """ "avant", "fin", "depuis"… just before the date changes which day it stands for. « Depuis » opening the
    question ("Depuis le 1er janvier 2025, la demande doit-elle être versée ?") asks about that date on; after
    the obligation ("doit partir au DMP depuis le 31/12/2023, c'est bien ça ?") it is a premise."""
    tail = prefix[-30:]
    for name, pattern in _QUALIFIER_AT_END:
        found = pattern.search(tail)
        if found:
            if name == "since" and _OPENING.match(prefix[: len(prefix) - len(tail) + found.start()]):
                return "start"
            return name
    return None


def _apply(q: str | None, first: dt.date, last: dt.date, default: dt.date, today: dt.date | None = None) -> dt.date:
    if q == "since" and today is not None and first <= today:
        return today  # "le CRO doit partir au DMP depuis le 31/12/2023 ?": the date is a premise, the question is now
    if q in ("start", "since"):
        return first
    if q == "before":
        return first - dt.timedelta(days=1)
    if q == "after":
        return last + dt.timedelta(days=1)
    if q == "end":
        return last
    if q == "before_end":
        return last - dt.timedelta(days=1)
    if q == "mid":
        return first + (last - first) / 2
    return default


# A date that names a legal text ("l'arrêté du 26 avril 2022", "le texte de 2024") is not the date asked about.
_NAMES_A_TEXT = re.compile(
    r"\b(arrete|arretes|decret|decrets|texte|textes|loi|circulaire|version|annexe|jorf|jo)"
    r"( (du|de|d|en|of|from|dated))?( l| la| le)? $"
    r"|\bliste (de|du) $"  # « la liste de 2022 » is the text; « dans la liste en 2023 » a date
)


# "the 2022 order", "la version 2024 du décret": in English (and in « version 2024 ») the year comes first.
_TEXT_AFTER = re.compile(r"^ (arrete|decret|order|decree|update|text|version|list|rules|mise a jour|reform)\b")
# "celui de 2024" after a text named, "la mise à jour de 2024": a text again.
_TEXT_PRONOUN = re.compile(
    r"\b(celui|celle|ceux|that|the one|mise a jour|update|reforme|reform)( (du|de|d|of|from|en|in))? $"
)
# "Ticket #3050 créé en juin 2022", "mail du 12/02/2023": when a message was written, not the date asked.
_MESSAGE_DATE = re.compile(
    r"\b(ticket|mail|email|message)( n)?( ?#? ?\d+)?"
    r"( (cree|creee|ouvert|ouverte|recu|envoye|rouvert|relance|opened|created|sent|received))?"
    r"( (du|de|le|en|dated|from|of|on|in))* ?$"
)


# any of the three, in one search (a message of many dates asks this of each)
_TEXT_BEFORE = re.compile("|".join(f"(?:{p.pattern})" for p in (_NAMES_A_TEXT, _TEXT_PRONOUN, _MESSAGE_DATE)))


def _names_text(prefix: str, suffix: str = "") -> bool:
    return bool(_TEXT_BEFORE.search(prefix[-40:]) or _TEXT_AFTER.search(suffix[:20]))


def find_date(text: str, today: dt.date) -> DateFound | None:
    """The date a question asks about; a phrase that comes to today ("en 2026", a « depuis » premise) is today."""
    return find_date_in(fold_keep_dates(text), today)


_UNITS: tuple[str, ...] = ("", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix")
_UNITS += ("onze", "douze", "treize", "quatorze", "quinze", "seize")


def _number_words() -> dict[str, int]:
    """French number words from 1 to 39, as speech-to-text writes them ("vingt et un", "trente neuf")."""
    words = {w: i for i, w in enumerate(_UNITS) if i}
    words.update({"dix sept": 17, "dix huit": 18, "dix neuf": 19, "premier": 1})
    for tens, base in (("vingt", 20), ("trente", 30)):
        words[tens] = base
        words[f"{tens} et un"] = base + 1
        words.update({f"{tens} {_UNITS[i]}": base + i for i in range(2, 10)})
    return words


_NUMBER_WORDS = _number_words()
_NUMBER = "(" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
_FULL_MONTHS: tuple[str, ...] = (
    "janvier",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "aout",
    "septembre",
    "octobre",
)
_FULL_MONTHS += ("novembre", "decembre")
_SPELLED_YEAR = re.compile(r"\bdeux mille(?: " + _NUMBER + r")?\b")
_SPELLED_DAY = re.compile(r"\b" + _NUMBER + r" (" + "|".join(_FULL_MONTHS) + r")\b")


def spelled_numbers(folded: str) -> str:
    """Dates dictated in words ("le premier janvier deux mille vingt six") written with digits ("le 1er janvier
    2026"), so that a date read aloud by speech-to-text is the date asked."""
    if "mille" in folded:
        folded = _SPELLED_YEAR.sub(lambda m: str(2000 + (_NUMBER_WORDS[m.group(1)] if m.group(1) else 0)), folded)
    if any(month in folded for month in _FULL_MONTHS):
        folded = _SPELLED_DAY.sub(
            lambda m: ("1er" if m.group(1) == "premier" else str(_NUMBER_WORDS[m.group(1)])) + " " + m.group(2),
            folded,
        )
    return folded


def find_date_in(folded: str, today: dt.date) -> DateFound | None:
    """`find_date` on a message already folded by `fold_keep_dates` (understanding folds it once for both
    the date and `unreadable_date_in`)."""
    folded = spelled_numbers(folded)
    found = _find_date(folded, today)
    if found is not None and found.granularity in ("month", "year"):
        found = _refined(folded, found, today)
    if found is not None and found.date < today and _asks_about_now_after(folded, found.phrase):
        # "En janvier 2024 on nous avait dit… Est-ce toujours le cas aujourd'hui ?": the past date is context
        return DateFound(today, "today", "day", today, today)
    if found is not None and found.date == today:
        return DateFound(today, "today", found.granularity, found.span_start, found.span_end)
    return found


# « en décembre 2023 (le 31) », "in 2023 (October)", "in 2025 (say September)", "before Christmas 2023 (say
# 15 Dec)": a day or a month said right after a month or a year, in brackets or as an aside, narrows it
_REFINE_PREFIX = r"\s+(?:(?:le|the|say|disons|soit|on the|en|in)\s+)"
_DAY_AFTER_MONTH = re.compile(_REFINE_PREFIX + r"(1er|\d{1,2})(?:er|st|nd|rd|th)?\b(?!\s*(?:h\b|ans|jours|mois|\d))")
_MONTH_AFTER_YEAR = re.compile(
    r"\s+(?:(?:say|disons|soit|en|in)\s+)?(?:(\d{1,2})(?:er|st|nd|rd|th)?\s+)?" + _MONTH + r"\b(?:\s+(\d{1,2})\b)?"
)
_MODAL_MONTHS = frozenset({"may", "mar", "jan", "jun", "jul", "sep", "oct", "nov", "dec", "aug", "apr", "feb"})


def _refined(folded: str, found: DateFound, today: dt.date) -> DateFound:
    """A month or a year followed by the day or the month it stands for (see the patterns above)."""
    at = folded.find(found.phrase)
    if at < 0 or found.date not in (found.span_start, today):
        return found  # « avant fin 2023 »: already narrowed by its qualifier (the current year stands for today)
    rest = folded[at + len(found.phrase) :]
    if found.granularity == "month":
        day = _DAY_AFTER_MONTH.match(rest)
        if day:
            n = 1 if day.group(1) == "1er" else int(day.group(1))
            date = _safe(found.date.year, found.date.month, n)
            if date is not None:
                return DateFound(date, found.phrase + day.group(0), "day", date, date)
        return found
    month = _MONTH_AFTER_YEAR.match(rest)
    if month is None:
        return found
    introduced = month.group(0).split()[0] in ("say", "disons", "soit", "en", "in") or month.group(1)
    if month.group(2) in _MODAL_MONTHS and not introduced:
        return found  # "in 2023 may the GP…": a verb, not May
    n = MONTHS[month.group(2)]
    year = found.span_start.year
    day_said = month.group(1) or month.group(3)
    if day_said:
        date = _safe(year, n, int(day_said))
        if date is not None:
            return DateFound(date, found.phrase + month.group(0), "day", date, date)
    first = dt.date(year, n, 1)
    last = dt.date(year, n, calendar.monthrange(year, n)[1])
    return DateFound(first, found.phrase + month.group(0), "month", first, last)


def _asks_about_now_after(folded: str, phrase: str) -> bool:
    """Whether a word for today ("aujourd'hui", "now") comes after the date phrase: the question is about now."""
    at = folded.find(phrase)
    return at >= 0 and TODAY_WORDS.search(folded, at + len(phrase)) is not None


def _find_date(folded: str, today: dt.date) -> DateFound | None:
    s = _mask_text_names(folded)
    found = _date_with_digits(s, today) if _DIGIT.search(s) else None
    if found is not None:
        return found
    month = MONTH_LAST_YEAR.search(s)
    if month:
        n = MONTHS[next(g for g in month.groups() if g)]
        first = dt.date(today.year - 1, n, 1)
        last = dt.date(today.year - 1, n, calendar.monthrange(today.year - 1, n)[1])
        return DateFound(first, "month of last year", "month", first, last)
    if LAST_YEAR.search(s):
        first = dt.date(today.year - 1, 1, 1)
        return DateFound(first, "last year", "year", first, dt.date(today.year - 1, 12, 31))
    if NEXT_YEAR.search(s):
        first = dt.date(today.year + 1, 1, 1)
        return DateFound(first, "next year", "year", first, dt.date(today.year + 1, 12, 31))
    if TODAY_WORDS.search(s):
        return DateFound(today, "today", "day", today, today)
    return None


def _date_with_digits(s: str, today: dt.date) -> DateFound | None:
    """A day, month or year written with digits (every pattern but "last year", "next year", "today")."""
    for m in ISO.finditer(s):
        d = _safe(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            q = _qualifier(s[: m.start()])
            return DateFound(_apply(q, d, d, d, today), m.group(0), "day", d, d)
    for m in NUMERIC.finditer(s):
        year = int(m.group(3))
        if year < 100:
            year += 2000
        one, two = int(m.group(1)), int(m.group(2))
        d = _safe(year, two, one) or (_safe(year, one, two) if two > 12 else None)  # 03/15/2023 can only be US
        if d and 1990 <= year <= 2099:
            q = _qualifier(s[: m.start()])
            return DateFound(_apply(q, d, d, d, today), m.group(0), "day", d, d)
    for m in DAY_MONTH_YEAR.finditer(s):
        day = 1 if m.group(1) == "1er" else int(m.group(1))
        d = _safe(int(m.group(3)), MONTHS[m.group(2)], day)
        if d:
            q = _qualifier(s[: m.start()])
            return DateFound(_apply(q, d, d, d, today), m.group(0), "day", d, d)
    for m in MONTH_DAY_YEAR.finditer(s):
        d = _safe(int(m.group(3)), MONTHS[m.group(1)], int(m.group(2)))
        if d:
            q = _qualifier(s[: m.start()])
            return DateFound(_apply(q, d, d, d, today), m.group(0), "day", d, d)
    for m in SEMESTER.finditer(s):
        year = int(m.group(2))
        first = dt.date(year, 1, 1) if m.group(1) in {"1er", "1", "premier", "first"} else dt.date(year, 7, 1)
        last = dt.date(year, 6, 30) if first.month == 1 else dt.date(year, 12, 31)
        q = _qualifier(s[: m.start()])
        return DateFound(_apply(q, first, last, first, today), m.group(0), "month", first, last)
    for m in NUMERIC_MONTH.finditer(s):
        month, year = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12:
            first = dt.date(year, month, 1)
            last = dt.date(year, month, calendar.monthrange(year, month)[1])
            q = _qualifier(s[: m.start()])
            return DateFound(_apply(q, first, last, first, today), m.group(0), "month", first, last)
    for m in MONTH_YEAR.finditer(s):
        year, month = int(m.group(2)), MONTHS[m.group(1)]
        if m.group(1) in {"mar", "may", "jan", "dec", "sep", "oct", "nov"} and not re.search(
            r"\b(en|in|de|of|fin|end|debut|since|depuis)$", s[: m.start()].strip()
        ):
            continue  # "mar" and "may" are also ordinary words
        first = dt.date(year, month, 1)
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        q = _qualifier(s[: m.start()])
        return DateFound(_apply(q, first, last, first, today), m.group(0), "month", first, last)
    for m in YEAR.finditer(s):
        year = int(m.group(1))
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        q = _qualifier(s[: m.start()])
        if q is None and not 2015 <= year <= 2035 and not _year_context(s, m.start()):
            continue  # "pour 2000 patients" is a number, not a year
        default = today if year == today.year else first
        return DateFound(_apply(q, first, last, default, today), m.group(0), "year", first, last)
    return None


def _year_context(s: str, end: int) -> bool:
    """ "en", "depuis"… just before a number: a year. Searched from a few characters before the last word,
    not from the start of the message (a pasted list of numbers costs O(n) a number, not O(n²))."""
    before = s[:end]
    return _YEAR_CONTEXT.search(before, max(0, len(before.rstrip()) - 8)) is not None


def _mask_text_names(s: str) -> str:
    """Blank out dates that name a legal text, keeping positions of everything else."""
    if not _DIGIT.search(s):
        return s  # every date pattern has digits
    for pattern in _DATE_PATTERNS:
        s = pattern.sub(_mask_if_names_text, s)
    return s


_DIGIT = re.compile(r"\d")
_DATE_PATTERNS = (ISO, NUMERIC, DAY_MONTH_YEAR, MONTH_DAY_YEAR, MONTH_YEAR, YEAR)


def _mask_if_names_text(m: re.Match[str]) -> str:
    # only the last 40 characters before and the first 20 after are read: slicing more costs O(n) a date
    before = m.string[max(0, m.start() - 40) : m.start()]
    return " " * len(m.group(0)) if _names_text(before, m.string[m.end() : m.end() + 20]) else m.group(0)


def unreadable_date(text: str) -> bool:
    """A date-like string that is no real day ("31/02/2023"): the answer must say it was not read."""
    return unreadable_date_in(fold_keep_dates(text))


def unreadable_date_in(s: str) -> bool:
    """`unreadable_date` on a message already folded by `fold_keep_dates`."""
    for m in NUMERIC.finditer(s):
        year = int(m.group(3)) + (2000 if len(m.group(3)) == 2 else 0)
        first, second = int(m.group(1)), int(m.group(2))
        if not (_safe(year, second, first) or _safe(year, first, second)):
            return True
    return False
