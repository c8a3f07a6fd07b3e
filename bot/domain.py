"""The regulation as frozen values: sources, citations, rows, versions, the rulebook.

Time is a key, not an afterthought: each legal text is a `RuleVersion` that applies from a date,
and `Rulebook.row_at(document, day)` picks the row of the latest text in force that day (the way
OpenFisca keys parameter values by the date they apply from).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

CHANNEL_IDS: tuple[str, ...] = ("dmp", "mss_professionnels", "mss_patient")

SourceKind = Literal["officiel", "reproduction", "communique", "presse"]
ChannelId = Literal[CHANNEL_IDS]  # type: ignore[valid-type]
ExclusionKind = Literal["setting", "condition", "content"]
Lang = Literal["fr", "en"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Localised(Frozen):
    """Our own wording (labels, notes) in both languages; never a quote of the law."""

    fr: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr


class Source(Frozen):
    """A verbatim legal text (or a faithful reproduction, or a press report) we may quote."""

    id: str
    title: str
    kind: SourceKind
    url: str
    check_url: str | None = None
    published: dt.date | None = None
    note: str = ""
    text: str


class Citation(Frozen):
    """An excerpt of a source; `check` proves it occurs there word for word."""

    source: str
    excerpt: str


class Channel(Frozen):
    """One of the three ways a document must travel, as one text states it."""

    channel: ChannelId
    condition: str | None = Field(default=None, description="e.g. « lorsqu'il existe », verbatim from the text")
    recipients: list[str] = Field(default_factory=list)
    citation: Citation
    verified: bool = True
    note: Localised | None = None


class Exclusion(Frozen):
    """A named situation in which the obligation does not apply, with the words that say so."""

    id: str = Field(description="an exclusion id of the catalogue (checked at load time)")
    citation: Citation


class Unsettled(Frozen):
    """What the sources we hold leave open about a row, and until when it matters.

    Until `until` (at every date when it is None) the answer is « à vérifier »: `note` says what is
    known, what is not and where to check. From `until` on the document is due whichever reading is
    right, and `settled_note` says why the date is still uncertain.
    """

    until: dt.date | None = None
    note: Localised
    settled_note: Localised | None = None
    citations: list[Citation] = Field(description="what the sources do say (announcements, press)")


class Row(Frozen):
    """What one legal text says of one document.

    A row may also record a change the text is known to make only from announcements: `removed` (the
    document leaves the list on the day the text applies) or `unsettled` (the sources do not settle it).
    """

    document: str = Field(description="a document id of the catalogue (checked at load time)")
    wording: str = Field(description="the official designation of the document in this text")
    effective_date: dt.date
    condition: str | None = Field(default=None, description="a condition on the document itself")
    channels: list[Channel]
    exclusions: list[Exclusion] = Field(default_factory=list)
    citations: list[Citation]
    verified: bool = True
    caveat: Localised | None = None
    removed: bool = Field(default=False, description="this text takes the document off the list")
    unsettled: Unsettled | None = None


class RuleVersion(Frozen):
    """One legal text and the rows it lays down, applying from `applies_from`."""

    id: str
    file: str = Field(default="", description="set by the loader, for error messages")
    title: str
    applies_from: dt.date
    applies_from_verified: bool = True
    applies_from_note: Localised | None = None
    applies_from_citations: list[Citation] = Field(
        default_factory=list, description="what the start date rests on (publication, Code civil art. 1)"
    )
    covers: list[str] = Field(description="professions bound by this text")
    general: bool = Field(default=False, description="sets who is bound by the list as a whole (the arrêtés)")
    covers_citation: Citation | None = None
    rows: list[Row]


class DocumentInfo(Frozen):
    """What a document is, independent of any text: its nature × domain and its DMP type code."""

    id: str
    nature: str
    domain: str | None = None
    phase: str | None = None
    named_with_phase: list[str] = Field(
        default_factory=list,
        description="other natures that name this document with its phase (« courrier de sortie »)",
    )
    title: Localised
    type_code: str
    type_code_display: str
    type_code_certain: bool = True
    written_by: list[str] = Field(
        default_factory=list,
        description="professions that may write it, bound or not: a nurse asking about a CR opératoire asks "
        "about a surgeon's duty; about a courrier, about her own (empty: anyone)",
    )


class ChannelInfo(Frozen):
    id: ChannelId
    label: Localised
    action: Localised


class ExclusionInfo(Frozen):
    """A situation the law excludes; its kind says how a question can speak for or against it."""

    id: str
    kind: ExclusionKind
    label: Localised
    open_cases: dict[str, Localised] = Field(
        default_factory=dict,
        description="settings our sources leave open (HAD for a hospital stay): what is known and where to check",
    )


class ProfessionInfo(Frozen):
    id: str
    label: Localised


class Rulebook(Frozen):
    """All legal texts, the sources they quote, and the catalogue of documents and channels."""

    versions: list[RuleVersion]
    sources: dict[str, Source]
    documents: dict[str, DocumentInfo]
    channels: dict[str, ChannelInfo]
    exclusions: dict[str, ExclusionInfo]
    professions: dict[str, ProfessionInfo]

    def row_at(self, document: str, day: dt.date) -> tuple[RuleVersion, Row, bool]:
        """The row in force on `day`, its version, and whether a text was in force at all.

        Before the first text that lists the document, the earliest row is returned with
        `in_force=False`: the obligation did not exist yet.
        """
        candidates = sorted(
            ((v, r) for v in self.versions for r in v.rows if r.document == document),
            key=lambda vr: vr[0].applies_from,
        )
        if not candidates:
            raise KeyError(f"no rule lists document {document!r}")
        in_force = [vr for vr in candidates if vr[0].applies_from <= day]
        if not in_force:
            version, row = candidates[0]
            return version, row, False
        version, row = in_force[-1]
        return version, row, True

    def previous_row(self, document: str, version: RuleVersion) -> tuple[RuleVersion, Row] | None:
        """The row of the latest earlier text that lists this document, if any."""
        earlier = sorted(
            (
                (v, r)
                for v in self.versions
                for r in v.rows
                if r.document == document and v.applies_from < version.applies_from
            ),
            key=lambda vr: vr[0].applies_from,
        )
        return earlier[-1] if earlier else None

    def next_change(self, document: str, day: dt.date) -> RuleVersion | None:
        """The next text, after `day`, that restates this document, if any."""
        later = sorted(
            (v for v in self.versions if v.applies_from > day and any(r.document == document for r in v.rows)),
            key=lambda v: v.applies_from,
        )
        return later[0] if later else None
