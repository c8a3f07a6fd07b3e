"""The one answer shape every front end follows, phone first.

Line 1 the verdict and the document (and the date when it is not today); then what to do, one line a
channel with its recipients in short; the exclusion that applies (or those that could); then one primary
quote — an annex row shown with its column headings, or the sentence that decides — with one link to its
source under a short title; the caveats; and the secondary quotes, which every front end folds away
(Telegram's expandable blockquote, the page's <details>, a last section in plain text). No quote twice.

Pure functions of an `Answer`; the sentences come from the catalogue (`bot.wording`).
"""

from __future__ import annotations

import functools
import re

from bot import wording as W
from bot.answer import Answer, Cell, ChannelDuty, Quote

ANSWERED = ("obligatoire", "pas_encore_en_vigueur", "exclu")  # verdicts about one listed document at a date
WITH_CHANNELS = ANSWERED + ("a_verifier",)  # what to do is shown (for a_verifier: if the duty applies)
DATED = ANSWERED + ("non_concerne", "non_liste", "a_verifier")  # verdicts that may change with the date
ICONS = {
    "obligatoire": "✅",
    "pas_encore_en_vigueur": "⏳",
    "exclu": "🚫",
    "non_concerne": "🙅",
    "non_liste": "➖",
    "a_verifier": "🔎",
    "ambigu": "❓",
    "hors_sujet": "💬",
}


# ------------------------------------------------------------------------------------ quotes
def row_cells(excerpt: str) -> list[str] | None:
    """The cells of an annex table row (« | wording | X | X | X | date | »), or None if it is not one.

    Joining the cells back with « | » gives the excerpt again, so what `obligations check` proves is
    exactly what is shown."""
    text = excerpt.strip()
    if not (text.startswith("|") and text.endswith("|") and text.count("|") >= 3):
        return None
    return [cell.strip() for cell in text[1:-1].split("|")]


def cells(quote: Quote, lang: str) -> list[Cell]:
    """An annex row under its headings: the document's wording first (no heading), then one cell a column.

    A mark « X » is shown as « oui »: the heading says what the mark means; any other cell is shown as is."""
    return list(_excerpt_cells(quote.text, lang))


@functools.lru_cache(maxsize=1024)
def _excerpt_cells(excerpt: str, lang: str) -> tuple[Cell, ...]:
    """The cells of one source excerpt, built once: the same few annex rows are shown in answer after answer
    (four times each: present, text, and the secondary lines), and each `Cell` is a validated model. Keyed by
    the excerpt of a source in `knowledge/` (never the user's text); `Cell` is frozen, so sharing is safe."""
    raw = row_cells(excerpt)
    if raw is None:
        return ()
    headings = W.annex_headings(lang)
    out = [Cell(heading="", text=raw[0], shown=raw[0])]
    for i, value in enumerate(raw[1:]):
        heading = headings[i] if i < len(headings) else ""
        out.append(Cell(heading=heading, text=value, shown=W.mark(value, lang)))
    return tuple(out)


def row_line(quote: Quote, lang: str) -> str:
    """The headed cells on one line: « Versement au DMP : oui · … · Entrée en vigueur : 31 décembre 2023 »."""
    sep = W.text("colon", lang)
    return " · ".join(f"{c.heading}{sep}{c.shown}" for c in cells(quote, lang)[1:] if c.heading)


_PARENS = re.compile(r"\s*\([^()]*\)")
_FIXANT = re.compile(r"\s+(fixant|relatif|portant)\b[^,]*")


@functools.lru_cache(maxsize=256)
def short_title(title: str) -> str:
    """« Arrêté du 26 avril 2022 fixant la liste …, annexe, partie I » → « Arrêté du 26 avril 2022, annexe, partie I ».

    Cached: the few titles of the rules' sources are shortened for every answer (never a user's text)."""
    short = _PARENS.sub("", title)
    short = _FIXANT.sub("", short)
    short = short.split(" : ")[0]
    return short.strip(" ,") or title


def _shown_text(quote: Quote) -> str:
    """What a reader sees of a quote (the first cell only for a row): used to drop quotes already shown."""
    raw = row_cells(quote.text)
    return raw[0] if raw else quote.text


def quotes(answer: Answer) -> tuple[Quote | None, list[Quote]]:
    """The primary quote and the secondary ones, without any quote twice (one contained in another shown
    earlier, as an exclusion inside its annex row, is dropped)."""
    kept: list[Quote] = []
    seen: list[tuple[str, str]] = []  # (source, text shown) and (source, whole text) of each quote kept
    for q in answer.citations:
        shown = _shown_text(q)
        if any(q.source == s and (q.text in t or shown in t) for s, t in seen):
            continue
        kept.append(q)
        seen += [(q.source, shown), (q.source, q.text)]
    return (kept[0] if kept else None), kept[1:]


def sources(quoted: list[Quote]) -> list[Quote]:
    """The first quote of each source, so each source gets one link."""
    first: dict[str, Quote] = {}
    for q in quoted:
        first.setdefault(q.source, q)
    return list(first.values())


def kind(quote: Quote, lang: str) -> str:
    return W.kind_short(quote.kind, lang)


