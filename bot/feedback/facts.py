"""What is kept of an answer to judge it later: its verdict, documents, rule version and dates.

No text of the question or the answer: a vote and a report point at *what was answered*, which is
all a reviewer needs next to the question the user chose to send.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.answer import Answer


@dataclass(frozen=True)
class AnswerFacts:
    verdict: str
    documents: tuple[str, ...]
    version: str
    lang: str
    asked_on: dt.date  # the day the question was answered ("today" for the engine)
    answer_date: dt.date  # the day the answer is for (differs when the question names a date)
    channel: str = ""

    @classmethod
    def of(cls, answer: Answer, asked_on: dt.date) -> AnswerFacts:
        return cls(
            verdict=answer.verdict,
            documents=tuple(answer.documents),
            version=answer.version or "",
            lang=answer.lang,
            asked_on=asked_on,
            answer_date=answer.date,
            channel=answer.channel_asked or "",
        )
