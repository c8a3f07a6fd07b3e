"""What a user gets from `pip install <wheel>`: the sdist and wheel built by `python -m build`, installed
(not editable) into a fresh virtualenv, and the `obligations` command run from an empty folder.

Nothing from the checkout is on the path: the commands run with the venv's own interpreter, in a
temporary folder, without PYTHONPATH, so the rules and sources they read are the ones inside the wheel.
Pip resolves the dependencies with constraints.txt, as the image build does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import httpx
import pytest
from test_deploy_support import REPO, free_port, stop_process, wait_for_port


def _run(
    argv: list[str], cwd: Path, timeout: float = 600, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(argv)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


def _user_env() -> dict[str, str]:
    """The environment of a user who never saw the checkout: no settings, no PYTHONPATH."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.upper().startswith(("OBLIGATIONS_", "TELEGRAM_", "PYTHON", "VIRTUAL_ENV"))
    }


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """sdist and wheel of the checkout, the wheel built from the sdist (as `python -m build` does)."""
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", str(out), str(REPO)], cwd=out)
    return out


@pytest.fixture(scope="module")
def venv(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the wheel (and its pinned dependencies) installed, nothing else."""
    home = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", str(home)], cwd=home)
    [wheel] = dist.glob("*.whl")
    _run(
        [
            str(home / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "-c",
            str(REPO / "constraints.txt"),
            str(wheel),
        ],
        cwd=home,
        env=_user_env(),
    )
    return home


@pytest.fixture()
def elsewhere(tmp_path: Path) -> Path:
    """An empty folder, far from the checkout, to run the command from."""
    folder = tmp_path / "empty"
    folder.mkdir()
    return folder


def test_build_gives_an_sdist_and_a_wheel_that_carry_the_rules(dist: Path) -> None:
    [sdist] = dist.glob("*.tar.gz")
    [wheel] = dist.glob("*.whl")
    shipped = sorted(str(p.relative_to(REPO)) for d in ("rules", "knowledge") for p in (REPO / d).rglob("*.yaml"))
    assert len(shipped) > 5
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    for path in shipped:
        assert f"bot/_data/{path}" in names, f"{path} missing from the wheel"
    assert not any(n.startswith(("tests/", "rules/", "knowledge/", "benchmarks/")) for n in names)
    with tarfile.open(sdist) as tf:
        members = {m.name.split("/", 1)[1] for m in tf.getmembers() if "/" in m.name}
    for path in shipped + ["setup.py", "pyproject.toml", "constraints.txt"]:
        assert path in members, f"{path} missing from the sdist"


def test_check_wheel_contents_passes(dist: Path) -> None:
    [wheel] = dist.glob("*.whl")
    result = _run([sys.executable, "-m", "check_wheel_contents", str(wheel)], cwd=dist)
    assert result.stdout.strip().endswith("OK"), result.stdout


def test_installed_package_is_the_wheel_not_the_checkout(venv: Path, elsewhere: Path) -> None:
    code = (
        "import bot, bot.datadirs as d; print(bot.__file__); print(d.shipped('rules')); print(d.shipped('knowledge'))"
    )
    lines = _run([str(venv / "bin" / "python"), "-c", code], cwd=elsewhere, env=_user_env()).stdout.splitlines()
    for line in lines:
        path = Path(line).resolve()
        assert path.is_relative_to(venv.resolve()), f"{path} is not inside the fresh venv"
        assert not path.is_relative_to(REPO.resolve())
    direct_url = list(venv.glob("lib/python*/site-packages/dmp_obligations-*.dist-info/direct_url.json"))
    if direct_url:
        assert '"editable": true' not in direct_url[0].read_text(encoding="utf-8")


def test_check_from_an_empty_folder(venv: Path, elsewhere: Path) -> None:
    result = _run([str(venv / "bin" / "obligations"), "check"], cwd=elsewhere, env=_user_env(), timeout=60)
    assert result.stdout.startswith("ok: "), result.stdout
    assert "citations verbatim" in result.stdout


def test_ask_json_from_an_empty_folder(venv: Path, elsewhere: Path) -> None:
    result = _run(
        [str(venv / "bin" / "obligations"), "ask", "--json", "CRO au patient ?"],
        cwd=elsewhere,
        env=_user_env(),
        timeout=60,
    )
    answer = json.loads(result.stdout)
    assert answer["verdict"] == "obligatoire"
    assert answer["documents"] == ["cr-operatoire"]
    assert answer["citations"] and all(c["text"] for c in answer["citations"])
    assert list(elsewhere.iterdir()) == [], "the command wrote into the current folder"


def test_serve_answers_healthz_and_stops_on_sigterm(venv: Path, elsewhere: Path) -> None:
    port = free_port()
    env = _user_env() | {"OBLIGATIONS_PORT": str(port), "OBLIGATIONS_LOG_FORMAT": "text"}
    proc = subprocess.Popen(
        [str(venv / "bin" / "obligations"), "serve"],
        cwd=elsewhere,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_port(port, proc, timeout=30)
        health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
        assert health.status_code == 200, health.text
        ask = httpx.get(f"http://127.0.0.1:{port}/api/ask", params={"q": "CRO au patient ?"}, timeout=10)
        assert ask.status_code == 200 and ask.json()["verdict"] == "obligatoire"
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10)
        assert page.status_code == 200 and "<html" in page.text.lower(), "static page missing from the wheel"
    finally:
        stop_process(proc)
    assert proc.returncode == 0, proc.returncode
