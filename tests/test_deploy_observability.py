"""bot/observability.py: log lines an operator can parse and trust not to hold patient text or the token,
and the Prometheus exposition the web app serves at /metrics."""

from __future__ import annotations

import io
import json
import logging

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.observability import (
    REGISTRY,
    configure_logging,
    log_event,
    metrics_text,
    record_answer,
    record_telegram_error,
)

TOKEN = "123456789:AAHfakeTokenForTestsOnly_abcdefghijk"
PATIENT_TEXT = "CR bio de Mme Dupont née le 01/02/1950 dans le DMP ?"


@pytest.fixture
def logs():
    """configure_logging into a buffer; restore the root logger afterwards. Returns a reader of JSON lines."""
    root = logging.getLogger()
    saved_level, saved_handlers = root.level, list(root.handlers)
    stream = io.StringIO()
    handler = configure_logging("INFO", "json", secrets=["s3cret-webhook"], stream=stream)

    def read() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]

    read.raw = stream  # type: ignore[attr-defined]
    yield read
    root.removeHandler(handler)
    root.setLevel(saved_level)
    assert [h for h in root.handlers if h not in saved_handlers] == []


def test_log_event_writes_one_json_object_with_the_fields(logs) -> None:
    log_event(
        logging.getLogger("bot.web"), "answer", verdict="obligatoire", documents=["cr-biologie"], score=0.93, ms=1.7
    )
    [line] = logs()
    assert line["event"] == "answer" and line["level"] == "INFO" and line["logger"] == "bot.web"
    assert line["verdict"] == "obligatoire" and line["documents"] == ["cr-biologie"] and line["score"] == 0.93
    assert line["ts"].endswith("+00:00")


def test_log_event_never_writes_message_text(logs) -> None:
    log = logging.getLogger("bot.telegram")
    log_event(log, "answer", verdict="ambigu", text=PATIENT_TEXT, question=PATIENT_TEXT, Message=PATIENT_TEXT)
    log_event(log, "answer", verdict="ambigu", note=PATIENT_TEXT * 3, tags=[PATIENT_TEXT * 3])
    out = logs.raw.getvalue()
    assert "Dupont" not in out
    first, second = logs()
    assert first["dropped_fields"] == ["Message", "question", "text"]
    assert second["dropped_fields"] == ["note", "tags"]
    assert first["verdict"] == second["verdict"] == "ambigu"


def test_log_event_below_the_level_writes_nothing(logs) -> None:
    log_event(logging.getLogger("bot.web"), "detail", level=logging.DEBUG, verdict="exclu")
    assert logs() == []


def test_token_in_library_urls_and_exceptions_is_redacted(logs) -> None:
    logging.getLogger("telegram.ext").warning("POST https://api.telegram.org/bot%s/sendMessage failed", TOKEN)
    try:
        raise RuntimeError(f"bad request to /bot{TOKEN}/getMe with s3cret-webhook")
    except RuntimeError:
        logging.getLogger("bot.telegram").exception("telegram call failed")
    out = logs.raw.getvalue()
    assert TOKEN not in out and "AAHfake" not in out and "s3cret-webhook" not in out
    warning, error = logs()
    assert warning["message"] == "POST https://api.telegram.org/bot<redacted>/sendMessage failed"
    assert error["exc_type"] == "RuntimeError" and "<redacted>" in error["exc_message"]


def test_httpx_request_lines_are_not_logged_at_info(logs) -> None:
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot%s/getUpdates", TOKEN)
    assert logs() == []


def test_uvicorn_access_lines_lose_the_query_string(logs) -> None:
    access = logging.getLogger("uvicorn.access")
    access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/api/ask?q=Dupont", "1.1", 200)
    [line] = logs()
    assert line["event"] == "http_request" and line["path"] == "/api/ask" and line["status"] == 200
    assert "Dupont" not in logs.raw.getvalue()


def test_configure_logging_twice_keeps_one_handler(logs) -> None:
    root = logging.getLogger()
    ours = [h for h in root.handlers if h.get_name() == "obligations"]
    assert len(ours) == 1
    with pytest.raises(ValueError, match="log format must be 'json' or 'text'"):
        configure_logging("INFO", "xml")


def test_text_format_for_a_terminal() -> None:
    root = logging.getLogger()
    saved = root.level
    stream = io.StringIO()
    handler = configure_logging("INFO", "text", stream=stream)
    try:
        log_event(logging.getLogger("bot.console"), "answer", verdict="exclu", question=PATIENT_TEXT)
    finally:
        root.removeHandler(handler)
        root.setLevel(saved)
    line = stream.getvalue().strip()
    assert "bot.console: answer verdict=exclu dropped_fields=['question']" in line
    assert "Dupont" not in line


# ---- metrics ----------------------------------------------------------------------------------------


def _sample(name: str, labels: dict[str, str]) -> float:
    value = REGISTRY.get_sample_value(name, labels)
    return 0.0 if value is None else value


def test_record_answer_counts_by_verdict_and_frontend_and_times_it() -> None:
    before = _sample("obligations_questions_total", {"verdict": "obligatoire", "frontend": "web"})
    before_count = _sample("obligations_answer_seconds_count", {"frontend": "web"})
    before_fast = _sample("obligations_answer_seconds_bucket", {"frontend": "web", "le": "0.001"})
    record_answer("web", "obligatoire", 0.0004)
    record_answer("web", "obligatoire", 1.5)
    assert _sample("obligations_questions_total", {"verdict": "obligatoire", "frontend": "web"}) == before + 2
    assert _sample("obligations_answer_seconds_count", {"frontend": "web"}) == before_count + 2
    # Sub-millisecond answers land in their own bucket, not lumped with slow ones.
    assert _sample("obligations_answer_seconds_bucket", {"frontend": "web", "le": "0.001"}) == before_fast + 1


def test_unexpected_label_values_cannot_multiply_series() -> None:
    before = _sample("obligations_questions_total", {"verdict": "other", "frontend": "other"})
    record_answer(PATIENT_TEXT, PATIENT_TEXT, 0.01)
    assert _sample("obligations_questions_total", {"verdict": "other", "frontend": "other"}) == before + 1
    body, _ = metrics_text()
    assert b"Dupont" not in body


def test_record_telegram_error_by_kind() -> None:
    before = _sample("obligations_telegram_errors_total", {"kind": "TimeoutError"})
    record_telegram_error("TimeoutError")
    record_telegram_error(TimeoutError("read timed out"))
    assert _sample("obligations_telegram_errors_total", {"kind": "TimeoutError"}) == before + 2


def test_metrics_text_is_valid_prometheus_exposition() -> None:
    record_answer("telegram", "exclu", 0.002)
    body, content_type = metrics_text()
    assert content_type.startswith("text/plain; version=")  # the text format Prometheus scrapes
    families = {f.name: f for f in text_string_to_metric_families(body.decode("utf-8"))}
    assert families["obligations_questions"].type == "counter"
    assert families["obligations_answer_seconds"].type == "histogram"
    assert families["obligations_telegram_errors"].type == "counter"
    assert "obligations_build_info" in families
    assert "process_resident_memory_bytes" in families  # memory of the bot process, on Linux
