"""The lexicon (knowledge/lexicon.yaml) compiled once into phrase indexes, and phrase matching.

Matching is exact on phrases of normalised tokens, after a per-token typo correction against the
lexicon's own vocabulary (rapidfuzz Levenshtein, prepared once). A longer specific phrase (a document
name, a non-listed document) consumes the generic words inside it, so "bilan de kiné" is not "bilan".
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.loading import RuleFileError, read_yaml_lines
from bot.normalise import fold, tokenise

if TYPE_CHECKING:
    from bot.domain import Rulebook

# Typo look-ups per message: a real question has a handful of unknown words, a pasted text hundreds.
MAX_TYPO_LOOKUPS = 24
SPECIFIC_KINDS = frozenset({"document", "uncertain", "not_listed", "off_topic", "verb", "proxy", "open_situation"})


@dataclass(frozen=True)
class Entry:
    kind: str
    value: str
    tokens: tuple[str, ...]
    weight: float
    full: bool  # matched on the full token list (the phrase needs a small word, like "au patient")
    stems: tuple[str, ...] = ()
    lang: str | None = None  # a word of one language only ("Rx": a prescription in English, an X-ray in French)


class Match(NamedTuple):
    """A phrase of the lexicon found at tokens [start, end).

    A named tuple, not a frozen dataclass: a long question makes hundreds of them, and a frozen dataclass
    sets each field through `object.__setattr__`; equality and hash are the same (those of the fields' tuple)."""

    kind: str
    value: str
    start: int
    end: int  # exclusive, positions in the full token list
    weight: float
    fuzzy: int  # number of typo-corrected tokens inside
    lang: str | None = None

    @property
    def length(self) -> int:
        return self.end - self.start

    def within(self, spans: list[tuple[int, int]], strictly: bool = False) -> bool:
        """Inside one of `spans` ([start, end) token ranges); `strictly`: inside a longer one."""
        return any(s <= self.start and self.end <= e and (not strictly or e - s > self.length) for s, e in spans)


class Phrases:
    """Token phrases as a set and their lengths: "does one occur here?" costs one set look-up a length, not a
    tuple built and compared for every phrase (the lists of verbs and markers are searched for every professional
    named, in every message)."""

    __slots__ = ("lengths", "_set", "_first")

    def __init__(self, phrases: Iterable[tuple[str, ...]]) -> None:
        self._set = frozenset(phrases)
        self.lengths = tuple(sorted({len(p) for p in self._set}))
        self._first = frozenset(p[0] for p in self._set if p)  # most tokens start no phrase: one look-up each

    @classmethod
    def none(cls) -> Phrases:
        return cls(())

    def starts_at(self, tokens: list[str], start: int) -> bool:
        """One of the phrases begins at `start`."""
        if start >= len(tokens) or tokens[start] not in self._first:
            return False
        return any(tuple(tokens[start : start + n]) in self._set for n in self.lengths)

    def occurs_in(self, tokens: list[str]) -> bool:
        """One of the phrases occurs somewhere in `tokens`."""
        found, first, lengths = self._set, self._first, self.lengths
        if first.isdisjoint(tokens):  # most messages hold no phrase's first word: one pass in C
            return False
        return any(tuple(tokens[i : i + n]) in found for i, t in enumerate(tokens) if t in first for n in lengths)

    def __contains__(self, phrase: object) -> bool:
        return phrase in self._set


@dataclass
class Lexicon:
    entries: list[Entry]
    stopwords: frozenset[str]
    shorthand: dict[str, list[str]]
    protected: frozenset[str]
    negations: frozenset[str]
    asker_marker_set: Phrases  # "je suis", "en tant que": a profession after them is the asker's
    language: dict[str, frozenset[str]]
    default_domain: dict[str, Any]
    domain_endings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    ending_natures: dict[str, str] = field(default_factory=dict)
    clinical_domains: frozenset[str] = frozenset()
    measured_domains: frozenset[str] = frozenset()
    asker_after: frozenset[str] = frozenset()
    acting_for_doctor_set: Phrases = field(default_factory=Phrases.none)  # staff whose question is the doctor's
    self_marker_set: Phrases = field(default_factory=Phrases.none)  # "moi personnellement": about the asker
    duty_verb_set: Phrases = field(default_factory=Phrases.none)  # "doit-il", "has to": who bears the duty
    asking_verb_set: Phrases = field(default_factory=Phrases.none)  # "me demande si": whose question it is
    author_verb_set: Phrases = field(default_factory=Phrases.none)  # "a prescrit", "wrote": who wrote it
    asker_bound_set: Phrases = field(default_factory=Phrases.none)  # "dois-je", "suis-je tenue": the asker's duty
    asker_writes_set: Phrases = field(default_factory=Phrases.none)  # "je rédige", "on fait": the asker writes it
    asker_bound_singular_set: Phrases = field(default_factory=Phrases.none)  # "suis-je…", not "on doit…"
    relayed_bound_set: Phrases = field(default_factory=Phrases.none)  # "si elle doit", "c'est à lui": theirs
    asks_writer_set: Phrases = field(default_factory=Phrases.none)  # "me demande": relayed by the writer
    relayed_own_set: Phrases = field(default_factory=Phrases.none)  # "demande si ses courriers": theirs
    document_verbs: frozenset[str] = frozenset()  # "aller" in "doit-il aller au DMP": said of a document
    software_howto_set: Phrases = field(default_factory=Phrases.none)  # "comment paramétrer…": off topic
    hospital_place_set: Phrases = field(default_factory=Phrases.none)  # "au CHU": where the patient is sent
    letter_directions: dict[str, frozenset[str]] = field(default_factory=dict)  # "pour l'hôpital": entrée
    asker_is: dict[str, Phrases] = field(default_factory=dict)  # "mon DMP": the asker is the patient
    sample_marks: frozenset[str] = frozenset()  # "sur" in "EGFR sur biopsie": the sample, not the document
    comparison_marks: frozenset[str] = frozenset()  # "comme" in "exclue comme le CR de…": a comparison
    visit_marks: frozenset[str] = frozenset()  # « passage aux urgences »: a place where the patient was
    # exclusion -> places whose discharge is not that situation (the emergency department, for a stay)
    discharge_places: dict[str, Phrases] = field(default_factory=dict)
    discharge_words: frozenset[str] = frozenset()  # « sortie »: a stay's phrase that is only its end
    sending_verbs: frozenset[str] = frozenset()  # « j'envoie à la maternité »: the place is where it goes
    # document -> addressees that make it another letter (« courrier à l'avocat »: not to a professional)
    other_addressees: dict[str, Phrases] = field(default_factory=dict)
    # exclusion -> words that keep its hint a hint: a genetic test is constitutional unless a tumour is named
    presumed_unless: dict[str, Phrases] = field(default_factory=dict)
    time_marks: frozenset[str] = frozenset()  # "avant" in "bilan avant la scinti": that exam is a moment
    participles: frozenset[str] = frozenset()  # "prescrit" in "l'arrêt de travail prescrit": says of it, names none
    carer_marks: frozenset[str] = frozenset()  # "suivi" in "suivi par le pédiatre": a carer, not an author
    place_words: frozenset[str] = frozenset()  # "centre" in "centre ophtalmo": a place, not a person
    own_marks: frozenset[str] = frozenset()  # "mes", "my" before a document: the asker's own
    own_work_words: frozenset[str] = frozenset()  # "bilan": for someone not covered, their own assessment
    context_domains: frozenset[str] = frozenset()  # "operatoire": beside another domain, what an exam follows
    coordinators: frozenset[str] = frozenset()  # "ou", "or": two domains of one nature, both asked
    also_nature: dict[str, str] = field(default_factory=dict)  # "lettre": a courrier, or a lettre de liaison
    relative_markers: frozenset[str] = frozenset()  # "qui", "who": a clause about the professional before
    subject_pronouns: frozenset[str] = frozenset()  # "il", "they": a new subject, not the professional before
    addressee_marks: frozenset[str] = frozenset()  # "pour le psychiatre": the professional is an addressee
    vocabulary: list[str] = field(default_factory=list)
    # first stem -> [(phrase length, {stems: entries})], longest first: one dict look-up a length, not a
    # tuple compared per entry
    _index_full: dict[str, list[tuple[int, dict[tuple[str, ...], list[Entry]]]]] = field(default_factory=dict)
    _index_content: dict[str, list[tuple[int, dict[tuple[str, ...], list[Entry]]]]] = field(default_factory=dict)
    _vocab_set: frozenset[str] = frozenset()
    _stems: frozenset[str] = frozenset()
    _near: dict[int, list[str]] = field(default_factory=dict)  # by token length: words a typo away in length
    _near_initial: dict[tuple[int, str], list[str]] = field(default_factory=dict)  # …and with its first letter

    def __post_init__(self) -> None:
        vocab: set[str] = set()
        grouped: dict[bool, dict[str, dict[int, dict[tuple[str, ...], list[Entry]]]]] = {True: {}, False: {}}
        for e in self.entries:
            by_length = grouped[e.full].setdefault(e.stems[0], {}).setdefault(len(e.stems), {})
            by_length.setdefault(e.stems, []).append(e)  # entries of one phrase keep the file's order
            vocab.update(t for t in e.tokens if t not in self.stopwords)
        for full, index in ((True, self._index_full), (False, self._index_content)):
            for first, lengths in grouped[full].items():
                index[first] = sorted(lengths.items(), key=lambda item: -item[0])
        self._vocab_set = frozenset(vocab)
        self._stems = frozenset(stem(t) for t in vocab)
        self.vocabulary = sorted(t for t in vocab if len(t) >= 4 and t.isalpha())
        longest = max(map(len, self.vocabulary), default=0)
        for length in range(longest + 3):  # a longer token is more than 2 edits from every word
            limit = _typo_limit(length)
            near = [w for w in self.vocabulary if abs(len(w) - length) <= limit]  # vocabulary order kept
            self._near[length] = near
            for w in near:
                self._near_initial.setdefault((length, w[0]), []).append(w)

    def is_plain(self, token: str) -> bool:
        """An everyday word (small word, protected, a language marker): never a typo, a drug or a product name."""
        return (
            token in self.stopwords
            or token in self.protected
            or any(token in words for words in self.language.values())
        )

    def knows(self, token: str) -> bool:
        """Whether the token is a word of the lexicon (or its plural)."""
        return token in self._vocab_set or stem(token) in self._stems

    # -- tokens ---------------------------------------------------------------
    def tokens(self, text: str) -> list[str]:
        return tokenise(text, self.shorthand, self._vocab_set)

    def correct(self, token: str) -> str | None:
        """The lexicon word this token is a typo of, or None."""
        return self._closest(token) if self._may_be_typo(token) else None

    def _may_be_typo(self, token: str) -> bool:
        if len(token) < 4 or not token.isalpha() or token in self._vocab_set or self.is_plain(token):
            return False
        return stem(token) not in self._stems  # a plural of a lexicon word: matched as such, not a typo

    def _closest(self, token: str) -> str | None:
        """The nearest words (at most 3, nearest first), and of those the first with the token's first letter.

        A word more than `limit` letters longer or shorter is more than `limit` edits away, so only the words
        of about the token's length are compared (in vocabulary order, so ties break as over the whole
        vocabulary); and when none of them with the same first letter is close enough, there is no answer
        whatever the others are: most unknown words (names, drugs) stop at that small first look."""
        limit = _typo_limit(len(token))
        same_initial = self._near_initial.get((len(token), token[:1]))
        if not same_initial or not process.extract(
            token, same_initial, scorer=Levenshtein.distance, score_cutoff=limit, limit=1
        ):
            return None
        near = self._near.get(len(token), [])
        found = process.extract(token, near, scorer=Levenshtein.distance, score_cutoff=limit, limit=3)
        for word, _dist, _ in sorted(found, key=lambda f: f[1]):
            if word[0] == token[0]:  # people rarely mistype the first letter; this keeps "support" from "report"
                return word
        return None

    # -- matching -------------------------------------------------------------
    def match(self, tokens: list[str]) -> list[Match]:
        corrected: list[str] = []
        fuzzy_flags: list[bool] = []
        # each look-up costs ~10 µs (up to ~50): a message of unknown words must not cost 250 of them
        lookups = MAX_TYPO_LOOKUPS
        for tok in tokens:
            fix = None
            # a word with a telling ending ("colostomie", "-mab") is read by its ending, not as a typo of another
            if lookups and self._may_be_typo(tok) and not (len(tok) >= 7 and self._has_ending(tok)):
                lookups -= 1
                fix = self._closest(tok)
            corrected.append(fix or tok)
            fuzzy_flags.append(fix is not None)
        content_pos = [i for i, t in enumerate(corrected) if t not in self.stopwords]
        corrected = [stem(t) for t in corrected]
        content = [corrected[i] for i in content_pos]
        found: list[Match] = []
        found += self._scan(corrected, list(range(len(corrected))), self._index_full, fuzzy_flags)
        found += self._scan(content, content_pos, self._index_content, fuzzy_flags)
        found += self._by_ending(tokens, found)
        return self._resolve(found)

    def _has_ending(self, tok: str) -> bool:
        return any(tok.endswith(endings) for endings in self.domain_endings.values())

    def _by_ending(self, tokens: list[str], found: list[Match]) -> list[Match]:
        """Unknown words with a telling ending: a medicine (WHO stems) or an operation ("-ectomie")."""
        covered = {i for m in found for i in range(m.start, m.end)}
        out = []
        for i, tok in enumerate(tokens):
            if i in covered or len(tok) < 7 or not tok.isalpha() or tok in self._vocab_set or self.is_plain(tok):
                continue
            for domain, endings in self.domain_endings.items():
                if tok.endswith(endings):
                    out.append(Match("domain", domain, i, i + 1, 1.0, 0))
                    if domain in self.ending_natures:
                        out.append(Match("implied", self.ending_natures[domain], i, i + 1, 1.0, 0))
                    break
        return out

    @staticmethod
    def _scan(
        seq: list[str],
        positions: list[int],
        index: dict[str, list[tuple[int, dict[tuple[str, ...], list[Entry]]]]],
        fuzzy: list[bool],
    ) -> list[Match]:
        """Every phrase at every position, longest first at each position."""
        out: list[Match] = []
        for i, tok in enumerate(seq):
            for n, phrases in index.get(tok, ()):
                entries = phrases.get(tuple(seq[i : i + n]))
                if entries:
                    start, end = positions[i], positions[i + n - 1] + 1
                    typos = sum(fuzzy[start:end])
                    out += [Match(e.kind, e.value, start, end, e.weight, typos, e.lang) for e in entries]
        return out

    @staticmethod
    def _resolve(found: list[Match]) -> list[Match]:
        """Drop generic matches inside specific ones, and shorter matches inside longer ones of the same kind.

        Each test is a containment query against an index of spans (`_Spans`), so a message of n tokens
        costs O(n log n), not O(n²): a long message of repeated words must not stall the bot.
        """
        specific = _Spans(m for m in found if m.kind in SPECIFIC_KINDS)
        families: dict[str, list[Match]] = {}
        for m in found:
            families.setdefault(_family(m.kind), []).append(m)
        # a family of one match has nothing to compete with (a span never strictly contains itself): no index
        by_family = {name: _Spans(ms) for name, ms in families.items() if len(ms) > 1}
        kept = [
            m
            for m in found
            if not (m.kind not in SPECIFIC_KINDS and specific.covers(m.start, m.end))
            and not (
                (rivals := by_family.get(_family(m.kind))) is not None and rivals.covers(m.start, m.end, strictly=True)
            )
        ]
        # a specific phrase inside a longer specific phrase of another kind (e.g. a document inside a not-listed name)
        kept_specific = _Spans(m for m in kept if m.kind in SPECIFIC_KINDS)
        kept = [
            m for m in kept if not (m.kind in SPECIFIC_KINDS and kept_specific.covers(m.start, m.end, strictly=True))
        ]
        # every field in the key: the order of ties must not depend on the process's string-hash seed
        return sorted(set(kept), key=lambda m: (m.start, -m.length, m.kind, m.value, m.weight, m.fuzzy, m.lang or ""))


class _Spans:
    """Token spans [start, end), indexed to answer "does one of them contain [start, end)?" in O(log n)."""

    def __init__(self, matches: Iterable[Match]) -> None:
        spans = sorted((m.start, m.end) for m in matches)
        self._starts = [s for s, _ in spans]
        self._reach: list[int] = []  # furthest end among spans[0..i]
        furthest = -1
        for _, end in spans:
            furthest = max(furthest, end)
            self._reach.append(furthest)
        self._end_at: dict[int, int] = {}  # furthest end among spans starting exactly here
        for start, end in spans:
            self._end_at[start] = max(self._end_at.get(start, end), end)

    def covers(self, start: int, end: int, *, strictly: bool = False) -> bool:
        """A span contains [start, end); `strictly`: and is longer (a span equal to it does not count)."""
        before = bisect_left(self._starts, start)  # spans starting before `start`
        if before and self._reach[before - 1] >= end:
            return True
        here = self._end_at.get(start)
        return here is not None and (here > end if strictly else here >= end)


def _typo_limit(length: int) -> int:
    """Edits allowed for a typo: one in a word of up to 8 letters, two in a longer one."""
    return 1 if length <= 8 else 2


def stem(token: str) -> str:
    """Plural to singular, the only inflection that matters for matching ("bons de radio", "prescriptions")."""
    if len(token) > 3 and token[-1] in "sx" and token[-2] != "s":
        return token[:-1]
    return token


@functools.cache
def _family(kind: str) -> str:
    """Matches of one family compete: every specific kind together, otherwise the kind before any ':'."""
    return "specific" if kind in SPECIFIC_KINDS else kind.split(":")[0]


def _phrase(item: Any, path: Path, where: str) -> tuple[str, float, str | None]:
    if isinstance(item, str):
        return item, 1.0, None
    if isinstance(item, dict) and isinstance(item.get("phrase"), str):
        weight = item.get("weight", 1.0)
        if not isinstance(weight, (int, float)) or not 0 < weight <= 1:
            raise RuleFileError(path, f"weight must be a number in (0, 1], got {weight!r}", field=where)
        lang = item.get("lang")
        if lang not in (None, "fr", "en"):
            raise RuleFileError(path, f"lang must be fr or en, got {lang!r}", field=where)
        return item["phrase"], float(weight), lang
    raise RuleFileError(path, f"expected a phrase or {{phrase, weight}}, got {item!r}", field=where)


def _str_list(data: Any, path: Path, where: str) -> list[Any]:
    if not isinstance(data, list):
        raise RuleFileError(path, "expected a list", field=where)
    return data


SINGULAR_SELF = frozenset({"je", "j", "moi", "me", "m", "i", "my", "myself"})


def _words(data: dict[str, Any], section: str, path: Path) -> list[str]:
    """A section's words, each text: YAML reads a bare ``on``, ``no`` or ``12`` as a boolean or a number, which
    would otherwise fail later, far from the file."""
    words = data.get(section) or []
    if not isinstance(words, list):
        raise RuleFileError(path, f"section {section!r} must be a list of words", field=section)
    for i, w in enumerate(words):
        if not isinstance(w, str):
            raise RuleFileError(
                path,
                f'section {section!r}: entry {i + 1} ({w!r}) is not text; quote it ("{w}")',
                field=f"{section}.{i}",
            )
    return words


def load_lexicon(path: Path, rulebook: Rulebook | None = None) -> Lexicon:
    """Compile the lexicon; with the rulebook, first refuse sections and ids the catalogue does not know
    (the file and line are in the error), so a broken lexicon stops start-up, not the first question."""
    data, lines = read_yaml_lines(path)
    if rulebook is not None:
        from bot.lexicon_check import id_problems

        for problem in id_problems(data, lines, path, rulebook)[:1]:
            raise RuleFileError(problem.file, problem.message, problem.document, problem.field, problem.line)
    for key in (
        "documents",
        "natures",
        "domains",
        "channels",
        "situations",
        "professions",
        "stopwords",
        "shorthand",
        "language",
    ):
        if key not in data:
            raise RuleFileError(path, f"missing section {key!r}", field=key)
    stopwords = frozenset(fold(w) for w in _str_list(data["stopwords"], path, "stopwords"))
    shorthand = {fold(k): fold(str(v)).split() for k, v in (data.get("shorthand") or {}).items()}
    entries: list[Entry] = []

    def add(kind: str, value: str, items: Any, where: str) -> None:
        for j, item in enumerate(_str_list(items, path, where)):
            phrase, weight, lang = _phrase(item, path, f"{where}.{j}")
            toks = tuple(tokenise(phrase, shorthand, squeeze=False))
            if not toks:
                raise RuleFileError(path, f"empty phrase {phrase!r}", field=f"{where}.{j}")
            full = any(t in stopwords for t in toks)
            entries.append(Entry(kind, value, toks, weight, full, tuple(stem(t) for t in toks), lang))

    grouped = {
        "documents": "document",
        "uncertain": "uncertain",
        "natures": "nature",
        "domains": "domain",
        "phases": "phase",
        "channels": "channel",
        "situations": "situation",
        "professions": "profession",
        "implied_nature": "implied",
        "profession_domains": "hint",
        "profession_natures": "nature_hint",
        "situation_hints": "situation_hint",
        "general_questions": "general",
        "situation_negators": "situation_negator",
        "open_situations": "open_situation",
    }
    for section, kind in grouped.items():
        for value, items in (data.get(section) or {}).items():
            add(kind, str(value), items, f"{section}.{value}")
    add("not_listed", "not_listed", data.get("not_listed") or [], "not_listed")
    add("outside", "outside_hospital", data.get("outside_hospital") or [], "outside_hospital")
    add("topic", "topic", data.get("topic") or [], "topic")
    add("nl_domain", "not_listed", data.get("not_listed_domains") or [], "not_listed_domains")
    add("off_topic", "off_topic", data.get("off_topic") or [], "off_topic")
    add("verb", "verb", data.get("verbs") or [], "verbs")
    add("proxy", "proxy", data.get("proxy_markers") or [], "proxy_markers")
    add("greeting", "greeting", data.get("greetings") or [], "greetings")
    add("vague", "vague", data.get("vague_documents") or [], "vague_documents")
    language = {
        lang: frozenset(fold(w) for w in words if isinstance(w, str)) for lang, words in data["language"].items()
    }

    def words(section: str) -> frozenset[str]:
        """A section's single words, folded as messages are."""
        return frozenset(fold(w) for w in _words(data, section, path))

    def phrases(section: str, items: Any = None) -> Phrases:
        """A section's phrases, tokenised as messages are."""
        source = {section: items} if items is not None else data
        return Phrases(tuple(tokenise(w, shorthand, squeeze=False)) for w in _words(source, section, path))

    def keyed(section: str) -> dict[str, Phrases]:
        """A section of phrases under keys (a profession, an exclusion, a document), each set tokenised."""
        return {str(key): phrases(f"{section}.{key}", said) for key, said in (data.get(section) or {}).items()}

    asker_bound = [tuple(tokenise(w, shorthand, squeeze=False)) for w in _words(data, "asker_bound", path)]
    asker_writes = [tuple(tokenise(w, shorthand, squeeze=False)) for w in _words(data, "asker_writes", path)]
    return Lexicon(
        entries=entries,
        stopwords=stopwords,
        shorthand=shorthand,
        protected=words("protected"),
        negations=words("negations"),
        asker_marker_set=Phrases(tuple(fold(m).split()) for m in _words(data, "asker_markers", path)),
        language=language,
        default_domain=data.get("default_domain") or {},
        domain_endings={
            domain: tuple(fold(x) for x in endings) for domain, endings in (data.get("domain_endings") or {}).items()
        },
        asker_after=words("asker_after"),
        acting_for_doctor_set=phrases("acting_for_doctor"),
        self_marker_set=phrases("self_markers"),
        duty_verb_set=phrases("duty_verbs"),
        asking_verb_set=phrases("asking_verbs"),
        author_verb_set=phrases("author_verbs"),
        asker_bound_set=Phrases(asker_bound),
        asker_writes_set=Phrases(asker_writes),
        # "suis-je tenue…", not "on doit…": staff speaking for the practice say "on", "nous", "we"
        asker_bound_singular_set=Phrases(p for p in asker_bound + asker_writes if SINGULAR_SELF & set(p)),
        relayed_bound_set=phrases("relayed_bound"),
        asks_writer_set=phrases("asks_writer"),
        relayed_own_set=phrases("relayed_own"),
        place_words=words("place_words"),
        carer_marks=words("carer_marks"),
        time_marks=words("time_marks"),
        participles=words("participles"),
        comparison_marks=words("comparison_marks"),
        visit_marks=words("visit_marks"),
        discharge_places=keyed("discharge_places"),
        discharge_words=words("discharge_words"),
        sending_verbs=words("sending_verbs"),
        other_addressees=keyed("other_addressees"),
        sample_marks=words("sample_marks"),
        letter_directions={
            str(phase): frozenset(fold(w) for w in marks or [])
            for phase, marks in (data.get("letter_directions") or {}).items()
        },
        asker_is=keyed("asker_is"),
        presumed_unless=keyed("presumed_unless"),
        software_howto_set=phrases("software_howto"),
        hospital_place_set=phrases("hospital_places"),
        document_verbs=words("document_verbs"),
        own_marks=words("own_marks"),
        own_work_words=words("own_work_words"),
        subject_pronouns=words("subject_pronouns"),
        relative_markers=words("relative_markers"),
        also_nature={fold(str(k)): str(v) for k, v in (data.get("also_nature") or {}).items()},
        context_domains=frozenset(str(d) for d in data.get("context_domains") or []),
        coordinators=words("coordinators"),
        addressee_marks=words("addressee_marks"),
        ending_natures={str(k): str(v) for k, v in (data.get("ending_natures") or {}).items()},
        clinical_domains=frozenset(str(d) for d in data.get("clinical_domains") or []),
        measured_domains=frozenset(str(d) for d in data.get("measured_domains") or []),
    )
