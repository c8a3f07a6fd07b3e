"""Metrics for /metrics and the per-answer counter, shared with the Telegram bot (`bot.observability`)."""

from __future__ import annotations

import logging

from bot.observability import metrics_text
from bot.observability import record_answer as _record_answer

__all__ = ["metrics_text", "record_answer"]
log = logging.getLogger("bot.web.metrics")


def record_answer(verdict: str, seconds: float) -> None:
    """Count one web answer; a metrics failure must never cost the user their answer."""
    try:
        _record_answer("web", verdict, seconds)
    except Exception as exc:
        log.warning("record_answer failed: %s", type(exc).__name__)
