"""Start the real `obligations serve` in a subprocess on a free loopback port, and stop it after.

The browser tests and the screenshot script drive the server a user would run, not an in-process
app, so the uvicorn set-up, static files and headers are all part of what they check.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
# Test-only switches share the OBLIGATIONS_ prefix, which the settings loader rejects as unknown.
TEST_ONLY_VARIABLES = ("SKIP_BROWSER_TESTS",)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    env.update(extra)
    return env


@contextlib.contextmanager
def running_server(
    timeout: float = 20.0, extra_args: tuple[str, ...] = (), env: dict[str, str] | None = None
) -> Iterator[str]:
    """Yield the base URL (http://127.0.0.1:PORT) of a running server; SIGTERM it on exit."""
    port = free_port()
    log = tempfile.TemporaryFile(mode="w+")  # a file, not a pipe: a full pipe would block the server
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port), *extra_args],
        cwd=REPO,
        env=child_env(**(env or {})),
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"obligations serve exited with {process.returncode}: {log.read()[-2000:]}")
            try:
                if httpx.get(base + "/healthz", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"obligations serve did not answer /healthz within {timeout} s")
            time.sleep(0.1)
        yield base
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()
