"""`obligations telegram` as an operator runs it: start-up errors, SIGTERM, and the webhook route."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from bot.telegram.app import build_application
from bot.telegram.webhook import SECRET_HEADER, WEBHOOK_PATH, running, webhook_route
from tests.fake_bot_api import TEST_TOKEN, FakeBotAPI, bot_settings, shared_engine, stop_process

ROOT = Path(__file__).resolve().parents[1]


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(("TELEGRAM_", "OBLIGATIONS_"))}
    env.update(values)
    env["PYTHONPATH"] = str(ROOT)
    return env


def _run(env: dict[str, str], *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "telegram", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_missing_token_is_a_clear_error_without_traceback() -> None:
    result = _run(_env())
    assert result.returncode != 0
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_a_token_telegram_rejects_is_a_clear_error_that_never_shows_the_token() -> None:
    bad = "987654321:AAH-this-token-is-revoked-000000000000"
    with FakeBotAPI(rejected_tokens=(bad,)) as api:
        result = _run(_env(TELEGRAM_BOT_TOKEN=bad, TELEGRAM_API_BASE_URL=api.base_url))
    assert result.returncode == 78
    assert "rejected" in result.stderr
    assert bad not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "token", ["garbage", "123456789", "123456789:short", "abc:AAE-test-token-for-the-fake-bot-api_0123"]
)
def test_a_malformed_token_fails_at_once_without_calling_telegram(token: str) -> None:
    with FakeBotAPI() as api:
        result = _run(_env(TELEGRAM_BOT_TOKEN=token, TELEGRAM_API_BASE_URL=api.base_url))
        assert not api.calls()
    assert result.returncode == 78
    [line] = result.stderr.strip().splitlines()
    assert "TELEGRAM_BOT_TOKEN is not a bot token" in line
    assert token not in line.replace("TELEGRAM_BOT_TOKEN", "")


def test_the_test_tokens_pass_the_format_check() -> None:
    from bot.settings import load_settings

    for token in (TEST_TOKEN, "987654321:AAH-this-token-is-revoked-000000000000"):
        assert load_settings({"TELEGRAM_BOT_TOKEN": token}).token() == token


async def test_telegram_unreachable_is_retried_a_bounded_number_of_times_then_exit_69(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import socket

    from bot.telegram.lifecycle import RetryPolicy
    from bot.telegram.main import serve_polling

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]  # nothing listens there once the socket is closed
    from bot.settings import load_settings

    settings = load_settings(
        {"TELEGRAM_BOT_TOKEN": TEST_TOKEN, "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{closed}/bot"}
    )
    application = build_application(settings, shared_engine())
    code = await serve_polling(application, handle_signals=False, retry=RetryPolicy(attempts=3, first_delay=0.05))
    assert code == 69
    retries = [r for r in caplog.records if "telegram_bootstrap_retry" in r.getMessage()]
    assert len(retries) == 2 and all("NetworkError" in r.getMessage() for r in retries)
    assert any("telegram_unavailable" in r.getMessage() for r in caplog.records)
    assert TEST_TOKEN not in "\n".join(r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    "args, env, message",
    [
        (
            ["--webhook-url", "https://bot.example.org/hook"],
            {"TELEGRAM_WEBHOOK_SECRET": "abc"},
            "served at /telegram/webhook, not /hook",
        ),
        (["--webhook-url", "http://bot.example.org/telegram/webhook"], {"TELEGRAM_WEBHOOK_SECRET": "abc"}, "https://"),
        ([], {"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram/webhook"}, "needs TELEGRAM_WEBHOOK_SECRET"),
    ],
)
def test_a_bad_webhook_configuration_is_exit_78_before_telegram_is_called(
    args: list[str], env: dict[str, str], message: str
) -> None:
    with FakeBotAPI() as api:
        result = _run(_env(TELEGRAM_BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_BASE_URL=api.base_url, **env), *args)
        assert not api.calls()
    assert result.returncode == 78
    assert message in result.stderr and "Traceback" not in result.stderr


def test_sigterm_stops_the_bot_cleanly_and_confirms_the_last_update() -> None:
    with FakeBotAPI() as api:
        env = _env(TELEGRAM_BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_BASE_URL=api.base_url, OBLIGATIONS_LOG_LEVEL="DEBUG")
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "telegram"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            api.wait_until(lambda: bool(api.calls("getUpdates")), 30, "the first getUpdates")
            # Only the update kinds the bot answers: no edits, polls, chat-member changes…
            assert api.calls("getUpdates")[0].params["allowed_updates"] == ["message", "callback_query", "inline_query"]
            update = api.send_text(61, "CR bio de 1 56 03 75 123 456 78 dans le DMP ?")
            api.wait_until(lambda: len(api.sent(61)) >= 2, 10, "the answer")
        finally:
            out, err = stop_process(proc, timeout=15)
        assert proc.returncode == 0, err[-2000:]
        # The last getUpdates confirms the update, so a restart does not answer it twice.
        assert api._state.confirmed_offset > update["update_id"]
    logs = out + err
    assert "telegram_answer" in logs
    for secret in (TEST_TOKEN, "1 56 03 75 123 456 78", "CR bio de"):
        assert secret not in logs
    assert "Traceback" not in logs


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    with FakeBotAPI() as server:
        yield server


async def test_webhook_refuses_a_wrong_secret_and_processes_the_right_one(api: FakeBotAPI) -> None:
    secret = "s3cret_webhook-token"
    application = build_application(bot_settings(api, TELEGRAM_WEBHOOK_SECRET=secret), shared_engine(), updater=False)
    web = Starlette(routes=[webhook_route(application, secret)])
    url = "https://bot.example.org" + WEBHOOK_PATH
    async with running(application, webhook_url=url, secret=secret):
        [hook] = api.calls("setWebhook")
        assert hook.params["url"] == url and hook.params["secret_token"] == secret
        update = {
            "update_id": 1,
            "message": {
                "message_id": 5,
                "date": 0,
                "chat": {"id": 71, "type": "private"},
                "from": {"id": 71, "is_bot": False, "first_name": "Dr", "language_code": "fr"},
                "text": "CRO au patient ?",
            },
        }
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web), base_url="http://bot") as client:
            wrong = await client.post(WEBHOOK_PATH, json=update, headers={SECRET_HEADER: "nope"})
            missing = await client.post(WEBHOOK_PATH, json=update)
            assert (wrong.status_code, missing.status_code) == (403, 403)
            garbage = await client.post(WEBHOOK_PATH, content=b"{not json", headers={SECRET_HEADER: secret})
            assert garbage.status_code == 400
            assert not api.sent(71)
            right = await client.post(WEBHOOK_PATH, json=update, headers={SECRET_HEADER: secret})
            assert right.status_code == 200
        [answer] = await api.wait_calls("sendMessage", chat_id=71)
        assert answer.params["text"].startswith("✅ <b>Obligatoire")


def test_webhook_mode_serves_the_route_and_exits_0_on_sigterm() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    secret = "abc_123"
    update = {
        "update_id": 1,
        "message": {
            "message_id": 5,
            "date": 0,
            "chat": {"id": 81, "type": "private"},
            "from": {"id": 81, "is_bot": False, "first_name": "D"},
            "text": "CRO ?",
        },
    }
    with FakeBotAPI() as api:
        env = _env(TELEGRAM_BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_BASE_URL=api.base_url, TELEGRAM_WEBHOOK_SECRET=secret)
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot.cli",
                "telegram",
                "--webhook-url",
                f"http://127.0.0.1:{port}",
                "--port",
                str(port),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            api.wait_until(lambda: bool(api.calls("setWebhook")), 30, "setWebhook")
            url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
            [hook] = api.calls("setWebhook")
            assert hook.params["url"] == url
            assert hook.params["allowed_updates"] == ["message", "callback_query", "inline_query"]
            deadline = time.monotonic() + 10
            while True:  # the server starts listening just after the lifespan registers the webhook
                try:
                    refused = httpx.post(url, json=update)
                    break
                except httpx.ConnectError:
                    assert time.monotonic() < deadline
            assert refused.status_code == 403
            assert httpx.post(url, json=update, headers={SECRET_HEADER: secret}).status_code == 200
            api.wait_until(lambda: bool(api.sent(81)), 10, "the answer")
            # The same /healthz and /metrics as `obligations serve`, so monitoring does not depend on the mode.
            health = httpx.get(f"http://127.0.0.1:{port}/healthz")
            assert health.status_code == 200 and health.json() == {"status": "ok", "documents": 11}
            metrics = httpx.get(f"http://127.0.0.1:{port}/metrics")
            assert metrics.status_code == 200
            assert 'obligations_questions_total{frontend="telegram",verdict="obligatoire"} 1.0' in metrics.text
        finally:
            out, err = stop_process(proc, timeout=15)
    assert proc.returncode == 0, err[-2000:]
    assert TEST_TOKEN not in out + err and "Traceback" not in err


def test_webhook_mode_on_a_busy_port_is_exit_71_and_registers_nothing() -> None:
    import socket

    with FakeBotAPI() as api, socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = _env(TELEGRAM_BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_BASE_URL=api.base_url, TELEGRAM_WEBHOOK_SECRET="abc_123")
        result = _run(env, "--webhook-url", f"http://127.0.0.1:{port}", "--port", str(port))
        assert not api.calls("setWebhook")
    assert result.returncode == 71
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
