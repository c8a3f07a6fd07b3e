"""Findings 4, 5 and 6 of issue 12: secrets never echoed, `serve` safe when exposed, batch input of any
bytes, SIGTERM during start-up retries, expired state swept, the webhook answering an update once."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from bot.observability import REGISTRY, redact
from bot.telegram.app import build_application
from bot.telegram.webhook import SECRET_HEADER, WEBHOOK_PATH, running, webhook_route
from tests.fake_bot_api import TEST_TOKEN, FakeBotAPI, bot_settings, shared_engine, start_bot

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "987654321:AAH-this-token-must-never-be-printed-0000"
SECRET = "webhook_secret-value-42"


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(("TELEGRAM_", "OBLIGATIONS_"))}
    env.update(values)
    env["PYTHONPATH"] = str(ROOT)
    return env


def _run(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------------------------------- secrets
@pytest.mark.parametrize("command", ["telegram", "serve"])
def test_a_token_in_the_webhook_path_is_never_echoed(command: str) -> None:
    """Before: « the webhook is served at /telegram/webhook, not /987654321:AAH… »."""
    url = f"https://bot.example.org/{TOKEN}"
    result = _run(
        _env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_WEBHOOK_SECRET=SECRET, TELEGRAM_API_BASE_URL="http://127.0.0.1:9/bot"),
        command,
        "--webhook-url",
        url,
    )
    assert result.returncode == 78
    assert "/telegram/webhook" in result.stderr
    assert TOKEN not in result.stdout + result.stderr
    assert TOKEN.split(":")[1] not in result.stdout + result.stderr


def test_a_password_in_a_url_is_never_echoed() -> None:
    result = _run(
        _env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_WEBHOOK_SECRET=SECRET),
        "telegram",
        "--webhook-url",
        "https://admin:hunter2-password@bot.example.org/hook",
    )
    assert result.returncode == 78
    assert "hunter2-password" not in result.stdout + result.stderr


def test_a_token_in_the_api_base_url_never_reaches_the_log() -> None:
    """TELEGRAM_API_BASE_URL may carry the token (…/bot<TOKEN>/) and a proxy password: both redacted."""
    base = f"http://user:proxy-password-1@127.0.0.1:{_closed_port()}/bot{TOKEN}/"
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "telegram"],
        cwd=ROOT,
        env=_env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=base, OBLIGATIONS_LOG_LEVEL="DEBUG"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    output = _until_retry_then_sigterm(process)
    assert "telegram_bootstrap_retry" in output
    assert TOKEN not in output and "proxy-password-1" not in output


def _until_retry_then_sigterm(process: subprocess.Popen[str]) -> str:
    """Read stderr until the first start-up retry, then SIGTERM; everything the process printed."""
    assert process.stderr is not None
    err = ""
    deadline = time.monotonic() + 30
    while "telegram_bootstrap_retry" not in err and time.monotonic() < deadline and process.poll() is None:
        err += process.stderr.readline()
    process.send_signal(signal.SIGTERM)
    try:
        out, rest = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    return out + err + rest


@pytest.mark.parametrize(
    "variable",
    [
        "TELEGRAM_API_BASE_URL",
        "TELEGRAM_WEBHOOK_URL",
        "TELEGRAM_WEBHOOK_SECRET",
        "OBLIGATIONS_CONTEXT_TTL_SECONDS",
        "OBLIGATIONS_PORT",
        "OBLIGATIONS_LOG_LEVEL",
        "OBLIGATIONS_RULES_DIR",
        "OBLIGATIONS_ALLOWED_USERS",
    ],
)
def test_a_token_pasted_into_any_setting_is_never_echoed(variable: str) -> None:
    result = _run(_env(TELEGRAM_BOT_TOKEN=TOKEN, **{variable: f"x{TOKEN}"}), "telegram", timeout=30)
    assert result.returncode != 0
    assert TOKEN not in result.stdout + result.stderr


def test_redact_removes_tokens_user_info_and_given_secrets() -> None:
    line = f"GET https://u:p4ss@h.example/bot{TOKEN}/getMe secret={SECRET} bare {TOKEN}"
    clean = redact(line, [SECRET])
    assert TOKEN not in clean and "p4ss" not in clean and SECRET not in clean
    assert "h.example" in clean


# ------------------------------------------------------------------------------------------- start-up
def test_sigterm_during_start_up_retries_exits_0_at_once() -> None:
    """Before: SIGTERM was ignored while Telegram was unreachable (exit 69 after 38 s)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "telegram"],
        cwd=ROOT,
        env=_env(TELEGRAM_BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{_closed_port()}/bot"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    err = ""
    deadline = time.monotonic() + 30
    assert process.stderr is not None
    while "telegram_bootstrap_retry" not in err and time.monotonic() < deadline:
        err += process.stderr.readline()
    process.send_signal(signal.SIGTERM)
    started = time.monotonic()
    try:
        process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert time.monotonic() - started < 5


# ------------------------------------------------------------------------------------------- ask --jsonl
@pytest.mark.parametrize("locale", ["C", "C.UTF-8"])
def test_ask_jsonl_takes_any_bytes_and_writes_valid_utf8_one_line_per_line(locale: str) -> None:
    """Before: a traceback after 102 of 300 lines under a strict locale, invalid UTF-8 under C.UTF-8."""
    import json

    lines = [b"CR bio dans le DMP ?", b"caf\xe9 \xff\xfe au patient ?", b"", "écho ?".encode("latin-1")] * 30
    env = _env(LC_ALL=locale, LANG=locale)
    env.pop("PYTHONIOENCODING", None)
    env["PYTHONUTF8"] = "0"
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "--jsonl", "-"],
        cwd=ROOT,
        env=env,
        input=b"\n".join(lines) + b"\n",
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")[-500:]
    out = result.stdout.decode("utf-8")  # raises if not valid UTF-8
    answers = [json.loads(line) for line in out.splitlines()]
    assert len(answers) == len(lines)


