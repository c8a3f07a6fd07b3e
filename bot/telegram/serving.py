"""Run an ASGI app on uvicorn the way `obligations serve` and `obligations telegram --webhook-url` both need.

Two things uvicorn does not do for us: tell "port in use" apart from any other start-up failure (we
bind the socket ourselves first, so that is exit 71 with the address in the message), and exit 0
after SIGTERM (uvicorn re-raises the signal after its graceful shutdown, so the process would die by
it and systemd would log a failure).
"""

from __future__ import annotations

import contextlib
import logging
import socket
import time
from collections.abc import Iterator
from typing import Any


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


KEEP_ALIVE_SECONDS = 5
RESERVED_FDS = 64  # for the log, the engine's files, Telegram's HTTP pool


def connection_cap() -> int:
    """Concurrent connections allowed: below the process's file limit, so /healthz still gets a descriptor."""
    try:
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, ValueError, OSError):
        return 1000
    if soft == resource.RLIM_INFINITY:
        return 10_000
    return max(16, min(10_000, soft - RESERVED_FDS))


class OncePerSecond(logging.Filter):
    """asyncio logs every failed accept() (EMFILE) at ERROR: at most one such line a second, with a count."""

    def __init__(self, clock: Any = time.monotonic) -> None:
        super().__init__()
        self._clock = clock
        self._last = -1e9
        self._skipped = 0

    def filter(self, record: logging.LogRecord) -> bool:
        now = self._clock()
        if now - self._last < 1.0:
            self._skipped += 1
            return False
        if self._skipped:
            record.msg = f"{record.getMessage()} ({self._skipped} similar lines skipped)"
            record.args = None
        self._last, self._skipped = now, 0
        return True


def rate_limit_asyncio_errors() -> None:
    target = logging.getLogger("asyncio")
    if not any(isinstance(f, OncePerSecond) for f in target.filters):
        target.addFilter(OncePerSecond())


def make_server(app: Any, **config: Any) -> Any:
    """A uvicorn Server for `app` that exits cleanly on SIGTERM/SIGINT; no access log (questions are in ?q=)."""
    import uvicorn

    rate_limit_asyncio_errors()

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:  # type: ignore[override]
            with super().capture_signals():
                try:
                    yield
                finally:
                    getattr(self, "_captured_signals", []).clear()  # do not re-raise: a clean stop exits 0

    settings = {
        # Exposed without nginx: idle keep-alive connections are closed after 5 s, and past
        # `connection_cap()` concurrent connections new requests get a 503 instead of exhausting file descriptors.
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
        "limit_concurrency": connection_cap(),
        "access_log": False,
        "log_config": None,
        "server_header": False,
        "lifespan": "on",
        "proxy_headers": False,
    }
    settings.update(config)
    return Server(uvicorn.Config(app, **settings))
