"""From a `Query` to an `Answer`: pick the rule version in force at the date, then one verdict.

Order of the steps (each an answer of its own, as in Publicodes: "not applicable because of X"):
profession not covered → no document / not listed / unsure → not yet in force → excluded → obligatory.
Pure: no I/O, the rulebook is passed in. Wording of the law comes from the rulebook, never from here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from bot.answer import Answer, Candidate, ChannelDuty, Context, ExclusionNote, Note, Quote
from bot.domain import Citation, Row, Rulebook, RuleVersion
from bot.understand import CANDIDATE, CLEAR, Query
from bot.who import writers

MARGIN = 0.15  # two documents closer than this: ask, don't guess


def _quote(rulebook: Rulebook, citation: Citation) -> Quote:
    source = rulebook.sources[citation.source]
    return Quote(source=source.id, title=source.title, kind=source.kind, url=source.url, text=citation.excerpt)


def _add(quotes: list[Quote], quote: Quote) -> None:
    if all((q.source, q.text) != (quote.source, quote.text) for q in quotes):
        quotes.append(quote)


def _row_quotes(rulebook: Rulebook, row: Row) -> list[Quote]:
    """The row's own citations as quotes, each once, in the row's order."""
    quotes: list[Quote] = []
    for cit in row.citations:
        _add(quotes, _quote(rulebook, cit))
    return quotes


def _context(query: Query, documents: list[str], rulebook: Rulebook, effective: dt.date | None = None) -> Context:
    info = rulebook.documents.get(documents[0]) if len(documents) == 1 else None
    return Context(
        documents=documents,
        nature=info.nature if info else query.nature,
        domain=info.domain if info else query.domain,
        phase=info.phase if info else query.phase,
        channel=query.channels[0] if query.channels else None,
        situations=list(query.situations),
        date=query.date.date if query.date else None,
        profession=query.profession,
        lang=query.lang,
        effective=effective,
    )


def _base(question: str, query: Query, day: dt.date, rulebook: Rulebook, **fields: Any) -> Answer:
    documents = fields.pop("documents", [])
    return Answer(
        question=question,
        lang=query.lang,
        date=day,
        documents=documents,
        channel_asked=query.channels[0] if query.channels else None,
        profession=query.profession,
        profession_label=rulebook.professions[query.profession].label(query.lang)
        if query.profession in rulebook.professions
        else None,
        profession_of_asker=not query.profession_named,
        context=_context(query, documents, rulebook, fields.get("effective_date"))
        if documents
        else Context(lang=query.lang),
        date_asked=query.date is not None and query.date.phrase != "today",
        assumed=query.assumed and bool(documents) and fields.get("verdict") not in ("ambigu", "hors_sujet"),
        **fields,
    )


def decide(question: str, query: Query, today: dt.date, rulebook: Rulebook) -> Answer:
    day = query.date.date if query.date else today
    lang = query.lang
    caveats: list[Note] = []
    if query.truncated:
        caveats.append(Note.of("truncated"))
    if query.date_unreadable and query.date is None:
        caveats.append(Note.of("date_unreadable", day=day))
    ranked = query.ranked()
    best = ranked[0][1] if ranked else 0.0
    second = ranked[1][1] if len(ranked) > 1 else 0.0

    # 0. A question about the regulation as a whole (the list, who is covered, the patient's rights,
    #    sanctions…): not about one document, whatever document it names.
    if query.topic and query.topic != "covered" and not query.forced:
        return _base(question, query, day, rulebook, verdict="hors_sujet", notes=caveats, topic=query.topic)
    # "Comment paramétrer mon logiciel pour que l'ordo parte dans le DMP ?": set-up, whatever it names.
    if query.software_howto and not query.forced:
        return _base(question, query, day, rulebook, verdict="hors_sujet", notes=caveats)
    # Practice management, printers, billing: not about this regulation, whatever words it borrows.
    if (
        query.off_topic
        and not query.forced
        and not (query.not_listed and query.about_obligations)
        and (best < CLEAR or not query.about_obligations)
    ):
        return _base(question, query, day, rulebook, verdict="hors_sujet", notes=caveats)

    # 1. Profession not covered by the text that would apply.
    if query.profession:
        doc = ranked[0][0] if ranked and best >= CLEAR else None
        version = rulebook.row_at(doc, day)[0] if doc else _main_version(rulebook, day)
        bound = _bound_instead(query, doc, version, rulebook)
        if bound:
            # a nurse asking whether the CR opératoire goes in the DMP asks about the surgeon's duty
            caveats.append(Note.of("duty_of", who=", ".join(rulebook.professions[p].label(lang) for p in bound)))
        # (a patient asking about a document he did not write, without asking whether he must act, gets the
        # answer anyone would)
        elif query.profession not in version.covers and (
            _own_duty(query, doc, rulebook) or query.relayed_bound or query.profession in writers(rulebook.documents)
        ):
            return _not_covered(question, query, doc, version, day, rulebook, caveats, best, best - second)
    elif query.author is not None and query.duty_bearer in (None, query.author):
        # "Le kiné m'a fait un courrier…, il doit l'envoyer ?": what someone not covered writes is theirs
        doc = ranked[0][0] if ranked and best >= CLEAR else None
        version = rulebook.row_at(doc, day)[0] if doc else _main_version(rulebook, day)
        if doc and query.author not in version.covers:
            named = replace(query, profession=query.author, profession_named=True)
            return _not_covered(question, named, doc, version, day, rulebook, caveats, best, best - second)

    # "Un radiologue doit-il alimenter le DMP ?": who is covered, not a document.
    if query.topic == "covered" and not query.forced:
        return _base(question, query, day, rulebook, verdict="hors_sujet", notes=caveats, topic=query.topic)

    # 2. No clear document.
    clear = [d for d, s in ranked if s >= CLEAR]
    if not clear or (len(ranked) > 1 and best - second < MARGIN and second < CLEAR):
        candidates = [d for d, s in ranked if s >= CANDIDATE]
        if query.not_listed and not clear:
            return _base(question, query, day, rulebook, verdict="non_liste", notes=caveats, score=0.0)
        if not candidates:
            if query.empty or not query.on_topic:
                return _base(question, query, day, rulebook, verdict="hors_sujet", notes=caveats)
            candidates = list(rulebook.documents)
        shared = _shared_exclusion(question, query, candidates, day, rulebook, caveats, best, best - second)
        if shared is not None:
            return shared
        return _base(
            question,
            query,
            day,
            rulebook,
            verdict="ambigu",
            documents=candidates,
            candidates=[Candidate(id=d, title=rulebook.documents[d].title(lang)) for d in candidates],
            notes=caveats,
            score=best,
            margin=best - second,
        )
    # Several documents clearly named: answer the first named, say so for the others.
    clear.sort(key=lambda d: (-round(query.scores.get(d, 0), 1), query.order.get(d, 99)))
    doc = clear[0]
    if query.not_listed_at is not None and query.not_listed_at < query.order.get(doc, 99) and not query.forced:
        # "intraoperative photos — with the op note?": the question is about what it names first
        caveats.append(Note.of("also_asked", title=rulebook.documents[doc].title(lang)))
        return _base(question, query, day, rulebook, verdict="non_liste", notes=caveats)
    for other in clear[1:]:
        caveats.append(Note.of("also_asked", title=rulebook.documents[other].title(lang)))
    return _verdict_for(question, query, doc, day, rulebook, caveats, best, best - second)


def _not_covered(
    question: str,
    query: Query,
    doc: str | None,
    version: RuleVersion,
    day: dt.date,
    rulebook: Rulebook,
    caveats: list[Note],
    score: float,
    margin: float,
) -> Answer:
    """`non_concerne`: the text that applies, who it covers, and the document asked about if one is."""
    lang = query.lang
    quotes = [_quote(rulebook, version.covers_citation)] if version.covers_citation else []
    covered = [rulebook.professions[p].label(lang) for p in version.covers]
    if quotes and quotes[0].kind == "presse":
        caveats.append(Note.of("covers_from_press"))
    return _base(
        question,
        query,
        day,
        rulebook,
        verdict="non_concerne",
        documents=[doc] if doc else [],
        citations=quotes,
        notes=caveats + [Note.of("covered_are", who=", ".join(covered))],
        title=rulebook.documents[doc].title(lang) if doc else None,
        version=version.id,
        score=score,
        margin=margin,
    )


def _shared_exclusion(
    question: str,
    query: Query,
    candidates: list[str],
    day: dt.date,
    rulebook: Rulebook,
    caveats: list[Note],
    score: float,
    margin: float,
) -> Answer | None:
    """ "Les bilans quotidiens en réa, DMP ?": the report or the prescription, both excluded by the situation
    said. When every candidate a question names is excluded, whichever it meant, say so (the first named, the
    others in a note) rather than ask which."""
    if query.forced or not query.situations or len(candidates) > 3:
        return None
    answers = [_verdict_for(question, query, d, day, rulebook, list(caveats), score, margin) for d in candidates]
    if any(a.verdict != "exclu" for a in answers):
        return None
    first = answers[0]
    also = [Note.of("also_excluded", title=rulebook.documents[d].title(query.lang)) for d in candidates[1:]]
    return first.model_copy(update={"notes": list(first.notes) + also})


def _kinds(rulebook: Rulebook, citations: list[Citation]) -> str:
    """ "presse,communique": the kinds of the quoted sources, in order (the renderer names them)."""
    kinds: list[str] = []
    for cit in citations:
        kind = rulebook.sources[cit.source].kind
        if kind not in kinds:
            kinds.append(kind)
    return ",".join(kinds)


def _version_date(
    version: RuleVersion, rulebook: Rulebook, lang: str, caveats: list[Note], quotes: list[Quote]
) -> None:
    """Why a text is applied from the date we use, with what that rests on."""
    note = (
        Note.of("version_date_note", text=version.applies_from_note(lang))
        if version.applies_from_note
        else Note.of("version_date_unverified", title=version.title, date=version.applies_from)
    )
    if note not in caveats:
        caveats.append(note)
    for cit in version.applies_from_citations:
        _add(quotes, _quote(rulebook, cit))


def _added_later(rulebook: Rulebook, version: RuleVersion) -> bool:
    """The document comes with a later text than the first list: before it, it is simply not listed."""
    first = min((v.applies_from for v in rulebook.versions if v.general), default=version.applies_from)
    return version.general and version.applies_from > first


def _not_listed_yet(
    question: str,
    query: Query,
    doc: str,
    day: dt.date,
    rulebook: Rulebook,
    version: RuleVersion,
    row: Row,
    caveats: list[Note],
    score: float,
    margin: float,
) -> Answer:
    """Asked before the text that adds it: not in the list then; say which text adds it, per whom."""
    lang = query.lang
    quotes = _row_quotes(rulebook, row)
    listing = _main_version(rulebook, day)
    caveats.append(
        Note.of(
            "added_later",
            list=listing.title,
            sources=_kinds(rulebook, row.citations),
            version=version.title,
            date=version.applies_from,
        )
    )
    _version_date(version, rulebook, lang, caveats, quotes)
    return _base(
        question,
        query,
        day,
        rulebook,
        verdict="non_liste",
        documents=[doc],
        title=rulebook.documents[doc].title(lang),
        citations=quotes,
        notes=caveats,
        version=listing.id,
        score=score,
        margin=margin,
    )


def _removed(
    question: str,
    query: Query,
    doc: str,
    day: dt.date,
    rulebook: Rulebook,
    version: RuleVersion,
    row: Row,
    caveats: list[Note],
    score: float,
    margin: float,
) -> Answer:
    """Taken off the list by a later text: not listed, from when, per whom, and when it was due."""
    lang = query.lang
    quotes = _row_quotes(rulebook, row)
    before = rulebook.previous_row(doc, version)
    due = before[1].effective_date if before else None
    last_day = row.effective_date - dt.timedelta(days=1)
    caveats.append(
        Note.of(
            "removed",
            sources=_kinds(rulebook, row.citations),
            version=version.title,
            date=row.effective_date,
        )
    )
    if due and due <= last_day:
        caveats.append(Note.of("was_due", start=due, end=last_day))
    _version_date(version, rulebook, lang, caveats, quotes)
    if row.caveat:
        caveats.append(Note.of("row_caveat", text=row.caveat(lang)))
    return _base(
        question,
        query,
        day,
        rulebook,
        verdict="non_liste",
        documents=[doc],
        title=rulebook.documents[doc].title(lang),
        effective_date=row.effective_date,
        citations=quotes,
        notes=caveats,
        version=version.id,
        verified=row.verified,
        score=score,
        margin=margin,
    )


def _own_duty(query: Query, doc: str | None, rulebook: Rulebook) -> bool:
    """The asker asks about his own duty (« dois-je… »), or says he writes the document and may write it (« les
    ordonnances que je rédige »; not an IDE who « fait les INR » asking about the lab's report)."""
    if query.asker_bound:
        return True
    return query.asker_writes and (doc is None or query.profession in rulebook.documents[doc].written_by)


def _bound_instead(query: Query, doc: str | None, version: RuleVersion, rulebook: Rulebook) -> list[str]:
    """The covered professionals a question by someone not covered is about, if any (else it is about the asker).

    Whoever is not covered and asks about their own duty (« dois-je… ») or a document they may write themselves
    (a courrier, an ordonnance) is not bound. Asking about a covered professional named as bearing the duty or
    writing the document (« le médecin doit-il… »), or about a document only covered professionals write
    (« IDE : le CRO va-t-il dans le DMP ? »), is asking about their duty.
    """
    if query.profession in version.covers or _own_duty(query, doc, rulebook) or query.relayed_bound:
        return []
    for named in (query.duty_bearer, query.asked_by):
        if named in version.covers:
            # "ma psychiatre doit-elle mettre mes ordonnances…", "le Dr M. me demande si ses ordonnances…"
            return [named]
    if query.own_document:
        return []  # "mon bilan de langage pour un enfant suivi par le pédiatre"
    if query.bearer in version.covers:
        return [query.bearer]  # "un patient demande si son médecin…", "l'EMG demandé par le neurologue"
    if query.bearer is not None or doc is None:
        return []  # "le kiné doit-il envoyer ses bilans ?": bound, and not covered
    if rulebook.documents[doc].domain in query.own_work_domains:
        return []  # "orthoptiste : CR de bilan orthoptique ?": their own assessment
    writers = rulebook.documents[doc].written_by
    if not writers or query.profession in writers:
        return []
    return [p for p in writers if p in version.covers]


def _main_version(rulebook: Rulebook, day: dt.date) -> RuleVersion:
    """The arrêté in force that day (the text that defines who is covered), else the earliest one."""
    arretes = sorted((v for v in rulebook.versions if v.general), key=lambda v: v.applies_from)
    in_force = [v for v in arretes if v.applies_from <= day]
    return in_force[-1] if in_force else arretes[0]


def _verdict_for(
    question: str,
    query: Query,
    doc: str,
    day: dt.date,
    rulebook: Rulebook,
    caveats: list[Note],
    score: float,
    margin: float,
) -> Answer:
    lang = query.lang
    version, row, in_force = rulebook.row_at(doc, day)
    info = rulebook.documents[doc]
    if not in_force and _added_later(rulebook, version):
        return _not_listed_yet(question, query, doc, day, rulebook, version, row, caveats, score, margin)
    if row.removed:
        return _removed(question, query, doc, day, rulebook, version, row, caveats, score, margin)
    unsettled = row.unsettled if row.unsettled and in_force and day >= row.effective_date else None
    open_question = unsettled is not None and (unsettled.until is None or day < unsettled.until)
    quotes = _row_quotes(rulebook, row)
    channels = _channels(row, query, rulebook, lang)
    asked = [c for c in channels if c.asked]
    for ch in row.channels:
        if not asked or ch.channel in query.channels:
            _add(quotes, _quote(rulebook, ch.citation))

    exclusions = [
        ExclusionNote(
            id=ex.id,
            label=rulebook.exclusions[ex.id].label(lang),
            quote=ex.citation.excerpt,
            source=ex.citation.source,
            applies=ex.id in query.situations and not (_is_setting(rulebook, ex.id) and query.outside_hospital),
        )
        for ex in row.exclusions
    ]
    applying = [e for e in exclusions if e.applies]

    if row.condition:
        caveats.append(Note.of("document_condition", title=info.title(lang), condition=row.condition))
    if open_question and unsettled:
        caveats.append(Note.of("unsettled_note", text=unsettled.note(lang)))
    elif not row.verified and row.caveat:
        caveats.append(Note.of("row_caveat", text=row.caveat(lang)))
    for ch in row.channels:
        if ch.note and (not asked or ch.channel in query.channels):
            caveats.append(Note.of("channel_note", text=ch.note(lang)))
    if not version.applies_from_verified and version.applies_from <= day and _matters(version, day, query, rulebook):
        _version_date(version, rulebook, lang, caveats, quotes)
    ahead = rulebook.next_change(doc, day)
    if ahead and any(r.removed for r in ahead.rows if r.document == doc):
        removal = next(r for r in ahead.rows if r.document == doc)
        caveats.append(
            Note.of(
                "removed_ahead",
                sources=_kinds(rulebook, removal.citations),
                date=removal.effective_date,
            )
        )
        for cit in removal.citations:
            _add(quotes, _quote(rulebook, cit))
    for ex in exclusions:
        if ex.id in query.situation_hints:
            caveats.append(Note.of("situation_maybe", quote=ex.quote))
    for ex in exclusions:
        if ex.id in query.situations and query.outside_hospital and _is_setting(rulebook, ex.id):
            caveats.append(Note.of("hospital_and_outside", quote=ex.quote))
    for situation in query.situations:
        if situation not in {e.id for e in exclusions}:
            caveats.append(
                Note.of(
                    "situation_not_excluding",
                    title=info.title(lang),
                    situation=rulebook.exclusions[situation].label(lang),
                )
            )
    later = rulebook.next_change(doc, day)
    if later and any(s not in {e.id for e in exclusions} and s in _exclusions_of(later, doc) for s in query.situations):
        # the situation asked about is excluded only by a later text (constitutional genetics, 2024)
        caveats.append(Note.of("genetics_later", date=later.applies_from))
    if (
        query.date
        and query.date.granularity != "day"
        and query.date.span_start <= row.effective_date <= query.date.span_end
        and day < row.effective_date
    ):
        caveats.append(Note.of("starts_within", date=row.effective_date))

    common = dict(
        documents=[doc],
        title=info.title(lang),
        effective_date=row.effective_date,
        channels=channels,
        exclusions=exclusions,
        version=version.id,
        verified=row.verified,
        score=score,
        margin=margin,
    )
    if not in_force or day < row.effective_date:
        return _base(
            question, query, day, rulebook, verdict="pas_encore_en_vigueur", citations=quotes, notes=caveats, **common
        )
    if applying:
        for exclusion in row.exclusions:
            if exclusion.id in {e.id for e in applying}:
                _add(quotes, _quote(rulebook, exclusion.citation))
        return _base(question, query, day, rulebook, verdict="exclu", citations=quotes, notes=caveats, **common)
    open_exclusions = [
        (exclusion, rulebook.exclusions[exclusion.id].open_cases[case])
        for exclusion in row.exclusions
        for case in query.open_cases
        if case in rulebook.exclusions[exclusion.id].open_cases
        and not (_is_setting(rulebook, exclusion.id) and query.outside_hospital)
    ]
    if open_exclusions:
        # "l'ordo de morphine d'un patient en HAD": whether HAD is a stay, our sources do not say
        for exclusion, note in open_exclusions:
            caveats.append(Note.of("open_case", text=note(lang)))
            _add(quotes, _quote(rulebook, exclusion.citation))
        common["effective_date"] = None
        return _base(question, query, day, rulebook, verdict="a_verifier", citations=quotes, notes=caveats, **common)
    if unsettled:
        for cit in unsettled.citations:
            _add(quotes, _quote(rulebook, cit))
        if open_question:
            # what our sources leave open: say what is known and where to check, assert no date
            _version_date(version, rulebook, lang, caveats, quotes)
            common["effective_date"] = None
            return _base(
                question, query, day, rulebook, verdict="a_verifier", citations=quotes, notes=caveats, **common
            )
        if unsettled.settled_note:
            caveats.append(Note.of("settled_note", text=unsettled.settled_note(lang)))
    return _base(question, query, day, rulebook, verdict="obligatoire", citations=quotes, notes=caveats, **common)


def _matters(version: RuleVersion, day: dt.date, query: Query, rulebook: Rulebook) -> bool:
    """The unverified start date of a text matters near that date, or when the question turns on what it changed."""
    near = day < version.applies_from.replace(year=version.applies_from.year + 1)
    return near or bool(set(query.situations) & _new_exclusions(version, rulebook))


def _exclusions_of(version: RuleVersion, doc: str) -> set[str]:
    return {e.id for r in version.rows if r.document == doc for e in r.exclusions}


def _new_exclusions(version: RuleVersion, rulebook: Rulebook) -> set[str]:
    """Exclusions this text is the first to lay down."""
    earlier = {
        e.id for v in rulebook.versions if v.applies_from < version.applies_from for r in v.rows for e in r.exclusions
    }
    return {e.id for r in version.rows for e in r.exclusions} - earlier


def _is_setting(rulebook: Rulebook, exclusion: str) -> bool:
    """Whether the exclusion is about where the act is done (so « à faire en ville » speaks against it)."""
    info = rulebook.exclusions.get(exclusion)
    return info is not None and info.kind == "setting"


def _channels(row: Row, query: Query, rulebook: Rulebook, lang: str) -> list[ChannelDuty]:
    duties = []
    for ch in row.channels:
        info = rulebook.channels[ch.channel]
        duties.append(
            ChannelDuty(
                id=ch.channel,
                label=info.label(lang),
                action=info.action(lang),
                condition=ch.condition,
                recipients=list(ch.recipients),
                asked=ch.channel in query.channels,
                verified=ch.verified,
                note=ch.note(lang) if ch.note else None,
            )
        )
    duties.sort(key=lambda c: not c.asked)
    return duties
