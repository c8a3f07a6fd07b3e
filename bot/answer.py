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


class Cell(Value):
    """One cell of an annex row under its column heading: `text` word for word, `shown` as displayed (« X » → « oui »)."""

    heading: str
    text: str
    shown: str


class Quote(Value):
    """A verbatim excerpt with where it comes from; never paraphrased.

    `primary`, `short_title` and `cells` (an annex row under its headings) are presentation, filled by
    `bot.render.present`: the page shows what Telegram and the console show."""

    source: str
    title: str
    kind: str
    url: str
    text: str
    short_title: str = ""
    primary: bool = False
    cells: list[Cell] = Field(default_factory=list)


class Note(Value):
    """A caveat as the engine decides it: a code and its parameters, never a sentence.

    `bot.wording.note` turns it into a sentence in the answer's language (dates are ISO here, written out
    there); every front end reads the same catalogue. Parameters hold the data's own words (titles, labels,
    the quoted text), already in the answer's language."""

    code: str
    params: dict[str, str] = Field(default_factory=dict)

    @classmethod
    def of(cls, code: str, **params: object) -> Note:
        return cls(
            code=code, params={k: v.isoformat() if isinstance(v, dt.date) else str(v) for k, v in params.items()}
        )


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
    today: dt.date | None = None  # the day the question was asked; `date` differs when a date was asked
    effective_date: dt.date | None = None
    channels: list[ChannelDuty] = Field(default_factory=list)
    exclusions: list[ExclusionNote] = Field(default_factory=list)
    citations: list[Quote] = Field(default_factory=list)
    caveats: list[str] = Field(default_factory=list)  # the notes as sentences in `lang` (bot.render.present)
    notes: list[Note] = Field(default_factory=list)  # the caveats as codes with parameters, from `decide`
    text: str = ""
    headline: str = ""  # line 1 of every rendering: the verdict, the document, the date when not today
    title: str | None = None
    candidates: list[Candidate] = Field(default_factory=list)
    channel_asked: str | None = None
    profession: str | None = None
    profession_label: str | None = None
    profession_of_asker: bool = True  # False: a profession the question names (« les enseignants en APA sont-ils… »)
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
