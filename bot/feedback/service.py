"""`Feedback`: what every front end calls to record a vote or a report. Never raises, never blocks answering.

Order of a report: refuse what is empty, too long or over the sender's daily cap; mask identifiers
with `bot.privacy`; only then write. A storage failure is a refusal with a reason and a counter,
logged without text.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.feedback import metrics
from bot.feedback.facts import AnswerFacts
from bot.feedback.limits import DailyCap
from bot.feedback.store import DEFAULT_RETENTION_DAYS, ReportStore, StorageUnavailable, default_path
from bot.observability import log_event
from bot.privacy import mask_identifiers

log = logging.getLogger("bot.feedback")
# The engine's limit on a question (the page's and the API's, bot/web/params.py): a report is a question.
MAX_QUESTION_CHARS = 2000
MAX_COMMENT_CHARS = 500
DEFAULT_REPORTS_PER_DAY = 5
UNAVAILABLE_HINT = "set OBLIGATIONS_REPORTS_DB to a writable file; answers are not affected"


@dataclass(frozen=True)
class ReportOutcome:
    """`outcome` is stored, empty, too_long, limited or unavailable; `number` and `masked` when stored."""

    outcome: str
    number: int = 0
    masked: tuple[str, ...] = ()

    @property
    def stored(self) -> bool:
        return self.outcome == "stored"


class Feedback:
    def __init__(
        self,
        store: ReportStore | None,
        reports_per_day: int = DEFAULT_REPORTS_PER_DAY,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self.store = store
        self.cap = DailyCap(reports_per_day, today)
        self.retention_days = store.retention.days if store is not None else DEFAULT_RETENTION_DAYS

    @classmethod
    def from_settings(cls, settings: Any) -> Feedback:
        path = getattr(settings, "obligations_reports_db", None) or default_path()
        retention = getattr(settings, "obligations_reports_retention_days", None) or DEFAULT_RETENTION_DAYS
        per_day = getattr(settings, "obligations_reports_per_user_per_day", None) or DEFAULT_REPORTS_PER_DAY
        return cls(ReportStore(Path(path), retention_days=retention), reports_per_day=per_day)

    @classmethod
    def disabled(cls) -> Feedback:
        """Votes counted in metrics only, reports refused: for tests and tools that must not write."""
        return cls(None)

    def start(self) -> bool:
        """Migrate the database at start-up; False (logged) if it cannot be used now. Answering goes on."""
        if self.store is None:
            return False
        try:
            before = self.store.migrate()
        except StorageUnavailable as exc:
            log_event(log, "reports_unavailable", logging.WARNING, reason=_short(exc), hint=UNAVAILABLE_HINT)
            return False
        log_event(log, "reports_ready", schema_from=before, path=str(self.store.path)[-100:])
        return True

    def vote(self, up: bool, facts: AnswerFacts, frontend: str) -> None:
        metrics.record_vote(up, facts.verdict, frontend, facts.lang)
        log_event(log, "feedback_vote", vote="up" if up else "down", verdict=facts.verdict, frontend=frontend)
        if self.store is None:
            return
        try:
            self.store.add_vote(up, facts, frontend)
        except StorageUnavailable as exc:
            log_event(log, "feedback_vote_not_saved", logging.WARNING, reason=_short(exc))

    def check(self, sender: Hashable, question: str) -> str | None:
        """Why a report would be refused before masking (empty, too_long, limited), or None."""
        if not question.strip():
            return "empty"
        if len(question) > MAX_QUESTION_CHARS:
            return "too_long"
        if not self.cap.allowed(sender):
            return "limited"
        return None

    def report(self, sender: Hashable, question: str, comment: str, facts: AnswerFacts, frontend: str) -> ReportOutcome:
        """Mask and store a report the user chose to send. `sender` keys the daily cap, in memory only."""
        question = (question or "").strip()
        comment = (comment or "").strip()[:MAX_COMMENT_CHARS]
        refused = self.check(sender, question)
        if refused is None and self.store is None:
            refused = "unavailable"
        if refused is not None:
            return self._refused(refused, frontend)
        masked_question, kinds = mask_identifiers(question)
        masked_comment, comment_kinds = mask_identifiers(comment)
        masked = tuple(
            sorted(set(kinds) | set(comment_kinds), key=("nir", "ins", "birth_date", "phone", "email").index)
        )
        try:
            assert self.store is not None
            number = self.store.add_report(masked_question, masked_comment, masked, facts, frontend)
        except StorageUnavailable as exc:
            log_event(log, "report_not_saved", logging.WARNING, reason=_short(exc), frontend=frontend)
            return self._refused("unavailable", frontend)
        self.cap.spend(sender)
        metrics.record_report("stored", frontend)
        log_event(log, "report_stored", frontend=frontend, verdict=facts.verdict, masked=list(masked))
        return ReportOutcome("stored", number, masked)

    def _refused(self, outcome: str, frontend: str) -> ReportOutcome:
        metrics.record_report(outcome, frontend)
        log_event(log, "report_refused", outcome=outcome, frontend=frontend)
        return ReportOutcome(outcome)


def _short(exc: BaseException) -> str:
    return str(exc)[-110:]
