"""Who asks and who is bound: the asker's profession, the professional a duty verb follows or who is named as
writing the document, and the signs that the duty asked about is the asker's own (« dois-je… », « mes bilans »).
The arrêté binds whoever writes the document (tests/data/LABELLING.md, « Who is covered »); `decide` weighs these
signs against the rules' `covers` and the catalogue's `written_by`."""

from __future__ import annotations

from itertools import zip_longest

from bot.domain import DocumentInfo
from bot.lexicon import Lexicon, Match
from bot.marks import (
    ADDRESSEE_AFTER_MARKER,
    ADDRESSEE_FILLERS,
    AGENT_MARKS,
    ARTICLES,
    DETERMINERS,
    GROUP_MARKS,
    OF,
    marked_before,
    recipient_marks,
)


def asker_profession(
    tokens: list[str], matches: list[Match], lexicon: Lexicon, lang: str = "fr"
) -> tuple[str | None, set[int]]:
    """The asker's own profession ("je suis infirmière", "Pharmacien ici :"), and the match positions it used."""
    professions = [m for m in matches if m.kind == "profession"]
    if not professions:
        return None, set()
    recipients = recipient_marks(lang)
    # a greeting before the profession ("Bonjour, pharmacienne…") is not content that makes it a recipient
    covered = {i for m in matches if m.kind not in ("profession", "greeting") for i in range(m.start, m.end)}
    opening: tuple[str, set[int]] | None = None
    opening_words: int | None = None
    for m in professions:
        before = tokens[max(0, m.start - 4) : m.start]
        leading = [i for i in range(m.start) if tokens[i] not in lexicon.stopwords]
        if opening_words is None and len(leading) > 1:
            # "Coordinatrice de greffe (IDE) : suis-je tenue…": a few plain words may open a self-introduction
            # when the asker's own duty is asked; otherwise one at most ("Infirmière : …", "Community pharmacist")
            own = lexicon.asker_bound_set.occurs_in(tokens) or lexicon.asker_writes_set.occurs_in(tokens)
            opening_words = 4 if own else 1
        # "Infirmière : …", "Community pharmacist, …": the profession opens the message (one plain word may precede)
        first_content = (
            len(leading) <= (opening_words or 1)
            and not any(i in covered for i in leading)
            and not (before and before[-1] in recipients)
        )
        if m.end < len(tokens) and tokens[m.end] in lexicon.asker_after:
            return m.value, {m.start}
        # "je suis infirmière", but not "je dois l'envoyer moi au médecin" (an addressee after the marker)
        markers = lexicon.asker_marker_set
        marked = any(
            tuple(before[i : i + n]) in markers and not set(before[i + n :]) & ADDRESSEE_AFTER_MARKER
            for n in markers.lengths
            for i in range(len(before) - n + 1)
        )
        if before and before[-1] in GROUP_MARKS and not (len(before) > 1 and before[-2] in recipients):
            marked = True
        if set(before[-2:]) & recipients and not marked:
            continue  # "j'envoie à l'IDEL": a recipient, not the asker
        if marked:
            return m.value, {m.start}
        # but "Le kiné me demande si…" is relayed by the writer ("Opticien : un client me demande…" is not: the
        # one asking is someone else, named in between)
        # ("Aide-soignante : on me demande de…": « on » is that someone, not the name of the professional)
        relays = lexicon.asks_writer_set.starts_at(tokens, m.end) or (
            m.end < len(tokens)
            and tokens[m.end] not in lexicon.subject_pronouns
            and lexicon.asks_writer_set.starts_at(tokens, m.end + 1)
        )
        # "Kiné respiratoire pour une bronchiolite : l'ordonnance…": a care named with its prescription, not the
        # asker (who would say so: « Kiné ici », « dois-je… »)
        if first_content and opening is None and not relays and not _care_named(tokens, m, matches, lexicon):
            opening = m.value, {m.start}
    # "Le kiné m'a demandé… Je suis radiologue": a profession said outright beats one that opens the message
    return opening or (None, set())


def _care_named(tokens: list[str], m: Match, matches: list[Match], lexicon: Lexicon) -> bool:
    """ "Kiné respiratoire pour une bronchiolite : l'ordonnance…": a care named with its prescription, not the
    asker (who would say so: « Kiné ici », « dois-je… », « mes bilans »)."""
    if not any(d.kind == "domain" and d.start == m.start for d in matches):
        return False
    if not any(n.kind == "nature" and n.value == "prescription" for n in matches):
        return False
    return not (
        lexicon.asker_bound_set.occurs_in(tokens)
        or lexicon.asker_writes_set.occurs_in(tokens)
        or not lexicon.own_marks.isdisjoint(tokens)
    )


