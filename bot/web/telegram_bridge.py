"""Serve the Telegram webhook from the web process: one port, one engine, one set of metrics.

The bot itself lives in `bot.telegram`; this module mounts its webhook route (bot.telegram.webhook)
and runs the PTB application for the lifetime of the Starlette app, with the start-up sequence of
`obligations telegram` (bot.telegram.lifecycle) — but in the background: the helpdesk page and API
serve at once and stay up while Telegram (or DNS) is unreachable; start-up is retried with a capped
back-off and every failure is logged. Until the bot runs, the webhook answers 503 so Telegram retries.

A token Telegram rejects cannot get better by waiting: `on_fatal` (given by `bot.web.main`) is
called with the StartupFailure, and stops the process with exit 78 like `obligations telegram`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import urlsplit

from starlette.routing import BaseRoute

from bot import exitcodes
from bot.observability import log_event
from bot.settings import WEBHOOK_PATH, public_webhook_url

__all__ = [
    "WEBHOOK_PATH",
    "public_webhook_url",
    "WebhookUnavailable",
    "build_webhook_application",
    "webhook_route_for",
    "running",
]

log = logging.getLogger("bot.web.telegram")
_ON_FATAL = "obligations.on_fatal"
_SWEEPER = "obligations.sweeper"  # bot_data key: PTB's Application takes no other attributes


class WebhookUnavailable(RuntimeError):
    """The Telegram front end is not installed or not importable; the message says which part."""


def _import(module: str, name: str) -> Any:
    try:
        return getattr(__import__(module, fromlist=[name]), name)
    except (ImportError, AttributeError) as exc:
        raise WebhookUnavailable(f"{module}.{name} is not available ({type(exc).__name__})") from None


def build_webhook_application(
    settings: Any, engine: Any, *, on_fatal: Callable[[Exception], None] | None = None, feedback: Any = None
) -> Any:
    """The PTB application, without an updater: updates arrive through our route, not getUpdates.

    `on_fatal(failure)` is called if start-up fails for good (bot.telegram.lifecycle.StartupFailure,
    whose `exit_code` and one-line message are safe to print).
    """
    build_application: Callable[..., Any] = _import("bot.telegram.app", "build_application")
    application = build_application(settings, engine, updater=False, feedback=feedback)
    if on_fatal is not None:
        application.bot_data[_ON_FATAL] = on_fatal
    return application


def webhook_route_for(application: Any, secret: str) -> BaseRoute:
    route: BaseRoute = _import("bot.telegram.webhook", "webhook_route")(application, secret)
    return route


async def _start_in_background(application: Any, webhook_url: str | None, secret: str | None) -> None:
    lifecycle = _import("bot.telegram", "lifecycle")
    try:
        await lifecycle.bootstrap(application, webhook_url=webhook_url, secret=secret, retry=lifecycle.BACKGROUND)
        await application.start()
        application.bot_data[_SWEEPER] = asyncio.create_task(lifecycle.sweep_forever(application))
    except lifecycle.StartupFailure as failure:
        log_event(log, "telegram_startup_failed", logging.ERROR, exit_code=failure.exit_code, reason=failure.kind)
        on_fatal = application.bot_data.get(_ON_FATAL)
        if failure.exit_code == exitcodes.CONFIG and on_fatal is not None:
            on_fatal(failure)
        else:  # Telegram still unreachable: the helpdesk goes on without the bot until the next restart
            log_event(
                log,
                "telegram_gave_up",
                logging.ERROR,
                hint="the helpdesk still serves; restart the service to retry Telegram",
            )
        return
    log_event(log, "telegram_webhook_ready", host=urlsplit(webhook_url).hostname if webhook_url else None)


@contextlib.asynccontextmanager
async def running(application: Any, webhook_url: str | None, secret: str | None) -> AsyncIterator[None]:
    """Start the bot (and register the webhook) in the background; stop it and shut it down on exit."""
    lifecycle = _import("bot.telegram", "lifecycle")
    task = asyncio.create_task(_start_in_background(application, webhook_url, secret), name="telegram-start")
    try:
        yield
    finally:
        if not task.done():
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        sweeper = application.bot_data.pop(_SWEEPER, None)
        if sweeper is not None:
            sweeper.cancel()
        _import("bot.telegram.delivery", "close_delivery")(application)
        if application.running:
            await application.stop()
        await lifecycle.shutdown(application)
