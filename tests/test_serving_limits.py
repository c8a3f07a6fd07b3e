"""`serve` exposed directly: deadlines on headers and bodies, a connection cap below the descriptor
limit, quiet accept errors, and a client that leaves mid-body is an INFO line, not a 500.

Everything runs on loopback against the real uvicorn server (bot.serving.make_server) with small limits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import resource
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.connections import ServerLimits, Throttle, descriptor_cap, loop_exception_handler
from bot.serving import listen_socket, make_server
from bot.telegram.webhook import SECRET_HEADER, WEBHOOK_PATH
from bot.web.app import create_app
from tests.fake_bot_api import FakeBotAPI, bot_settings, shared_engine

ROOT = Path(__file__).resolve().parents[1]
SECRET = "limits_test-secret_0123"


@contextlib.asynccontextmanager
async def serving(app: Any, limits: ServerLimits) -> AsyncIterator[tuple[int, Any]]:
    sock = listen_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = make_server(app, limits, host="127.0.0.1", port=port)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        for _ in range(200):
            if server.started or task.done():
                break
            await asyncio.sleep(0.02)
        assert server.started, "the server did not start"
        yield port, server
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 15)
        sock.close()


async def _closed_by_server(reader: asyncio.StreamReader, within: float) -> bytes:
    """What the server sent before closing (b'' for a silent close); fails if it stays open `within` s."""
    return await asyncio.wait_for(reader.read(), within)


async def _healthz(port: int) -> tuple[int, float]:
    start = time.monotonic()
    async with httpx.AsyncClient(timeout=5) as client:
        response = await client.get(f"http://127.0.0.1:{port}/healthz")
    return response.status_code, time.monotonic() - start


async def test_idle_half_open_connections_do_not_stop_healthz() -> None:
    limits = ServerLimits(max_connections=20, header_timeout=30, body_timeout=30, keepalive_timeout=5)
    async with serving(create_app(shared_engine()), limits) as (port, server):
        idle = []
        for i in range(80):  # four times the cap; half send nothing, half a request that never ends
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            if i % 2:
                writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            idle.append((reader, writer))
        await asyncio.sleep(0.2)
        assert len(server.server_state.connections) <= limits.max_connections
        for _ in range(5):
            status, seconds = await _healthz(port)
            assert status == 200 and seconds < 2
        # The oldest idle sockets made room: the server closed them.
        assert await _closed_by_server(idle[0][0], 2) == b""
        async with httpx.AsyncClient() as client:
            metrics = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
        evicted = re.search(r'obligations_http_connections_closed_total\{reason="evicted"\} (\d+)', metrics)
        assert evicted and int(float(evicted.group(1))) >= 60
        for _, writer in idle:
            writer.close()


async def test_headers_that_never_end_and_idle_keep_alive_are_closed_on_time() -> None:
    limits = ServerLimits(max_connections=100, header_timeout=0.5, body_timeout=5, keepalive_timeout=0.3)
    async with serving(create_app(shared_engine()), limits) as (port, _):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # a slowloris
        start = time.monotonic()
        assert await _closed_by_server(reader, 3) == b""
        assert 0.4 < time.monotonic() - start < 2.5
        # A kept-alive connection: one answer, then closed when idle past the keep-alive timeout.
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        first = await asyncio.wait_for(reader.readuntil(b"}"), 3)
        assert first.startswith(b"HTTP/1.1 200")
        assert await _closed_by_server(reader, 3) == b""
        # ... and one that starts a second request but never finishes its headers.
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        await asyncio.wait_for(reader.readuntil(b"}"), 3)
        writer.write(b"GET /healthz HTTP/1.1\r\n")
        assert await _closed_by_server(reader, 3) == b""


@pytest.fixture
async def webhook_server(caplog: pytest.LogCaptureFixture) -> AsyncIterator[int]:
    caplog.set_level(logging.INFO)
    limits = ServerLimits(max_connections=100, header_timeout=5, body_timeout=0.5, keepalive_timeout=5)
    with FakeBotAPI() as api:
        settings = bot_settings(api, TELEGRAM_WEBHOOK_SECRET=SECRET)
        from bot.web.telegram_bridge import build_webhook_application

        application = build_webhook_application(settings, shared_engine())
        app = create_app(shared_engine(), telegram_application=application, webhook_secret=SECRET)
        async with serving(app, limits) as (port, _):
            await api.wait_for(lambda: application.running, 10, "the bot to start")
            yield port


def _webhook_head(length: int) -> bytes:
    return (
        f"POST {WEBHOOK_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"{SECRET_HEADER}: {SECRET}\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def _problems(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        f"{r.levelname} {r.name}: {r.getMessage()}"
        for r in caplog.records
        if r.levelno >= logging.ERROR or "status=500" in r.getMessage()
    ]


async def test_a_stalled_webhook_body_is_cut_by_the_timeout(webhook_server: int, caplog) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", webhook_server)
    writer.write(_webhook_head(500) + b'{"update_id": 1, "mess')
    start = time.monotonic()
    reply = await _closed_by_server(reader, 5)
    assert 0.4 < time.monotonic() - start < 3
    assert reply.startswith(b"HTTP/1.1 408 ")
    await asyncio.sleep(0.1)
    assert _problems(caplog) == []
    messages = [r.getMessage() for r in caplog.records]
    assert any("http_connection_closed" in m and "reason=body_timeout" in m for m in messages)
    assert any("telegram_webhook_client_gone" in m for m in messages)


async def test_a_client_leaving_mid_body_is_an_info_line_not_a_500(webhook_server: int, caplog) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", webhook_server)
    writer.write(_webhook_head(500) + b'{"update_id": 1, "mess')
    await writer.drain()
    await asyncio.sleep(0.1)
    writer.close()
    await asyncio.sleep(0.3)
    gone = [r for r in caplog.records if "telegram_webhook_client_gone" in r.getMessage()]
    assert [r.levelno for r in gone] == [logging.INFO]
    access = [r.getMessage() for r in caplog.records if "http_request" in r.getMessage()]
    assert access and all("status=500" not in m for m in access) and any("status=499" in m for m in access)
    assert _problems(caplog) == []
    status, _ = await _healthz(webhook_server)  # and the server is fine
    assert status == 200


def test_accept_errors_are_logged_at_most_once_a_second(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    loop = asyncio.new_event_loop()
    try:
        handle = loop_exception_handler(Throttle(interval=1.0))
        context = {
            "message": "socket.accept() out of system resource",
            "exception": OSError(24, "Too many open files"),
        }
        for _ in range(500):
            handle(loop, context)
        time.sleep(1.05)
        handle(loop, context)
    finally:
        loop.close()
    lines = [r.getMessage() for r in caplog.records if "accept_failed" in r.getMessage()]
    assert len(lines) == 2
    assert "error=EMFILE" in lines[0] and "also_since_last=499" in lines[1]


def test_the_cap_stays_below_the_descriptor_limit() -> None:
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert descriptor_cap() < soft
    from bot.settings import load_settings

    limits = ServerLimits.from_settings(load_settings({"OBLIGATIONS_MAX_CONNECTIONS": str(10 * soft)}))
    assert limits.max_connections == descriptor_cap()
    assert ServerLimits.from_settings(load_settings({"OBLIGATIONS_MAX_CONNECTIONS": "7"})).max_connections == 7


def _low_descriptor_limit() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (128, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))


def test_serve_with_128_descriptors_survives_300_idle_connections_quietly() -> None:
    """Finding 5 of issue 12: the real command, a low descriptor limit, far more idle sockets than it allows."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(("TELEGRAM_", "OBLIGATIONS_"))}
    env.update(PYTHONPATH=str(ROOT), OBLIGATIONS_PORT=str(port), OBLIGATIONS_HEADER_TIMEOUT_SECONDS="30")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_low_descriptor_limit,
    )
    held: list[socket.socket] = []
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "serve did not start"
                time.sleep(0.1)
        for _ in range(300):
            held.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        time.sleep(0.5)
        for _ in range(5):  # before the fix these hung until the idle sockets were dropped
            assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
        assert proc.poll() is None
    finally:
        for s in held:
            s.close()
        proc.terminate()
        _, stderr = proc.communicate(timeout=20)
    lines = stderr.splitlines()
    assert proc.returncode == 0, stderr[-2000:]
    assert len(lines) < 40, f"{len(lines)} log lines, e.g. {lines[:5]}"
    assert '"level": "ERROR"' not in stderr
