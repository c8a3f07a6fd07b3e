"""From a free-text question to a `Query`: which document(s), channel, situation, date, profession, language.

Pure: the lexicon and the catalogue are passed in. A document is found from a name that points at it
("CRO", "lettre de sortie") or from a nature × domain ("ordonnance" × "scanner"). Scores say how sure
we are; the decision step turns weak or close scores into a question back to the user.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from bot.answer import Context
from bot.dates import DateFound, find_date_in, unreadable_date_in
from bot.domain import DocumentInfo
from bot.lexicon import Lexicon, Match
from bot.marks import (
    AGENT_MARKS,
    ARTICLES,
    DEFINITE,
    DETERMINERS,
    NATURE_NEGATIONS,
    OF,
    RECIPIENT_MARKS,
    after_mark,
    marked_before,
    recipient_marks,
)
from bot.normalise import fold_keep_dates
from bot.who import (
    acts_for_doctor,
    asker_bound,
    asker_profession,
    obliged_professional,
    own_document,
    writers,
)

MAX_CHARS = 2000  # beyond this a message is not a question; we read the start and say so
# The longest labelled question has under 50 tokens; past this many the rest is not read (and we say so),
# so the cost of a message is bounded whatever it holds (benchmarks/bench_understand.py --long).
MAX_TOKENS = 120
CLEAR = 0.8  # a document this sure is answered
CANDIDATE = 0.4  # a document this sure is offered as a choice
ORDINALS = {
    "1": 0,
    "1er": 0,
    "premier": 0,
    "premiere": 0,
    "first": 0,
    "2": 1,
    "2e": 1,
    "2eme": 1,
    "deuxieme": 1,
    "second": 1,
    "seconde": 1,
    "two": 1,
    "deux": 1,
    "3": 2,
    "3e": 2,
    "3eme": 2,
    "troisieme": 2,
    "third": 2,
    "three": 2,
    "trois": 2,
    "4": 3,
    "4e": 3,
    "quatrieme": 3,
    "fourth": 3,
}
PICK_FILLER = frozenset(
    {"le", "la", "l", "the", "numero", "no", "n", "choix", "option", "one", "celui", "celle", "ci", "du", "haut"}
)
FOLLOWUP_STARTS = (
    ("et",),
    ("and",),
    ("what", "about"),
    ("how", "about"),
    ("pareil",),
    ("idem",),
    ("meme", "chose"),
    ("et", "si"),
    ("aussi",),
    ("also",),
)


@dataclass(frozen=True)
class Query:
    lang: str
    scores: dict[str, float]  # document id -> confidence in [0, 1]
    order: dict[str, int]  # document id -> position of first mention
    nature: str | None
    domain: str | None
    phase: str | None
    channels: list[str]
    situations: list[str]
    negated_situations: list[str]
    situation_hints: list[str]  # words that may mean an excluded situation ("génétique": constitutional?)
    outside_hospital: bool
    date: DateFound | None
    profession: str | None
    not_listed: bool
    not_listed_at: int | None  # where a document outside the list is first named, when one is
    greeting: bool
    on_topic: bool
    off_topic: bool
    about_obligations: bool  # words of the DMP, messaging or obligations, or a channel
    followup: bool
    truncated: bool
    empty: bool
    date_unreadable: bool = False
    pick: int | None = None  # "2", "le premier": a choice among the candidates offered before
    topic: str | None = None  # a question about the regulation, not one document of it ("quels documents ?")
    assumed: bool = False  # one weak candidate taken as the document asked: the answer says so first
    before: bool = False  # "et avant ?": the message asks about the time before, and nothing else
    forced: bool = False
    bearer: str | None = None  # the professional named as bearing the duty or writing the document
    asker_bound: bool = False  # "dois-je…", "mes bilans": the duty asked about is the asker's own
    asker_writes: bool = False  # "je rédige…": the asker says he writes it (his own, if he may write it)
    relayed_bound: bool = False  # "une IDE demande si elle doit…": the same, said in the third person
    duty_bearer: str | None = None  # the professional a duty verb follows ("le chirurgien doit-il…")
    asked_by: str | None = None  # the professional asking through the writer ("le Dr M. me demande si…")
    author: str | None = None  # the professional named writing it ("le kiné m'a fait un courrier")
    profession_named: bool = False  # `profession` is one the question names, not the asker's own
    open_cases: list[str] = field(default_factory=list)  # "en HAD": a setting the sources leave open
    software_howto: bool = False  # "comment paramétrer mon logiciel…": off topic whatever it names
    own_document: bool = False  # "mes bilans", "demande si ses courriers…": their document, said so
    own_work_domains: frozenset[str] = frozenset()  # "bilan" alone: for someone not covered, their assessment

    def ranked(self) -> list[tuple[str, float]]:
        return sorted(self.scores.items(), key=lambda kv: (-kv[1], self.order.get(kv[0], 99)))


def detect_language(tokens: list[str], lexicon: Lexicon) -> str:
    en = sum(1 for t in tokens if t in lexicon.language.get("en", ()))
    fr = sum(1 for t in tokens if t in lexicon.language.get("fr", ()))
    return "en" if en > fr else "fr"


def _combo(nature: str, domain: str | None, phase: str | None, catalogue: dict[str, DocumentInfo]) -> str | None:
    """The document a nature names with this domain or phase; a nature with one document names it alone."""
    for doc in catalogue.values():
        if doc.nature == nature and (doc.domain == domain if domain else False):
            return doc.id
        if doc.nature == nature and phase and doc.phase == phase:
            return doc.id
    if phase and any(nature in d.named_with_phase for d in catalogue.values()):
        # "courrier de sortie": a nature that, with a phase, names the document of that phase
        return next((d.id for d in catalogue.values() if nature in d.named_with_phase and d.phase == phase), None)
    only = _of_nature(nature, catalogue)
    if len(only) == 1 and catalogue[only[0]].domain is None:
        return only[0]
    return None


def _takes_phase(nature: str | None, catalogue: dict[str, DocumentInfo]) -> bool:
    """Whether the documents of this nature differ by phase (entrée, sortie)."""
    return any(d.nature == nature and d.phase for d in catalogue.values())


def _of_nature(nature: str, catalogue: dict[str, DocumentInfo]) -> list[str]:
    return [d.id for d in catalogue.values() if d.nature == nature]


def _of_domain(domain: str, catalogue: dict[str, DocumentInfo]) -> list[str]:
    return [d.id for d in catalogue.values() if d.domain == domain]


def _nearest(target: Match, others: list[Match]) -> Match | None:
    """The mention closest to `target`; a weak word ("demande", "bon") counts as three tokens further."""
    if not others:
        return None
    return min(others, key=lambda o: (abs(o.start - target.start) + (0 if o.weight >= CLEAR else 3), -o.weight))


def _own_work_domains(tokens: list[str], matches: list[Match], lexicon: Lexicon) -> frozenset[str]:
    """Domains named only by a word of someone's own work (« bilan » for biologie): asked by someone not
    covered, a « CR de bilan orthoptique » is their own assessment, not a lab report."""
    words: dict[str, bool] = {}
    for m in (m for m in matches if m.kind == "domain"):
        own = m.end - m.start == 1 and tokens[m.start] in lexicon.own_work_words
        words[m.value] = words.get(m.value, True) and own
    return frozenset(d for d, own in words.items() if own)


BOUND_WRITER = 0.82  # as sure as a nature's default domain ("ordonnance" → medicines)


def _latest_of_a_pair(
    scores: dict[str, float],
    order: dict[str, int],
    tokens: list[str],
    matches: list[Match],
    lexicon: Lexicon,
    catalogue: dict[str, DocumentInfo],
) -> tuple[dict[str, float], dict[str, int]]:
    """A request and its report both named outright: the one named last is asked about ("notre généraliste a
    prescrit une écho… Le CR doit-il être envoyé ?" asks about the report; "le CR de l'IRM… je prescris une IRM
    de contrôle : la demande ?" about the request). A verb or participle ("le caryotype prescrit en consultation")
    names nothing outright."""
    clear = [d for d, s in scores.items() if s >= CLEAR and catalogue[d].domain]
    if len(clear) < 2:
        return scores, order
    last: dict[str, int] = {}
    for m in matches:
        if m.kind == "document" and m.value in scores:
            last[m.value] = max(last.get(m.value, -1), m.start)
        elif (
            m.kind == "nature"
            and m.weight >= CLEAR
            and not lexicon.author_verb_set.starts_at(tokens, m.start)
            and not after_mark(tokens, m.start, lexicon.comparison_marks)  # "exclue comme le compte rendu de…"
        ):
            for d in clear:
                if catalogue[d].nature == m.value:
                    last[d] = max(last.get(d, -1), m.start)
    out, first = dict(scores), dict(order)
    for a in clear:
        for b in clear:
            same = catalogue[a].domain == catalogue[b].domain and catalogue[a].nature != catalogue[b].nature
            if same and last.get(a, -1) > last.get(b, -1) and out[a] <= out[b]:
                # answered first, as if named first; the other stays clear: the answer says it was named too
                out[b] = out[a]
                first[a] = min(first.get(a, 99), first.get(b, 99) - 1)
    return out, first


def _written_by_bound(scores: dict[str, float], bound: str, catalogue: dict[str, DocumentInfo]) -> dict[str, float]:
    """Among candidates of equal weight, the one the professional bound writes: « le labo devait-il verser les
    lithémies ? » asks about the lab's report, not the prescription."""
    best = max(scores.values(), default=0.0)
    tied = [d for d, s in scores.items() if s == best]
    theirs = [d for d in tied if bound in catalogue[d].written_by]
    if len(tied) < 2 or len(theirs) != 1:
        return scores
    # a domain alone offers each of its documents as a candidate; the writer named picks one
    return {d: max(s, BOUND_WRITER) if d == theirs[0] else (s if s < best else s * 0.8) for d, s in scores.items()}


def _names_a_listed_document(matches: list[Match], besides: list[Match]) -> bool:
    """A listed document, or the domain of one, named apart from `besides`."""
    return any(
        m.kind in ("document", "domain") and not any(b.start < m.end and m.start < b.end for b in besides)
        for m in matches
    )


def _names_a_document(matches: list[Match]) -> bool:
    return any(m.kind in ("document", "nature", "domain", "not_listed", "uncertain", "nl_domain") for m in matches)


NEGATION_FILLERS = frozenset(
    {"tout", "toute", "tous", "toutes", "etre", "ete", "been", "being", "any", "fait", "faite", "faits", "faites"}
    | {"realise", "realisee", "pendant", "durant", "lors", "cours", "during", "done", "made"}
)  # "n'est pas fait pendant l'hospit": the negation of a verb of the stay


def _negated_before(tokens: list[str], start: int, lexicon: Lexicon) -> bool:
    """A negation just before `start`, small words aside ("hors de tout séjour", "sans être hospitalisé")."""
    i = start - 1
    while i >= 0 and (tokens[i] in lexicon.stopwords or tokens[i] in NEGATION_FILLERS) and start - i <= 4:
        i -= 1
    return i >= 0 and start - i <= 4 and tokens[i] in lexicon.negations


SETTING_OVER = frozenset({"fin", "sorti", "sortie", "sortis", "ended", "discharged"})


def _open_cases(tokens: list[str], matches: list[Match], lexicon: Lexicon) -> list[str]:
    """Settings the sources leave open, said as the document's: "en HAD", but not "non suivi en HAD", "fin de
    prise en charge HAD", "sorti d'HAD il y a trois semaines", "not under hospital-at-home"."""
    said: set[str] = set()
    denied: set[str] = set()
    for m in (m for m in matches if m.kind == "open_situation"):
        over = marked_before(tokens, m.start, lexicon.negations | SETTING_OVER)
        (denied if over else said).add(m.value)
    return sorted(said - denied)  # "je travaille avec l'HAD…, mais là ma patiente n'est pas en HAD"


# (inner kind, outer kind): a word of the first inside a longer phrase of the second is that phrase's
WITHIN = (("nl_domain", "situation"), ("not_listed", "domain"), ("nature", "topic"))


def _within_longer(matches: list[Match], tokens: list[str], time_marks: frozenset[str]) -> list[Match]:
    """A care inside a setting (« séance de chimio », « soins intensifs ») is the setting; an exam outside the
    list inside a listed domain's phrase (« hystéroscopie opératoire ») is that domain; a document word inside a
    name of the text (« by the order ») is the text."""
    spans = {outer: [(m.start, m.end) for m in matches if m.kind == outer] for _, outer in WITHIN}
    inner = dict(WITHIN)
    kept = [m for m in matches if m.kind not in inner or not m.within(spans[inner[m.kind]], strictly=True)]
    # « hôpital de jour avant la cure »: a moment before or after (« jours avant ») that shares a word with a
    # setting named outright is a reading of that word, not what it says
    settings = [m for m in kept if m.kind == "situation" and m.end - m.start > 1]
    return [
        m
        for m in kept
        if m.kind != "outside"
        or tokens[m.end - 1] not in time_marks
        or not any(m.start < s.end and s.start < m.start for s in settings)
    ]


def _to_someone_else(
    tokens: list[str], scores: dict[str, float], lexicon: Lexicon, catalogue: dict[str, DocumentInfo]
) -> bool:
    """A letter addressed to someone who is not a health professional (a school, a lawyer, an employer): the
    listed letters are those sent to professionals. `other_addressees` maps each such document to the words."""
    for doc, words in lexicon.other_addressees.items():
        if doc not in scores or scores[doc] < CANDIDATE:
            continue
        for i, t in enumerate(tokens):
            if t in RECIPIENT_MARKS and words.occurs_in(tokens[i + 1 : i + 6]):
                return True
    return False


def _sent_there(tokens: list[str], start: int, lexicon: Lexicon) -> bool:
    """A place a verb of sending points at (« je l'envoie à la maternité », "I send it to the ward"): the
    addressee of the document, not the setting it is produced in."""
    if not after_mark(tokens, start, RECIPIENT_MARKS):
        return False
    return not lexicon.sending_verbs.isdisjoint(tokens[max(0, start - 5) : start])


def _situations(tokens: list[str], matches: list[Match], lexicon: Lexicon) -> tuple[list[str], list[str]]:
    found: list[str] = []
    negated: list[str] = []
    compared: list[str] = []
    said: list[Match] = []  # the situations said outright, not negated nor compared with
    for m in (m for m in matches if m.kind == "situation"):
        if _sent_there(tokens, m.start, lexicon):
            continue  # "je l'envoie à la maternité": where the document goes, not where it is made
        # "hors hospitalisation", "sans être hospitalisé", "en dehors de tout séjour", but not "azoospermie non
        # obstructive : caryotype"; and "exclu comme un séjour hospitalier ?": compared with, not said
        if _negated_before(tokens, m.start, lexicon):
            if m.value not in negated:
                negated.append(m.value)
        elif after_mark(tokens, m.start, lexicon.comparison_marks):
            compared.append(m.value)  # only when not said outright elsewhere ("DPYD : exclu comme génétique…?")
        else:
            said.append(m)
            if m.value not in found:
                found.append(m.value)
    negated += [v for v in dict.fromkeys(compared) if v not in found and v not in negated]
    for m in (m for m in matches if m.kind == "situation_negator"):
        # "caryotype médullaire": not constitutional genetics; but "somatique… et constitutionnelle. Pour le
        # volet constitutionnel…": the one said last is asked about
        said_after = any(s.value == m.value and s.start > m.start for s in said)
        if m.value not in negated and not said_after:
            negated.append(m.value)
    for situation, places in lexicon.discharge_places.items():
        # "ordo de sortie SAU", "discharge prescriptions" of an emergency physician: leaving the emergency
        # department, with no admission said, is no stay
        if (
            situation in found
            and all(
                m.value != situation or not lexicon.discharge_words.isdisjoint(tokens[m.start : m.end]) for m in said
            )
            and places.occurs_in(tokens)
        ):
            found = [v for v in found if v != situation]
    for m in (m for m in matches if m.kind == "situation_hint" and m.value in lexicon.presumed_unless):
        # "séquençage du gène GLA chez la mère": a genetic test is a person's (constitutional) unless a tumour
        # or a blood cancer is named (somatic genetics is theirs)
        if (
            m.value not in found
            and m.value not in negated
            and not _negated_before(tokens, m.start, lexicon)  # "bilan non génétique", "pas un test génétique"
            and not lexicon.presumed_unless[m.value].occurs_in(tokens)
        ):
            found.append(m.value)
    return [s for s in found if s not in negated], negated


class Scores:
    """Confidence per document, and where each was first mentioned; a document keeps its best score."""

    def __init__(self) -> None:
        self.scores: dict[str, float] = defaultdict(float)
        self.first_pos: dict[str, int] = {}

    def offer(self, doc: str | None, score: float, pos: int) -> None:
        if doc is None:
            return
        self.scores[doc] = max(self.scores[doc], score)
        self.first_pos[doc] = min(self.first_pos.get(doc, pos), pos)


def _penalty(*ms: Match) -> float:
    """Each typo-corrected word lowers the confidence a little."""
    return 1.0 - 0.08 * sum(m.fuzzy for m in ms)


@dataclass(frozen=True)
class Mentions:
    """The matches that can name a document, sorted by kind (what the steps of `_find_documents` read)."""

    natures: list[Match]
    domains: list[Match]
    implied: dict[tuple[int, int], str]
    phase: str | None
    strong_phase: str | None
    hints: list[Match]
    nature_hints: list[Match]
    named: bool
    addressed: bool = False  # an addressee is named ("au confrère", "to the GP", "au patient"), not a means

    @classmethod
    def of(cls, matches: list[Match], tokens: list[str] | None = None, lexicon: Lexicon | None = None) -> Mentions:
        # "un mois après la sortie", "ressort sans hospitalisation", "not admitted": not the letter's phase
        phases = [m for m in matches if m.kind == "phase" and not _phase_denied(tokens or [], m, matches, lexicon)]
        # « l'arrêt de travail prescrit en février »: a participle right after a document says of it, names none
        named_ends = {m.end for m in matches if m.kind in ("document", "uncertain")}
        participles = lexicon.participles if lexicon is not None else frozenset()
        natures = [
            m
            for m in matches
            if m.kind == "nature" and not (m.start in named_ends and tokens and tokens[m.start] in participles)
        ]
        domains = [m for m in matches if m.kind == "domain"]
        hints = [m for m in matches if m.kind == "hint"]
        if natures and not domains and hints:
            # the asker's field stands for the domain ("biologiste : le compte rendu")
            domains = [Match("hint", hints[0].value, hints[0].start, hints[0].end, 1.0, 0)]
        return cls(
            natures=natures,
            domains=domains,
            implied={(m.start, m.end): m.value for m in matches if m.kind == "implied"},
            phase=phases[0].value if phases else None,
            strong_phase=next(
                (m.value for m in phases if m.weight >= CLEAR or _points_at_stay(m, matches, tokens or [], lexicon)),
                None,
            ),
            hints=hints,
            nature_hints=[m for m in matches if m.kind == "nature_hint"],
            named=any(m.kind == "document" for m in matches),
            addressed=any(
                (m.kind == "channel" and marked_before(tokens or [], m.start, RECIPIENT_MARKS))
                or (m.kind == "profession" and marked_before(tokens or [], m.start, LETTER_FOR))  # "pour le psychiatre"
                for m in matches
            ),
        )


LETTER_FOR = RECIPIENT_MARKS | {"pour", "for"}
PHASE_DENIALS = frozenset({"apres", "after", "post", "sans", "without", "not", "pas", "jamais", "never", "non"})


def _phase_denied(tokens: list[str], phase: Match, matches: list[Match], lexicon: Lexicon | None = None) -> bool:
    """A phase said as over or as not happening: the time after discharge, an admission that did not happen;
    or a hospital place said as where the patient was, not where he goes (« passage aux urgences », « rédigé
    aux urgences », « des urgences »)."""
    if marked_before(tokens, phase.start, PHASE_DENIALS, reach=3):
        return True
    if lexicon is not None and lexicon.hospital_place_set.starts_at(tokens, phase.start):
        i = phase.start - 1
        while i >= 0 and tokens[i] in DETERMINERS:
            i -= 1
        if i >= 0 and tokens[i] in RECIPIENT_MARKS:
            i -= 1
        if i >= 0 and (tokens[i] in lexicon.visit_marks or tokens[i] in lexicon.letter_directions.get("sortie", ())):
            return True
    return any(m.kind == "outside" and m.start <= phase.start < m.end for m in matches)


SETTING_MARKS = frozenset({"pendant", "durant", "during", "cours", "lors", "dans", "in"})
ADMITTED_FOR = frozenset({"pour", "for", "en", "into"})


def _points_at_stay(phase: Match, matches: list[Match], tokens: list[str], lexicon: Lexicon | None = None) -> bool:
    """ "adresser un patient en hospitalisation", "letter sending my patient to hospital", "j'hospitalise un
    patient": a weak word of admission followed closely by a hospital (or naming it) is where the patient goes,
    so the phase is meant; "adressée pendant le séjour" is where the letter is written."""
    if phase.value != "entree":
        return False
    before = tokens[max(0, phase.start - 6) : phase.start]
    if (
        lexicon is not None
        and before
        and before[-1] in ADMITTED_FOR
        and not lexicon.sending_verbs.isdisjoint(before)
        and (SETTING_MARKS - {"in"}).isdisjoint(before)  # "sending him in", not "during"
    ):
        return True  # "I'm sending him in for admission", « j'envoie pour hospitalisation »
    for m in matches:
        if m.kind == "situation" and m.value == "sejour_hospitalier" and phase.start <= m.start <= phase.end + 5:
            return not SETTING_MARKS & set(tokens[phase.end : m.start])
    if lexicon is not None:  # "j'adresse une patiente à 13 SA au CHU": a hospital the patient is sent to
        for i in range(phase.start, min(len(tokens), phase.end + 8)):
            if tokens[i] in SETTING_MARKS:
                break
            if lexicon.hospital_place_set.starts_at(tokens, i) and _sent_to(tokens, i):
                return True
    return False


SENT_TO_MARKS = RECIPIENT_MARKS | {"en", "into", "vers", "towards"}


def _sent_to(tokens: list[str], place: int) -> bool:
    """A mark of destination before a place, articles and one name aside: « au CHU », « à la clinique », "into
    hospital", "to Strasbourg hospital"."""
    i, skipped = place - 1, 0
    while i >= 0 and tokens[i] not in SENT_TO_MARKS:
        if tokens[i] not in DETERMINERS:
            skipped += 1
            if skipped > 1:
                return False
        i -= 1
    return i >= 0 and place - i <= 4


def _named_documents(matches: list[Match], out: Scores) -> None:
    """Step 1: names that point at one document ("CRO", "lettre de sortie"), or maybe at one ("arrêt de travail")."""
    for m in matches:
        if m.kind == "document":
            out.offer(m.value, m.weight * _penalty(m), m.start)
        elif m.kind == "uncertain":
            out.offer(m.value, 0.5, m.start)


SPOKEN_OF = ARTICLES | {"a"}  # before a profession: one spoken of ("Is a physiotherapist covered?", « Les IDE… »)


def _without_places(tokens: list[str], matches: list[Match], lexicon: Lexicon) -> list[Match]:
    """« en centre de radiothérapie », « au service d'endoscopie »: a thing outside the list after a place word
    names the place, not the document asked about."""
    return [
        m
        for m in matches
        if m.kind not in ("not_listed", "nl_domain")
        or not (m.start >= 2 and tokens[m.start - 1] in OF and tokens[m.start - 2] in lexicon.place_words)
    ]


def _without_contrasted(tokens: list[str], matches: list[Match]) -> list[Match]:
    """A document said to be what the question is not about (« un point d'étape, pas la lettre de sortie », "not
    the discharge letter"): a negation and a definite article just before, and something else named (« pas de
    lettre de sortie » says one is missing: it is still what is asked about)."""
    if sum(m.kind in ("document", "nature") for m in matches) < 2:
        return matches
    return [
        m
        for m in matches
        if not (
            m.kind == "document"
            and m.start >= 2
            and tokens[m.start - 1] in DEFINITE
            and tokens[m.start - 2] in NATURE_NEGATIONS
        )
    ]


def _hospital_direction(tokens: list[str], nature: Match, lexicon: Lexicon) -> str | None:
    """The phase a letter's hospital says: « pour l'hôpital » (into it), « de l'hôpital » (out of it)."""
    end = min(len(tokens), nature.end + 4)
    for i in range(nature.end, end):
        if lexicon.hospital_place_set.starts_at(tokens, i):
            j = i - 1
            while j >= nature.end and tokens[j] in DETERMINERS:
                j -= 1
            if j >= nature.end:
                return next((p for p, marks in lexicon.letter_directions.items() if tokens[j] in marks), None)
    return None


def _named_with_phase(phase: str, catalogue: dict[str, DocumentInfo], out: Scores) -> None:
    """A letter named outright with a moment of the stay ("ma lettre d'adressage à l'hôpital pour une
    hospitalisation programmée"): the lettre de liaison of that moment, not a courrier."""
    for doc in list(out.scores):
        nature = catalogue[doc].nature
        target = next((d.id for d in catalogue.values() if nature in d.named_with_phase and d.phase == phase), None)
        if target and target != doc:
            out.offer(target, out.scores.pop(doc), out.first_pos.pop(doc))


def _not_listed_things(tokens: list[str], matches: list[Match], lang: str) -> tuple[list[Match], bool]:
    """Step 2: things not in the list: a named document ("bilan de kiné"), or a kind of care ("ordo de kiné",
    but not "au kiné", a recipient). Returns them, and whether a non-listed document is named outright."""
    # "au kiné" is a recipient, "fait par l'IDE" an agent: neither is the kind of document asked about
    marks = recipient_marks(lang) | AGENT_MARKS
    # a kind of care inside a listed domain's phrase ("pédicurie-podologie", "IDE à domicile": prescriptions
    # hors produits de santé) is that domain, not a thing outside the list
    listed = [(d.start, d.end) for d in matches if d.kind == "domain"]
    care = [
        m
        for m in matches
        if m.kind == "nl_domain"
        and not marks & set(tokens[max(0, m.start - 2) : m.start])
        and not any(start <= m.start and m.end <= end for start, end in listed)
    ]
    strong = [m for m in matches if m.kind == "not_listed" and m.weight >= CLEAR]
    # « FOGD en HDJ : le CR de l'INR… »: the act the patient is in for is the setting, not the document asked
    settings = [m for m in strong + care if _as_setting(tokens, m, matches)]
    if not (settings and _names_a_listed_document(matches, settings)):
        settings = []
    # "ordonnance de PEG pour une coloscopie": the act a document with its own object was written for
    natures = [m for m in matches if m.kind == "nature"]
    settings += [m for m in strong + care if any(n.end <= m.start and _said_as_occasion(tokens, n, m) for n in natures)]
    strong = [m for m in strong if m not in settings]
    care = [m for m in care if m not in settings]
    return strong + care, bool(strong)


@dataclass
class Pairing:
    """What step 3 used: natures paired with something, domains a nature took."""

    paired: set[int]
    used_domains: set[int]
    not_listed: bool  # a nature took a non-listed thing ("ordonnance de transport")


def _pair_natures(
    tokens: list[str],
    mentions: Mentions,
    not_listed_things: list[Match],
    catalogue: dict[str, DocumentInfo],
    out: Scores,
    lexicon: Lexicon,
) -> Pairing:
    """Step 3: each nature takes the nearest thing it can be of: a listed domain, or something not in the list
    ("compte rendu d'anapath de la pièce opératoire" is about the anapath, not the operation)."""
    natures, domains = mentions.natures, mentions.domains
    crossing = {d.nature for d in catalogue.values() if d.domain}
    result = Pairing(set(), set(), False)
    claimed: set[int] = set()  # domains a strong nature took: a weak word ("demande") may not take them
    context_domains, coordinators = lexicon.context_domains, lexicon.coordinators
    # "bilan orthoptique": a generic word of assessment before a domain is that domain's
    generic = {
        id(d)
        for d in domains
        if d.end - d.start == 1
        and tokens[d.start] in lexicon.own_work_words
        and any(o.start == d.end and o.value != d.value for o in domains)
    }
    # « bilan pré-greffe », « bilan annuel »: a work-up, named in two domains over the same words (lab tests and
    # imaging); beside an exam named outright (« angioscanner pour le bilan pré-greffe ») it is that exam's context
    spans: dict[tuple[int, int], list[Match]] = defaultdict(list)
    for d in domains:
        if d.kind == "domain":
            spans[(d.start, d.end)].append(d)
    workups = {id(d) for same in spans.values() if len({d.value for d in same}) > 1 for d in same}
    for n in sorted((n for n in natures if n.value in crossing), key=lambda n: n.weight < CLEAR):
        takes = [d for d in domains if d.kind == "domain" and _combo(n.value, d.value, None, catalogue)]
        objects = [
            d
            for d in domains
            if (d.kind == "domain" or n.weight >= CLEAR)
            and id(d) not in generic
            and _combo(n.value, d.value, None, catalogue)
            and not (n.weight < CLEAR and id(d) in claimed)
        ] + [
            # "je prescris un bilan orthophonique": the prescription of a care the list names, not the
            # orthophoniste's report
            t
            for t in not_listed_things
            if not any(d.start < t.end and t.start < d.end for d in takes) and not _said_as_occasion(tokens, n, t)
        ]
        if n.start >= 1 and set(tokens[max(0, n.start - 2) : n.start]) & NATURE_NEGATIONS:
            continue  # "et non le compte rendu"
        if any(o.kind == "domain" and id(o) not in workups for o in objects):
            objects = [o for o in objects if id(o) not in workups]
        if not objects:
            continue
        # nearest first; at equal distance the complement after the nature ("ordonnance du test de grossesse")
        # a weak domain word ("chirurgie") is taken only when no domain is named outright
        # a context domain (an operation) beside another domain is what that exam follows ("scanner de
        # contrôle d'une sigmoïdectomie", "KRAS sur pièce de colectomie"), not the document asked
        others = {o.value for o in objects if o.kind == "domain"} - context_domains
        # an exam said as a moment ("bilan thyroïdien avant la scinti", "radio after the operation") is context too
        timed = {id(o) for o in objects if _said_as_context(tokens, o.start, lexicon)}
        target = min(
            objects,
            key=lambda o: (
                o.weight < CLEAR,
                bool(others) and (o.value in context_domains or id(o) in timed) and len(timed) < len(objects),
                abs(o.start - n.start),
                o.start < n.start,
                -o.weight,
            ),
        )
        if target.kind not in ("domain", "hint"):
            result.paired.add(id(n))
            result.not_listed = True  # "ordonnance de transport": a document, but not a listed one
            continue
        if n.weight >= CLEAR:
            claimed.add(id(target))
        doc = _combo(n.value, target.value, None, catalogue)
        if doc:
            result.paired.add(id(n))
            result.used_domains.add(id(target))
            only_pair = len(natures) == 1 and len({d.value for d in domains}) == 1
            close = abs(n.start - target.start) <= 4 or only_pair  # "demande d'examen de biologie"
            # a weak word ("demandé", "prescrit") yields to a document named outright ("génotypage demandé en
            # consultation : le CR du labo…" asks about the report)
            named_outright = any(o.weight >= CLEAR and o is not n for o in natures if o.value in crossing)
            strength = 1.0 if n.weight >= CLEAR or (close and not named_outright) else n.weight / CLEAR
            score = 0.92 * strength * min(target.weight / CLEAR, 1.0) * _penalty(n, target)
            twin = _coordinated(target, objects, tokens, coordinators) or next(
                (o for o in spans.get((target.start, target.end), []) if o.value != target.value), None
            )
            twin_doc = _combo(n.value, twin.value, None, catalogue) if twin else None
            if twin and twin_doc and twin_doc != doc:
                # "lab or imaging results": the nature is of both, each a candidate
                out.offer(doc, min(score, 0.5), min(n.start, target.start))
                out.offer(twin_doc, min(score, 0.5), min(n.start, twin.start))
                result.used_domains.add(id(twin))
                continue
            out.offer(doc, score, min(n.start, target.start))
    return result


def _said_as_occasion(tokens: list[str], nature: Match, thing: Match) -> bool:
    """ "crème prescrite pendant une radiothérapie", "ordonnance de PEG pour une coloscopie": the act is when or why
    the document was written, not what it is of (« ordonnance pour un ECG » still prescribes the ECG)."""
    if after_mark(tokens, thing.start, DURING_MARKS):
        return True
    has_object = nature.end + 1 < thing.start and tokens[nature.end] in OF
    return has_object and after_mark(tokens, thing.start, PURPOSE_MARKS)


DURING_MARKS = frozenset({"pendant", "durant", "lors", "during"})


def _of_a_situation(tokens: list[str], thing: Match, matches: list[Match]) -> bool:
    """A thing named as the kind of a stay ("hospitalisation de jour d'évaluation gériatrique") is its setting."""
    i = thing.start - 1
    while i >= 0 and tokens[i] in DETERMINERS:
        i -= 1
    return i >= 0 and tokens[i] in OF and any(m.kind == "situation" and m.end == i for m in matches)


def _as_setting(tokens: list[str], thing: Match, matches: list[Match]) -> bool:
    """A thing outside the list said as where or why the patient is, not as a document: the kind of a stay
    (« hospitalisation de jour d'évaluation gériatrique »), the act a stay is for (« hospitalisé pour une
    polysomnographie », "admitted for a TAVI work-up"), the act the patient is in for (« FOGD en HDJ : le CR de
    l'INR… », « coloscopie en hôpital de jour »), or a consultation as the place (« prescrits en consultation de
    radiothérapie »). Its report (« le CR de la PSG en HDJ ») is still the thing asked."""
    if _of_a_situation(tokens, thing, matches):
        return True
    i = thing.start - 1
    while i >= 0 and tokens[i] in DETERMINERS:
        i -= 1
    if i >= 0 and tokens[i] in OF and any(m.kind == "nature" and m.end == i for m in matches):
        return False  # « le CR de la coloscopie en HDJ »: the report of that act
    stays = [m for m in matches if m.kind == "situation"]
    if stays and after_mark(tokens, thing.start, STAY_REASON_MARKS):
        return True
    places = [m for m in matches if m.kind in ("situation", "outside")]
    if any(thing.end <= m.start <= thing.end + 2 and set(tokens[thing.end : m.start]) <= PLACE_WORDS for m in places):
        return True
    return any(m.kind == "outside" and m.start < thing.start < m.end for m in matches)


STAY_REASON_MARKS = frozenset({"pour", "for", "pendant", "durant", "lors", "during"})  # « hospitalisé pour une PSG »
PLACE_WORDS = frozenset({"en", "in", "a", "au", "as", "d", "de"})


def _said_as_context(tokens: list[str], start: int, lexicon: Lexicon) -> bool:
    """A word of time just before `start`, articles aside: « avant la scinti », "after the operation"; or a
    work-up said as the purpose (« écho pelvienne pour bilan d'endométriose »)."""
    if after_mark(tokens, start, lexicon.time_marks):
        return True
    return tokens[start] in lexicon.own_work_words and after_mark(tokens, start, PURPOSE_MARKS)


PURPOSE_MARKS = frozenset({"pour", "for"})


def _coordinated(target: Match, objects: list[Match], tokens: list[str], coordinators: frozenset[str]) -> Match | None:
    """Another domain joined to `target` by a coordinator (lexicon: « ou », « or ») right beside it."""
    for o in objects:
        if o.kind != "domain" or o.value == target.value:
            continue
        first, second = (target, o) if target.start < o.start else (o, target)
        between = tokens[first.end : second.start]
        if between and len(between) <= 2 and between[0] in coordinators:
            return o
    return None


def _addressed(tokens: list[str], nature: Match, mentions: Mentions) -> bool:
    """An addressee named anywhere, or a mark of one just after the nature ("letter I write to the GP")."""
    return mentions.addressed or not RECIPIENT_MARKS.isdisjoint(tokens[nature.end : nature.end + 6])


def _implied_at(implied: dict[tuple[int, int], str], d: Match) -> str | None:
    """The nature a domain word implies ("exome" → its report), from an implied phrase over the same words."""
    return next((v for (start, end), v in implied.items() if start <= d.start and d.end <= end), None)


def _lone_domains(
    tokens: list[str],
    mentions: Mentions,
    pairing: Pairing,
    not_listed: bool,
    kinds: set[str],
    lexicon: Lexicon,
    catalogue: dict[str, DocumentInfo],
    out: Scores,
) -> None:
    """Step 4: a domain with no nature: a hinted nature ("antibiotiques" → prescription), its only document,
    or its documents as candidates ("IRM ?" → compte rendu or demande)."""
    natures = mentions.natures
    # an operation or a moment beside another exam is its context ("marqueurs dosés après l'orchidectomie",
    # "arrêt de travail après vasectomie")
    context = {
        id(d)
        for d in mentions.domains
        if d.value in lexicon.context_domains or _said_as_context(tokens, d.start, lexicon)
    }
    others = [d for d in mentions.domains if id(d) not in context] or out.scores
    for d in mentions.domains:
        if id(d) in pairing.used_domains or (id(d) in context and others):
            continue
        if (not natures and not kinds & {"topic", "channel"} and d.value in lexicon.clinical_domains) or not_listed:
            continue  # a medicine named with no word of documents or obligations is a clinical question
        hint = None
        if not natures:
            hint = _implied_at(mentions.implied, d) or (
                mentions.nature_hints[0].value if mentions.nature_hints else None
            )
        if hint:
            # a weak domain word ("chirurgie") with a hint is still only a candidate; so is a work-up named in two
            # domains (« les examens faits aux urgences »: lab or imaging)
            twin = any(o is not d and (o.start, o.end) == (d.start, d.end) for o in mentions.domains)
            score = 0.5 if twin else 0.85 * _penalty(d) * min(d.weight / CLEAR, 1.0)
            out.offer(_combo(hint, d.value, None, catalogue), score, d.start)
            continue
        if d.weight < CLEAR or natures:
            continue
        family = _of_domain(d.value, catalogue)
        for doc in family:  # a domain alone never decides: "opératoire ?" is offered, not asserted
            out.offer(doc, 0.6 if len(family) == 1 else 0.5, d.start)


def _lone_natures(
    tokens: list[str],
    mentions: Mentions,
    pairing: Pairing,
    not_listed: bool,
    lang: str,
    situations: list[str],
    lexicon: Lexicon,
    catalogue: dict[str, DocumentInfo],
    out: Scores,
) -> None:
    """Step 5: a nature with no domain: its only document ("certificat"), a default ("ordonnance" → medicines),
    or its documents as candidates ("compte rendu ?")."""
    natures, domains = mentions.natures, mentions.domains
    crossing = {d.nature for d in catalogue.values() if d.domain}
    for n in (n for n in natures if n.weight >= CLEAR or len(natures) == 1):
        default = lexicon.default_domain.get(n.value) or {}
        if id(n) in pairing.paired or mentions.named or (not_listed and n.value in crossing) or (default and domains):
            continue
        phase = mentions.phase if _takes_phase(n.value, catalogue) else mentions.strong_phase
        doc = _combo(n.value, None, phase, catalogue)
        also = lexicon.also_nature.get(tokens[n.start]) if doc else None
        toward = None if phase else _hospital_direction(tokens, n, lexicon)
        if also and not (phase or situations or mentions.domains or _addressed(tokens, n, mentions)):
            # "la lettre, par MSS ?": a letter to whom, when? a courrier or a lettre de liaison, each a candidate
            for other in [doc, *_of_nature(also, catalogue)]:
                out.offer(other, 0.5, n.start)
        elif doc and toward:
            # "le courrier pour l'hôpital ?": a courrier, or the lettre de liaison of that way in or out
            for other in (doc, _combo(n.value, None, toward, catalogue)):
                out.offer(other, 0.5, n.start)
        elif doc:
            out.offer(doc, 0.88 * _penalty(n), n.start)
        elif default and (
            tokens[n.start] in default.get("when", [])
            or set(default.get("situations", [])) & set(situations)
            or _names_unknown(tokens, n, lexicon, lang)
        ):
            out.offer(_combo(n.value, default.get("domain"), None, catalogue), 0.82 * _penalty(n), n.start)
        elif not (domains and n.value in crossing):
            for other in _of_nature(n.value, catalogue):
                out.offer(other, 0.5, n.start)


def _find_documents(
    tokens: list[str],
    matches: list[Match],
    lang: str,
    situations: list[str],
    lexicon: Lexicon,
    catalogue: dict[str, DocumentInfo],
) -> tuple[dict[str, float], dict[str, int], bool]:
    """Score each listed document from names, nature × domain pairs and hints, in five named steps.

    Returns (scores, first mention positions, whether a non-listed document was named instead).
    """
    out = Scores()
    mentions = Mentions.of(matches, tokens, lexicon)
    kinds = {m.kind for m in matches}
    _named_documents(matches, out)
    if mentions.strong_phase:
        _named_with_phase(mentions.strong_phase, catalogue, out)
    things, not_listed = _not_listed_things(tokens, matches, lang)
    pairing = _pair_natures(tokens, mentions, things, catalogue, out, lexicon)
    not_listed = not_listed or pairing.not_listed
    _lone_domains(tokens, mentions, pairing, not_listed, kinds, lexicon, catalogue, out)
    _lone_natures(tokens, mentions, pairing, not_listed, lang, situations, lexicon, catalogue, out)
    return dict(out.scores), out.first_pos, not_listed


def _is_letter(scores: dict[str, float], catalogue: dict[str, DocumentInfo]) -> bool:
    """Whether the document most likely asked about is a letter (its addressee is not a channel asked)."""
    if not scores:
        return False
    best = max(scores, key=lambda d: scores[d])
    return scores[best] >= CLEAR and catalogue[best].nature in ("courrier", "lettre_liaison")


def _general_topic(
    matches: list[Match], profession: str | None, scores: dict[str, float], kinds: set[str]
) -> str | None:
    """What a question about the regulation as a whole is about: the list ("quels documents ?"), the patient's
    rights, sanctions, funding… (from the lexicon), or who is covered ("un radiologue doit-il alimenter le DMP ?":
    a profession and the DMP, no document)."""
    general = next((m.value for m in matches if m.kind == "general"), None)
    names_document = kinds & {"document", "nature", "domain", "not_listed", "uncertain", "nl_domain"} or scores
    if general == "list" and any(
        m.kind == "document" or (m.kind in ("nature", "not_listed") and m.weight >= CLEAR) for m in matches
    ):
        # "le CR de VNG est-il dans la liste des documents ?" asks about one document; a word of records
        # (« une fiche réflexe ») does not name one
        return None
    if general:
        return general
    if profession and not names_document and kinds & {"topic", "channel"}:
        return "covered"
    return None


DEMONSTRATIVES = frozenset({"ce", "cet", "cette", "ces", "this", "that", "these", "those"})


def _pointed_at(tokens: list[str], matches: list[Match], lexicon: Lexicon) -> bool:
    """ "… j'écris un courrier. Ce courrier est-il obligatoire ?": a document pointed at is the subject, whatever
    non-listed thing was named before it; so is a document the duty verb follows (« Coloscopie en ambulatoire : la
    lettre de liaison de sortie doit-elle être envoyée… ? »), when it says which it is: a bare « le CR doit… » after
    an exam outside the list is that exam's."""
    pointed = any(
        m.kind in ("document", "nature")
        and m.weight >= CLEAR
        and (tokens[m.start] in DEMONSTRATIVES or (m.start > 0 and tokens[m.start - 1] in DEMONSTRATIVES))
        for m in matches
    )
    return pointed or any(
        m.kind == "document"
        and any(lexicon.duty_verb_set.starts_at(tokens, j) for j in range(m.end, min(m.end + 2, len(tokens))))
        for m in matches
    )


def _on_topic(matches: list[Match], kinds: set[str], lexicon: Lexicon) -> bool:
    """Words of documents or obligations; a medicine named alone is a clinical question, not ours."""
    bare_medicine = not kinds & {"topic", "channel", "nature"}
    if kinds & {"topic", "channel"} and kinds & {"vague", "phase", "nature"}:
        return True  # "le document de sortie, DMP ?": about the list, though no document is named
    return any(
        m.kind in ("nature", "domain", "document")
        and m.weight >= CLEAR
        and not (bare_medicine and m.value in lexicon.clinical_domains)
        for m in matches
    )


def _clinical_value(tokens: list[str], matches: list[Match], lexicon: Lexicon) -> bool:
    """ "INR à 4,5", "CRP at 150": a test result's value is a clinical question, not one about documents."""
    for m in matches:
        if m.kind == "domain" and m.value in lexicon.measured_domains:
            after = tokens[m.end : m.end + 2]
            if len(after) == 2 and after[0] in {"a", "at", "of", "de"} and after[1].isdigit():
                return True
    return False


BEFORE_WORDS = frozenset({"avant", "before", "auparavant", "earlier"})
BEFORE_FILLER = frozenset(
    {"et", "and", "what", "about", "how", "alors", "donc", "ca", "that", "c", "etait", "was", "it"}
)


def _asks_before(tokens: list[str]) -> bool:
    """ "et avant ?", "what about before?": the time before the obligation, with nothing else asked."""
    return bool(set(tokens) & BEFORE_WORDS) and all(t in BEFORE_WORDS or t in BEFORE_FILLER for t in tokens)


def _pick(tokens: list[str]) -> int | None:
    """ "2", "le premier", "the second one": the index of a candidate, when that is all the message says."""
    picks = [ORDINALS[t] for t in tokens if t in ORDINALS]
    if len(picks) == 1 and all(t in ORDINALS or t in PICK_FILLER for t in tokens):
        return picks[0]
    return None


def _names_unknown(tokens: list[str], nature: Match, lexicon: Lexicon, lang: str) -> bool:
    """ "prescription de Spasfon", "Zyprexa prescription": a word the lexicon does not know next to a
    prescription is a product name — the open-ended kind; tests and imaging are named by the lexicon."""

    def unknown(tok: str) -> bool:
        return len(tok) >= 4 and tok.isalpha() and not lexicon.knows(tok) and not lexicon.is_plain(tok)

    following = tokens[nature.end : nature.end + 4]
    if following and following[0] in OF:
        # "prescription de Spasfon", "je lui prescris de la sertraline", "ordonnance du Deroxat"
        rest = [t for t in following[1:] if t not in DETERMINERS]
        if rest and unknown(rest[0]):
            return True
    # English puts the product first: "my lithium prescriptions", "glaucoma eye-drop prescriptions"
    return lang == "en" and nature.start >= 1 and unknown(tokens[nature.start - 1])


RECIPIENT_CHANNEL = 0.5  # a recipient ("au médecin traitant") or Mon espace santé: a channel when none is named


def _channels(
    matches: list[Match], letter: bool = False, tokens: list[str] | None = None, lexicon: Lexicon | None = None
) -> list[str]:
    """Channels asked, in order. A channel named outright (DMP, MSSanté) wins over a recipient ("au confrère");
    a recipient says the channel only when none is named, and not for a letter, which always has an addressee;
    « verser » (the arrêté's word for the DMP) says the DMP; other verbs of depositing ("déposer") never say it.
    Mon espace santé with messaging or a verb of sending, and no professional addressee (« l'ordonnance part dans
    Mon espace santé par la messagerie », « envoyer sur Mon espace santé »), is the patient's messaging."""
    strong = [m.value for m in matches if m.kind == "channel" and m.weight >= CLEAR]
    recipients = {m.value for m in matches if m.kind == "channel" and RECIPIENT_CHANNEL <= m.weight < CLEAR}
    means_only = all(m.weight < 1 for m in matches if m.kind == "channel" and m.value == "mss_professionnels")
    space = [m for m in matches if m.kind == "channel" and m.value == "dmp" and m.weight < CLEAR]
    if space and "dmp" not in strong and "mss_professionnels" not in recipients and means_only:
        sent = tokens is not None and lexicon is not None and not lexicon.sending_verbs.isdisjoint(tokens)
        if sent or "mss_professionnels" in strong:
            strong = ["mss_patient" if c == "mss_professionnels" else c for c in strong] or ["mss_patient"]
    if "mss_patient" in recipients and "mss_professionnels" not in recipients and means_only:
        strong = ["mss_patient" if c == "mss_professionnels" else c for c in strong]  # "au patient par MSS"
    if strong:
        return list(dict.fromkeys(strong))
    if letter:
        return []
    weak = [m.value for m in matches if m.kind == "channel" and m.weight >= RECIPIENT_CHANNEL]
    if "mss_patient" in recipients:
        # "envoyer le CR aux parents par Mon espace santé": sent to the patient, so through its messaging
        weak = [c for c in weak if c != "dmp"]
    return list(dict.fromkeys(weak))


def understand(
    text: str, today: dt.date, lexicon: Lexicon, catalogue: dict[str, DocumentInfo], context: Context | None = None
) -> Query:
    truncated = len(text) > MAX_CHARS
    text = text[:MAX_CHARS]
    tokens = lexicon.tokens(text)
    if len(tokens) > MAX_TOKENS:
        tokens, truncated = tokens[:MAX_TOKENS], True
    matches = lexicon.match(tokens)
    folded = fold_keep_dates(text)  # once, for the date and for a date that is no real day
    lang = detect_language(tokens, lexicon)
    # a word of the language asked; an off-topic word only as typed (a typo correction onto "cost" or "payer"
    # turns "cover" or "négatif" into a question about billing)
    matches = [m for m in matches if m.lang in (None, lang) and not (m.kind in ("general", "off_topic") and m.fuzzy)]
    # a document word inside a profession's name is not a document ("psychiatre de liaison", "prescripteur")
    titles = [(m.start, m.end) for m in matches if m.kind == "profession"]
    if titles:
        matches = [m for m in matches if not (m.kind in ("nature", "situation_hint") and m.within(titles))]
    # "j'envoie un mot au kiné": the kiné is the addressee, not the kind of care asked about
    addressees = {
        m.start for m in matches if m.kind == "profession" and marked_before(tokens, m.start, recipient_marks(lang), 2)
    }
    if addressees:
        matches = [m for m in matches if not (m.kind == "domain" and m.start in addressees)]
    profession, used = asker_profession(tokens, matches, lexicon, lang)
    if (
        used
        and acts_for_doctor(tokens, min(used), lexicon)
        and not lexicon.self_marker_set.occurs_in(tokens)
        and not lexicon.asker_bound_singular_set.occurs_in(tokens)
    ):
        # "Assistante médicale du Dr X : le CR…": the doctor's question; "secrétaire d'un cabinet de kinés :
        # les bilans de nos kinés…": the kinés'
        staff = used
        profession, used = asker_profession(tokens, [m for m in matches if m.start not in staff], lexicon, lang)
        used = used | staff
    proxy = any(m.kind == "proxy" for m in matches)
    if proxy:
        profession = None  # "je demande pour le Dr Leroy": the question is the doctor's
    bearer, asking, bound, author = obliged_professional(tokens, matches, lexicon, writers(catalogue), lang)
    relayed = False
    # the profession is one the question speaks of, not the asker's own ("Les enseignants en APA sont-ils
    # concernés ?", "Le kiné m'a fait un courrier…": answered the same, worded in the third person)
    named_not_asker = bool(used) and min(used) > 0 and tokens[min(used) - 1] in SPOKEN_OF
    if profession is None and not proxy:
        # "le manip radio me demande si c'est à lui…": the manip's question, relayed by the writer
        profession, relayed = asking, asking is not None and lexicon.asks_writer_set.occurs_in(tokens)
        if profession is None:
            # "Un neuropsychologue est-il soumis… ?", "Are school nurses covered?", "les infirmières doivent-elles
            # envoyer elles-mêmes les CR ?": about the professional bound
            profession = bound
        named_not_asker = profession is not None
        if profession is None:  # "dois-je ajouter mon certificat dans mon DMP ?": the patient asks
            profession = next((who for who, said in lexicon.asker_is.items() if said.occurs_in(tokens)), None)
        elif relayed and not (lexicon.relayed_bound_set.occurs_in(tokens) or lexicon.relayed_own_set.occurs_in(tokens)):
            profession = None  # "le kiné me demande si je dois lui envoyer…": the writer's own question
    spoken_of = {(m.start, m.end) for m in matches if m.kind == "profession" and m.value == profession}
    matches = [m for m in matches if not (m.kind in ("channel", "profession", "nl_domain") and m.start in used)]
    matches = _without_places(
        tokens, _without_contrasted(tokens, _within_longer(matches, tokens, lexicon.time_marks)), lexicon
    )
    if named_not_asker and not any(m.kind == "nature" for m in matches):
        # "Un kiné est-il concerné par l'arrêté ?": the word names the professional spoken of, not his care
        matches = [m for m in matches if not (m.kind == "domain" and (m.start, m.end) in spoken_of)]
    situations, negated = _situations(tokens, matches, lexicon)
    scores, order, strong_not_listed = _find_documents(tokens, matches, lang, situations, lexicon, catalogue)
    if _to_someone_else(tokens, scores, lexicon, catalogue):
        # "le courrier à la directrice d'école", "the letter to my patient's employer": not to a professional
        scores = {d: s for d, s in scores.items() if d not in lexicon.other_addressees}
        strong_not_listed = True
    scores, order = _latest_of_a_pair(scores, order, tokens, matches, lexicon, catalogue)
    # "le labo nous envoie l'ECBU…": the lab's report (a writer named only in passing, "sur ordonnance du
    # pédiatre", does not outweigh an asker who says who he is)
    writer = bound or (bearer if profession is None else None)
    if writer is not None and not any(m.kind == "not_listed" for m in matches):  # "…sa facture": not a report
        scores = _written_by_bound(scores, writer, catalogue)
    kinds = {m.kind for m in matches}
    natures = [m for m in matches if m.kind == "nature"]
    domains = [m for m in matches if m.kind == "domain"]
    phases = [m for m in matches if m.kind == "phase"]
    query = Query(
        lang=lang,
        scores=scores,
        order=order,
        nature=natures[0].value if natures else None,
        domain=domains[0].value if domains else None,
        phase=phases[0].value if phases else None,
        channels=_channels(matches, letter=_is_letter(scores, catalogue), tokens=tokens, lexicon=lexicon),
        situations=situations,
        negated_situations=negated,
        situation_hints=sorted({m.value for m in matches if m.kind == "situation_hint"} - set(situations)),
        # a weak phrase ("en ville") yields to a situation named outright ("hospitalisé")
        outside_hospital=any(m.kind == "outside" and (m.weight >= CLEAR or not situations) for m in matches),
        date=find_date_in(folded, today),
        date_unreadable=unreadable_date_in(folded),
        pick=_pick(tokens),
        profession=profession,
        profession_named=named_not_asker,
        bearer=bearer,
        duty_bearer=bound,
        asked_by=asking,
        author=author,
        asker_bound=profession is not None and asker_bound(tokens, lexicon, relayed),
        asker_writes=profession is not None and not relayed and lexicon.asker_writes_set.occurs_in(tokens),
        relayed_bound=profession is not None and lexicon.relayed_bound_set.occurs_in(tokens),
        # a patient's « mon opération », « mes résultats » are about him, not his writing
        own_document=profession in writers(catalogue) and own_document(tokens, matches, lexicon, relayed),
        own_work_domains=_own_work_domains(tokens, matches, lexicon) if profession is not None else frozenset(),
        not_listed=strong_not_listed or any(m.kind == "not_listed" and kinds & {"topic", "channel"} for m in matches),
        not_listed_at=None
        if _pointed_at(tokens, matches, lexicon)
        else min(
            (
                m.start
                for m in matches
                if m.kind == "not_listed"
                and m.weight >= CLEAR
                and not _as_setting(tokens, m, matches)
                and not after_mark(tokens, m.start, lexicon.sample_marks)  # "EGFR sur biopsie tumorale"
            ),
            default=None,
        ),
        greeting="greeting" in kinds,
        on_topic=_on_topic(matches, kinds, lexicon),
        off_topic="off_topic" in kinds or _clinical_value(tokens, matches, lexicon),
        software_howto=lexicon.software_howto_set.occurs_in(tokens),
        open_cases=_open_cases(tokens, matches, lexicon),
        about_obligations=bool(kinds & {"topic", "channel"}),
        followup=bool(tokens) and any(tuple(tokens[: len(s)]) == s for s in FOLLOWUP_STARTS),
        truncated=truncated,
        empty=not tokens,
        topic=_general_topic(matches, profession, scores, kinds),
        before=_asks_before(tokens),
    )
    if context is not None:
        query = follow_up(query, context, catalogue)
    return _assume_lone_candidate(query)


def _assume_lone_candidate(query: Query) -> Query:
    """One document fits, weakly ("CR d'arthro", "arrêt de travail"): answer it, saying which document we took,
    rather than ask a yes/no question. Several candidates, or none, are left to the decision."""
    candidates = [d for d, s in query.scores.items() if s >= CANDIDATE]
    if len(candidates) != 1 or query.scores[candidates[0]] >= CLEAR or query.not_listed or query.off_topic:
        return query
    if query.topic or not (query.about_obligations or query.nature):
        return query
    doc = candidates[0]
    return replace(query, scores={**query.scores, doc: CLEAR}, assumed=True)


def _new_documents(query: Query, changes: dict[str, Any], context: Context) -> set[str]:
    """Documents a follow-up asks about that the previous answer was not about ("et le CRO ?")."""
    named = changes.get("scores") or {d: s for d, s in query.scores.items() if s >= CLEAR}
    return set(named) - set(context.documents)


def follow_up(query: Query, context: Context, catalogue: dict[str, DocumentInfo]) -> Query:
    """Fill what a follow-up leaves out ("et au patient ?", "et pour le scanner ?", "en 2023 ?") from the context."""
    has_document = any(s >= CLEAR for s in query.scores.values())
    if not query.followup and (has_document or query.nature or query.domain or query.phase):
        return query  # a new question about a document ("compte rendu ?"): nothing carried over
    if query.off_topic or (query.greeting and not query.followup):
        return query
    if query.pick is not None and len(context.documents) > 1:
        if query.pick >= len(context.documents):
            return query
        picked = context.documents[query.pick]
        return replace(
            query,
            scores={picked: 1.0},
            order={picked: 0},
            channels=[context.channel] if context.channel else [],
            date=DateFound(context.date, "context", "day", context.date, context.date) if context.date else None,
            situations=list(context.situations),
            profession=context.profession,
            lang=context.lang,
        )
    says_something = (
        query.empty
        or query.followup
        or query.channels
        or query.date
        or query.situations
        or query.negated_situations
        or query.profession
        or query.nature
        or query.domain
        or query.phase
    )
    if not says_something:
        return query  # "quel temps fait-il ?" after a question is not a follow-up
    changes: dict[str, Any] = {}
    if not has_document and not query.not_listed:
        if query.domain and context.nature:
            doc = _combo(context.nature, query.domain, None, catalogue)
            if doc:
                changes["scores"] = {doc: 0.9}
                changes["order"] = {doc: 0}
        elif query.nature and (context.domain or context.phase):
            doc = _combo(query.nature, context.domain, context.phase or query.phase, catalogue)
            if doc:
                changes["scores"] = {doc: 0.9}
                changes["order"] = {doc: 0}
        elif query.phase and context.nature and _takes_phase(context.nature, catalogue):
            doc = _combo(context.nature, None, query.phase, catalogue)
            if doc:
                changes["scores"] = {doc: 0.9}
                changes["order"] = {doc: 0}
        elif context.documents:
            changes["scores"] = {d: (0.9 if len(context.documents) == 1 else 0.5) for d in context.documents}
            changes["order"] = {d: i for i, d in enumerate(context.documents)}
    if not query.channels and context.channel:
        changes["channels"] = [context.channel]
    if query.date is None and query.before and context.effective is not None:
        # "et avant ?": the day before the obligation started
        day = context.effective - dt.timedelta(days=1)
        changes["date"] = DateFound(day, "before", "day", day, day)
    elif query.date is None and context.date is not None and not _new_documents(query, changes, context):
        # a date asked holds for the question it was asked about ("et au patient ?"), not for a new document
        changes["date"] = DateFound(context.date, "context", "day", context.date, context.date)
    if (
        not query.situations
        and not query.negated_situations
        and context.situations
        and (query.followup or not has_document)
    ):
        changes["situations"] = list(context.situations)
    if query.profession is None and context.profession:
        changes["profession"] = context.profession
    if query.empty or (not query.followup and not has_document):
        changes["lang"] = context.lang if query.empty else query.lang
    if changes.get("scores"):
        changes["on_topic"] = True
    return replace(query, **changes)
