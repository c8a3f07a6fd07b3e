"""deploy/systemd units: systemd itself accepts them, they are hardened, and they start what exists.

`systemd-analyze verify` needs the ExecStart binary to exist; the units point at the install location
/opt/obligations/.venv/bin/obligations, so the test substitutes an executable of its own at that one
path (checking first that the path is still what the unit says) and leaves everything else as shipped.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import tomllib
from pathlib import Path

import pytest
from test_deploy_support import DEPLOY, REPO, read_env_file, require_tool

from bot.settings import Settings

UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
INSTALLED_BINARY = "/opt/obligations/.venv/bin/obligations"
CLI_COMMANDS = {"telegram", "serve"}


def _unit_for_verify(unit: Path, tmp: Path) -> Path:
    text = unit.read_text(encoding="utf-8")
    assert INSTALLED_BINARY in text, f"{unit.name} no longer starts {INSTALLED_BINARY}; update the test"
    fake = tmp / "obligations"
    fake.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    fake.chmod(0o755)
    copy = tmp / unit.name
    copy.write_text(text.replace(INSTALLED_BINARY, str(fake)), encoding="utf-8")
    return copy


def _directives(unit: Path) -> dict[str, list[str]]:
    """Section.Key -> values, as systemd reads them (repeated keys accumulate)."""
    out: dict[str, list[str]] = {}
    section = ""
    for raw in unit.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        out.setdefault(f"{section}.{key.strip()}", []).append(value.strip())
    return out


def test_there_is_a_polling_unit_and_a_webhook_unit() -> None:
    assert {u.name for u in UNITS} == {"obligations.service", "obligations-web.service"}


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_systemd_analyze_verify_accepts_the_unit(unit: Path, tmp_path: Path) -> None:
    tool = require_tool("systemd-analyze")
    copy = _unit_for_verify(unit, tmp_path)
    result = subprocess.run([tool, "verify", str(copy)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    # verify only warns (exit 0) on unknown keys and bad values: any line naming the unit is a problem.
    problems = [line for line in result.stderr.splitlines() if unit.name in line or str(copy) in line]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_systemd_rates_the_unit_hardened(unit: Path, tmp_path: Path) -> None:
    tool = require_tool("systemd-analyze")
    copy = _unit_for_verify(unit, tmp_path)
    # Exposure score 0-10, "OK" below 2 in systemd's own table; fail above 2.0.
    result = subprocess.run(
        [tool, "security", "--offline=true", "--threshold=20", "--no-pager", str(copy)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    score = re.search(r"Overall exposure level for \S+: ([0-9.]+)", result.stdout)
    assert score, result.stdout[-2000:] + result.stderr
    assert float(score.group(1)) <= 2.0, result.stdout
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_unit_has_the_required_hardening_and_restart_policy(unit: Path) -> None:
    d = _directives(unit)
    assert d.get("Service.DynamicUser") == ["yes"] or d.get("Service.User"), "needs DynamicUser= or a dedicated User="
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "PrivateTmp": "yes",
        "ProtectHome": "yes",
        "Restart": "on-failure",
    }.items():
        assert d.get(f"Service.{key}") == [value], f"{unit.name}: {key}={value}"
    assert d["Service.EnvironmentFile"] == ["/etc/obligations/obligations.env"]
    # Bad settings (78) and bad rule files (65) cannot be fixed by a restart: no restart loop on them.
    from bot import exitcodes

    assert sorted(d["Service.RestartPreventExitStatus"][0].split()) == sorted(str(c) for c in exitcodes.NO_RESTART)


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_unit_starts_an_existing_obligations_command(unit: Path) -> None:
    d = _directives(unit)
    [exec_start] = d["Service.ExecStart"]
    argv = shlex.split(exec_start)
    assert argv[0] == INSTALLED_BINARY
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert Path(argv[0]).name in scripts
    from bot.cli import build_parser

    assert argv[1] in CLI_COMMANDS
    # The arguments parse with the real CLI (systemd expands ${TELEGRAM_WEBHOOK_URL} from the env file first).
    expanded = [a.replace("${TELEGRAM_WEBHOOK_URL}", "https://bot.example.org/telegram/webhook") for a in argv[1:]]
    args = build_parser().parse_args(expanded)
    assert args.command == argv[1]
    if "--webhook-url" in argv:
        assert args.webhook_url.endswith("/telegram/webhook")


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_unit_environment_names_only_known_settings(unit: Path) -> None:
    known = {name.upper() for name in Settings.model_fields}
    for line in _directives(unit).get("Service.Environment", []):
        for assignment in shlex.split(line):
            name = assignment.partition("=")[0]
            if name.startswith(("OBLIGATIONS_", "TELEGRAM_")):
                assert name in known, f"{unit.name}: {name} is not a setting"


def test_env_example_for_systemd_is_valid_and_names_only_settings(tmp_path: Path) -> None:
    from bot.settings import load_settings

    env = read_env_file(DEPLOY / "systemd" / "obligations.env.example")
    assert "TELEGRAM_BOT_TOKEN" not in env and "TELEGRAM_WEBHOOK_SECRET" not in env, "secrets belong in credentials"
    settings = load_settings(env)
    assert settings.obligations_host == "127.0.0.1"
    assert settings.telegram_webhook_url and settings.telegram_webhook_url.endswith("/telegram/webhook")


def test_polling_unit_polls_even_if_the_shared_env_file_names_a_webhook() -> None:
    d = _directives(DEPLOY / "systemd" / "obligations.service")
    unset = " ".join(d.get("Service.UnsetEnvironment", [])).split()
    assert "TELEGRAM_WEBHOOK_URL" in unset
    web = _directives(DEPLOY / "systemd" / "obligations-web.service")
    assert "Service.UnsetEnvironment" not in web


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_unit_raises_the_descriptor_limit_above_the_default_1024(unit: Path) -> None:
    """The server caps its connections below RLIMIT_NOFILE (bot/connections.py); 1,024 would leave ~900."""
    [limit] = _directives(unit)["Service.LimitNOFILE"]
    assert int(limit) >= 8192
