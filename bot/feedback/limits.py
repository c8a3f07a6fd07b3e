"""Reports per sender per day, counted in memory only (a restart forgets, which is fine for a cap)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable


class DailyCap:
    """At most `limit` reports per sender and calendar day; the sender key never leaves memory."""

    def __init__(self, limit: int, today: Callable[[], dt.date] = dt.date.today, max_senders: int = 100_000) -> None:
        self.limit = limit
        self._today = today
        self._max = max_senders
        self._counts: dict[Hashable, tuple[dt.date, int]] = {}

    def allowed(self, sender: Hashable) -> bool:
        day, count = self._counts.get(sender, (None, 0))
        return day != self._today() or count < self.limit

    def spend(self, sender: Hashable) -> None:
        today = self._today()
        day, count = self._counts.get(sender, (today, 0))
        if day != today:
            count = 0
        if len(self._counts) >= self._max:
            self._counts = {k: v for k, v in self._counts.items() if v[0] == today}
        self._counts[sender] = (today, count + 1)
