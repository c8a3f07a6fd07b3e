"""The lexicon held to the catalogue, as rules are: known sections, known ids, no phrase with two meanings.

A typo'd document key used to pass `obligations check` and crash on the first question, and a section
given twice silently dropped its first half. Problems that would make answers wrong (`fatal`) stop the
start-up of every command with the file and line; the others are reported by `obligations check`.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from bot.domain import Rulebook
from bot.loading import Problem
from bot.normalise import fold

# Every section the lexicon may have, and what its keys name ("" = free keys, None = a list or a scalar).
SECTIONS: dict[str, str | None] = {
    "documents": "document",
    "uncertain": "document",
    "natures": "nature",
    "domains": "domain",
    "implied_nature": "nature",
    "default_domain": "nature",
    "clinical_domains": None,
    "measured_domains": None,
    "phases": "phase",
    "not_listed": None,
    "channels": "channel",
    "situations": "exclusion",
    "situation_hints": "exclusion",
    "negations": None,
    "outside_hospital": None,
    "professions": "profession",
    "asker_markers": None,
    "topic": None,
    "greetings": None,
    "shorthand": "",
    "protected": None,
    "language": "",
    "stopwords": None,
    "profession_domains": "domain",
    "not_listed_domains": None,
    "off_topic": None,
    "profession_natures": "nature",
    "ending_natures": "domain",
    "domain_endings": "domain",
    "verbs": None,
    "asker_after": None,
    "proxy_markers": None,
    "acting_for_doctor": None,
    "self_markers": None,
    "duty_verbs": None,
    "asking_verbs": None,
    "author_verbs": None,
    "asker_bound": None,
    "asker_writes": None,
    "relayed_bound": None,
    "asks_writer": None,
    "relayed_own": None,
    "place_words": None,
    "carer_marks": None,
    "time_marks": None,
    "participles": None,
    "comparison_marks": None,
    "visit_marks": None,
    "discharge_places": "exclusion",
    "discharge_words": None,
    "sending_verbs": None,
    "other_addressees": "document",
    "sample_marks": None,
    "asker_is": "profession",
    "open_situations": "open_case",
    "letter_directions": "phase",
    "software_howto": None,
    "hospital_places": None,
    "document_verbs": None,
    "own_marks": None,
    "own_work_words": None,
    "subject_pronouns": None,
    "relative_markers": None,
    "also_nature": "",
    "context_domains": None,
    "coordinators": None,
    "addressee_marks": None,
    "general_questions": "",
    "vague_documents": None,
    "situation_negators": "exclusion",
    "presumed_unless": "exclusion",
}
NAMING = ("documents", "uncertain")  # sections whose phrases name one document


def known_ids(rulebook: Rulebook) -> dict[str, set[str]]:
    """What each kind of key may be, read from the catalogue (nothing here lists them)."""
    docs = rulebook.documents.values()
    return {
        "document": set(rulebook.documents),
        "nature": {d.nature for d in docs} | {n for d in docs for n in d.named_with_phase},
        "domain": {d.domain for d in docs if d.domain},
        "phase": {d.phase for d in docs if d.phase},
        "channel": set(rulebook.channels),
        "exclusion": set(rulebook.exclusions),
        "profession": set(rulebook.professions),
        "open_case": {case for e in rulebook.exclusions.values() for case in e.open_cases},
    }


def id_problems(
    data: dict[str, Any], lines: dict[tuple[str, ...], int], path: Path, rulebook: Rulebook
) -> list[Problem]:
    """Unknown sections and keys that name nothing in the catalogue: fatal at start-up."""
    ids = known_ids(rulebook)
    problems: list[Problem] = []

    def bad(message: str, *where: str) -> None:
        problems.append(Problem(str(path), message, field=".".join(where), line=lines.get(where[:2])))

    for section, value in data.items():
        if section not in SECTIONS:
            bad(f"unknown section {section!r} (known: {', '.join(sorted(SECTIONS))})", section)
            continue
        kind = SECTIONS[section]
        if kind and isinstance(value, dict):
            for key in value:
                if str(key) not in ids[kind]:
                    bad(
                        f"unknown {kind} {key!r} (the catalogue has: {', '.join(sorted(ids[kind]))})", section, str(key)
                    )
    for section in ("clinical_domains", "measured_domains"):
        for domain in data.get(section) or []:
            if str(domain) not in ids["domain"]:
                bad(f"unknown domain {domain!r}", section)
    for domain, nature in (data.get("ending_natures") or {}).items():
        if str(nature) not in ids["nature"]:
            bad(f"unknown nature {nature!r}", "ending_natures", str(domain))
    for nature, spec in (data.get("default_domain") or {}).items():
        spec = spec if isinstance(spec, dict) else {}
        if spec.get("domain") not in ids["domain"]:
            bad(f"unknown domain {spec.get('domain')!r}", "default_domain", str(nature))
        for situation in spec.get("situations") or []:
            if situation not in ids["exclusion"]:
                bad(f"unknown exclusion {situation!r}", "default_domain", str(nature))
    return problems


def _phrase(item: Any) -> tuple[str, str | None]:
    if isinstance(item, dict):
        return str(item.get("phrase", "")), item.get("lang")
    return str(item), None


def _words(phrase: str) -> tuple[str, ...]:
    return tuple(fold(phrase).split())


def naming_problems(
    data: dict[str, Any], lines: dict[tuple[str, ...], int], path: Path, rulebook: Rulebook
) -> list[Problem]:
    """A phrase that names two documents (or a document and something not listed); a document with no
    French or no English name. Reported by `obligations check`."""
    problems: list[Problem] = []
    meanings: dict[tuple[str, ...], set[str]] = defaultdict(set)
    where: dict[tuple[str, ...], tuple[str, str]] = {}
    for section in NAMING:
        for doc, items in (data.get(section) or {}).items():
            for item in items or []:
                words = _words(_phrase(item)[0])
                meanings[words].add(str(doc))
                where.setdefault(words, (section, str(doc)))
    for item in data.get("not_listed") or []:
        words = _words(_phrase(item)[0])
        if words in meanings:
            meanings[words].add("not_listed")
    for words, docs in sorted(meanings.items()):
        if len(docs) > 1:
            section, doc = where[words]
            problems.append(
                Problem(
                    str(path),
                    f"the phrase {' '.join(words)!r} points to {', '.join(sorted(docs))}",
                    doc,
                    section,
                    lines.get((section, doc)),
                )
            )
    language = data.get("language") or {}
    markers = {lang: {fold(str(w)) for w in language.get(lang) or []} for lang in ("fr", "en")}
    named = data.get("documents") or {}
    for doc in rulebook.documents:
        if doc not in named:
            problems.append(Problem(str(path), "no name for this document in the lexicon", doc, "documents"))
    for doc, items in named.items():
        langs = set()
        for item in items or []:
            phrase, lang = _phrase(item)
            if lang:
                langs.add(lang)
                continue
            words = _words(phrase)
            fr, en = (sum(w in markers[lang] for w in words) for lang in ("fr", "en"))
            langs.add("en" if en > fr else "fr" if fr > en else "")
        for lang, name in (("fr", "French"), ("en", "English")):
            if lang not in langs:
                problems.append(
                    Problem(
                        str(path),
                        f"no {name} name for this document",
                        str(doc),
                        "documents",
                        lines.get(("documents", str(doc))),
                    )
                )
    return problems
