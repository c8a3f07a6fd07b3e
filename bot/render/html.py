"""Answer → Telegram HTML messages, in the answer shape of `bot.render.shape` (secondary quotes folded).

Telegram rejects a message whose HTML does not parse or that exceeds 4096 characters, and a user's
words (or a quote with "<" in it) must never become markup. So every piece of dynamic text goes
through `html.escape`, and long answers are cut between whole blocks (a line, or one blockquote),
never inside a tag or an entity. Our own labels live in `_LABELS` (French and English); the legal
wording comes only from the Answer's data (quotes, wordings, conditions, recipients).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot import wording as W
from bot.answer import Answer, Quote
from bot.render import shape

MAX_CHARS = 4000  # Telegram's limit is 4096; keep a margin


def labels(lang: str) -> dict[str, str]:
    """The list's and the sources' labels, from the catalogue (bot.wording.LISTING)."""
    return W.LISTING["en" if lang == "en" else "fr"]


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
    return line(f"{shape.ICONS.get(a.verdict, '')} <b>{esc(shape.headline(a))}</b>".strip())


def _channels(a: Answer) -> list[Block]:
    lines = shape.channel_lines(a)
    if not lines:
        return []
    out = [line(f"<b>{esc(shape.todo_title(a))}</b>")]
    for asked, text in lines:
        out.append(line(("👉 " if asked else "• ") + esc(text)))
    return out


def _exclusion(a: Answer) -> list[Block]:
    text = shape.exclusion_line(a)
    return [line(("🚫 " if any(e.applies for e in a.exclusions) else "") + esc(text))] if text else []


def _candidates(a: Answer) -> list[Block]:
    if a.verdict != "ambigu":
        return []
    return [line(f"• {esc(c.title)}") for c in a.candidates]


def _examples(a: Answer) -> list[Block]:
    if a.verdict != "hors_sujet":
        return []
    return [line(f"<i>{esc(W.text('examples', a.lang))}</i>")]


def _link(q: Quote, lang: str) -> str:
    title = esc(shape.short_title(q.title))
    extra = shape.kind(q, lang)
    linked = f'<a href="{attr(q.url)}">{title}</a>' if q.url else title
    return f"— {linked}" + (f" <i>({esc(extra)})</i>" if extra else "")


def _primary(a: Answer) -> list[Block]:
    primary, _ = shape.quotes(a)
    if primary is None:
        return []
    return [quote_block(shape.quote_text(primary, a.lang)), line(_link(primary, a.lang))]


def _caveats(a: Answer) -> list[Block]:
    shown, _ = shape.caveats(a)
    return [line(f"⚠️ {esc(c)}") for c in shown]


def _secondary(a: Answer) -> list[Block]:
    """Notes about the sources, then the other quotes, in one expandable blockquote; each source linked once."""
    primary, rest = shape.quotes(a)
    _, folded = shape.caveats(a)
    if not rest and not folded:
        return []
    linked = {primary.source} if primary else set()
    parts: list[str] = []
    raw: list[str] = []
    if folded:
        parts.append(f"<b>{esc(W.text('about_sources', a.lang))}</b>")
        raw.append(W.text("about_sources", a.lang))
        for c in folded:
            parts.append(f"⚠️ {esc(c)}")
            raw.append(f"⚠️ {c}")
    if rest:
        parts.append(f"<b>{esc(W.text('more_quotes', a.lang))}</b>")
        raw.append(W.text("more_quotes", a.lang))
    for q in rest:
        text = shape.quote_text(q, a.lang)
        parts.append(esc(text))
        raw.append(text)
        if q.source not in linked:
            linked.add(q.source)
            parts.append(_link(q, a.lang))
        else:  # linked once already; still named, so no quote sits under another source's name
            parts.append("— " + esc(shape.source_line(q, a.lang)))
        raw.append("— " + shape.source_line(q, a.lang))
    body = "\n".join(parts)
    return [Block(f"<blockquote expandable>{body}</blockquote>", raw="\n".join(raw), tag="blockquote expandable")]


def answer_blocks(a: Answer) -> list[Block]:
    """The answer shape (bot.render.shape): line 1, what to do, the exclusion, one quote, caveats; then the fold."""
    blocks = [_headline(a)]
    if a.assumed and a.title:  # one weak reading: say which document first (Telegram and page)
        blocks.insert(0, line(esc(W.text("assumed", a.lang, title=a.title))))
    blocks += _candidates(a) + _examples(a)
    blocks += _channels(a) + _exclusion(a)
    blocks += _primary(a) + _caveats(a)
    blocks += _secondary(a)
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


_FOLDED = re.compile(r"<blockquote expandable>.*?</blockquote>", re.S)


def visible_before_fold(messages: list[str]) -> str:
    """What a reader sees of the messages before opening any fold: the text without tags, entities decoded,
    expandable blockquotes left out (Telegram shows them closed)."""
    return "\n".join(html.unescape(_strip_tags(_FOLDED.sub("", m))).strip() for m in messages).strip()