def addressee_before(tokens: list[str], start: int, marks: frozenset[str], lexicon: Lexicon, reach: int = 4) -> bool:
    """A mark shortly before `start` ("au médecin traitant", "to the oral surgeon", "to the patient's GP"), but
    not one that ends an earlier phrase: an article after a word between them opens a new one ("Psychologue
    au CMP : le psychiatre doit-il…")."""
    article = False
    for i in range(start - 1, max(-1, start - reach - 1), -1):
        t = tokens[i]
        if t in marks:
            return True
        if t in DETERMINERS:
            article = True
        elif t not in lexicon.stopwords and t not in ADDRESSEE_FILLERS and article:
            return False
    return False


def owner_of_document(tokens: list[str], start: int, documents: list[Match]) -> bool:
    """A professional named as the document's owner: "le CR du radiologue", "la réponse écrite du psychiatre"
    (« du », « de la », "of the" right before it, a document at most two words before that)."""
    i = start - 1
    while i >= 0 and tokens[i] in ARTICLES:
        i -= 1
    if i < 0 or tokens[i] not in OF:
        return False
    return any(i - 3 <= d.end <= i for d in documents)


def personal_duty(words: list[str], lexicon: Lexicon, within: int | None = None) -> bool:
    """A duty verb that binds a person: not one whose subject is a document on its way ("le CR de mon fils
    doit-il aller dans son DMP ?", "must it go…"). Only a verb among the first `within` words counts; the words
    after it are read past them (« (IDE libérale, 3 passages/jour) doit-elle être versée… »)."""
    for i in range(len(words) if within is None else min(within, len(words))):
        if lexicon.duty_verb_set.starts_at(words, i):
            following = [w for w in words[i + 1 : i + 5] if w not in lexicon.subject_pronouns and w != "t"]
            if not (following[:2] and lexicon.document_verbs.intersection(following[:2])):
                return True
    return False


def _words_after(
    tokens: list[str], m: Match, following: Match | None, subjects: set[int], lexicon: Lexicon
) -> list[str]:
    """The words after a professional that can say what it does: up to the next professional, a new subject
    (a pronoun, a document named) or a few words; across a relative clause ("le radiologue qui a fait…")."""
    # the verb follows closely, with no other professional or subject pronoun in between
    # ("IDE : le médecin doit-il…", but not "d'après le podologue). Il doit…")
    relative = m.end < len(tokens) and tokens[m.end] in lexicon.relative_markers  # "le radiologue qui a fait…"
    reach = 12 if relative else 6
    window = tokens[m.end : min(m.end + reach, following.start if following else len(tokens))]
    cut = (
        len(window)
        if relative
        else next(
            (
                i
                for i, t in enumerate(window)
                # "le médecin traitant de nos résidents doit-il…": a possessive after « de » is no new subject;
                # "les manips ont-ils…", "a-t-il": a pronoun after the verb is the same subject
                if (
                    t in lexicon.subject_pronouns
                    and not (i and (window[i - 1] in OF or i == 1 or window[i - 1] == "t"))
                )
                or m.end + i in subjects
            ),
            len(window),
        )
    )
    after = window[:cut]
    if following is not None and len(after) == following.start - m.end:
        # "nurse working in Nice: must the GP put…": a verb just before the next professional is its own
        k = len(after)
        while k and after[k - 1] in DETERMINERS:
            k -= 1
        if k and lexicon.duty_verb_set.starts_at(after, k - 1):
            after = after[: k - 1]
    return after


