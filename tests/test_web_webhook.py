"""`obligations serve --webhook-url`: the Telegram webhook on the helpdesk app, against a fake Bot API."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from browser.server import child_env, free_port
from fake_bot_api import TEST_TOKEN, FakeBotAPI, bot_settings, stop_process

from bot.web.app import create_app
from bot.web.telegram_bridge import build_webhook_application

REPO = Path(__file__).resolve().parents[1]
SECRET = "helpdesk_webhook-secret_42"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _update(chat_id: int, text: str) -> dict:
    return {
        "update_id": 7,
        "message": {
            "message_id": 9,
            "date": 0,
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Dr", "language_code": "fr"},
            "text": text,
        },
    }


async def test_the_app_serves_at_once_then_registers_the_webhook_when_telegram_answers(engine):
    with FakeBotAPI() as api:
        api.fail("getMe", 502)  # Telegram stumbles at start-up: retried in the background after ~1 s
        application = build_webhook_application(bot_settings(api, TELEGRAM_WEBHOOK_SECRET=SECRET), engine)
        url = "https://helpdesk.example.org/telegram/webhook"
        app = create_app(engine, telegram_application=application, webhook_secret=SECRET, webhook_url=url)
        async with app.router.lifespan_context(app):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
                # The helpdesk answers while the bot is still starting; Telegram is told to retry its update later.
                web = await client.get("/api/ask", params={"q": "CRO au patient ?", "date": "2025-06-01"})
                assert web.json()["documents"][0] == "cr-operatoire"
                assert not api.calls("setWebhook")
                early = await client.post(
                    "/telegram/webhook", json=_update(81, "CRO au patient ?"), headers={SECRET_HEADER: SECRET}
                )
                assert early.status_code == 503
                [hook] = await api.wait_calls("setWebhook")
                assert hook.params["url"] == url
                assert hook.params["secret_token"] == SECRET
                assert hook.params["allowed_updates"] == ["message", "callback_query", "inline_query"]
                await api.wait_for(lambda: application.running, 10, "the bot to run")
                forged = await client.post(
                    "/telegram/webhook", json=_update(81, "CRO au patient ?"), headers={SECRET_HEADER: "nope"}
                )
                assert forged.status_code == 403
                right = await client.post(
                    "/telegram/webhook", json=_update(81, "CRO au patient ?"), headers={SECRET_HEADER: SECRET}
                )
                assert right.status_code == 200
                [answer] = await api.wait_calls("sendMessage", chat_id=81)
                assert "opératoire" in answer.params["text"]
                assert (await client.get("/telegram/webhook")).status_code == 405


async def _post_raw(app, headers: list[tuple[bytes, bytes]], chunks) -> tuple[int, int]:
    """POST /telegram/webhook straight to the ASGI app; returns (status, how many body chunks it read)."""
    read = 0
    sent: dict = {}

    async def receive():
        nonlocal read
        read += 1
        chunk = next(chunks, None)
        return {"type": "http.request", "body": chunk or b"", "more_body": chunk is not None}

    async def send(message):
        if message["type"] == "http.response.start":
            sent["status"] = message["status"]

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/telegram/webhook",
        "raw_path": b"/telegram/webhook",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), (SECRET_HEADER.lower().encode(), SECRET.encode()), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 80),
    }
    await asyncio.wait_for(app(scope, receive, send), 10)
    return sent["status"], read


async def test_an_oversized_update_is_refused_before_its_body_is_read(engine):
    with FakeBotAPI() as api:
        application = build_webhook_application(bot_settings(api, TELEGRAM_WEBHOOK_SECRET=SECRET), engine)
        app = create_app(
            engine, telegram_application=application, webhook_secret=SECRET, webhook_url="https://h.example.org"
        )
        async with app.router.lifespan_context(app):
            await api.wait_for(lambda: application.running, 10, "the bot to run")

            def big() -> object:  # 5 MB in 64 kB chunks
                return iter([b"x" * 65536] * 80)

            status, read = await _post_raw(app, [(b"content-length", b"5242880")], big())
            assert (status, read) == (413, 0)  # refused on the header alone
            status, read = await _post_raw(app, [(b"transfer-encoding", b"chunked")], big())
            assert status == 413 and read <= 17  # stopped just past 1 MB, not read to the end


def _serve(env: dict[str, str], port: int, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port), *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _clean_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in child_env().items() if not k.upper().startswith(("TELEGRAM_", "OBLIGATIONS_"))}
    env.update(values)
    return env


def test_serve_with_a_webhook_url_starts_the_bot_and_stops_cleanly_on_sigterm():
    with FakeBotAPI() as api:
        port = free_port()
        env = _clean_env(
            TELEGRAM_BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_BASE_URL=api.base_url, TELEGRAM_WEBHOOK_SECRET=SECRET
        )
        process = _serve(env, port, "--webhook-url", "https://helpdesk.example.org")
        try:
            _wait_healthy(process, port)
            api.wait_until(lambda: bool(api.calls("setWebhook")), 20, "setWebhook")
            [hook] = api.calls("setWebhook")
            assert hook.params["url"] == "https://helpdesk.example.org/telegram/webhook"
            deadline = time.monotonic() + 10
            while True:  # 503 for the instant between setWebhook and the bot's start
                posted = httpx.post(
                    f"http://127.0.0.1:{port}/telegram/webhook",
                    json=_update(82, "CR bio dans le DMP ?"),
                    headers={SECRET_HEADER: SECRET},
                )
                if posted.status_code != 503 or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            assert posted.status_code == 200
            api.wait_until(lambda: bool(api.sent(82)), 10, "the answer")
        finally:
            out, err = stop_process(process)
    assert process.returncode == 0, err[-2000:]
    logs = out + err
    for secret in (TEST_TOKEN, SECRET, "CR bio dans le DMP"):
        assert secret not in logs
    assert "Traceback" not in logs


def test_a_webhook_without_a_secret_is_refused_at_start():
    env = _clean_env(TELEGRAM_BOT_TOKEN=TEST_TOKEN)
    process = _serve(env, free_port(), "--webhook-url", "https://helpdesk.example.org")
    out, err = process.communicate(timeout=30)
    assert process.returncode == 78
    assert "TELEGRAM_WEBHOOK_SECRET" in err
    assert TEST_TOKEN not in out + err


def _wait_healthy(process: subprocess.Popen[str], port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, process.communicate()[1][-2000:]
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the server did not come up"
        time.sleep(0.1)


def test_the_helpdesk_stays_up_while_telegram_is_unreachable():
    closed = free_port()  # nothing listens there: every Bot API call fails at once
    port = free_port()
    env = _clean_env(
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{closed}/bot",
        TELEGRAM_WEBHOOK_SECRET=SECRET,
    )
    process = _serve(env, port, "--webhook-url", "https://helpdesk.example.org")
    try:
        _wait_healthy(process, port)
        time.sleep(2.0)  # two failed start-up attempts later…
        assert process.poll() is None, "serve gave up on Telegram and took the helpdesk down"
        assert httpx.get(f"http://127.0.0.1:{port}/api/ask", params={"q": "CRO au patient ?"}).status_code == 200
        posted = httpx.post(
            f"http://127.0.0.1:{port}/telegram/webhook", json=_update(83, "CRO ?"), headers={SECRET_HEADER: SECRET}
        )
        assert posted.status_code == 503  # Telegram will retry the update
    finally:
        out, err = stop_process(process)
    assert process.returncode == 0, err[-2000:]
    assert "telegram_bootstrap_retry" in err and "NetworkError" in err
    assert TEST_TOKEN not in out + err and "Traceback" not in err


def test_a_token_telegram_rejects_stops_the_server_with_one_line_and_78():
    bad = "987654321:AAH-this-token-is-revoked-000000000000"
    with FakeBotAPI(rejected_tokens=(bad,)) as api:
        env = _clean_env(TELEGRAM_BOT_TOKEN=bad, TELEGRAM_API_BASE_URL=api.base_url, TELEGRAM_WEBHOOK_SECRET=SECRET)
        process = _serve(env, free_port(), "--webhook-url", "https://helpdesk.example.org")
        out, err = process.communicate(timeout=30)
    assert process.returncode == 78, err[-2000:]
    assert bad not in out + err and "AAH-this-token" not in out + err
    assert "Traceback" not in out + err
    assert [line for line in err.splitlines() if line.startswith("obligations serve")] == [
        "obligations serve: error: Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized): copy the token again from @BotFather"
    ]


def test_a_malformed_token_fails_at_once_without_calling_telegram():
    with FakeBotAPI() as api:
        env = _clean_env(
            TELEGRAM_BOT_TOKEN="garbage", TELEGRAM_API_BASE_URL=api.base_url, TELEGRAM_WEBHOOK_SECRET=SECRET
        )
        process = _serve(env, free_port(), "--webhook-url", "https://helpdesk.example.org")
        out, err = process.communicate(timeout=30)
        assert not api.calls()
    assert process.returncode == 78
    assert "TELEGRAM_BOT_TOKEN is not a bot token" in err
    assert "garbage" not in out + err and "Traceback" not in err


def test_serve_honours_telegram_webhook_url_from_the_settings():
    with FakeBotAPI() as api:
        port = free_port()
        env = _clean_env(
            TELEGRAM_BOT_TOKEN=TEST_TOKEN,
            TELEGRAM_API_BASE_URL=api.base_url,
            TELEGRAM_WEBHOOK_SECRET=SECRET,
            TELEGRAM_WEBHOOK_URL="https://helpdesk.example.org/telegram/webhook",
        )
        process = _serve(env, port)
        try:
            _wait_healthy(process, port)
            api.wait_until(lambda: bool(api.calls("setWebhook")), 20, "setWebhook")
            assert api.calls("setWebhook")[0].params["url"] == "https://helpdesk.example.org/telegram/webhook"
        finally:
            out, err = stop_process(process)
    assert process.returncode == 0, err[-2000:]


def test_telegram_webhook_url_without_a_secret_is_a_clear_error():
    env = _clean_env(
        TELEGRAM_BOT_TOKEN=TEST_TOKEN, TELEGRAM_WEBHOOK_URL="https://helpdesk.example.org/telegram/webhook"
    )
    process = _serve(env, free_port())
    out, err = process.communicate(timeout=30)
    assert process.returncode == 78
    assert "TELEGRAM_WEBHOOK_URL" in err and "TELEGRAM_WEBHOOK_SECRET" in err
    assert TEST_TOKEN not in out + err and "Traceback" not in err


@pytest.mark.parametrize(
    "url, message",
    [
        ("https://helpdesk.example.org/hook", "the webhook is served at /telegram/webhook, not /hook"),
        ("http://helpdesk.example.org/telegram/webhook", "https://"),
    ],
)
def test_a_webhook_url_we_would_not_serve_is_refused(url, message):
    with FakeBotAPI() as api:
        env = _clean_env(
            TELEGRAM_BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_BASE_URL=api.base_url, TELEGRAM_WEBHOOK_SECRET=SECRET
        )
        process = _serve(env, free_port(), "--webhook-url", url)
        out, err = process.communicate(timeout=30)
        assert not api.calls("setWebhook")
    assert process.returncode == 78
    assert "--webhook-url" in err and message in err and "Traceback" not in err


def test_a_port_in_use_is_exit_71_with_the_address():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = _serve(_clean_env(), port)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 71
    assert f"cannot listen on 127.0.0.1:{port}" in err and "Traceback" not in err
