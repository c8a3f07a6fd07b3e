"""Logs and metrics for operations: one JSON object per log line, and Prometheus counters.

Why it looks like this:
- A hospital's log pipeline (journald, Loki, ELK) indexes JSON fields; free text is hard to alert on.
- Practitioners may paste patient data into a question by mistake, so logs carry *kinds* (verdicts,
  document ids, scores, latencies, error classes), never message text. `log_event` drops fields whose
  name says they hold text, and long strings, rather than trust every caller.
- httpx logs every request URL at INFO, and Telegram URLs contain the bot token
  (`https://api.telegram.org/bot<TOKEN>/getUpdates`): every line our handler writes is redacted
  (bot.redaction: tokens, URL passwords, the configured secrets), and the HTTP client loggers are kept
  at WARNING.
- uvicorn's access log prints the query string, where a GET form would put the question: the
  access records keep the path only.
- Metrics live on a dedicated CollectorRegistry so tests and multiple apps in one process never
  collide with prometheus_client's global registry.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import traceback
from collections.abc import Iterable
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)

from bot.redaction import environment_secrets, redact

__all__ = [
    "JsonFormatter",
    "REGISTRY",
    "RedactingFilter",
    "RedactingFormatter",
    "configure_logging",
    "log_event",
    "metrics_text",
    "record_answer",
    "record_delivery",
    "record_connection_closed",
    "record_telegram_error",
    "redact",
]

# ---------------------------------------------------------------------------------------------- logging

EVENT_ATTR = "obligations_event"
FIELDS_ATTR = "obligations_fields"
# Field names that hold what a person typed or what we answered: never logged.
TEXT_FIELDS = frozenset(
    {
        "text",
        "question",
        "message",
        "message_text",
        "query",
        "q",
        "body",
        "content",
        "answer",
        "caption",
        "reply",
        "prompt",
    }
)
MAX_FIELD_CHARS = 120  # longer strings are more likely prose than an id: dropped
MAX_EXCEPTION_CHARS = 300

_RESERVED = set(vars(logging.LogRecord("x", 0, "x", 0, "x", None, None))) | {
    "message",
    "asctime",
    EVENT_ATTR,
    FIELDS_ATTR,
}


class RedactingFilter(logging.Filter):
    """Rewrites each record's message and traceback so no secret reaches a handler's other filters.

    The last word is RedactingFormatter's: it redacts the finished line, event fields included.
    """

    def __init__(self, secrets: Iterable[str] = ()):
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad %-format must not lose the record
            message = str(record.msg)
        clean = redact(message, self.secrets)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)), self.secrets)
            record.exc_info = None
            record.obligations_exc = _exception_fields(record.exc_text)
        return True


def _exception_fields(formatted: str) -> dict[str, str]:
    lines = [line for line in formatted.strip().splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    kind, _, detail = last.partition(":")
    return {
        "exc_type": kind.strip(),
        "exc_message": detail.strip()[:MAX_EXCEPTION_CHARS],
        "traceback": formatted[-4000:],
    }


class AccessLogFilter(logging.Filter):
    """uvicorn.access records: the query string (where a GET form puts the question) is cut from the path."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5:
            client, method, path, http_version, status = args
            path = str(path).split("?", 1)[0]
            # Same 5-tuple shape, so uvicorn's own AccessFormatter still works if it is in use.
            record.args = (client, method, path, http_version, status)
            setattr(record, FIELDS_ATTR, {"method": method, "path": path, "status": status})
            setattr(record, EVENT_ATTR, "http_request")
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: ts, level, logger, event, then the event's fields."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        event = getattr(record, EVENT_ATTR, None)
        if event:
            out["event"] = event
            out.update(getattr(record, FIELDS_ATTR, None) or {})
        else:
            out["event"] = "log"
            out["message"] = record.getMessage()
        exc = getattr(record, "obligations_exc", None)
        if exc is None and record.exc_info and record.exc_info[1] is not None:
            exc = _exception_fields("".join(traceback.format_exception(*record.exc_info)))
        if exc:
            out.update(exc)
        return json.dumps(out, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """Human-readable lines for a terminal; same fields as the JSON form."""

    def format(self, record: logging.LogRecord) -> str:
        ts = dt.datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        event = getattr(record, EVENT_ATTR, None)
        if event:
            fields = getattr(record, FIELDS_ATTR, None) or {}
            body = event + "".join(f" {k}={v}" for k, v in fields.items())
        else:
            body = record.getMessage()
        line = f"{ts} {record.levelname:<7} {record.name}: {body}"
        exc = getattr(record, "obligations_exc", None)
        if exc:
            line += "\n" + exc["traceback"].rstrip()
        elif record.exc_info and record.exc_info[1] is not None:
            line += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
        return line


class RedactingFormatter(logging.Formatter):
    """Wraps a formatter and redacts the line it produces: whatever a record carries (message, event
    fields, traceback), no token, URL password or configured secret leaves through this handler."""

    def __init__(self, inner: logging.Formatter, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.inner = inner
        self.secrets = tuple(s for s in secrets if s)

    def format(self, record: logging.LogRecord) -> str:
        return redact(self.inner.format(record), self.secrets)


_HANDLER_NAME = "obligations"
# Libraries whose INFO lines are noise or carry URLs with the token.
_QUIET = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "telegram": logging.WARNING,
    "telegram.ext.Updater": logging.INFO,
    "apscheduler": logging.WARNING,
}
# PTB logs request parameters (message text, and with httpx the token in URLs) at DEBUG: never below WARNING.


def configure_logging(
    level: str | int = "INFO", fmt: str = "json", secrets: Iterable[str] = (), stream: Any = None
) -> logging.Handler:
    """Route every logger (ours, PTB's, uvicorn's) to one handler on stderr, formatted and redacted.

    Idempotent: calling it again replaces the previous handler (tests and re-configuration).
    `secrets` are literal values (the bot token, the webhook secret) to redact wherever they appear.
    Returns the handler. uvicorn should be started with `log_config=None` so it keeps this set-up.
    """
    if fmt not in {"json", "text"}:
        raise ValueError(f"log format must be 'json' or 'text', not {fmt!r}")
    root = logging.getLogger()
    for old in list(root.handlers):
        if old.get_name() == _HANDLER_NAME:
            root.removeHandler(old)
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.set_name(_HANDLER_NAME)
    secrets = tuple(s for s in (*secrets, *environment_secrets()) if s)
    handler.setFormatter(RedactingFormatter(JsonFormatter() if fmt == "json" else TextFormatter(), secrets))
    handler.addFilter(RedactingFilter(secrets))
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    for name, quiet in _QUIET.items():
        logging.getLogger(name).setLevel(max(quiet, root.level))
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        lg = logging.getLogger(name)
        lg.handlers.clear()
        lg.propagate = True
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, AccessLogFilter) for f in access.filters):
        access.addFilter(AccessLogFilter())
    return handler


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    dropped: list[str] = []
    for key, value in fields.items():
        if key.lower() in TEXT_FIELDS or key in _RESERVED or key in {"ts", "level", "logger", "event"}:
            dropped.append(key)
        elif isinstance(value, str) and len(value) > MAX_FIELD_CHARS:
            dropped.append(key)
        elif isinstance(value, (list, tuple, set, frozenset)):
            items = list(value)
            if any(isinstance(v, str) and len(v) > MAX_FIELD_CHARS for v in items):
                dropped.append(key)
            else:
                clean[key] = items
        elif value is None or isinstance(value, (str, int, float, bool)):
            clean[key] = value
        else:
            clean[key] = str(value)[:MAX_FIELD_CHARS]
    if dropped:
        clean["dropped_fields"] = sorted(dropped)
    return clean


