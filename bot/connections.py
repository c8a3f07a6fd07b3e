"""Limits that keep the HTTP server answering when it is exposed without nginx in front.

Why: uvicorn reads request headers and bodies without a deadline and accepts connections until the
process runs out of file descriptors. A few hundred idle or half-open connections (a port scan, a
slowloris, a stalled client) then exhaust the 1,024 descriptors of a default process: /healthz stops
answering and asyncio logs an accept error for every attempt. So, per connection:
- the request headers must arrive within `header_timeout` (from the connection, or the end of the
  previous response); an idle keep-alive connection is closed after `keepalive_timeout`;
- a request body must arrive within `body_timeout` (a stalled webhook body gets a 408 and is closed;
  the handler sees a client disconnect, logged at INFO, never a 500);
- at most `max_connections` are open, below the descriptor limit (RLIMIT_NOFILE). At the cap, the
  connection that has waited longest without sending a request is closed to make room, so a flood of
  idle sockets cannot lock out a real client; if every connection is busy, the new one gets a 503.
Closed connections are counted in /metrics and logged at most once a second per reason, and so are
accept errors (EMFILE): an attack must not turn into a flood of log lines.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from dataclasses import dataclass
from typing import Any

from bot.observability import log_event, record_connection_closed

__all__ = ["ServerLimits", "accept_batch", "descriptor_cap", "guarded_protocol", "loop_exception_handler", "Throttle"]

log = logging.getLogger("bot.serving")

# Descriptors kept free for everything that is not a client connection: the listening socket, log
# output, rule files, PTB's HTTP pool to Telegram, DNS.
MIN_RESERVED_DESCRIPTORS = 64
_UNLIMITED_FALLBACK = 65_536
_BUSY_RESPONSE = (
    b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 5\r\n"
    b"retry-after: 1\r\nconnection: close\r\n\r\nbusy\n"
)
_TIMEOUT_BODY = b"request body not received in time\n"


def _reserve() -> tuple[int, int]:
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft <= 0:
        soft = _UNLIMITED_FALLBACK
    return soft, max(MIN_RESERVED_DESCRIPTORS, soft // 8)


def descriptor_cap() -> int:
    """The most client connections this process can hold: the soft RLIMIT_NOFILE minus a reserve (1/8, at least 64)."""
    soft, reserve = _reserve()
    return max(8, soft - reserve)


def accept_batch() -> int:
    """The listen backlog, which is also how many connections asyncio accepts in one go.

    A connection closed to make room (or refused) frees its descriptor only on the next loop turn, so
    one batch can briefly hold cap + batch descriptors: the batch must fit in the reserve, or accept
    fails with EMFILE and asyncio stops accepting for a whole second.
    """
    _soft, reserve = _reserve()
    return max(8, min(2048, reserve // 4))


@dataclass(frozen=True)
class ServerLimits:
    """Deadlines in seconds and the connection cap; `from_settings` reads the OBLIGATIONS_* settings."""

    max_connections: int
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    keepalive_timeout: float = 5.0

    @classmethod
    def from_settings(cls, settings: Any) -> ServerLimits:
        """The configured limits; OBLIGATIONS_MAX_CONNECTIONS can lower the cap, never raise it above the descriptors."""
        cap = descriptor_cap()
        wanted = getattr(settings, "obligations_max_connections", None)
        if wanted is not None and wanted > cap:
            log_event(log, "max_connections_lowered", logging.WARNING, asked=wanted, allowed=cap)
        return cls(
            max_connections=cap if wanted is None else min(wanted, cap),
            header_timeout=getattr(settings, "obligations_header_timeout_seconds", cls.header_timeout),
            body_timeout=getattr(settings, "obligations_body_timeout_seconds", cls.body_timeout),
            keepalive_timeout=getattr(settings, "obligations_keepalive_timeout_seconds", cls.keepalive_timeout),
        )


class Throttle:
    """At most one log line per `interval` seconds per key; the line says how many were folded into it."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self._last: dict[str, float] = {}
        self._folded: dict[str, int] = {}

    def __call__(self, key: str, event: str, level: int = logging.INFO, **fields: Any) -> bool:
        now = time.monotonic()
        last = self._last.get(key)
        if last is not None and now - last < self.interval:
            self._folded[key] = self._folded.get(key, 0) + 1
            return False
        self._last[key] = now
        log_event(log, event, level, **fields, also_since_last=self._folded.pop(key, 0))
        return True