def obliged_professional(
    tokens: list[str],
    matches: list[Match],
    lexicon: Lexicon,
    writers: frozenset[str] = frozenset(),
    lang: str = "fr",
) -> tuple[str | None, str | None, str | None, str | None]:
    """The professional the question is about, when it names one as bearing the duty or writing the document
    ("le chirurgien doit-il…", "le médecin a prescrit…", "do the consultants have to…"), and one named as
    asking through the writer ("le Dr M. me demande si…"), and the first one a duty verb follows, and the first
    one an author verb follows ("le kiné m'a fait un courrier", "the speech therapist wrote a letter"). A nurse asking
    what the surgeon must send asks about a surgeon: `decide` lets a covered professional named so outweigh
    the asker. Only `writers` (who may write a listed document) can be named as writing one: « la radio de mon
    fils » is the son's, not his writing."""
    duty, asking, bound, author = None, None, None, None
    # a profession inside the name of a care ("soins infirmiers à domicile") is no person
    cares = [(m.start, m.end) for m in matches if m.kind == "domain" and m.end - m.start > 1]
    named = sorted(
        (m for m in matches if m.kind == "profession" and not m.within(cares, strictly=True)),
        key=lambda m: m.start,
    )
    if not named:
        return None, None, None, None
    addressee_marks = recipient_marks(lang) | lexicon.addressee_marks  # "au médecin prescripteur", "for the GP"
    # a document named after the professional opens a new subject ("Infirmière : le CRO doit-il…")
    documents = [m for m in matches if m.kind in ("nature", "document")]
    # (not a verb that the lexicon also reads as a nature: "le médecin prescrit…")
    subjects = {
        m.start
        for m in matches
        if m.kind in ("nature", "domain", "document", "not_listed")
        and not lexicon.author_verb_set.starts_at(tokens, m.start)
    }
    for m, following in zip_longest(named, named[1:]):
        if m.start and tokens[m.start - 1] in lexicon.place_words:
            continue  # "notre centre ophtalmo fait des courriers": a place
        writes = not writers or m.value in writers
        if (
            writes
            and duty is None
            and marked_before(tokens, m.start, AGENT_MARKS, reach=2)
            and not marked_before(tokens, m.start, lexicon.carer_marks, reach=3)
        ):
            duty = m.value  # "l'EMG demandé par le neurologue", "prescribed by the GP": who wrote it
            continue
        if addressee_before(tokens, m.start, addressee_marks, lexicon):
            continue  # "au médecin prescripteur", "letters to the surgeons": an addressee, not the one bound
        if writes and duty is None and owner_of_document(tokens, m.start, documents):
            duty = m.value  # "la réponse écrite du psychiatre", "the surgeon's report": who wrote it
            continue
        after = _words_after(tokens, m, following, subjects, lexicon)
        if author is None and lexicon.author_verb_set.occurs_in(after):
            author = m.value
        personal = personal_duty(tokens[m.end : m.end + len(after) + 5], lexicon, within=len(after))
        if duty is None and (personal or (writes and lexicon.author_verb_set.occurs_in(after))):
            duty = m.value
        if bound is None and personal:
            bound = m.value
        if asking is None and lexicon.asking_verb_set.occurs_in(after):
            asking = m.value
    if bound is None:
        bound = _named_before_pronoun_duty(tokens, named, documents, lexicon, writers, addressee_marks)
    return duty, asking, bound, author


THIRD_PERSONS = frozenset({"il", "elle", "ils", "elles", "he", "she", "they"})


def _named_before_pronoun_duty(
    tokens: list[str],
    named: list[Match],
    documents: list[Match],
    lexicon: Lexicon,
    writers: frozenset[str],
    addressee_marks: frozenset[str],
) -> str | None:
    """ "When the surgeon sees my patients…, must he send me…?": a duty asked of « il »/"he" falls on the last
    professional named before it who may write a listed document (not an addressee), unless a document named in
    between is the pronoun's subject ("…l'ordonnance de kiné doit-elle aller au DMP ?")."""
    if THIRD_PERSONS.isdisjoint(tokens):
        return None  # no « il », "he": nothing to bind
    for i in range(len(tokens)):
        if lexicon.duty_verb_set.starts_at(tokens, i) and not THIRD_PERSONS.isdisjoint(tokens[i : i + 4]):
            if not personal_duty(tokens[i : i + 6], lexicon):
                return None  # "doit-il être versé", "doit-elle aller": a document on its way
            earlier = [
                m
                for m in named
                if m.end <= i and m.value in writers and not addressee_before(tokens, m.start, addressee_marks, lexicon)
            ]
            if not earlier or any(earlier[-1].end <= d.start < i for d in documents):
                return None
            return earlier[-1].value
    return None


def asker_bound(tokens: list[str], lexicon: Lexicon, relayed: bool = False) -> bool:
    """Whether the duty asked about is the asker's own: « dois-je… », « je rédige ». Only asked of a question
    whose asker names a profession. In a question relayed by the writer ("le manip me demande si c'est à lui…")
    "je" is the writer: only the third person (`relayed_bound`) counts."""
    return not relayed and lexicon.asker_bound_set.occurs_in(tokens)


def own_document(tokens: list[str], matches: list[Match], lexicon: Lexicon, relayed: bool = False) -> bool:
    """Whether the document is said to be the asker's (« mes bilans », « demande si ses courriers… »): theirs
    unless a covered professional is named writing it (« ma psychiatre doit-elle mettre mes ordonnances… »)."""
    if lexicon.relayed_own_set.occurs_in(tokens):
        return True
    named = [m for m in matches if m.kind in ("nature", "domain", "document")]
    return not relayed and any(m.start and tokens[m.start - 1] in lexicon.own_marks for m in named)


_WRITERS: list[tuple[dict[str, DocumentInfo], frozenset[str]]] = []  # the last catalogue seen, and its writers


def writers(catalogue: dict[str, DocumentInfo]) -> frozenset[str]:
    """Every profession that may write a listed document, computed once for the catalogue in use."""
    if not _WRITERS or _WRITERS[0][0] is not catalogue:
        _WRITERS[:] = [(catalogue, frozenset(p for d in catalogue.values() for p in d.written_by))]
    return _WRITERS[0][1]


def acts_for_doctor(tokens: list[str], start: int, lexicon: Lexicon) -> bool:
    """Whether the profession at `start` is staff acting for a doctor (assistante médicale)."""
    return lexicon.acting_for_doctor_set.starts_at(tokens, start)