def log_event(logger: logging.Logger, event: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log one structured event: `event` is a short snake_case name, `fields` are kinds, ids, scores, latencies.

    Never pass message text: fields named like text (text, question, message, query, ...) and strings
    longer than MAX_FIELD_CHARS are dropped and their names listed in `dropped_fields`.
    """
    if not logger.isEnabledFor(level):
        return
    clean = _clean_fields(fields)
    summary = event + "".join(f" {k}={v}" for k, v in clean.items())
    logger.log(level, "%s", summary, extra={EVENT_ATTR: event, FIELDS_ATTR: clean})


# ---------------------------------------------------------------------------------------------- metrics

REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)

VERDICTS = frozenset(
    {"obligatoire", "pas_encore_en_vigueur", "exclu", "non_concerne", "non_liste", "a_verifier", "ambigu", "hors_sujet"}
)
_LABEL_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")
# From a cached lookup (~0.1 ms) to a slow Telegram round trip (seconds).
LATENCY_BUCKETS = (
    0.0001,
    0.00025,
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
)

QUESTIONS = Counter(
    "obligations_questions",
    "Questions answered, by verdict and front end.",
    ["verdict", "frontend"],
    registry=REGISTRY,
)
ANSWER_SECONDS = Histogram(
    "obligations_answer_seconds",
    "Time to answer one question (engine and rendering), in seconds.",
    ["frontend"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
TELEGRAM_ERRORS = Counter(
    "obligations_telegram_errors",
    "Errors talking to Telegram, by kind (exception class, e.g. NetworkError, RetryAfter, Forbidden).",
    ["kind"],
    registry=REGISTRY,
)
HTTP_CONNECTIONS_CLOSED = Counter(
    "obligations_http_connections_closed",
    "Client connections the server closed itself, by reason (header_timeout, body_timeout, evicted at the cap, busy).",
    ["reason"],
    registry=REGISTRY,
)
SEND_RETRIES = Counter(
    "obligations_telegram_send_retries",
    "Requests to Telegram tried again because they surely did not reach it (refused, 5xx, 429).",
    registry=REGISTRY,
)
SENDS_DROPPED = Counter(
    "obligations_telegram_sends_dropped",
    "Answers given up after being kept through an outage (time limit reached, or the bot stopping).",
    registry=REGISTRY,
)
DUPLICATES_AVOIDED = Counter(
    "obligations_telegram_duplicates_avoided",
    "Answers not sent twice: a send that may have reached Telegram (timeout), or a webhook update seen before.",
    ["source"],
    registry=REGISTRY,
)
BUILD_INFO = Gauge(
    "obligations_build_info", "Always 1; the version label says what runs.", ["version"], registry=REGISTRY
)


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("dmp-obligations")
    except Exception:
        return "unknown"


BUILD_INFO.labels(version=_version()).set(1)


def _label(value: object) -> str:
    """A bounded label value: unexpected strings become "other" so a bug cannot explode the series count."""
    text = str(value)
    return text if _LABEL_RE.fullmatch(text) else "other"


def record_answer(frontend: str, verdict: str, seconds: float) -> None:
    """Count one answered question and observe how long it took."""
    verdict_label = verdict if verdict in VERDICTS else "other"
    frontend_label = _label(frontend).lower()
    QUESTIONS.labels(verdict=verdict_label, frontend=frontend_label).inc()
    if seconds >= 0:
        ANSWER_SECONDS.labels(frontend=frontend_label).observe(seconds)


def record_telegram_error(kind: str | BaseException) -> None:
    """Count one Telegram error; pass the exception or its class name."""
    name = type(kind).__name__ if isinstance(kind, BaseException) else kind
    TELEGRAM_ERRORS.labels(kind=_label(name)).inc()


def record_connection_closed(reason: str) -> None:
    """Count one connection closed by the server's limits (bot.connections)."""
    HTTP_CONNECTIONS_CLOSED.labels(reason=_label(reason)).inc()


def record_delivery(outcome: str) -> None:
    """Count one delivery event: retried, dropped, duplicate_avoided (a send) or duplicate_update (the webhook)."""
    if outcome == "retried":
        SEND_RETRIES.inc()
    elif outcome == "dropped":
        SENDS_DROPPED.inc()
    elif outcome == "duplicate_avoided":
        DUPLICATES_AVOIDED.labels(source="send_timeout").inc()
    elif outcome == "duplicate_update":
        DUPLICATES_AVOIDED.labels(source="webhook_update").inc()


def metrics_text() -> tuple[bytes, str]:
    """The exposition for GET /metrics: (body, content type)."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
