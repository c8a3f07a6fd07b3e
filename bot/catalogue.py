"""The list of documents as of a date: the table behind `obligations list`, /liste and the helpdesk page."""

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
    type_code: str
    type_code_display: str
    verified: bool
    version: str

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def summarise(rulebook: Rulebook, day: dt.date, lang: str = "fr") -> list[DocumentSummary]:
    out = []
    for doc in rulebook.documents:
        version, row, in_force = rulebook.row_at(doc, day)
        info = rulebook.documents[doc]
        out.append(
            DocumentSummary(
                id=doc,
                title=info.title(lang),
                wording=row.wording,
                effective_date=row.effective_date,
                in_force=in_force and day >= row.effective_date,
                channels=[c.channel for c in row.channels],
                exclusions=[e.id for e in row.exclusions],
                type_code=info.type_code,
                type_code_display=info.type_code_display,
                verified=row.verified,
                version=version.id,
            )
        )
    return out
