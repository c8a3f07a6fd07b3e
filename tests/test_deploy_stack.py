"""The real `obligations serve` behind the shipped nginx site, on loopback: what a hospital's IT team
would check by hand after installing set-up B (deploy/README.md).

One app process and one nginx for the module; both are stopped at the end.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from test_deploy_support import DEPLOY, REPO, free_port, nginx_cmd, stop_process, wait_for_port, write_nginx_config

TOKEN = "123456789:AAHfakeTokenForTestsOnly_abcdefghijk"
QUESTION = "CR de biologie de Mme Dupont dans le DMP ?"


def _clean_env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(("OBLIGATIONS_", "TELEGRAM_"))}
    env.update(settings)
    return env


def _serve(port: int, log_file: Path, **settings: str) -> subprocess.Popen:
    log = log_file.open("w", encoding="utf-8")
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO,
            env=_clean_env(**settings),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    finally:
        log.close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("stack")
    app_port, https_port, http_port = free_port(), free_port(), free_port()
    app_log = tmp / "app.log"
    app = _serve(app_port, app_log, OBLIGATIONS_LOG_FORMAT="json", OBLIGATIONS_LOG_LEVEL="INFO")
    nginx = None
    try:
        wait_for_port(app_port, app, timeout=30)
        conf = write_nginx_config(tmp, https_port, http_port, app_port)
        nginx = subprocess.Popen(nginx_cmd(conf), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wait_for_port(https_port, nginx)
        with httpx.Client(
            base_url=f"https://127.0.0.1:{https_port}", verify=False, headers={"Host": "bot.example.org"}, timeout=20
        ) as client:
            yield {"client": client, "app_port": app_port, "app": app, "app_log": app_log, "nginx_logs": tmp / "logs"}
    finally:
        if nginx is not None:
            stop_process(nginx)
        stop_process(app)


def test_container_healthcheck_script_sees_the_real_app(stack) -> None:
    env = _clean_env(OBLIGATIONS_PORT=str(stack["app_port"]))
    result = subprocess.run(
        [sys.executable, str(DEPLOY / "healthcheck.py")], env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr


def test_health_and_answers_through_nginx(stack) -> None:
    client = stack["client"]
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    answer = client.get("/api/ask", params={"q": QUESTION, "date": "2025-06-01"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["verdict"] == "obligatoire"
    assert "cr-biologie" in answer.json()["documents"]


def test_metrics_count_the_answer_but_only_on_loopback(stack) -> None:
    client = stack["client"]
    client.get("/api/ask", params={"q": "lettre de liaison de sortie au patient ?"})
    assert client.get("/metrics").status_code == 404
    direct = httpx.get(f"http://127.0.0.1:{stack['app_port']}/metrics", timeout=10)
    assert direct.status_code == 200
    assert 'obligations_questions_total{frontend="web",verdict="' in direct.text


def test_forged_webhook_call_stops_at_nginx(stack) -> None:
    assert stack["client"].post("/telegram/webhook", json={"update_id": 1}).status_code == 403


def test_no_log_holds_the_question(stack) -> None:
    stack["client"].get("/api/ask", params={"q": QUESTION})
    access = (stack["nginx_logs"] / "obligations.access.log").read_text(encoding="utf-8")
    assert "GET /api/ask HTTP/1.1" in access
    app_lines = [line for line in stack["app_log"].read_text(encoding="utf-8").splitlines() if line.strip()]
    assert app_lines, "the app logged nothing"
    for line in app_lines:
        json.loads(line)  # every line is one JSON object
    for text in (access, "\n".join(app_lines)):
        assert "Dupont" not in text and "biologie de Mme" not in text


def test_unknown_setting_stops_serve_with_the_config_status(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve", "--port", str(free_port())],
        cwd=REPO,
        env=_clean_env(OBLIGATIONS_PROT="8081", TELEGRAM_BOT_TOKEN=TOKEN),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 78  # RestartPreventExitStatus=78 in the systemd units
    assert "OBLIGATIONS_PROT: not a known setting (did you mean OBLIGATIONS_PORT?)" in result.stderr
    assert TOKEN not in result.stderr + result.stdout
