"""Fill an Answer's presentation fields (line 1, the caveats as sentences, the primary quote, short titles,
headed cells, the text).

The engine calls this once after `decide`, so every front end — the JSON of `/api/ask` and `ask --json`
read by the page, Telegram, the console — shows the same line 1 and the same primary quote.
"""

from __future__ import annotations

from bot import wording as W
from bot.answer import Answer
from bot.render import shape
from bot.render.text import render_text


def present(answer: Answer) -> Answer:
    primary, _ = shape.quotes(answer)
    citations = [
        q.model_copy(
            update={
                "short_title": shape.short_title(q.title),
                "primary": primary is not None and (q.source, q.text) == (primary.source, primary.text),
                "cells": shape.cells(q, answer.lang),
            }
        )
        for q in answer.citations
    ]
    caveats = [W.note(n, answer.lang) for n in answer.notes] if answer.notes else list(answer.caveats)
    shown = answer.model_copy(update={"citations": citations, "headline": shape.headline(answer), "caveats": caveats})
    return shown.model_copy(update={"text": render_text(shown)})
