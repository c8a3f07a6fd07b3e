"""Serve the Telegram webhook from the web process: one port, one engine, one set of metrics.

The bot itself lives in `bot.telegram`; this module only finds its entry points, mounts its
webhook route and runs the PTB application for the lifetime of the Starlette app, with the same
start-up sequence as `obligations telegram --webhook-url` (`bot.telegram.webhook.running`).
"""
from __future__ import annotations

import contextlib
import logging
from typing import Any, AsyncIterator, Callable
from urllib.parse import urlsplit, urlunsplit

from starlette.routing import BaseRoute

from bot.observability import log_event

log = logging.getLogger("bot.web.telegram")
WEBHOOK_PATH = "/telegram/webhook"


class WebhookUnavailable(RuntimeError):
    """The Telegram front end is not installed or not importable; the message says which part."""


class TelegramStartupError(RuntimeError):
    """The bot could not start; carries the error class only (PTB messages may repeat the token)."""


def _import(module: str, name: str) -> Any:
    try:
        return getattr(__import__(module, fromlist=[name]), name)
    except (ImportError, AttributeError) as exc:
        raise WebhookUnavailable(f"{module}.{name} is not available ({type(exc).__name__})") from None


def build_webhook_application(settings: Any, engine: Any) -> Any:
    """The PTB application, without an updater: updates arrive through our route, not getUpdates."""
    build_application: Callable[..., Any] = _import("bot.telegram.main", "build_application")
    return build_application(settings, engine, updater=False)


def webhook_route_for(application: Any, secret: str) -> BaseRoute:
    return _import("bot.telegram.webhook", "webhook_route")(application, secret)


def public_webhook_url(base: str) -> str:
    """The URL Telegram must post to: `base` as given, or `base` + /telegram/webhook when it has no path."""
    parts = urlsplit(base)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ValueError(f"--webhook-url must be an absolute https:// URL, got {base!r}")
    if parts.path in ("", "/"):
        parts = parts._replace(path=WEBHOOK_PATH)
    return urlunsplit(parts)


@contextlib.asynccontextmanager
async def running(application: Any, webhook_url: str | None, secret: str | None) -> AsyncIterator[None]:
    """Initialize and start the bot, register the webhook; stop and shut down on exit."""
    run_bot = _import("bot.telegram.webhook", "running")
    stack = contextlib.AsyncExitStack()
    try:
        await stack.enter_async_context(run_bot(application, webhook_url=webhook_url, secret=secret))
    except Exception as exc:  # noqa: BLE001 - PTB's messages can repeat the token: keep the class only
        kind = type(exc).__name__
        log_event(log, "telegram_startup_failed", logging.ERROR, exc_type=kind)
        await stack.aclose()
        hint = {
            "InvalidToken": "Telegram rejected TELEGRAM_BOT_TOKEN: copy the token again from @BotFather",
            "NetworkError": "cannot reach the Telegram Bot API (TELEGRAM_API_BASE_URL)",
            "TimedOut": "the Telegram Bot API did not answer in time",
        }.get(kind, "see the error class")
        raise TelegramStartupError(f"the Telegram bot could not start ({kind}): {hint}") from None
    log_event(log, "telegram_webhook_ready", host=urlsplit(webhook_url).hostname if webhook_url else None)
    async with stack:
        yield