# ------------------------------------------------------------------------------------ lines
def shows_date(answer: Answer) -> bool:
    """Say the date on line 1 when the answer is not about today (and the verdict depends on the date)."""
    return answer.verdict in DATED and (answer.today is None or answer.date != answer.today)


def headline(answer: Answer) -> str:
    """Line 1: the verdict and the document, and the date when it is not today."""
    lang = answer.lang
    effective = W.date(answer.effective_date, lang) if answer.effective_date else ""
    title = answer.title or ""
    v = answer.verdict
    if v == "obligatoire":
        line = W.text("head.obligatoire" if answer.verified else "head.obligatoire_unverified", lang,
                      effective=effective, title=title)  # fmt: skip
    elif v == "pas_encore_en_vigueur":
        line = W.text("head.pas_encore_en_vigueur", lang, effective=effective, title=title)
    elif v == "exclu":
        applying = next((e for e in answer.exclusions if e.applies), None)
        line = W.text("head.exclu", lang, title=title, label=applying.label if applying else "")
    elif v == "non_concerne":
        key = "head.non_concerne" if answer.profession_of_asker else "head.non_concerne_named"
        line = W.text(key, lang, profession=answer.profession_label or answer.profession or "")
    elif v == "ambigu":
        line = W.text("head.ambigu_one" if len(answer.candidates) == 1 else "head.ambigu", lang)
    elif v == "a_verifier" and title:
        return W.text("a_verifier", lang, day=W.date(answer.date, lang), title=title)  # says its date itself
    elif v == "non_liste" and answer.documents and title:
        if answer.effective_date:  # taken off the list by a later text
            line = W.text("non_liste_removed", lang, effective=effective, title=title)
        else:  # added only by a later text
            return W.text("non_liste_document", lang, day=W.date(answer.date, lang), title=title)
    else:
        line = W.text("head." + v, lang, title=title)
    if shows_date(answer):
        line = W.at_date(answer.date, line, lang)
    return line


def channel_line(channel: ChannelDuty, lang: str, row_verified: bool = True) -> str:
    """« DMP (Mon espace santé), lorsqu'il existe » / « Messagerie … → médecin traitant, … »."""
    text = channel.label
    if channel.condition:
        text += ", " + channel.condition
    if channel.recipients:
        text += " → " + ", ".join(W.recipient(r, lang) for r in channel.recipients)
    if not channel.verified and row_verified:  # a whole row unverified says so on line 1
        text += f" ({W.text('not_verified', lang)})"
    return text


def channel_lines(answer: Answer) -> list[tuple[bool, str]]:
    """(asked, line) for each channel, the channel asked about first; none unless the verdict is about a row."""
    if answer.verdict not in WITH_CHANNELS or not answer.documents:
        return []
    ordered = sorted(answer.channels, key=lambda c: not c.asked)
    return [(c.asked, channel_line(c, answer.lang, answer.verified)) for c in ordered]


def todo_title(answer: Answer) -> str:
    key = {
        "obligatoire": "todo",
        "pas_encore_en_vigueur": "todo_if",
        "exclu": "todo_otherwise",
        "a_verifier": "todo_if_due",
    }[answer.verdict]
    return W.text(key, answer.lang)


def exclusion_line(answer: Answer) -> str:
    """The exclusion that applies; else, the ones that could (labels only: the row's quote shows their words)."""
    if answer.verdict not in WITH_CHANNELS or not answer.exclusions:
        return ""
    applying = [e.label for e in answer.exclusions if e.applies]
    if applying:
        return W.text("excluded_here", answer.lang, labels=" ; ".join(applying))
    return W.text("except", answer.lang, labels=" ; ".join(e.label for e in answer.exclusions))


def quote_text(quote: Quote, lang: str) -> str:
    """A quote as shown: « words », and for an annex row its headed cells after the wording."""
    raw = row_cells(quote.text)
    if raw is None:
        return f"« {quote.text.strip()} »"
    return f"« {raw[0]} »\n{row_line(quote, lang)}"


def source_line(quote: Quote, lang: str) -> str:
    extra = kind(quote, lang)
    return short_title(quote.title) + (f" ({extra})" if extra else "")


def caveats(answer: Answer) -> tuple[list[str], list[str]]:
    """(shown, folded): the caveats about the question stay in view; those about how far the sources go
    (their hedge is on line 1) go in the fold. Sentences come from the notes when there are any."""
    if not answer.notes:
        return list(answer.caveats), []
    sentences = (
        answer.caveats if len(answer.caveats) == len(answer.notes) else [W.note(n, answer.lang) for n in answer.notes]
    )
    shown = [c for n, c in zip(answer.notes, sentences, strict=True) if n.code not in W.ABOUT_SOURCES]
    folded = [c for n, c in zip(answer.notes, sentences, strict=True) if n.code in W.ABOUT_SOURCES]
    return shown, folded


def assumed_line(answer: Answer) -> str:
    """« Je comprends : compte rendu opératoire. » before line 1, when the engine took one weak reading."""
    return W.text("assumed", answer.lang, title=answer.title) if answer.assumed and answer.title else ""
