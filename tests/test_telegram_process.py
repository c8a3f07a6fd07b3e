"""`obligations telegram` as an operator runs it: start-up errors, SIGTERM, and the webhook route."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import AsyncIterator

import httpx
import pytest

from bot.telegram.app import build_application
from bot.telegram.webhook import SECRET_HEADER, WEBHOOK_PATH, running, webhook_route
from starlette.applications import Starlette
from tests.fake_bot_api import TEST_TOKEN, FakeBotAPI, bot_settings, shared_engine

ROOT = Path(__file__).resolve().parents[1]


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(("TELEGRAM_", "OBLIGATIONS_"))}
    env.update(values)
    env["PYTHONPATH"] = str(ROOT)
    return env


def _run(env: dict[str, str], *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "telegram", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
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
    assert result.returncode != 0
    assert "rejected" in result.stderr
    assert bad not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_sigterm_stops_the_bot_cleanly_and_confirms_the_last_update() -> None:
    with FakeBotAPI() as api:
        env = _env(TELEGRAM_BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_BASE_URL=api.base_url, OBLIGATIONS_LOG_LEVEL="DEBUG")
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "telegram"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            api.wait_until(lambda: bool(api.calls("getUpdates")), 30, "the first getUpdates")
            update = api.send_text(61, "CR bio de 1 56 03 75 123 456 78 dans le DMP ?")
            api.wait_until(lambda: len(api.sent(61)) >= 2, 10, "the answer")
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=15)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
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
        assert answer.params["text"].startswith("<b>Oui")


def test_webhook_mode_serves_the_route_and_exits_0_on_sigterm() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    secret = "abc_123"
    update = {
        "update_id": 1,
        "message": {"message_id": 5, "date": 0, "chat": {"id": 81, "type": "private"}, "from": {"id": 81, "is_bot": False, "first_name": "D"}, "text": "CRO ?"},
    }
    with FakeBotAPI() as api:
        env = _env(TELEGRAM_BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_BASE_URL=api.base_url, TELEGRAM_WEBHOOK_SECRET=secret)
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "telegram", "--webhook-url", f"http://127.0.0.1:{port}", "--port", str(port)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            api.wait_until(lambda: bool(api.calls("setWebhook")), 30, "setWebhook")
            url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
            assert api.calls("setWebhook")[0].params["url"] == url
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
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=15)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert proc.returncode == 0, err[-2000:]
    assert TEST_TOKEN not in out + err and "Traceback" not in err
