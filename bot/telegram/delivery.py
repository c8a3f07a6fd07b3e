"""How the bot's own requests reach Telegram: paced, kept through an outage, never sent twice.

`AIORateLimiter` keeps us under Telegram's flood limits and waits out a 429 (retry_after). On top:

- An answer (sendMessage, editMessageText) that fails where the request *surely did not reach
  Telegram* — connection refused or timed out while connecting, a 5xx, a 429 — is kept and tried
  again with a doubling back-off until Telegram is back, for at most `give_up_after` seconds; then
  it is dropped, logged and counted. The handler waits meanwhile, and the per-chat update processor
  (bot.telegram.processor) holds that chat's next updates behind it, so answers stay in order per
  chat while other chats go on.
- A request that may have reached Telegram (read timeout after it was sent, connection dropped
  mid-answer) is *not* retried: a practitioner would get the same answer twice, or three times.
  Timeouts are long (`send_timeout`, 30 s) so that a slow Telegram is waited for, not given up on.
- Other calls (answerCallbackQuery, answerInlineQuery, start-up calls) get a short retry only:
  a late answer to a button press is useless, and start-up has its own loop (bot.telegram.lifecycle).
- `close()` (SIGTERM) ends every wait at once: the kept answers are dropped and counted, the
  process exits 0 instead of being killed by systemd after TimeoutStopSec.

getUpdates never goes through here; PTB's polling loop retries it on its own.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import httpx
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter

from bot.observability import log_event, record_delivery, record_telegram_error

log = logging.getLogger("bot.telegram.delivery")

# The calls that carry an answer: worth keeping through an outage.
ANSWER_METHODS = frozenset({"sendMessage", "editMessageText"})
# Start-up calls: bot.telegram.lifecycle.bootstrap retries them itself, with its own policy and logs.
STARTUP_METHODS = frozenset({"getMe", "setMyCommands", "setWebhook", "deleteWebhook", "getWebhookInfo"})
# httpx errors raised before a byte of the request could reach Telegram.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class DeliveryPolicy:
    """How long answers are kept and how often they are tried again; tests shrink these."""

    first_backoff: float = 1.0
    max_backoff: float = 60.0
    give_up_after: float = 900.0  # 15 minutes: after that the question is stale, and memory is bounded
    send_timeout: float = 30.0  # read/write timeout of the bot's requests (PTB's default, 5 s, is too short)
    quick_retries: int = 2  # other calls: this many retries, then the error goes to the handler


def surely_not_delivered(exc: BaseException) -> bool:
    """Whether Telegram cannot have acted on the request that raised `exc` (so a retry cannot duplicate it).

    True for a 429, for an error status Telegram (or a proxy) answered, and for a connection that was
    never made. False for a read or write timeout, a connection dropped after sending, or anything unknown.
    """
    if isinstance(exc, RetryAfter):
        return True
    if not isinstance(exc, NetworkError) or isinstance(exc, BadRequest):
        return False  # BadRequest (400) is a NetworkError in PTB, but trying again cannot help
    cause = exc.__cause__
    if isinstance(cause, _NOT_SENT):
        return True
    if isinstance(exc, TimedOut) or isinstance(cause, httpx.HTTPError):
        return False
    # PTB wraps unexpected failures of the HTTP layer too: those are unknown, not an error status.
    return not str(exc).startswith("Unknown error in HTTP implementation")


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter that keeps answers through an outage and retries only what surely was not delivered."""

    def __init__(
        self, policy: DeliveryPolicy | None = None, *, clock: Callable[[], float] = time.monotonic, **kwargs: Any
    ) -> None:
        kwargs.setdefault("max_retries", 3)
        super().__init__(**kwargs)
        self.policy = policy or DeliveryPolicy()
        self._clock = clock
        self._closing: asyncio.Event | None = None
        self._closed = False

    def close(self) -> None:
        """Stop retrying now (SIGTERM): every kept answer is dropped at its next wait, which ends at once."""
        self._closed = True
        if self._closing is not None:
            self._closing.set()

    async def initialize(self) -> None:
        self._closed = False
        self._closing = asyncio.Event()
        await super().initialize()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        keep = endpoint in ANSWER_METHODS
        started = self._clock()
        attempt = 0
        while True:
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest:
                raise
            except (NetworkError, RetryAfter) as exc:  # TimedOut is a NetworkError
                record_telegram_error(exc)
                if not surely_not_delivered(exc):
                    if keep:
                        record_delivery("duplicate_avoided")
                        log_event(
                            log,
                            "telegram_send_not_retried",
                            logging.WARNING,
                            method=endpoint,
                            error=type(exc).__name__,
                            cause=type(exc.__cause__).__name__ if exc.__cause__ else None,
                            hint="it may have reached Telegram: not sent again, to avoid a duplicate",
                        )
                    raise
                attempt += 1
                delay = self._delay(attempt, exc)
                waited = self._clock() - started
                if self._closed or (keep and waited + delay > self.policy.give_up_after):
                    return self._drop(endpoint, exc, attempt, waited, keep)
                if not keep and (endpoint in STARTUP_METHODS or attempt > self.policy.quick_retries):
                    raise
                record_delivery("retried")
                log_event(
                    log,
                    "telegram_retry",
                    logging.WARNING,
                    method=endpoint,
                    error=type(exc).__name__,
                    attempt=attempt,
                    retry_in_s=round(delay, 3),
                )
                if await self._closed_within(delay):
                    return self._drop(endpoint, exc, attempt, self._clock() - started, keep)

    def _delay(self, attempt: int, exc: BaseException) -> float:
        delay = min(self.policy.first_backoff * 2 ** (attempt - 1), self.policy.max_backoff)
        if isinstance(exc, RetryAfter):
            retry_after = exc.retry_after
            seconds = retry_after.total_seconds() if hasattr(retry_after, "total_seconds") else float(retry_after)
            delay = max(delay, seconds)
        return float(delay)

    async def _closed_within(self, seconds: float) -> bool:
        """Sleep `seconds`, or less if `close()` is called meanwhile; whether it was."""
        if self._closing is None:
            self._closing = asyncio.Event()
            if self._closed:
                self._closing.set()
        try:
            await asyncio.wait_for(self._closing.wait(), timeout=seconds)
        except TimeoutError:
            return False
        return True

    def _drop(self, endpoint: str, exc: BaseException, attempts: int, waited: float, keep: bool) -> Any:
        reason = "stopping" if self._closed else "gave_up"
        if keep:
            record_delivery("dropped")
        log_event(
            log,
            "telegram_send_dropped",
            logging.ERROR,
            method=endpoint,
            reason=reason,
            error=type(exc).__name__,
            attempts=attempts,
            waited_s=round(waited, 1),
        )
        raise exc


def close_delivery(application: Any) -> None:
    """End the retry loops of `application`'s bot at once (called on stop, before waiting for handlers)."""
    limiter = getattr(getattr(application, "bot", None), "rate_limiter", None)
    close = getattr(limiter, "close", None)
    if callable(close):
        close()
