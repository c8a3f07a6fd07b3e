"""Webhook mode: Telegram POSTs updates to /telegram/webhook; we check the secret and queue them.

This is PTB's "custom webhook" pattern: our own Starlette route feeds `application.update_queue`,
so the same route can live in the bot's own small server (`obligations telegram --webhook-url`)
or be mounted in the helpdesk web app (`obligations serve --webhook-url`), one process, one engine.
"""
from __future__ import annotations

import contextlib
import hmac
import json
import logging
from typing import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

from bot.observability import log_event

log = logging.getLogger("bot.telegram.webhook")
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1_000_000  # an update is a few kB; refuse anything absurd before parsing it


def webhook_route(application: Application, secret: str | None, path: str = WEBHOOK_PATH) -> Route:
    """A Starlette `POST path` route that accepts only requests carrying `secret` (else 403)."""
    if not secret:
        raise ValueError("a webhook needs TELEGRAM_WEBHOOK_SECRET: without it anyone could post fake updates")
    expected = secret.encode("utf-8")

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8")
        if not hmac.compare_digest(given, expected):
            log_event(log, "telegram_webhook_refused", logging.WARNING, reason="bad_secret")
            return PlainTextResponse("forbidden", status_code=403)
        body = await request.body()
        if len(body) > MAX_BODY:
            return PlainTextResponse("too large", status_code=413)
        try:
            data = json.loads(body)
            update = Update.de_json(data, application.bot)
        except Exception:
            log_event(log, "telegram_webhook_refused", logging.WARNING, reason="bad_update")
            return PlainTextResponse("bad update", status_code=400)
        if update is None:
            return PlainTextResponse("bad update", status_code=400)
        await application.update_queue.put(update)
        return Response(status_code=200)

    return Route(path, receive, methods=["POST"], name="telegram_webhook")


@contextlib.asynccontextmanager
async def running(application: Application, webhook_url: str | None = None, secret: str | None = None) -> AsyncIterator[Application]:
    """Initialize the bot, register menus (post_init) and the webhook, start processing; undo on exit."""
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        if webhook_url:
            await application.bot.set_webhook(url=webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
        await application.start()
        try:
            yield application
        finally:
            await application.stop()
    finally:
        await application.shutdown()


def webhook_app(application: Application, secret: str, webhook_url: str | None = None) -> Starlette:
    """A minimal Starlette app: the webhook route, plus GET /healthz; runs the bot for its lifetime."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with running(application, webhook_url, secret):
            yield

    async def health(request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(routes=[webhook_route(application, secret), Route("/healthz", health)], lifespan=lifespan)

