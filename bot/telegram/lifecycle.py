"""Start and stop the bot the same way in every mode: polling, `telegram --webhook-url`, `serve --webhook-url`.

Start-up is getMe (PTB's `initialize`), the command menus (`post_init`) and, in webhook mode,
setWebhook. A network failure is retried with a doubling, capped delay for a bounded number of
attempts, each one logged (error class and host only: PTB's messages can repeat the token). A token
Telegram rejects is not retried. Failures are raised as `StartupFailure`, which carries the exit
status from `bot.exitcodes` and a one-line message safe to print.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from bot import exitcodes
from bot.observability import log_event, record_telegram_error
from bot.telegram.delivery import close_delivery

log = logging.getLogger("bot.telegram")

# The update kinds the handlers answer (bot/telegram/app.py::register_handlers). Edited messages are
# left out on purpose: the original was already answered, and an edit may add patient data we never need.
ALLOWED_UPDATES = ("message", "callback_query", "inline_query")


@dataclass(frozen=True)
class RetryPolicy:
    """How many times to try, and how long to wait between tries (doubling from `first_delay`)."""

    attempts: int = 5
    first_delay: float = 1.0
    max_delay: float = 30.0

    def delays(self) -> list[float]:
        out, delay = [], self.first_delay
        for _ in range(self.attempts - 1):
            out.append(min(delay, self.max_delay))
            delay *= 2
        return out


# `obligations telegram`: give up after ~30 s and let systemd restart the process (exit 69).
FOREGROUND = RetryPolicy(attempts=6, first_delay=1.0, max_delay=16.0)
# `obligations serve`: the helpdesk stays up meanwhile, so keep trying longer (~10 minutes).
BACKGROUND = RetryPolicy(attempts=14, first_delay=1.0, max_delay=60.0)


class StartupFailure(Exception):
    """The bot could not start; `str()` is one line without the token, `exit_code` from bot.exitcodes."""

    def __init__(self, message: str, exit_code: int, kind: str) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.kind = kind  # token_rejected, unreachable or refused: short, for the logs


def _host(application: Application) -> str:
    return urlsplit(application.bot.base_url).hostname or "?"


async def _start_once(application: Application, webhook_url: str | None, secret: str | None) -> None:
    await application.initialize()  # getMe; a no-op once it succeeded
    if application.post_init is not None:
        await application.post_init(application)
    if webhook_url:
        await application.bot.set_webhook(url=webhook_url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES))


async def bootstrap(
    application: Application,
    *,
    webhook_url: str | None = None,
    secret: str | None = None,
    retry: RetryPolicy = FOREGROUND,
) -> None:
    """getMe, command menus and (with `webhook_url`) setWebhook, retrying network failures.

    Raises StartupFailure: CONFIG for a token Telegram rejects or a webhook it refuses, UNAVAILABLE
    when Telegram cannot be reached after `retry.attempts` tries.
    """
    delays = retry.delays()
    for attempt in range(1, retry.attempts + 1):
        try:
            await _start_once(application, webhook_url, secret)
            return
        except InvalidToken:
            # PTB's message repeats the token: never print it.
            raise StartupFailure(
                "Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized): copy the token again from @BotFather",
                exitcodes.CONFIG,
                "token_rejected",
            ) from None
        except (NetworkError, RetryAfter) as exc:
            record_telegram_error(exc)
            if attempt == retry.attempts:
                log_event(
                    log,
                    "telegram_unavailable",
                    logging.ERROR,
                    error=type(exc).__name__,
                    host=_host(application),
                    attempts=attempt,
                )
                raise StartupFailure(
                    f"cannot reach the Telegram Bot API at {_host(application)} after {attempt} tries ({type(exc).__name__})",
                    exitcodes.UNAVAILABLE,
                    "unreachable",
                ) from None
            wait = max(
                delays[attempt - 1], float(getattr(exc, "retry_after", 0) or 0) if isinstance(exc, RetryAfter) else 0.0
            )
            log_event(
                log,
                "telegram_bootstrap_retry",
                logging.WARNING,
                error=type(exc).__name__,
                host=_host(application),
                attempt=attempt,
                retry_in_s=wait,
            )
            await asyncio.sleep(wait)
        except TelegramError as exc:  # BadRequest on setWebhook (bad URL or certificate), Forbidden…
            record_telegram_error(exc)
            hint = "; if it is setWebhook, check the webhook URL and that its host resolves" if webhook_url else ""
            raise StartupFailure(
                f"Telegram refused to start the bot ({type(exc).__name__}{hint})", exitcodes.CONFIG, "refused"
            ) from None


@contextlib.asynccontextmanager
async def started(application: Application) -> AsyncIterator[Application]:
    """Process updates (the application must be bootstrapped); stop and shut down on exit, even on error.

    On exit, answers kept through an outage stop being retried at once (they are dropped and counted),
    while answers being sent finish: a stop is quick and loses nothing that could still arrive.
    """
    try:
        await application.start()
        sweeper = asyncio.create_task(sweep_forever(application), name="obligations-sweep")
        try:
            yield application
        finally:
            sweeper.cancel()
            close_delivery(application)
            if application.running:
                await application.stop()
    finally:
        await shutdown(application)


SWEEP_SECONDS = 60.0  # bot_data["sweep_seconds"] overrides it (tests)


async def sweep_forever(application: Application) -> None:
    """Forget expired follow-up contexts, ended rate-limit windows and expired vote buttons every minute,
    traffic or not, so that memory goes back to its baseline once they have expired."""
    services = application.bot_data.get("services")
    if services is None:
        return
    loop = asyncio.get_running_loop()
    last = loop.time()
    while True:
        await asyncio.sleep(0.05 if application.bot_data.get("sweep_seconds") else 1.0)
        if loop.time() - last < float(application.bot_data.get("sweep_seconds", SWEEP_SECONDS)):
            continue
        last = loop.time()
        contexts, windows = services.contexts.sweep(), services.rate_limit.sweep()
        votes = services.ledger.sweep()
        if contexts or windows or votes:
            log_event(log, "telegram_swept", contexts=contexts, rate_windows=windows, vote_tokens=votes)


async def shutdown(application: Application) -> None:
    """Release PTB's HTTP clients; safe whether or not `initialize` ever succeeded."""
    with contextlib.suppress(Exception):
        await application.shutdown()
    with contextlib.suppress(Exception):
        await application.bot.shutdown()  # initialize may have opened the clients, then failed on getMe


@contextlib.asynccontextmanager
async def running(
    application: Application,
    webhook_url: str | None = None,
    secret: str | None = None,
    *,
    retry: RetryPolicy = FOREGROUND,
) -> AsyncIterator[Application]:
    """`bootstrap` then `started`: the bot runs inside the block. Raises StartupFailure."""
    try:
        await bootstrap(application, webhook_url=webhook_url, secret=secret, retry=retry)
    except BaseException:
        await shutdown(application)
        raise
    async with started(application):
        yield application
