"""Plain-text rendering of an `Answer`, in the answer shape of `bot.render.shape`.

Used by `obligations ask`, the console, the `text` field of the JSON, and the helpdesk's "copy" button.
Plain text cannot fold, so the secondary quotes come last under their own heading.
"""

from __future__ import annotations

from bot import wording as W
from bot.answer import Answer, Quote
from bot.render import shape


def headline(answer: Answer) -> str:
    return shape.headline(answer)


def _quote_lines(answer: Answer, primary: Quote | None) -> list[str]:
    if primary is None:
        return []
    out = ["", shape.quote_text(primary, answer.lang), f"  — {shape.source_line(primary, answer.lang)} {primary.url}"]
    return out


def _secondary_lines(answer: Answer, primary: Quote | None, rest: list[Quote]) -> list[str]:
    if not rest:
        return []
    linked = {primary.source} if primary else set()
    out = ["", W.text("more_quotes", answer.lang) + W.text("colon", answer.lang).rstrip()]
    for q in rest:
        out.append(shape.quote_text(q, answer.lang))
        if q.source not in linked:
            linked.add(q.source)
            out.append(f"  — {shape.source_line(q, answer.lang)} {q.url}")
        else:  # linked once already; still named, so no quote sits under another source's name
            out.append(f"  — {shape.source_line(q, answer.lang)}")
    return out


def render_text(answer: Answer) -> str:
    lang = answer.lang
    out = [headline(answer)]
    if shape.assumed_line(answer):
        out.insert(0, shape.assumed_line(answer))  # one weak reading: say which, first
    channels = shape.channel_lines(answer)
    if channels:
        out.append(shape.todo_title(answer))
        out.extend(("→ " if asked else "- ") + text for asked, text in channels)
    exclusion = shape.exclusion_line(answer)
    if exclusion:
        out.append(exclusion)
    if answer.verdict == "ambigu":
        out.extend(f"- {c.title} [{c.id}]" for c in answer.candidates)
    elif answer.verdict == "hors_sujet":
        out.append(W.text("examples", lang))
    primary, rest = shape.quotes(answer)
    out.extend(_quote_lines(answer, primary))
    shown, folded = shape.caveats(answer)
    if shown or folded:
        out.append("")
        out.extend(f"! {c}" for c in shown + folded)  # plain text has no fold: all of them, the question's first
    out.extend(_secondary_lines(answer, primary, rest))
    return "\n".join(out).strip()
