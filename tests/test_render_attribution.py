"""Every quote a reader sees is followed by the name of its own source, before the next quote: a source
linked once is still named under each later quote, so no quote ever sits under another source's name."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from bot.render import shape
from bot.render.html import render_html

QUESTIONS = [
    "ordo de kiné dans le DMP ?",
    "certificat médical au DMP ?",
    "CR bio dans le DMP ?",
    "bon de radio dans le DMP ?",
    "ordonnance soumise à entente préalable ?",
    "lettre de sortie au médecin traitant ?",
]
TODAY = dt.date(2026, 12, 3)


def _pairs(lines: list[str]) -> list[tuple[str, str]]:
    """(quote, the attribution line that follows it) for each « … » quote."""
    out = []
    pending: str | None = None
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("«"):
            assert pending is None, f"quote without attribution before the next one: {pending!r}"
            pending = stripped
        elif stripped.startswith("—") and pending is not None:
            out.append((pending, stripped))
            pending = None
    assert pending is None, f"last quote has no attribution: {pending!r}"
    return out


@pytest.mark.parametrize("question", QUESTIONS)
def test_plain_text_names_the_source_under_every_quote(engine, question):
    answer = engine.answer(question, TODAY)
    pairs = _pairs(answer.text.splitlines())
    assert pairs, answer.text
    by_text = {shape.quote_text(q, answer.lang).splitlines()[0]: q for q in answer.citations}
    for quote, attribution in pairs:
        source = by_text[quote]
        assert shape.short_title(source.title) in attribution, (quote, attribution)


@pytest.mark.parametrize("question", QUESTIONS)
def test_telegram_html_names_the_source_under_every_quote(engine, question):
    answer = engine.answer(question, TODAY)
    html = "\n".join(render_html(answer))
    text = (
        re.sub(r"<[^>]+>", "", html)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
        .replace("&quot;", '"')
        .replace("&#x27;", "'")
    )
    _pairs(text.splitlines())
