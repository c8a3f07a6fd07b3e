"""Pure ASGI middleware: security headers on every response, and one access line per request.

The access line names the route, never the query string: questions travel in `?q=` and may contain
patient data. The same middleware is the last guard against a crash: it logs the exception's type
and where it happened (not its message, which could quote the question) and answers a JSON 500.
"""

from __future__ import annotations

import json
import logging
import time
import traceback
from collections.abc import Callable, Iterable

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.observability import log_event

access_log = logging.getLogger("bot.web.access")
error_log = logging.getLogger("bot.web.error")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
CLIENT_GONE = 499  # nginx's status for "client closed the request": logged, never sent
INTERNAL_ERROR_BODY = json.dumps(
    {"error": "internal_error", "message": "the server failed to answer; the error was logged without the question"}
).encode()


class SecurityHeadersMiddleware:
    """Adds the same strict headers to every HTTP response, errors included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _where(exc: BaseException) -> str:
    """File:line and function of the innermost frame: enough to find the bug, nothing of the input."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "?"
    last = frames[-1]
    return f"{last.filename.rsplit('/', 1)[-1]}:{last.lineno}:{last.name}"[:100]


class AccessLogMiddleware:
    """One structured line per request (method, route, status, milliseconds) and a JSON 500 on crash."""

    def __init__(self, app: ASGIApp, loggable_path: Callable[[str], bool] | None = None) -> None:
        self.app = app
        self.loggable_path = loggable_path or (lambda path: True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 0

        async def send_tracking(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_tracking)
        except ClientDisconnect:  # the client left (or stalled) mid-body: nothing to answer, nothing broken
            log_event(access_log, "client_disconnected", logging.INFO, where="request_body")
            status = status or CLIENT_GONE
        except Exception as exc:
            log_event(error_log, "unhandled_exception", logging.ERROR, exc_type=type(exc).__name__, where=_where(exc))
            if status == 0:
                status = 500
                await send(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", str(len(INTERNAL_ERROR_BODY)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": INTERNAL_ERROR_BODY})
        finally:
            path = scope.get("path", "")
            shown = path if self.loggable_path(path) else "(other)"
            log_event(
                access_log,
                "http_request",
                method=scope.get("method", "?"),
                path=shown,
                status=status,
                ms=round((time.perf_counter() - start) * 1000, 2),
            )


def known_paths(exact: Iterable[str], prefixes: Iterable[str] = ()) -> Callable[[str], bool]:
    """A predicate for paths we may log as they are; any other path could be typed by a user."""
    exact_set = frozenset(exact)
    prefix_tuple = tuple(prefixes)
    return lambda path: path in exact_set or (bool(prefix_tuple) and path.startswith(prefix_tuple) and len(path) < 80)