def loop_exception_handler(throttle: Throttle) -> Any:
    """An asyncio exception handler: accept errors (EMFILE, ENFILE, ENOBUFS…) logged once a second, others as usual."""

    def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if "accept" in str(context.get("message", "")):  # asyncio: "socket.accept() out of system resource"
            error = _errno(exc) if isinstance(exc, OSError) else type(exc).__name__
            throttle("accept", "accept_failed", logging.WARNING, error=error)
            return
        loop.default_exception_handler(context)

    return handle


def _errno(exc: OSError) -> str:
    import errno

    return errno.errorcode.get(exc.errno or 0, type(exc).__name__)


def guarded_protocol(limits: ServerLimits, throttle: Throttle) -> type[asyncio.Protocol]:
    """uvicorn's h11 protocol with the deadlines and the cap of `limits` (one class per server)."""
    import h11  # with uvicorn, only where a server is made: the front ends import this module at start-up
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class GuardedH11Protocol(H11Protocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            self._deadline: asyncio.TimerHandle | None = None
            self._seen_cycle: object = None
            self._refused = False
            self._idle_since = time.monotonic()
            if len(self.connections) >= limits.max_connections and not _evict_one(self.connections, throttle):
                self._refused = True
                transport.write(_BUSY_RESPONSE)
                transport.close()
                _closed("busy", throttle, limit=limits.max_connections)
                return
            super().connection_made(transport)
            self._arm(limits.header_timeout, self._header_timeout)

        def connection_lost(self, exc: Exception | None) -> None:
            if self._refused:
                return
            self._disarm()
            super().connection_lost(exc)

        def waiting_for_request(self) -> bool:
            return not self._refused and (self.cycle is None or self.cycle.response_complete)

        def handle_events(self) -> None:
            super().handle_events()
            cycle = self.cycle
            if cycle is None:
                return
            if cycle is not self._seen_cycle:  # a request's headers are in
                self._seen_cycle = cycle
                self._disarm()
                if cycle.more_body:
                    self._arm(limits.body_timeout, self._body_timeout)
            elif not cycle.more_body and self._deadline is not None and not cycle.response_complete:
                self._disarm()  # the body is complete

        def on_response_complete(self) -> None:
            self._disarm()
            self._idle_since = time.monotonic()
            super().on_response_complete()  # arms uvicorn's keep-alive timer
            if not self.transport.is_closing() and self.waiting_for_request():
                self._arm(limits.header_timeout, self._header_timeout)

        def _arm(self, seconds: float, callback: Any) -> None:
            self._disarm()
            self._deadline = self.loop.call_later(seconds, callback)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _header_timeout(self) -> None:
            self._deadline = None
            if self.waiting_for_request() and not self.transport.is_closing():
                _closed("header_timeout", throttle, seconds=limits.header_timeout)
                self.transport.close()

        def _body_timeout(self) -> None:
            self._deadline = None
            cycle = self.cycle
            if cycle is None or not cycle.more_body or cycle.response_complete or self.transport.is_closing():
                return
            _closed("body_timeout", throttle, seconds=limits.body_timeout)
            if not cycle.response_started:
                try:
                    response = h11.Response(
                        status_code=408,
                        headers=[
                            (b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(_TIMEOUT_BODY)).encode()),
                            (b"connection", b"close"),
                        ],
                        reason=b"Request Timeout",
                    )
                    self.transport.write(self.conn.send(response) or b"")
                    self.transport.write(self.conn.send(h11.Data(data=_TIMEOUT_BODY)) or b"")
                    self.transport.write(self.conn.send(h11.EndOfMessage()) or b"")
                except h11.LocalProtocolError:
                    pass
            # The handler's next receive() is a disconnect: it stops reading, and its reply goes nowhere.
            cycle.disconnected = True
            cycle.message_event.set()
            self.transport.close()

    return GuardedH11Protocol


def _evict_one(connections: set[Any], throttle: Throttle) -> bool:
    """Close the connection that has waited longest for a request; False when every connection is busy."""
    idle = [c for c in connections if getattr(c, "waiting_for_request", lambda: False)()]
    if not idle:
        return False
    oldest = min(idle, key=lambda c: c._idle_since)
    connections.discard(oldest)  # the slot is free now; connection_lost follows on the next loop turn
    oldest.transport.close()
    _closed("evicted", throttle)
    return True


def _closed(reason: str, throttle: Throttle, **fields: Any) -> None:
    record_connection_closed(reason)
    throttle(reason, "http_connection_closed", logging.INFO, reason=reason, **fields)
