"""How the bot's own requests reach Telegram: paced, and retried when Telegram stumbles.

`AIORateLimiter` keeps us under Telegram's flood limits and waits out a 429 (retry_after). A 5xx
or a network error on sendMessage would otherwise lose an answer, so we retry those a few times
with a short back-off. A timed-out send may in rare cases have been delivered: a duplicate answer
is better than none for a practitioner waiting for it. getUpdates never goes through here; PTB's
polling loop retries it on its own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

from bot.observability import log_event, record_telegram_error

log = logging.getLogger("bot.telegram.delivery")


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter, plus a bounded retry on 5xx and network errors (not on 400 Bad Request)."""

    def __init__(self, *, network_retries: int = 2, backoff: float = 0.5, max_retries: int = 3, **kwargs: Any) -> None:
        super().__init__(max_retries=max_retries, **kwargs)
        self.network_retries = network_retries
        self.backoff = backoff

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        for attempt in range(self.network_retries + 1):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest:
                raise
            except NetworkError as exc:
                record_telegram_error(exc)
                if attempt == self.network_retries:
                    raise
                log_event(
                    log,
                    "telegram_retry",
                    logging.WARNING,
                    method=endpoint,
                    error=type(exc).__name__,
                    attempt=attempt + 1,
                )
                await asyncio.sleep(self.backoff * (2**attempt))
        raise AssertionError("unreachable")
