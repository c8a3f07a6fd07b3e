"""Serving code both front ends use: uvicorn start-up, and the /healthz and /metrics handlers.

`obligations serve` (bot.web) and `obligations telegram --webhook-url` (bot.telegram) both run an ASGI
app; keeping what they share here means neither package imports the other's serving code.

Two things uvicorn does not do for us: tell "port in use" apart from any other start-up failure (we
bind the socket ourselves first, so that is exit 71 with the address in the message), and exit 0
after SIGTERM (uvicorn re-raises the signal after its graceful shutdown, so the process would die by
it and systemd would log a failure).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.connections import (
    ServerLimits,
    Throttle,
    accept_batch,
    descriptor_cap,
    guarded_protocol,
    loop_exception_handler,
)
from bot.observability import metrics_text

NO_STORE = {"cache-control": "no-store"}


def listen_socket(host: str, port: int) -> socket.socket:
    """A bound socket for `host:port`; raises OSError (in use, not an address of this host) with errno set."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def listen_error(host: str, port: int, exc: OSError) -> str:
    """One line for stderr: which address, and why (e.g. 'Address already in use')."""
    reason = exc.strerror or type(exc).__name__
    return f"cannot listen on {host}:{port}: {reason}"


def make_server(app: Any, limits: ServerLimits | None = None, **config: Any) -> Any:
    """A uvicorn Server for `app` that exits cleanly on SIGTERM/SIGINT; no access log (questions are in ?q=).

    `limits` (default: from the descriptor limit, default deadlines) bound every connection: see bot.connections.
    """
    import uvicorn

    limits = limits or ServerLimits(max_connections=descriptor_cap())
    throttle = Throttle()

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            asyncio.get_running_loop().set_exception_handler(loop_exception_handler(throttle))
            await super().startup(sockets=sockets)

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            with super().capture_signals():
                try:
                    yield
                finally:
                    getattr(self, "_captured_signals", []).clear()  # do not re-raise: a clean stop exits 0

    settings: dict[str, Any] = {
        "access_log": False,
        "log_config": None,
        "server_header": False,
        "lifespan": "on",
        "proxy_headers": False,
        "http": guarded_protocol(limits, throttle),
        "timeout_keep_alive": limits.keepalive_timeout,
        "backlog": accept_batch(),
    }
    settings.update(config)
    return Server(uvicorn.Config(app, **settings))


async def healthz(request: Request) -> Response:
    """The app only exists once the rules loaded, so reaching this handler means they did."""
    return JSONResponse({"status": "ok", "documents": len(request.app.state.document_ids)}, headers=NO_STORE)


async def metrics_endpoint(request: Request) -> Response:
    body, content_type = metrics_text()
    return Response(body, media_type=content_type, headers=NO_STORE)
