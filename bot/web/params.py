"""Validate the query parameters of the JSON API before anything reaches the engine.

Bad input is the user's mistake, not ours: it gets a 4xx with a stable error code the page can
translate, and a message that says which parameter is wrong. The question text is never echoed
back in an error, because it may contain patient data.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MAX_QUESTION_CHARS = 2000
EARLIEST_DATE = dt.date(1970, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class ApiError(Exception):
    """A client error: HTTP status, stable machine code, human message (English)."""

    status: int
    code: str
    message: str


def today() -> dt.date:
    """Today in France: the regulation's dates are French calendar days, whatever the server's zone."""
    try:
        return dt.datetime.now(ZoneInfo("Europe/Paris")).date()
    except ZoneInfoNotFoundError:  # a system without tzdata
        return dt.date.today()


def parse_date(raw: str | None) -> dt.date:
    """`date` is optional; when given it must be a real calendar day written YYYY-MM-DD."""
    if raw is None or not raw.strip():
        return today()
    value = raw.strip()
    if not _ISO_DATE.fullmatch(value):
        raise ApiError(400, "bad_date", "parameter 'date' must be written YYYY-MM-DD, e.g. 2024-06-01")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ApiError(400, "bad_date", "parameter 'date' is not a calendar day") from None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ApiError(400, "bad_date", f"parameter 'date' must be between {EARLIEST_DATE} and {LATEST_DATE}")
    return day


def parse_question(raw: str | None) -> str:
    """`q` is required, not blank, and at most MAX_QUESTION_CHARS characters."""
    if raw is None or not raw.strip():
        raise ApiError(400, "missing_question", "parameter 'q' (the question) is required and must not be empty")
    question = raw.strip()
    if len(question) > MAX_QUESTION_CHARS:
        raise ApiError(413, "question_too_long", f"parameter 'q' is longer than {MAX_QUESTION_CHARS} characters")
    return question


def parse_document(raw: str | None, known: frozenset[str]) -> str | None:
    """`document` is optional; when given it must be one of the ids the rules define."""
    if raw is None or not raw.strip():
        return None
    value = raw.strip()
    if value not in known:
        raise ApiError(400, "unknown_document", "parameter 'document' must be one of: " + ", ".join(sorted(known)))
    return value


def parse_lang(raw: str | None) -> str:
    """`lang` is optional: fr (default) or en."""
    if raw is None or not raw.strip():
        return "fr"
    value = raw.strip().lower()
    if value not in ("fr", "en"):
        raise ApiError(400, "bad_lang", "parameter 'lang' must be fr or en")
    return value


MAX_FILTER_CHARS = 200


def parse_filter(raw: str | None) -> str:
    """`q` of /api/documents is optional (empty: no filter) and short: a name, an abbreviation, a date."""
    value = (raw or "").strip()
    if len(value) > MAX_FILTER_CHARS:
        raise ApiError(413, "question_too_long", f"parameter 'q' is longer than {MAX_FILTER_CHARS} characters")
    return value
