"""Secrets never echoed: the bot token (bare, in a Bot API URL, in a webhook URL path, URL-encoded),
any URL password and the webhook secret are redacted from every log line and start-up error."""

from __future__ import annotations

import io
import json
import logging
import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.observability import configure_logging, log_event
from bot.redaction import redact
from bot.settings import Settings
from tests.fake_bot_api import FakeBotAPI

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "7345901234:AAH-redaction-test-token_0123456789abcdef"
TOKEN_ID, TOKEN_SECRET = TOKEN.split(":")
PASSWORD = "pw-Hunter2-never-shown"
WEBHOOK_SECRET = "whsec-redaction-test-0123456789"
# Values an operator could paste into any setting by mistake (other shapes: the redact() cases below).
HOSTILE_VALUES = (TOKEN, f"https://admin:{PASSWORD}@bot.example.org/bot{TOKEN}/getMe")


def _leaks(text: str) -> list[str]:
    return [s for s in (TOKEN, TOKEN_SECRET, PASSWORD, WEBHOOK_SECRET) if s in text]


# ------------------------------------------------------------------------------------------ the redaction step


@pytest.mark.parametrize(
    "text",
    [
        f"POST https://api.telegram.org/bot{TOKEN}/sendMessage failed",
        f"the webhook is served at /telegram/webhook, not /{TOKEN}",
        f"url=https://bot.example.org:8443/{TOKEN_ID}%3A{TOKEN_SECRET}",
        f"cannot reach http://admin:{PASSWORD}@proxy.local:3128/bot",
        f"secret header was {WEBHOOK_SECRET!r}",
        f"short bot path /bot{TOKEN_ID}:abc/getMe",
    ],
)
def test_redact_removes_every_kind_of_secret_and_keeps_the_rest(text: str) -> None:
    clean = redact(text, [WEBHOOK_SECRET])
    assert _leaks(clean) == [] and f"{TOKEN_ID}:abc" not in clean
    assert "<redacted>" in clean
    assert clean[:12] == text[:12]  # the message around it survives


def test_redact_leaves_ordinary_text_alone() -> None:
    text = "answered in 12.5 ms at 10:42:07 on https://bot.example.org/telegram/webhook (user 123456789)"
    assert redact(text, [WEBHOOK_SECRET, "a"]) == text


# ---------------------------------------------------------------------------------------------- logging layer


@pytest.fixture
def log_stream() -> Iterator[tuple[io.StringIO, list[str]]]:
    root = logging.getLogger()
    saved_level, saved = root.level, list(root.handlers)
    stream = io.StringIO()
    formats: list[str] = []
    yield stream, formats
    for handler in [h for h in root.handlers if h not in saved]:
        root.removeHandler(handler)
    root.setLevel(saved_level)


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_every_log_line_is_redacted_message_fields_arguments_and_tracebacks(fmt: str, log_stream) -> None:
    stream, _ = log_stream
    configure_logging("DEBUG", fmt, secrets=[TOKEN, WEBHOOK_SECRET], stream=stream)
    log = logging.getLogger("bot.test")
    log_event(log, "webhook_set", url=f"https://u:{PASSWORD}@h.example/{TOKEN}", secret=WEBHOOK_SECRET)
    log.warning("POST %s failed", f"https://api.telegram.org/bot{TOKEN}/sendMessage")
    logging.getLogger("uvicorn.error").error("bad header %r", WEBHOOK_SECRET)
    try:
        raise RuntimeError(f"connect to http://x:{PASSWORD}@proxy/ for /{TOKEN_ID}%3A{TOKEN_SECRET}")
    except RuntimeError:
        log.exception("start-up failed")
    out = stream.getvalue()
    assert _leaks(out) == [], out
    assert out.count("<redacted>") >= 6
    if fmt == "json":
        lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        assert [line["level"] for line in lines] == ["INFO", "WARNING", "ERROR", "ERROR"]
        assert lines[0]["event"] == "webhook_set" and lines[0]["url"].startswith("https://<redacted>@h.example/")


# ---------------------------------------------------------------------------------------------- the commands


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(("TELEGRAM_", "OBLIGATIONS_"))}
    env.update(values)
    env["PYTHONPATH"] = str(ROOT)
    return env


