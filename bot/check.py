"""Consistency checks beyond the schema: verbatim citations, unique ids, coherent dates.

A citation is valid only if its excerpt occurs in its source word for word; we fold runs of
whitespace and nothing else (no case folding, no quote normalisation), so a paraphrase fails.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from bot.domain import CHANNEL_IDS, Citation, Row, Rulebook, RuleVersion
from bot.lexicon_check import id_problems, naming_problems
from bot.loading import Problem, read_yaml_lines
from bot.wording import MONTHS_FR

_WS = re.compile(r"\s+")
_MONTHS = MONTHS_FR  # the annex writes its dates in French: « 31 décembre 2023 »
_FRENCH_DATE = re.compile(r"\b(1er|\d{1,2}) (" + "|".join(_MONTHS) + r") (\d{4})\b")


def quoted_dates(text: str) -> set[dt.date]:
    """Dates written out in a quote ("31 décembre 2023"), to hold the data to what the text says."""
    out = set()
    for day, month, year in _FRENCH_DATE.findall(text):
        try:
            out.add(dt.date(int(year), _MONTHS.index(month) + 1, 1 if day == "1er" else int(day)))
        except ValueError:
            continue
    return out


def fold(text: str) -> str:
    return _WS.sub(" ", text).strip()


def check_lexicon(path: Path, rulebook: Rulebook) -> list[Problem]:
    """The lexicon against the catalogue: sections, ids, phrases with two meanings, names in both languages."""
    data, lines = read_yaml_lines(path)
    return id_problems(data, lines, path, rulebook) + naming_problems(data, lines, path, rulebook)


def citation_problem(rulebook: Rulebook, citation: Citation) -> str | None:
    source = rulebook.sources.get(citation.source)
    if source is None:
        return f"cites unknown source {citation.source!r}"
    if not citation.excerpt.strip():
        return "has an empty excerpt"
    if fold(citation.excerpt) not in fold(source.text):
        return f"excerpt does not occur verbatim in source {citation.source!r}: «{citation.excerpt[:80]}»"
    return None


def check_rulebook(rulebook: Rulebook) -> list[Problem]:
    problems: list[Problem] = []
    seen_versions: dict[str, str] = {}
    listed: set[str] = set()
    for version in rulebook.versions:
        if version.id in seen_versions:
            problems.append(
                Problem(version.file, f"version id {version.id!r} also used in {seen_versions[version.id]}", field="id")
            )
        seen_versions[version.id] = version.file
        for prof in version.covers:
            if prof not in rulebook.professions:
                problems.append(Problem(version.file, f"unknown profession {prof!r}", field="covers"))
        if version.covers_citation and (msg := citation_problem(rulebook, version.covers_citation)):
            problems.append(Problem(version.file, msg, field="covers_citation"))
        for j, cit in enumerate(version.applies_from_citations):
            if msg := citation_problem(rulebook, cit):
                problems.append(Problem(version.file, msg, field=f"applies_from_citations.{j}"))
        docs_here: set[str] = set()
        for i, row in enumerate(version.rows):
            where = f"rows.{i}"
            if row.document in docs_here:
                problems.append(
                    Problem(version.file, "document listed twice in the same text", row.document, f"{where}.document")
                )
            docs_here.add(row.document)
            listed.add(row.document)
            if not 2000 <= row.effective_date.year <= 2100:
                problems.append(
                    Problem(
                        version.file,
                        f"implausible date {row.effective_date.isoformat()}",
                        row.document,
                        f"{where}.effective_date",
                    )
                )
            said = set().union(*(quoted_dates(c.excerpt) for c in row.citations)) if row.citations else set()
            if said and row.effective_date not in said:
                shown = ", ".join(sorted(d.isoformat() for d in said))
                problems.append(
                    Problem(
                        version.file,
                        f"effective_date {row.effective_date.isoformat()} is not the date the cited text gives ({shown})",
                        row.document,
                        f"{where}.effective_date",
                    )
                )
            if not row.citations:
                problems.append(Problem(version.file, "no citation", row.document, f"{where}.citations"))
            for j, cit in enumerate(row.citations):
                if msg := citation_problem(rulebook, cit):
                    problems.append(Problem(version.file, msg, row.document, f"{where}.citations.{j}"))
            problems += _change_problems(rulebook, version, row, where)
            channels = [c.channel for c in row.channels]
            if len(set(channels)) != len(channels):
                problems.append(Problem(version.file, "a channel is listed twice", row.document, f"{where}.channels"))
            # a removed row has no channels; an unsettled row may leave them unknown
            channels_unknown = row.removed or (row.unsettled is not None and not channels)
            if set(channels) != set(CHANNEL_IDS) and not channels_unknown:
                problems.append(
                    Problem(
                        version.file,
                        f"channels must be exactly {', '.join(CHANNEL_IDS)}",
                        row.document,
                        f"{where}.channels",
                    )
                )
            for j, ch in enumerate(row.channels):
                if msg := citation_problem(rulebook, ch.citation):
                    problems.append(Problem(version.file, msg, row.document, f"{where}.channels.{j}.citation"))
                if ch.channel == "mss_professionnels" and not ch.recipients:
                    problems.append(
                        Problem(
                            version.file,
                            "messaging to professionals needs its recipients",
                            row.document,
                            f"{where}.channels.{j}.recipients",
                        )
                    )
            ex_ids = [e.id for e in row.exclusions]
            if len(set(ex_ids)) != len(ex_ids):
                problems.append(
                    Problem(version.file, "an exclusion is listed twice", row.document, f"{where}.exclusions")
                )
            for j, ex in enumerate(row.exclusions):
                if msg := citation_problem(rulebook, ex.citation):
                    problems.append(Problem(version.file, msg, row.document, f"{where}.exclusions.{j}.citation"))
            if not row.verified and row.caveat is None:
                problems.append(
                    Problem(version.file, "an unverified row must say why in a caveat", row.document, f"{where}.caveat")
                )
    for doc in sorted(set(rulebook.documents) - listed):
        problems.append(Problem("rules/", "no rule file lists this document", doc))
    # A later text must not move a document's date earlier than the text itself applies, silently.
    for doc in rulebook.documents:
        rows = sorted(
            ((v, r) for v in rulebook.versions for r in v.rows if r.document == doc), key=lambda vr: vr[0].applies_from
        )
        for (v1, r1), (v2, r2) in zip(rows, rows[1:], strict=False):
            if v1.applies_from == v2.applies_from:
                problems.append(
                    Problem(v2.file, f"applies from the same date as {v1.file} for this document", doc, "applies_from")
                )
            if not r2.verified and not r2.removed and r2.effective_date != r1.effective_date:
                problems.append(
                    Problem(
                        v2.file,
                        f"an unverified row must carry over the date of {v1.id} ({r1.effective_date.isoformat()}), not a new one",
                        doc,
                        "effective_date",
                    )
                )
    return problems


def _change_problems(rulebook: Rulebook, version: RuleVersion, row: Row, where: str) -> list[Problem]:
    """A removal or an unsettled row rests on quotes too, and its dates on what they say."""
    problems: list[Problem] = []
    if row.removed:
        if row.channels or row.exclusions or row.unsettled:
            problems.append(
                Problem(
                    version.file, "a removed row has no channels, exclusions or unsettled part", row.document, where
                )
            )
        if row.effective_date != version.applies_from:
            problems.append(
                Problem(
                    version.file,
                    f"a removed row leaves the list when its text applies ({version.applies_from.isoformat()})",
                    row.document,
                    f"{where}.effective_date",
                )
            )
        if rulebook.previous_row(row.document, version) is None:
            problems.append(Problem(version.file, "removes a document no earlier text lists", row.document, where))
    if row.unsettled:
        for j, cit in enumerate(row.unsettled.citations):
            if msg := citation_problem(rulebook, cit):
                problems.append(Problem(version.file, msg, row.document, f"{where}.unsettled.citations.{j}"))
        if not row.unsettled.citations:
            problems.append(
                Problem(version.file, "an unsettled row quotes what is known", row.document, f"{where}.unsettled")
            )
        said = set().union(*(quoted_dates(c.excerpt) for c in row.unsettled.citations))
        until = row.unsettled.until
        if until and said and until not in said:
            problems.append(
                Problem(
                    version.file,
                    f"until {until.isoformat()} is not a date the quoted text gives",
                    row.document,
                    f"{where}.unsettled.until",
                )
            )
    return problems
