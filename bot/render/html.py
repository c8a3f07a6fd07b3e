"""Answer → Telegram HTML messages: verdict first, then channels, dates, exclusions, quotes.

Telegram rejects a message whose HTML does not parse or that exceeds 4096 characters, and a user's
words (or a quote with "<" in it) must never become markup. So every piece of dynamic text goes
through `html.escape`, and long answers are cut between whole blocks (a line, or one blockquote),
never inside a tag or an entity. Our own labels live in `_LABELS` (French and English); the legal
wording comes only from the Answer's data (quotes, wordings, conditions, recipients).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.answer import Answer
from bot.render import wording as W
from bot.render.text import condition, headline, recipients, section_title

MAX_CHARS = 4000  # Telegram's limit is 4096; keep a margin

_LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "catalogue": "Documents de la liste au {date}",
        "from": "à partir du {date}",
        "since": "depuis le {date}",
        "sources_title": "Textes cités",
        "check": "vérifier sur Légifrance",
        "unverified": "date non vérifiée",
    },
    "en": {
        "catalogue": "Documents on the list as of {date}",
        "from": "from {date}",
        "since": "since {date}",
        "sources_title": "Texts quoted",
        "check": "check on Légifrance",
        "unverified": "date not verified",
    },
}


def labels(lang: str) -> dict[str, str]:
    return _LABELS["en" if lang == "en" else "fr"]


def esc(value: object) -> str:
    """Text content: only <, > and & matter to Telegram's parser."""
    return html.escape(str(value), quote=False)


def attr(value: object) -> str:
    """An attribute value (href), inside double quotes."""
    return html.escape(str(value), quote=True)


@dataclass(frozen=True)
class Block:
    """One unit the splitter never cuts: `html`, or, if too long, `raw` text wrapped in `tag`."""

    html: str
    raw: str = ""
    tag: str = ""  # e.g. "blockquote": when split, each piece is re-wrapped in it


def line(markup: str) -> Block:
    return Block(markup)


def quote_block(text: str, *, expandable: bool = False) -> Block:
    open_tag = "<blockquote expandable>" if expandable else "<blockquote>"
    return Block(
        f"{open_tag}{esc(text)}</blockquote>", raw=text, tag="blockquote expandable" if expandable else "blockquote"
    )


def _split_raw(raw: str, limit: int) -> list[str]:
    """Cut plain text into pieces whose escaped form fits `limit`: at newlines, then spaces."""
    pieces: list[str] = []
    current = ""
    for token in _tokens(raw):
        if len(esc(current + token)) <= limit:
            current += token
            continue
        if current:
            pieces.append(current)
        while len(esc(token)) > limit:  # a single word longer than a message: hard cut
            cut = limit // 6  # html.escape grows a char to 6 at most ("&quot;")
            pieces.append(token[:cut])
            token = token[cut:]
        current = token
    if current:
        pieces.append(current)
    return [p.strip("\n") for p in pieces if p.strip()]


def _tokens(raw: str) -> Iterable[str]:
    for ln in raw.splitlines(keepends=True):
        words = ln.split(" ")
        for i, word in enumerate(words):
            yield word + (" " if i < len(words) - 1 else "")


