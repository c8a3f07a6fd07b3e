"""The engine: rules, sources and lexicon loaded once, then `answer()` — pure and fast.

Front ends hold an `Engine`; `bot.answer()` uses one default engine loaded on first use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from bot.answer import Answer, Context
from bot.catalogue import DocumentSummary, summarise
from bot.decide import decide
from bot.domain import Rulebook, Source
from bot.lexicon import Lexicon, load_lexicon
from bot.loading import DEFAULT_KNOWLEDGE_DIR, DEFAULT_RULES_DIR, load_rulebook
from bot.render.text import render_text
from bot.understand import understand

if TYPE_CHECKING:
    from bot.settings import Settings


class Engine:
    """Holds the loaded data; every method is a pure function of its arguments and that data."""

    def __init__(self, rulebook: Rulebook, lexicon: Lexicon):
        self.rulebook = rulebook
        self.lexicon = lexicon

    @classmethod
    def load(cls, rules_dir: Path | str | None = None, knowledge_dir: Path | str | None = None) -> Engine:
        knowledge = Path(knowledge_dir or DEFAULT_KNOWLEDGE_DIR)
        rulebook = load_rulebook(rules_dir or DEFAULT_RULES_DIR, knowledge)
        return cls(rulebook, load_lexicon(knowledge / "lexicon.yaml", rulebook))

    @classmethod
    def from_settings(cls, settings: Settings) -> Engine:
        """Load from the data directories the settings name (OBLIGATIONS_RULES_DIR, …), else the shipped ones."""
        return cls.load(*settings.data_dirs())

    @property
    def sources(self) -> list[Source]:
        return list(self.rulebook.sources.values())

    def answer(
        self, question: str, today: dt.date, context: Answer | Context | None = None, document: str | None = None
    ) -> Answer:
        if not isinstance(question, str):
            question = "" if question is None else str(question)
        ctx = context.context if isinstance(context, Answer) else context
        query = understand(question, today, self.lexicon, self.rulebook.documents, ctx)
        if document is not None:
            if document not in self.rulebook.documents:
                raise KeyError(f"unknown document id {document!r}")
            query = replace(
                query,
                scores={document: 1.0},
                order={document: 0},
                forced=True,
                lang=ctx.lang if ctx and not question.strip() else query.lang,
            )
        result = decide(question, query, today, self.rulebook)
        return result.model_copy(update={"text": render_text(result)})

    def catalogue(self, day: dt.date, lang: str = "fr") -> list[DocumentSummary]:
        return summarise(self.rulebook, day, lang)

    def show(self, document: str, day: dt.date, lang: str = "fr") -> Answer:
        """Everything about one document at a date, as an answer (no question asked)."""
        ctx = Context(lang=lang)
        return self.answer("", day, context=ctx, document=document)


_default: Engine | None = None


def default_engine() -> Engine:
    global _default
    if _default is None:
        _default = Engine.load()
    return _default


def answer(question: str, today: dt.date | None = None, context: Answer | Context | None = None) -> Answer:
    """Answer a question as of `today` (default: the system date) with the default data."""
    return default_engine().answer(question, today or dt.date.today(), context=context)
