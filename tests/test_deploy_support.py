"""Helpers shared by the deployment tests (no tests here): repo paths, required system tools, free loopback ports."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
SITE = DEPLOY / "nginx" / "obligations.conf"


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
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=bot.example.org",
            "-addext",
            "subjectAltName=DNS:bot.example.org,IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
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


def nginx_binary() -> str:
    return require_tool("nginx", "/usr/sbin/nginx")


def _substitute(text: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        assert old in text, f"placeholder {old!r} is no longer in {SITE}; update the test with the site"
        text = text.replace(old, new)
    return text


def write_nginx_config(tmp: Path, https_port: int, http_port: int, upstream_port: int) -> Path:
    cert, key = self_signed_cert(tmp)  # ~0.1 s: once per nginx started
    logs = tmp / "logs"
    logs.mkdir()
    site = _substitute(
        SITE.read_text(encoding="utf-8"),
        {
            "/etc/ssl/obligations/fullchain.pem": str(cert),
            "/etc/ssl/obligations/privkey.pem": str(key),
            "/var/log/nginx/": f"{logs}/",
            "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
            "listen [::]:443 ssl;": "",
            "listen 80;": f"listen 127.0.0.1:{http_port};",
            "listen [::]:80;": "",
            "server 127.0.0.1:8080;": f"server 127.0.0.1:{upstream_port};",
        },
    )
    (tmp / "obligations.conf").write_text(site, encoding="utf-8")
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must reach the 0700 temp dir
    wrapper = f"""{user}daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    access_log off;
    include {tmp}/obligations.conf;
}}
"""
    conf = tmp / "nginx.conf"
    conf.write_text(wrapper, encoding="utf-8")
    return conf


def nginx_cmd(conf: Path, *extra: str) -> list[str]:
    return [nginx_binary(), "-p", str(conf.parent), "-e", str(conf.parent / "error.log"), "-c", str(conf), *extra]


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(
                f"{proc.args[0]} exited with {proc.returncode}: {proc.stderr.read() if proc.stderr else ''}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"{proc.args[0]} did not listen on 127.0.0.1:{port}")


def stop_process(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    for pipe in (proc.stdout, proc.stderr):
        if pipe:
            pipe.close()