def pack(blocks: list[Block], limit: int = MAX_CHARS) -> list[str]:
    """Join blocks with newlines into messages of at most `limit` characters."""
    expanded: list[str] = []
    for block in blocks:
        if len(block.html) <= limit:
            expanded.append(block.html)
            continue
        tag = block.tag
        name = tag.split(" ")[0] if tag else ""
        overhead = len(f"<{tag}></{name}>") if tag else 0
        raw = block.raw or html.unescape(_strip_tags(block.html))
        for piece in _split_raw(raw, limit - overhead):
            expanded.append(f"<{tag}>{esc(piece)}</{name}>" if tag else esc(piece))
    chunks: list[str] = []
    current = ""
    for part in expanded:
        candidate = f"{current}\n{part}" if current else part
        if len(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = part
    if current.strip():
        chunks.append(current)
    return chunks or [""]


def _strip_tags(markup: str) -> str:
    out, inside = [], False
    for ch in markup:
        if ch == "<":
            inside = True
        elif ch == ">":
            inside = False
        elif not inside:
            out.append(ch)
    return "".join(out)


def _headline(a: Answer) -> Block:
    return line(f"<b>{esc(headline(a))}</b>")


def _channels(a: Answer) -> list[Block]:
    if not a.channels or a.verdict not in ("obligatoire", "pas_encore_en_vigueur", "exclu", "a_verifier"):
        return []
    lang = a.lang
    out = [line(f"<b>{esc(section_title(a))}</b>")]
    ordered = sorted(a.channels, key=lambda c: not c.asked)  # the channel asked about first
    for ch in ordered:
        sep = " : " if lang == "fr" else ": "
        text = ("👉 " if ch.asked else "• ") + f"<b>{esc(ch.label)}</b>"
        if ch.action:
            text += sep + esc(ch.action)
        if ch.recipients:
            text += f" {esc(W.text('recipients', lang))} " + esc(recipients(ch))
        if ch.condition:
            text += f" <i>({esc(condition(ch))})</i>"
        if not ch.verified:
            text += f" ⚠️ <i>{esc(W.text('not_verified', lang))}</i>"
        out.append(line(text))
        if ch.note:
            out.append(line(f"    <i>{esc(ch.note)}</i>"))
    return out


def _dates(a: Answer) -> list[Block]:
    if a.effective_date is None or a.verdict not in ("obligatoire", "pas_encore_en_vigueur", "exclu"):
        return []
    return [line("📅 " + esc(W.text("effective", a.lang, effective=W.date(a.effective_date, a.lang))))]


def _exclusions(a: Answer) -> list[Block]:
    if a.verdict not in ("obligatoire", "pas_encore_en_vigueur", "exclu", "a_verifier") or not a.documents:
        return []
    lang = a.lang
    if not a.exclusions:
        return [line(esc(W.text("no_exclusion", lang)))]
    out = [line(f"<b>{esc(W.text('exclusions', lang))}</b>")]
    quoted = {q.text for q in a.citations}  # shown with their link below
    for ex in sorted(a.exclusions, key=lambda e: not e.applies):
        out.append(line(("🚫 " if ex.applies else "• ") + (f"<b>{esc(ex.label)}</b>" if ex.applies else esc(ex.label))))
        if ex.applies and ex.quote and ex.quote not in quoted:
            out.append(quote_block(ex.quote))
            quoted.add(ex.quote)
    return out


def _candidates(a: Answer) -> list[Block]:
    if a.verdict != "ambigu":
        return []
    return [line(f"• {esc(c.title)}") for c in a.candidates]


def _examples(a: Answer) -> list[Block]:
    if a.verdict != "hors_sujet":
        return []
    return [line(f"<i>{esc(W.text('examples', a.lang))}</i>")]


def _citations(a: Answer) -> list[Block]:
    if not a.citations:
        return []
    out = [line(f"<b>{esc(W.text('sources', a.lang))}</b>")]
    seen: set[tuple[str, str]] = set()
    for q in a.citations:
        if (q.source, q.text) in seen:
            continue
        seen.add((q.source, q.text))
        out.append(quote_block(q.text, expandable=len(q.text) > 600))
        title = f'<a href="{attr(q.url)}">{esc(q.title)}</a>' if q.url else esc(q.title)
        out.append(line(f"— {title} <i>({esc(W.kind(q.kind, a.lang))})</i>"))
    return out


def _caveats(a: Answer) -> list[Block]:
    if not a.caveats:
        return []
    return [line(f"<b>{esc(W.text('caveats', a.lang))}</b>")] + [line(f"⚠️ {esc(c)}") for c in a.caveats]


def answer_blocks(a: Answer) -> list[Block]:
    """Verdict first; then what to do, the date, exclusions, the quotes, caveats, and the answer's date."""
    blocks = [_headline(a)]
    if a.assumed and a.title:  # one weak reading: say which document first (Telegram and page)
        blocks.insert(0, line(esc(W.text("assumed", a.lang, title=a.title))))
    blocks += _candidates(a) + _examples(a)
    blocks += _channels(a) + _dates(a) + _exclusions(a)
    blocks += _citations(a) + _caveats(a)
    blocks.append(line(f"<i>{esc(W.text('answer_as_of', a.lang, day=W.date(a.date, a.lang)))}</i>"))
    return blocks


def render_html(a: Answer) -> list[str]:
    """Telegram HTML messages for one answer, each under 4096 characters, all dynamic text escaped."""
    return pack(answer_blocks(a))


def _field(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def render_catalogue_html(
    summaries: Iterable[Any],
    day: dt.date,
    lang: str,
    channel_labels: Mapping[str, str] | None = None,
    exclusion_labels: Mapping[str, str] | None = None,
) -> list[str]:
    """/liste: every document with its date, channels and exclusions (from engine.catalogue(day))."""
    t = labels(lang)
    channel_labels = channel_labels or {}
    exclusion_labels = exclusion_labels or {}
    blocks = [line(f"<b>{esc(t['catalogue'].format(date=W.date(day, lang)))}</b>")]
    for s in summaries:
        eff = _field(s, "effective_date")
        head = f"\n<b>{esc(_field(s, 'title', ''))}</b> — <code>{esc(_field(s, 'id', ''))}</code>"
        blocks.append(line(head))
        if isinstance(eff, dt.date):
            when = t["since" if eff <= day else "from"].format(date=W.date(eff, lang))
            extra = f" ⚠️ <i>{esc(t['unverified'])}</i>" if _field(s, "verified", True) is False else ""
            blocks.append(line(f"📅 {esc(when)}{extra}"))
        channels = [channel_labels.get(c, c) for c in (_field(s, "channels") or [])]
        if channels:
            blocks.append(line("📨 " + esc(" · ".join(channels))))
        exclusions = [exclusion_labels.get(e, e) for e in (_field(s, "exclusions") or [])]
        if exclusions:
            blocks.append(line(f"🚫 <i>{esc(W.text('exclusions', lang))} {esc(' ; '.join(exclusions))}</i>"))
    return pack(blocks)


def render_sources_html(sources: Iterable[Any], lang: str) -> list[str]:
    """/sources: the legal texts quoted, each with a link (and a link to check it, if any)."""
    t = labels(lang)
    blocks = [line(f"<b>{esc(t['sources_title'])}</b>")]
    for src in sources:
        url, title = _field(src, "url", ""), _field(src, "title", "")
        text = f'• <a href="{attr(url)}">{esc(title)}</a>' if url else f"• {esc(title)}"
        text += f" <i>({esc(W.kind(str(_field(src, 'kind', '')), lang))})</i>"
        check = _field(src, "check_url")
        if check and check != url:
            text += f' — <a href="{attr(check)}">{esc(t["check"])}</a>'
        blocks.append(line(text))
    return pack(blocks)
