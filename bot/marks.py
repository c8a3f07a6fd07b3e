"""Small words that give a word its role in a question: an addressee (« au », "to"), an agent (« par »), a
complement (« de »), a determiner. Shared by the steps that read who asks, who is bound, and what is named."""

from __future__ import annotations

RECIPIENT_MARKS = frozenset({"au", "aux", "a", "to", "chez"})


def recipient_marks(lang: str) -> frozenset[str]:
    """The addressee marks of a message's language: « a » is « à » in French, an article in English ("Is a
    nurse covered?")."""
    return RECIPIENT_MARKS if lang == "fr" else RECIPIENT_MARKS - {"a"}


OF = frozenset({"de", "d", "du", "des", "of", "for"})


AGENT_MARKS = frozenset({"par", "by"})


NATURE_NEGATIONS = frozenset({"non", "pas", "not"})


ADDRESSEE_AFTER_MARKER = RECIPIENT_MARKS - {"a"}  # "I'm a nurse": the English article, not « à »


GROUP_MARKS = frozenset({"nos", "notre", "our", "mes", "my"})  # "nos infirmiers…" asks for a team


ADDRESSEE_FILLERS = frozenset({"patient", "patients", "patiente", "patientes"})  # "to the patient's GP"


ARTICLES = frozenset({"le", "la", "les", "l", "un", "une", "the", "an"})


DEFINITE = frozenset({"le", "la", "les", "l", "the"})  # « pas la lettre de sortie »: that one, not another


DETERMINERS = ARTICLES | {
    "mon",
    "ma",
    "mes",
    "son",
    "sa",
    "ses",
    "notre",
    "nos",
    "leur",
    "leurs",
    "my",
    "his",
    "her",
    "our",
}


def marked_before(tokens: list[str], start: int, marks: frozenset[str], reach: int = 4) -> bool:
    """One of `marks` among the `reach` tokens before `start` ("au médecin traitant", "to the patient's GP")."""
    return not marks.isdisjoint(tokens[max(0, start - reach) : start])


def after_mark(tokens: list[str], start: int, marks: frozenset[str]) -> bool:
    """One of `marks` just before `start`, articles aside (« avant la scinti », « comme le compte rendu »)."""
    i = start - 1
    while i >= 0 and tokens[i] in DETERMINERS:
        i -= 1
    return i >= 0 and tokens[i] in marks
