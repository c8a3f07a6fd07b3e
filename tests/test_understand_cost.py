"""The cost of understanding grows at most linearly with the message (finding 1 of issue 12).

A question of 2,000 characters of repeated drug names cost 0.5 s when phrase resolution compared
every match with every other: one user could stall everyone. These tests hold a *ratio* (time for a
message ten times longer / time for the short one) under a bound that linear code meets with a wide
margin and quadratic code (ratio ~100) cannot; the absolute figures live in benchmarks/bench_understand.py.
"""

from __future__ import annotations

import datetime as dt
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.lexicon import Lexicon, Match

DAY = dt.date(2026, 11, 25)
# Linear code gives ~10 for ten times the input; quadratic code gives ~100.
RATIO_BOUND = 35

# Units a message can repeat: lexicon phrases (many overlapping matches each), unknown words (typo
# look-ups), one endless token, punctuation, mixed scripts, dates.
UNITS = [
    "drugs ",
    "compte rendu opératoire ",
    "bilan de kiné ",
    "ordonnance de médicaments au patient dans le DMP ",
    "CR биология 報告 DMP ناسخ ",
    "zorglubarde ",
    "12/03/2024 ",
    "?!.,;:-«» ",
]


def _best_time(fn, repeat: int = 5) -> float:
    """The fastest of a few runs: the least disturbed by whatever else the machine is doing."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _ratio(short, long) -> float:
    short(), long()  # warm caches
    return _best_time(long) / max(_best_time(short), 1e-6)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(unit=st.sampled_from(UNITS) | st.text(min_size=1, max_size=30))
def test_matching_ten_times_more_tokens_costs_at_most_linearly_more(engine, unit: str) -> None:
    lexicon = engine.lexicon
    tokens = lexicon.tokens(unit) or ["x"]
    short = (tokens * (200 // len(tokens) + 1))[:200]
    long = (tokens * (2000 // len(tokens) + 1))[:2000]
    ratio = _ratio(lambda: lexicon.match(short), lambda: lexicon.match(long))
    assert ratio < RATIO_BOUND, f"matching {unit!r}: 2,000 tokens cost {ratio:.0f}× 200 tokens"


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(unit=st.sampled_from(UNITS) | st.text(min_size=1, max_size=30))
def test_a_2000_character_message_costs_at_most_linearly_more_than_200(engine, unit: str) -> None:
    short = (unit * (200 // len(unit) + 1))[:200]
    long = (unit * (2000 // len(unit) + 1))[:2000]
    ratio = _ratio(lambda: engine.answer(short, DAY), lambda: engine.answer(long, DAY))
    assert ratio < RATIO_BOUND, f"answering {unit!r}: 2,000 characters cost {ratio:.0f}× 200 characters"


def test_resolution_of_many_overlapping_matches_is_not_quadratic() -> None:
    """The step that was quadratic, alone: 4,000 matches resolve in about ten times 400."""

    def matches(n: int) -> list[Match]:
        kinds = ("document", "domain", "implied", "nature")
        return [Match(kinds[i % 4], "x", i // 4, i // 4 + 1 + i % 2, 1.0, 0) for i in range(n)]

    small, big = matches(400), matches(4_000)
    ratio = _ratio(lambda: Lexicon._resolve(small), lambda: Lexicon._resolve(big))
    assert ratio < RATIO_BOUND, f"resolving 4,000 matches cost {ratio:.0f}× 400"


def test_resolution_keeps_what_the_pairwise_rule_keeps() -> None:
    """Same result as the rule it replaces (checked pairwise on small random inputs)."""
    import random

    from bot.lexicon import SPECIFIC_KINDS

    def family(kind: str) -> str:
        return "specific" if kind in SPECIFIC_KINDS else kind.split(":")[0]

    def pairwise(found: list[Match]) -> list[Match]:
        def inside(m: Match, o: Match) -> bool:
            return o.start <= m.start and m.end <= o.end

        kept = [
            m
            for m in found
            if not (m.kind not in SPECIFIC_KINDS and any(inside(m, s) for s in found if s.kind in SPECIFIC_KINDS))
            and not any(family(o.kind) == family(m.kind) and inside(m, o) and o.length > m.length for o in found)
        ]
        specific = [o for o in kept if o.kind in SPECIFIC_KINDS]
        kept = [
            m
            for m in kept
            if not (m.kind in SPECIFIC_KINDS and any(inside(m, o) and o.length > m.length for o in specific))
        ]
        return sorted(set(kept), key=lambda m: (m.start, m.end, m.kind, m.value))

    rng = random.Random(12)
    kinds = ["document", "uncertain", "not_listed", "nature", "domain", "channel", "hint:a", "hint:b"]
    for _ in range(3_000):
        found = []
        for _ in range(rng.randint(0, 12)):
            start = rng.randint(0, 8)
            found.append(Match(rng.choice(kinds), rng.choice("ab"), start, start + rng.randint(1, 4), 1.0, 0))
        got = sorted(Lexicon._resolve(found), key=lambda m: (m.start, m.end, m.kind, m.value))
        assert got == pairwise(found), found


def test_a_message_past_the_token_bound_is_answered_and_says_it_was_cut(engine) -> None:
    answer = engine.answer("compte rendu opératoire dans le DMP ? " + "merci " * 400, DAY)
    assert answer.documents[:1] == ["cr-operatoire"]
    assert "début" in answer.text
