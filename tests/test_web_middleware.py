"""The last guard of the web app: a crash becomes a JSON 500 that says nothing of the input."""

from __future__ import annotations

import json
import logging

import httpx

from bot.web.middleware import AccessLogMiddleware, SecurityHeadersMiddleware

SECRET = "Mme Zorglubovitch née le 12/03/1956"


async def failing_app(scope, receive, send):
    raise ValueError(f"could not understand {SECRET}")


async def test_a_crash_is_a_json_500_without_internals(caplog):
    caplog.set_level(logging.DEBUG)
    app = SecurityHeadersMiddleware(AccessLogMiddleware(failing_app))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
        response = await client.get("/api/ask", params={"q": SECRET})
    assert response.status_code == 500
    assert response.json()["error"] == "internal_error"
    assert "Zorglub" not in response.text and "ValueError" not in response.text
    assert "default-src 'self'" in response.headers["content-security-policy"]
    errors = [r for r in caplog.records if getattr(r, "obligations_event", None) == "unhandled_exception"]
    assert errors and errors[0].obligations_fields["exc_type"] == "ValueError"
    for record in caplog.records:
        if record.name.startswith("httpx"):  # the test's own HTTP client, silenced in the server
            continue
        assert "Zorglub" not in record.getMessage()
        assert "Zorglub" not in json.dumps(getattr(record, "obligations_fields", {}), ensure_ascii=False)


async def test_unknown_paths_are_not_logged_as_typed(caplog):
    caplog.set_level(logging.DEBUG)

    async def ok_app(scope, receive, send):
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    app = AccessLogMiddleware(ok_app, loggable_path=lambda path: path == "/api/ask")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
        await client.get("/dupont-jean")
        await client.get("/api/ask?q=dupont")
    paths = [
        r.obligations_fields["path"] for r in caplog.records if getattr(r, "obligations_event", None) == "http_request"
    ]
    assert paths == ["(other)", "/api/ask"]
