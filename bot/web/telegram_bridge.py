"""Serve the Telegram webhook from the web process: one port, one engine, one set of metrics.

The bot itself lives in `bot.telegram`; this module only finds its two entry points, mounts the
webhook route and runs the PTB application for the lifetime of the Starlette app.
"""
from __future__ import annotations

import contextlib
import logging
from typing import Any, AsyncIterator, Callable
from urllib.parse import urlsplit, urlunsplit

from starlette.routing import BaseRoute

log = logging.getLogger("bot.web.telegram")
WEBHOOK_PATH = "/telegram/webhook"


class WebhookUnavailable(RuntimeError):
    """The Telegram front end is not installed or not importable; the message says which part."""


def load_telegram() -> tuple[Callable[..., Any], Callable[..., BaseRoute]]:
    """`build_application` and `webhook_route`, or a clear error naming the missing piece."""
    try:
        from bot.telegram.main import build_application
    except ImportError as exc:
        raise WebhookUnavailable(f"bot.telegram.main.build_application is not available ({exc})") from None
    try:
        from bot.telegram.webhook import webhook_route
    except ImportError as exc:
        raise WebhookUnavailable(f"bot.telegram.webhook.webhook_route is not available ({exc})") from None
    return build_application, webhook_route


def webhook_route_for(application: Any, secret: str) -> BaseRoute:
    _, webhook_route = load_telegram()
    return webhook_route(application, secret)


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
    """Initialize and start PTB, register the webhook, and undo it all on shutdown (in reverse)."""
    await application.initialize()
    try:
        await application.start()
        try:
            if webhook_url:
                await application.bot.set_webhook(url=webhook_url, secret_token=secret)
                log.info("telegram webhook registered at %s", urlsplit(webhook_url).netloc)
            yield
        finally:
            await application.stop()
    finally:
        await application.shutdown()
