"""Webhook mode: Telegram POSTs updates to /telegram/webhook; we check the secret and queue them.

This is PTB's "custom webhook" pattern: our own Starlette route feeds `application.update_queue`.
The one route serves both `obligations serve --webhook-url` (mounted in the helpdesk app, see
bot/web/telegram_bridge.py) and `obligations telegram --webhook-url` (`webhook_app`: the route plus
the helpdesk app's own /healthz and /metrics handlers, so both modes answer them identically).
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

from bot.observability import log_event, record_delivery
from bot.serving import healthz, metrics_endpoint
from bot.settings import WEBHOOK_PATH, public_webhook_url
from bot.telegram.lifecycle import running, started

__all__ = ["WEBHOOK_PATH", "SECRET_HEADER", "MAX_BODY", "public_webhook_url", "webhook_route", "webhook_app", "running"]

log = logging.getLogger("bot.telegram.webhook")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1_000_000  # an update is a few kB; refuse anything absurd before reading it all
CLIENT_GONE = 499  # nginx's status for "client closed the request": logged, never sent
SEEN_UPDATES = 10_000  # update ids remembered: Telegram re-posts an update it got no 200 for, within minutes


class SeenUpdates:
    """The last `size` update ids: a re-posted update is confirmed (200) but not answered twice."""

    def __init__(self, size: int = SEEN_UPDATES) -> None:
        self.size = size
        self._ids: dict[int, None] = {}

    def first_time(self, update_id: int) -> bool:
        if update_id in self._ids:
            return False
        self._ids[update_id] = None
        if len(self._ids) > self.size:
            del self._ids[next(iter(self._ids))]
        return True


class _TooLarge(Exception):
    pass


async def _read_capped(request: Request, limit: int) -> bytes:
    """The body, read chunk by chunk; raises _TooLarge as soon as it passes `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise _TooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _TooLarge
    return bytes(body)


def webhook_route(application: Application, secret: str | None, path: str = WEBHOOK_PATH) -> Route:
    """A Starlette `POST path` route that accepts only requests carrying `secret` (else 403).

    503 while the bot is not running yet (Telegram then retries the update later), 413 above 1 MB.
    """
    if not secret:
        raise ValueError("a webhook needs TELEGRAM_WEBHOOK_SECRET: without it anyone could post fake updates")
    expected = secret.encode("utf-8")
    seen = SeenUpdates()

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8")
        if not hmac.compare_digest(given, expected):
            log_event(log, "telegram_webhook_refused", logging.WARNING, reason="bad_secret")
            return PlainTextResponse("forbidden", status_code=403)
        if not application.running:
            log_event(log, "telegram_webhook_refused", logging.WARNING, reason="bot_not_started")
            return PlainTextResponse("the bot is starting", status_code=503, headers={"retry-after": "10"})
        try:
            body = await _read_capped(request, MAX_BODY)
        except _TooLarge:
            log_event(log, "telegram_webhook_refused", logging.WARNING, reason="too_large")
            return PlainTextResponse("too large", status_code=413)
        except ClientDisconnect:  # the sender went away, or its body stalled past the deadline: not our error
            log_event(log, "telegram_webhook_client_gone", logging.INFO, reason="disconnected_mid_body")
            return Response(status_code=CLIENT_GONE)
        try:
            update = Update.de_json(json.loads(body), application.bot)
        except Exception:
            update = None
        if update is None:
            log_event(log, "telegram_webhook_refused", logging.WARNING, reason="bad_update")
            return PlainTextResponse("bad update", status_code=400)
        if not seen.first_time(update.update_id):
            record_delivery("duplicate_update")
            log_event(log, "telegram_webhook_duplicate", logging.WARNING, update_id=update.update_id)
            return Response(status_code=200)
        await application.update_queue.put(update)
        return Response(status_code=200)

    return Route(path, receive, methods=["POST"], name="telegram_webhook")


def webhook_app(application: Application, secret: str) -> Starlette:
    """The bot's own small server: the webhook route, GET /healthz and GET /metrics.

    /healthz and /metrics are the handlers the helpdesk app serves too (bot/serving.py), so monitoring sees the same
    JSON and the same metrics whichever command runs. The application must be bootstrapped
    (`bot.telegram.lifecycle.bootstrap`); it processes updates for the app's lifetime.
    """

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with started(application):
            yield

    app = Starlette(
        routes=[
            webhook_route(application, secret),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/metrics", metrics_endpoint, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.state.document_ids = frozenset(application.bot_data["services"].engine.rulebook.documents)
    return app