# ------------------------------------------------------------------------------------------- memory
def test_expired_contexts_and_rate_windows_are_swept_without_traffic() -> None:
    from bot.telegram.state import ContextStore, RateLimit

    now = [0.0]
    contexts, limits = ContextStore(60, clock=lambda: now[0]), RateLimit(20, clock=lambda: now[0])
    for chat in range(1000):
        contexts.put(chat, object())
        limits.hit(chat)
    now[0] = 61.0
    assert contexts.sweep() == 1000 and limits.sweep() == 1000
    assert len(limits) == 0 and len(contexts._items) == 0


def test_memory_of_swept_contexts_and_windows_returns_to_baseline() -> None:
    """CPython never shrinks a dict on delete: 20,000 swept chats kept ~2.6 MB of empty tables."""
    import tracemalloc

    from bot.telegram.state import ContextStore, RateLimit

    now = [0.0]
    tracemalloc.start()
    try:
        contexts, limits = ContextStore(60, clock=lambda: now[0]), RateLimit(20, clock=lambda: now[0])
        baseline = tracemalloc.get_traced_memory()[0]
        for chat in range(20_000):
            contexts.put(chat, None)
            limits.hit(chat)
        peak = tracemalloc.get_traced_memory()[0] - baseline
        now[0] = 61.0
        contexts.sweep(), limits.sweep()
        left = tracemalloc.get_traced_memory()[0] - baseline
    finally:
        tracemalloc.stop()
    assert peak > 2_000_000
    assert left < 50_000, f"{left:,} bytes still held after sweeping every chat (peak {peak:,})"


async def test_the_running_bot_sweeps_periodically() -> None:
    now = [0.0]
    with FakeBotAPI() as api:
        bot = await start_bot(api, monotonic=lambda: now[0], OBLIGATIONS_CONTEXT_TTL_SECONDS="60")
        try:
            bot.application.bot_data["sweep_seconds"] = 0.05
            api.send_text(3000, "CR bio dans le DMP ?")
            await api.wait_calls("sendMessage", chat_id=3000)
            svc = bot.application.bot_data["services"]
            assert len(svc.contexts._items) == 1 and len(svc.rate_limit) == 1
            now[0] = 120.0  # past the TTL and the rate window; nobody writes again
            await api.wait_for(
                lambda: not svc.contexts._items and len(svc.rate_limit) == 0, 5, "the periodic sweep to forget them"
            )
        finally:
            assert await bot.stop() == 0


async def test_the_running_bot_forgets_vote_buttons_after_their_ttl() -> None:
    """The 👍/👎 tokens of answers shown were forgotten only once 100,000 were stored."""
    from bot.telegram.feedback import VOTE_TTL_SECONDS

    now = [0.0]
    with FakeBotAPI() as api:
        bot = await start_bot(api, monotonic=lambda: now[0])
        try:
            bot.application.bot_data["sweep_seconds"] = 0.05
            for chat in (3100, 3101):
                api.send_text(chat, "CR bio dans le DMP ?")
                await api.wait_calls("sendMessage", chat_id=chat)
            ledger = bot.application.bot_data["services"].ledger
            assert len(ledger._shown) == 2
            now[0] = VOTE_TTL_SECONDS - 1.0  # still valid: kept
            await asyncio.sleep(0.3)
            assert len(ledger._shown) == 2
            now[0] = VOTE_TTL_SECONDS + 1.0
            await api.wait_for(lambda: not ledger._shown, 5, "the periodic sweep to forget the vote tokens")
        finally:
            assert await bot.stop() == 0


# ------------------------------------------------------------------------------------------- webhook
@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    with FakeBotAPI() as server:
        yield server


async def test_the_webhook_answers_an_update_posted_twice_once(api: FakeBotAPI) -> None:
    before = REGISTRY.get_sample_value("obligations_telegram_duplicates_avoided_total", {"source": "webhook_update"})
    application = build_application(bot_settings(api, TELEGRAM_WEBHOOK_SECRET=SECRET), shared_engine(), updater=False)
    web = Starlette(routes=[webhook_route(application, SECRET)])
    update = {
        "update_id": 77,
        "message": {
            "message_id": 5,
            "date": 0,
            "chat": {"id": 3100, "type": "private"},
            "from": {"id": 3100, "is_bot": False, "first_name": "Dr", "language_code": "fr"},
            "text": "CRO au patient ?",
        },
    }
    async with running(application):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web), base_url="http://bot") as client:
            for _ in range(2):
                reply = await client.post(WEBHOOK_PATH, json=update, headers={SECRET_HEADER: SECRET})
                assert reply.status_code == 200
        await api.wait_calls("sendMessage", chat_id=3100)
        await asyncio.sleep(0.5)
        assert len(api.sent(3100)) == 1
    after = REGISTRY.get_sample_value("obligations_telegram_duplicates_avoided_total", {"source": "webhook_update"})
    assert (after or 0) == (before or 0) + 1