def _run(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    # A scratch folder as the working directory: a setting given a hostile value as a relative path
    # (the reports file named after the token, say) creates it there, never in the checkout.
    with tempfile.TemporaryDirectory(prefix="redaction-") as scratch:
        return subprocess.run(
            [sys.executable, "-m", "bot.cli", *args],
            cwd=scratch,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )


@pytest.mark.parametrize("command", ["telegram", "serve"])
@pytest.mark.parametrize(
    "url",
    [
        f"https://bot.example.org:8443/{TOKEN}",  # python-telegram-bot's url_path=TOKEN habit
        f"https://admin:{PASSWORD}@bot.example.org/hook",
        f"https://bot.example.org/{TOKEN}?secret={WEBHOOK_SECRET}",
    ],
)
@pytest.mark.parametrize("given_by", ["flag", "setting"])
def test_a_webhook_url_holding_secrets_is_refused_without_echoing_them(command: str, url: str, given_by: str) -> None:
    env = _env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET, OBLIGATIONS_LOG_LEVEL="DEBUG")
    args = [command]
    if given_by == "flag":
        args += ["--webhook-url", url]
    else:
        env["TELEGRAM_WEBHOOK_URL"] = url
    result = _run(env, *args)
    assert result.returncode == 78, result.stderr
    assert "webhook" in result.stderr.lower() and "Traceback" not in result.stderr
    assert _leaks(result.stdout + result.stderr) == [], result.stderr


@pytest.mark.parametrize(
    "base_url",
    [
        "http://admin:{password}@127.0.0.1:{port}/bot",
        "http://127.0.0.1:{port}/bot{token}/bot",
        "http://127.0.0.1:{port}/bot{token_id}%3A{token_secret}/bot",
    ],
)
def test_a_secret_in_the_bot_api_base_url_is_never_printed(base_url: str) -> None:
    with FakeBotAPI(rejected_tokens=(TOKEN,)) as api:
        url = base_url.format(
            password=PASSWORD, port=api.port, token=TOKEN, token_id=TOKEN_ID, token_secret=TOKEN_SECRET
        )
        env = _env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=url, OBLIGATIONS_LOG_LEVEL="DEBUG")
        result = _run(env, "telegram")
    assert result.returncode == 78, result.stderr
    assert _leaks(result.stdout + result.stderr) == [], result.stderr


@pytest.fixture(scope="module")
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_no_setting_echoes_a_secret_whatever_value_it_is_given(busy_port: int) -> None:
    """Every setting, given the token or a URL with a password and the token: `serve` (which stops on the
    busy port, or on the bad value) and `ask` print errors and logs without either."""
    base = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET, "OBLIGATIONS_LOG_LEVEL": "DEBUG"}
    runs: list[tuple[str, str, list[str], dict[str, str]]] = []
    for field in Settings.model_fields:
        for value in HOSTILE_VALUES:
            env = _env(**{**base, field.upper(): value})
            runs.append((field, value, ["serve", "--host", "127.0.0.1", "--port", str(busy_port)], env))
            runs.append((field, value, ["ask", "CR bio dans le DMP ?"], env))
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda r: _run(r[3], *r[2], timeout=120), runs))
    assert len({field for field, *_ in runs}) == len(Settings.model_fields) >= 15
    failures = []
    for (field, value, args, _), result in zip(runs, results, strict=True):
        leaks = _leaks(result.stdout + result.stderr)
        if leaks or "Traceback" in result.stderr:
            failures.append(f"{field.upper()}={value!r} {args[0]}: leaked {leaks}: {result.stderr[-500:]}")
    assert failures == []
    # The runs did reach the code that prints: settings errors, and serve's "cannot listen" line.
    stderr = "\n".join(r.stderr for r in results)
    assert "invalid settings" in stderr and "cannot listen on" in stderr


def test_user_info_cut_from_its_scheme_is_still_redacted() -> None:
    """A URL given as a file setting comes back shortened in a log ("min:pw@host/…"): the password goes."""
    assert PASSWORD not in redact(f"path: min:{PASSWORD}@bot.example.org/x")
    assert redact("write to a.b@c.fr at 10:42") == "write to a.b@c.fr at 10:42"
