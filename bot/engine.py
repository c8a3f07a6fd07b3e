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
from bot.dates import find_date
from bot.decide import decide
from bot.domain import Rulebook, Source
from bot.lexicon import Lexicon, load_lexicon
from bot.loading import DEFAULT_KNOWLEDGE_DIR, DEFAULT_RULES_DIR, load_rulebook
from bot.normalise import fold, fold_keep_dates
from bot.render.present import present
from bot.understand import CANDIDATE, understand

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
        self,
        question: str,
        today: dt.date,
        context: Answer | Context | None = None,
        document: str | None = None,
        asked_on: dt.date | None = None,
    ) -> Answer:
        """`today` is the day the answer is for unless the question names one; `asked_on` is the calendar day
        (when a front end lets the user pick `today`), so line 1 says the date when it is not that day."""
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
        return present(result.model_copy(update={"today": asked_on or today}))

    def catalogue(self, day: dt.date, lang: str = "fr") -> list[DocumentSummary]:
        return summarise(self.rulebook, day, lang)

    def documents_named(self, text: str, today: dt.date) -> list[str]:
        """The documents a short text names — a title, an abbreviation (« CRO »), a misspelling — best first,
        through the lexicon as a question would be understood (for /document and the page's filter)."""
        query = understand(text, today, self.lexicon, self.rulebook.documents, None)
        return [d for d, s in query.ranked() if s >= CANDIDATE]

    def find(self, text: str, day: dt.date, lang: str = "fr") -> list[DocumentSummary]:
        """The list at `day` filtered by `text`: documents it names (as `documents_named`, or whose title, wording
        or id contains it, so a word being typed still matches), and, if it holds a date (« 2023 », « juin
        2024 »), those whose obligation starts within it. Empty text: the whole list."""
        summaries = self.catalogue(day, lang)
        if not fold(text):
            return summaries
        found = find_date(text, day)
        words = fold(fold_keep_dates(text).replace(found.phrase, " ")) if found else fold(text)
        keep = {s.id for s in summaries}
        if words:
            named = set(self.documents_named(words, day))
            named |= {s.id for s in summaries if words in fold(f"{s.title} {s.wording} {s.id}")}
            keep &= named
        if found:
            keep &= {s.id for s in summaries if found.span_start <= s.effective_date <= found.span_end}
        return [s for s in summaries if s.id in keep]

    def show(self, document: str, day: dt.date, lang: str = "fr", asked_on: dt.date | None = None) -> Answer:
        """Everything about one document at a date, as an answer (no question asked)."""
        ctx = Context(lang=lang)
        return self.answer("", day, context=ctx, document=document, asked_on=asked_on)


_default: Engine | None = None


def default_engine() -> Engine:
    global _default
    if _default is None:
        _default = Engine.load()
    return _default


def answer(question: str, today: dt.date | None = None, context: Answer | Context | None = None) -> Answer:
    """Answer a question as of `today` (default: the system date) with the default data."""
    return default_engine().answer(question, today or dt.date.today(), context=context)
