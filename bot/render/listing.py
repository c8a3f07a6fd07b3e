"""Plain-text table of all documents at a date (`obligations list`)."""

from __future__ import annotations

import datetime as dt

from bot import wording as W
from bot.catalogue import DocumentSummary
from bot.domain import Rulebook


def render_catalogue(rows: list[DocumentSummary], rulebook: Rulebook, day: dt.date, lang: str = "fr") -> str:
    t = W.LISTING["en" if lang == "en" else "fr"]
    out = [t["plain_head"].format(date=W.date(day, lang))]
    for r in rows:
        state = t["in_force"] if r.in_force else t["not_yet"]
        if r.status == "a_verifier":
            state = t["to_check"]
        channels = ", ".join(rulebook.channels[c].label(lang) for c in r.channels)
        line = f"- {r.id}: {r.title} — {W.date(r.effective_date, lang)} ({state}); {channels}"
        if r.exclusions:
            line += "; " + t["exclusions"] + ": " + ", ".join(rulebook.exclusions[e].label(lang) for e in r.exclusions)
        if not r.verified:
            line += " [" + W.text("not_verified", lang) + "]"
        out.append(line)
    return "\n".join(out)
