"""Prometheus counters of the feedback loop, on the process's registry (served at /metrics)."""

from __future__ import annotations

from prometheus_client import Counter

from bot.observability import REGISTRY, VERDICTS

VOTES = Counter(
    "obligations_feedback_votes",
    "Votes on answers: up or down, by verdict of the answer, front end and language.",
    ["vote", "verdict", "frontend", "lang"],
    registry=REGISTRY,
)
REPORTS = Counter(
    "obligations_reports",
    "Error reports sent by users, by outcome (stored, or why it was refused) and front end.",
    ["outcome", "frontend"],
    registry=REGISTRY,
)
FRONTENDS = frozenset({"telegram", "web", "console"})
OUTCOMES = frozenset({"stored", "empty", "too_long", "limited", "unavailable", "expired"})


def _bounded(value: str, known: frozenset[str]) -> str:
    return value if value in known else "other"


def record_vote(up: bool, verdict: str, frontend: str, lang: str) -> None:
    VOTES.labels(
        vote="up" if up else "down",
        verdict=_bounded(verdict, VERDICTS | {"a_verifier"}),
        frontend=_bounded(frontend, FRONTENDS),
        lang="en" if lang == "en" else "fr",
    ).inc()


def record_report(outcome: str, frontend: str) -> None:
    REPORTS.labels(outcome=_bounded(outcome, OUTCOMES), frontend=_bounded(frontend, FRONTENDS)).inc()
