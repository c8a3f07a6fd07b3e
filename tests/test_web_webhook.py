"""`obligations serve --webhook-url`: the Telegram webhook on the helpdesk app, against a fake Bot API."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bot.web.app import create_app
from bot.web.telegram_bridge import build_webhook_application
from browser.server import child_env, free_port
from fake_bot_api import TEST_TOKEN, FakeBotAPI, bot_settings

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


async def test_the_app_registers_the_webhook_and_answers_telegram_updates(engine):
    with FakeBotAPI() as api:
        application = build_webhook_application(bot_settings(api, TELEGRAM_WEBHOOK_SECRET=SECRET), engine)
        url = "https://helpdesk.example.org/telegram/webhook"
        app = create_app(engine, telegram_application=application, webhook_secret=SECRET, webhook_url=url)
        async with app.router.lifespan_context(app):
            [hook] = api.calls("setWebhook")
            assert hook.params["url"] == url
            assert hook.params["secret_token"] == SECRET
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
                forged = await client.post("/telegram/webhook", json=_update(81, "CRO au patient ?"), headers={SECRET_HEADER: "nope"})
                assert forged.status_code == 403
                right = await client.post("/telegram/webhook", json=_update(81, "CRO au patient ?"), headers={SECRET_HEADER: SECRET})
                assert right.status_code == 200
                [answer] = await api.wait_calls("sendMessage", chat_id=81)
                assert "opératoire" in answer.params["text"]
                web = await client.get("/api/ask", params={"q": "CRO au patient ?", "date": "2025-06-01"})
                assert web.json()["documents"][0] == "cr-operatoire"
                assert (await client.get("/telegram/webhook")).status_code == 405


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
        env = _clean_env(TELEGRAM_BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_BASE_URL=api.base_url, TELEGRAM_WEBHOOK_SECRET=SECRET)
        process = _serve(env, port, "--webhook-url", "https://helpdesk.example.org")
        try:
            deadline = time.monotonic() + 30
            while True:
                assert process.poll() is None, process.communicate()[1][-2000:]
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.1)
            [hook] = api.calls("setWebhook")
            assert hook.params["url"] == "https://helpdesk.example.org/telegram/webhook"
            posted = httpx.post(
                f"http://127.0.0.1:{port}/telegram/webhook", json=_update(82, "CR bio dans le DMP ?"), headers={SECRET_HEADER: SECRET}
            )
            assert posted.status_code == 200
            api.wait_until(lambda: bool(api.sent(82)), 10, "the answer")
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
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


def test_a_token_telegram_rejects_stops_the_server_without_showing_it():
    bad = "987654321:AAH-this-token-is-revoked-000000000000"
    with FakeBotAPI(rejected_tokens=(bad,)) as api:
        env = _clean_env(TELEGRAM_BOT_TOKEN=bad, TELEGRAM_API_BASE_URL=api.base_url, TELEGRAM_WEBHOOK_SECRET=SECRET)
        process = _serve(env, free_port(), "--webhook-url", "https://helpdesk.example.org")
        out, err = process.communicate(timeout=30)
    assert process.returncode != 0
    assert bad not in out + err
    assert process.returncode == 3
    assert "Telegram rejected TELEGRAM_BOT_TOKEN" in err
