"""Helpers shared by the deployment tests (no tests here): repo paths, required system tools, free loopback ports."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"


def require_tool(name: str, *extra_paths: str) -> str:
    """Path of a system tool; skip when it is absent, except in CI where deploy/ci-setup.sh must have installed it."""
    found = shutil.which(name) or next((p for p in extra_paths if os.access(p, os.X_OK)), None)
    if found:
        return found
    message = f"{name} is not installed: run `bash deploy/ci-setup.sh` (apt-get) to install it"
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {message}")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def self_signed_cert(directory: Path) -> tuple[Path, Path]:
    """A throw-away certificate for 127.0.0.1, standing in for the TLS placeholders."""
    openssl = require_tool("openssl")
    cert, key = directory / "fullchain.pem", directory / "privkey.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=bot.example.org",
         "-addext", "subjectAltName=DNS:bot.example.org,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )
    return cert, key


def read_env_file(path: Path) -> dict[str, str]:
    """systemd EnvironmentFile= syntax as used in our examples: VAR=value lines and # comments."""
    env: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        assert "=" in line, f"{path.name}: not VAR=value: {line!r}"
        key, _, value = line.partition("=")
        assert "#" not in value, f"{path.name}: a comment after a value becomes part of it: {line!r}"
        env[key.strip()] = value.strip()
    return env
