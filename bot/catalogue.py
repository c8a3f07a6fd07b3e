"""The list of documents as of a date: the table behind `obligations list`, /liste and the helpdesk page.

A document a text took off the list (the certificates, from 27 May 2024) is no longer listed after that
day, and one that a later text adds is not listed before it; a row our sources do not settle is listed
with `status` « a_verifier ».
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict

from bot.domain import Rulebook


class DocumentSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    wording: str
    effective_date: dt.date
    in_force: bool
    channels: list[str]
    exclusions: list[str]
    exclusion_labels: list[str] = []  # our short names of the exclusions, in the language asked
    type_code: str
    type_code_display: str
    verified: bool
    version: str
    status: str = "listed"  # or "a_verifier": the sources we hold do not settle this row at that date

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def summarise(rulebook: Rulebook, day: dt.date, lang: str = "fr") -> list[DocumentSummary]:
    out = []
    first = min((v.applies_from for v in rulebook.versions if v.general), default=day)
    for doc in rulebook.documents:
        version, row, in_force = rulebook.row_at(doc, day)
        if (in_force and row.removed) or (not in_force and version.general and version.applies_from > first):
            continue
        info = rulebook.documents[doc]
        unsettled = row.unsettled if in_force and day >= row.effective_date else None
        open_question = unsettled is not None and (unsettled.until is None or day < unsettled.until)
        out.append(
            DocumentSummary(
                id=doc,
                title=info.title(lang),
                wording=row.wording,
                effective_date=row.effective_date,
                in_force=in_force and day >= row.effective_date,
                channels=[c.channel for c in row.channels],
                exclusions=[e.id for e in row.exclusions],
                exclusion_labels=[rulebook.exclusions[e.id].label(lang) for e in row.exclusions],
                type_code=info.type_code,
                type_code_display=info.type_code_display,
                verified=row.verified,
                version=version.id,
                status="a_verifier" if open_question else "listed",
            )
        )
    return out
