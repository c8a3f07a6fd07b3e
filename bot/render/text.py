"""Plain-text rendering of an `Answer`: verdict first, then duties, date, exclusions, quotes, caveats.

Used by the CLI, the console, the `text` field of the JSON, and the helpdesk's "copy" button.
"""

from __future__ import annotations

from bot.answer import Answer, ChannelDuty
from bot.render import wording as W


def headline(answer: Answer) -> str:
    """The first line; when the answer is for a date asked (not today), it starts with that date."""
    line = _verdict_line(answer)
    if answer.date_asked and answer.verdict in ("obligatoire", "exclu", "non_liste", "non_concerne"):
        return W.text("as_of_day", answer.lang, day=W.date(answer.date, answer.lang)) + " " + line
    return line


def _verdict_line(answer: Answer) -> str:
    lang = answer.lang
    day = W.date(answer.date, lang)
    effective = W.date(answer.effective_date, lang) if answer.effective_date else ""
    title = answer.title or ""
    v = answer.verdict
    if v == "obligatoire":
        return W.text(
            "obligatoire" if answer.verified else "obligatoire_unverified", lang, effective=effective, title=title
        )
    if v == "pas_encore_en_vigueur":
        return W.text("pas_encore_en_vigueur", lang, day=day, effective=effective, title=title)
    if v == "exclu":
        applying = next((e for e in answer.exclusions if e.applies), None)
        return W.text(
            "exclu",
            lang,
            title=title,
            quote=applying.quote if applying else "",
            label=applying.label if applying else "",
        )
    if v == "non_liste" and answer.documents and title:
        if answer.effective_date:
            return W.text("non_liste_removed", lang, effective=effective, title=title)
        return W.text("non_liste_document", lang, day=day, title=title)
    if v == "a_verifier":
        return W.text("a_verifier", lang, day=day, title=title)
    if v == "non_concerne":
        return W.text("non_concerne", lang, profession=answer.profession_label or answer.profession or "")
    if v == "ambigu" and len(answer.candidates) == 1:
        return W.text("ambigu_one", lang)
    return W.text(v, lang)


def recipients(channel: ChannelDuty) -> str:
    """The text's own words, quoted: in an English answer too they stay French, and marked as such."""
    return " ; ".join(f"« {r} »" for r in channel.recipients)


def condition(channel: ChannelDuty) -> str:
    return f"« {channel.condition} »" if channel.condition else ""


SECTIONS = {
    "obligatoire": "todo",
    "pas_encore_en_vigueur": "todo_if",
    "exclu": "todo_otherwise",
    "a_verifier": "todo_if_due",
}


def section_title(answer: Answer) -> str:
    """What the channel list means: to do now, to do from the date, or to do outside the excluded case."""
    return W.text(SECTIONS[answer.verdict], answer.lang)


def channel_lines(answer: Answer) -> list[str]:
    lang = answer.lang
    lines = []
    for ch in answer.channels:
        parts = [f"{ch.label} : {ch.action}" if lang == "fr" else f"{ch.label}: {ch.action}"]
        if ch.recipients:
            parts.append(f"{W.text('recipients', lang)} " + recipients(ch))
        line = " ".join(parts)
        if ch.condition:
            line += f" ({condition(ch)})"
        if not ch.verified:
            line += f" [{W.text('not_verified', lang)}]"
        lines.append(("→ " if ch.asked else "- ") + line)
    return lines


def render_text(answer: Answer) -> str:
    lang = answer.lang
    out = [headline(answer)]
    if answer.assumed and answer.title:
        out.insert(0, W.text("assumed", lang, title=answer.title))  # one weak reading: say which, first
    if answer.verdict in ("obligatoire", "pas_encore_en_vigueur", "exclu"):
        out.append("")
        out.append(section_title(answer))
        out.extend(channel_lines(answer))
        if answer.effective_date:
            out.append(W.text("effective", lang, effective=W.date(answer.effective_date, lang)))
        if answer.exclusions:
            out.append(
                W.text("exclusions", lang) + " " + " ; ".join(f"{e.label} (« {e.quote} »)" for e in answer.exclusions)
            )
        else:
            out.append(W.text("no_exclusion", lang))
    elif answer.verdict == "a_verifier" and answer.channels:
        out.append("")
        out.append(section_title(answer))
        out.extend(channel_lines(answer))
    elif answer.verdict == "ambigu":
        out.extend(f"- {c.title} [{c.id}]" for c in answer.candidates)
    elif answer.verdict in ("hors_sujet", "non_liste"):
        out.append(W.text("examples", lang) if answer.verdict == "hors_sujet" else "")
    if answer.citations:
        out.append("")
        out.append(W.text("sources", lang))
        for q in answer.citations:
            out.append(f"« {q.text} »")
            out.append(f"  — {q.title} ({W.kind(q.kind, lang)}) {q.url}")
    if answer.caveats:
        out.append("")
        out.append(W.text("caveats", lang))
        out.extend(f"- {c}" for c in answer.caveats)
    out.append("")
    out.append(W.text("answer_as_of", lang, day=W.date(answer.date, lang)))
    return "\n".join(line for i, line in enumerate(out) if line or (i and out[i - 1])).strip()
