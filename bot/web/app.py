"""`create_app`: the helpdesk page, the JSON API and, optionally, the Telegram webhook on one app.

Tests build the app directly with a loaded engine; `bot.web.main.run` adds uvicorn around it.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.feedback.service import Feedback
from bot.web import api, feedback_api, telegram_bridge
from bot.web.middleware import INTERNAL_ERROR_BODY, AccessLogMiddleware, SecurityHeadersMiddleware, known_paths

STATIC_DIR = Path(__file__).resolve().parent / "static"
INDEX_FILE = STATIC_DIR / "index.html"
HTTP_ERROR_CODES = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}


async def index(request: Request) -> Response:
    return FileResponse(INDEX_FILE, media_type="text/html; charset=utf-8", headers={"cache-control": "no-cache"})


async def http_error(request: Request, exc: Exception) -> Response:
    """404, 405… as JSON, keeping the headers Starlette sets (Allow on 405)."""
    assert isinstance(exc, HTTPException)
    code = HTTP_ERROR_CODES.get(exc.status_code, "http_error")
    return JSONResponse({"error": code, "message": exc.detail}, status_code=exc.status_code, headers=exc.headers)


async def server_error(request: Request, exc: Exception) -> Response:
    """A JSON 500 that says nothing of the internals (AccessLogMiddleware logged type and place)."""
    return Response(INTERNAL_ERROR_BODY, status_code=500, media_type="application/json")


def create_app(
    engine: Any,
    *,
    telegram_application: Any = None,
    webhook_secret: str | None = None,
    webhook_url: str | None = None,
    feedback: Feedback | None = None,
) -> Starlette:
    """The helpdesk app around a loaded `Engine`.

    With `telegram_application` (a PTB Application built by `bot.telegram.main.build_application`),
    POST /telegram/webhook is mounted and the application runs for the app's lifetime; with
    `webhook_url` too, the webhook is registered with Telegram at start-up. `feedback` records the
    page's votes and reports; without it, votes are counted in /metrics only and reports refused.
    """
    routes: list[BaseRoute] = [
        Route("/", index, methods=["GET"]),
        Route("/api/ask", api.ask, methods=["GET"]),
        Route("/api/documents", api.documents, methods=["GET"]),
        Route("/api/wording", api.wording, methods=["GET"]),
        Route("/api/feedback", feedback_api.vote, methods=["POST"]),
        Route("/api/feedback/texts", feedback_api.texts, methods=["GET"]),
        Route("/api/report", feedback_api.report, methods=["POST"]),
        Route("/healthz", api.healthz, methods=["GET"]),
        Route("/metrics", api.metrics_endpoint, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    if telegram_application is not None:
        if not webhook_secret:
            raise ValueError("a webhook secret is required to serve the Telegram webhook (TELEGRAM_WEBHOOK_SECRET)")
        routes.insert(0, telegram_bridge.webhook_route_for(telegram_application, webhook_secret))

    static_paths = {f"/static/{p.name}" for p in STATIC_DIR.iterdir() if p.is_file()}
    loggable = known_paths(
        {r.path for r in routes if isinstance(r, Route)} | static_paths | {telegram_bridge.WEBHOOK_PATH}
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if telegram_application is None:
            yield
            return
        async with telegram_bridge.running(telegram_application, webhook_url, webhook_secret):
            yield

    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeadersMiddleware),
            Middleware(AccessLogMiddleware, loggable_path=loggable),
        ],
        exception_handlers={HTTPException: http_error, Exception: server_error},
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.document_ids = frozenset(engine.rulebook.documents)
    app.state.rule_versions = frozenset(v.id for v in engine.rulebook.versions)
    app.state.feedback = feedback if feedback is not None else Feedback.disabled()
    return app
