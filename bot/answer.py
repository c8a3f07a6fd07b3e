"""The value every front end renders: one verdict, its duties, dates, exclusions and quotes.

Its JSON form is a public contract (`obligations ask --json`, `/api/ask`): keep field names stable.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Verdict = Literal[
    "obligatoire",
    "pas_encore_en_vigueur",
    "exclu",
    "non_concerne",
    "non_liste",
    "a_verifier",
    "ambigu",
    "hors_sujet",
]
VERDICTS: tuple[str, ...] = Verdict.__args__  # type: ignore[attr-defined]


class Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ChannelDuty(Value):
    """What to do on one channel, for the document and date asked."""

    id: str
    label: str
    action: str
    condition: str | None = None
    recipients: list[str] = Field(default_factory=list)
    asked: bool = False
    verified: bool = True
    note: str | None = None


class ExclusionNote(Value):
    """An exclusion of the row; `applies` when the question describes that situation."""

    id: str
    label: str
    quote: str
    source: str
    applies: bool = False


class Quote(Value):
    """A verbatim excerpt with where it comes from; never paraphrased."""

    source: str
    title: str
    kind: str
    url: str
    text: str


class Candidate(Value):
    id: str
    title: str


class Context(Value):
    """What a follow-up question may inherit: small, and holds no message text."""

    documents: list[str] = Field(default_factory=list)
    nature: str | None = None
    domain: str | None = None
    phase: str | None = None
    channel: str | None = None
    situations: list[str] = Field(default_factory=list)
    date: dt.date | None = None
    profession: str | None = None
    lang: str = "fr"
    effective: dt.date | None = None  # when the document's obligation starts ("et avant ?" asks the day before)


class Answer(Value):
    question: str
    lang: Literal["fr", "en"] = "fr"
    verdict: Verdict
    documents: list[str] = Field(default_factory=list)
    date: dt.date
    effective_date: dt.date | None = None
    channels: list[ChannelDuty] = Field(default_factory=list)
    exclusions: list[ExclusionNote] = Field(default_factory=list)
    citations: list[Quote] = Field(default_factory=list)
    caveats: list[str] = Field(default_factory=list)
    text: str = ""
    title: str | None = None
    candidates: list[Candidate] = Field(default_factory=list)
    channel_asked: str | None = None
    profession: str | None = None
    profession_label: str | None = None
    version: str | None = None
    verified: bool = True  # False where the row (its date) is carried over from an earlier text
    score: float = 0.0
    margin: float = 0.0
    topic: str | None = None  # hors_sujet about the regulation: "list", "covered", "dmp_exists", "patient_rights"…
    date_asked: bool = False  # the answer is for a date the question asked (or its follow-up kept), not today
    assumed: bool = False  # answered on one weak candidate: the answer says first which document it took
    context: Context = Field(default_factory=Context)

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape (dates as ISO strings)."""
        data = self.model_dump(mode="json", exclude={"context"})
        data["score"] = round(self.score, 3)
        data["margin"] = round(self.margin, 3)
        return data
