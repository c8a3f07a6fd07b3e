"""What the bot remembers between two updates: follow-up contexts and per-user counters, in memory only.

A follow-up ("et au patient ?") needs the previous answer's facets, not its text: we keep the
engine's `Context` (document ids, channel, date…), keyed by chat id, for a limited time, and never
write it anywhere. Restarting the bot forgets everything, which is the point.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

K = TypeVar("K")
V = TypeVar("V")

Clock = Callable[[], float]


def still_alive(items: dict[K, V], alive: Callable[[V], bool]) -> tuple[dict[K, V], int]:
    """The entries still alive, in a new dict (CPython never shrinks one on delete), and how many were dropped.
    The caller keeps its old dict when none was, so a sweep that finds nothing allocates nothing lasting."""
    kept = {k: v for k, v in items.items() if alive(v)}
    return kept, len(items) - len(kept)


@dataclass(frozen=True)
class Remembered:
    context: Any
    nonce: int  # ties inline buttons to the answer they were shown with
    expires: float


class ContextStore:
    """Chat id → the last answer's context, forgotten after `ttl` seconds or on /oublier."""

    def __init__(self, ttl: float, clock: Clock = time.monotonic, max_chats: int = 100_000) -> None:
        self.ttl = ttl
        self._clock = clock
        self._max = max_chats
        self._items: dict[int, Remembered] = {}
        self._nonces = itertools.count(1)

    def put(self, chat_id: int, context: Any) -> int:
        """Remember `context` for the chat; returns a nonce for buttons attached to this answer."""
        now = self._clock()
        if len(self._items) >= self._max:
            self._sweep(now)
            if len(self._items) >= self._max:  # still full: drop the oldest
                oldest = min(self._items, key=lambda k: self._items[k].expires)
                del self._items[oldest]
        nonce = next(self._nonces)
        self._items.pop(chat_id, None)
        self._items[chat_id] = Remembered(context, nonce, now + self.ttl)
        return nonce

    def get(self, chat_id: int) -> Remembered | None:
        item = self._items.get(chat_id)
        if item is None:
            return None
        if item.expires <= self._clock():
            del self._items[chat_id]
            return None
        return item

    def context(self, chat_id: int) -> Any:
        item = self.get(chat_id)
        return None if item is None else item.context

    def clear(self, chat_id: int) -> bool:
        return self._items.pop(chat_id, None) is not None

    def __len__(self) -> int:
        self._sweep(self._clock())
        return len(self._items)

    def sweep(self) -> int:
        """Forget every expired context now (run periodically: memory returns to baseline after the TTL)."""
        return self._sweep(self._clock())

    def _sweep(self, now: float) -> int:
        kept, expired = still_alive(self._items, lambda v: v.expires > now)
        if expired:
            self._items = kept
        return expired


@dataclass
class _Window:
    start: float
    count: int = 0
    warned: bool = False


class RateLimit:
    """At most `per_minute` updates per user in a fixed one-minute window.

    `hit()` says whether to process the update, and whether this is the first refusal of the
    window (the only one that gets a polite reply, so a flood does not become our flood).
    """

    def __init__(self, per_minute: int, clock: Clock = time.monotonic, period: float = 60.0) -> None:
        self.per_minute = per_minute
        self.period = period
        self._clock = clock
        self._windows: dict[int, _Window] = {}

    def hit(self, user_id: int) -> tuple[bool, bool]:
        """(allowed, warn): warn is True once per window, on the first refused update."""
        now = self._clock()
        window = self._windows.get(user_id)
        if window is None or now - window.start >= self.period:
            if len(self._windows) > 10_000:
                self._windows = {k: w for k, w in self._windows.items() if now - w.start < self.period}
            window = self._windows[user_id] = _Window(now)
        window.count += 1
        if window.count <= self.per_minute:
            return True, False
        warn = not window.warned
        window.warned = True
        return False, warn

    def sweep(self) -> int:
        """Forget every window that has ended (run periodically, not only when 10,000 users are stored)."""
        now = self._clock()
        kept, ended = still_alive(self._windows, lambda w: now - w.start < self.period)
        if ended:
            self._windows = kept
        return ended

    def __len__(self) -> int:
        return len(self._windows)
