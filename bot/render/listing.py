"""Plain-text table of all documents at a date (`obligations list`)."""

from __future__ import annotations

import datetime as dt

from bot.catalogue import DocumentSummary
from bot.domain import Rulebook
from bot.render import wording as W


def render_catalogue(rows: list[DocumentSummary], rulebook: Rulebook, day: dt.date, lang: str = "fr") -> str:
    head = "Documents au " if lang == "fr" else "Documents as of "
    out = [head + W.date(day, lang) + " :" if lang == "fr" else head + W.date(day, lang) + ":"]
    for r in rows:
        state = (
            ("en vigueur" if lang == "fr" else "in force")
            if r.in_force
            else ("pas encore" if lang == "fr" else "not yet")
        )
        if r.status == "a_verifier":
            state = "à vérifier" if lang == "fr" else "to be checked"
        channels = ", ".join(rulebook.channels[c].label(lang) for c in r.channels)
        line = f"- {r.id}: {r.title} — {W.date(r.effective_date, lang)} ({state}); {channels}"
        if r.exclusions:
            line += (
                "; "
                + ("exclusions" if lang == "en" else "exclusions")
                + ": "
                + ", ".join(rulebook.exclusions[e].label(lang) for e in r.exclusions)
            )
        if not r.verified:
            line += " [" + W.text("not_verified", lang) + "]"
        out.append(line)
    return "\n".join(out)
