"""deploy/Dockerfile and deploy/compose.yaml: what can be checked without a Docker daemon.

Docker cannot build here, so the Dockerfile is parsed and every command, path and user it names is
checked against the repository: the console script, the health-check script (run for real against a
loopback server), the /healthz route of the web app, the non-root user, a final stage without compilers.
"""

from __future__ import annotations

import fnmatch
import http.server
import json
import os
import re
import subprocess
import sys
import threading
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from test_deploy_support import DEPLOY, REPO, free_port, read_env_file

from bot.settings import Settings, load_settings

DOCKERFILE = DEPLOY / "Dockerfile"
DOCKERIGNORE = DEPLOY / "Dockerfile.dockerignore"
COMPOSE = DEPLOY / "compose.yaml"
SITE = DEPLOY / "nginx" / "obligations.conf"
HEALTHCHECK_IN_IMAGE = "/app/healthcheck.py"  # the one file the runtime stage takes from the checkout
KNOWN_SETTINGS = {name.upper() for name in Settings.model_fields}


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]


def _parse_dockerfile(path: Path) -> tuple[dict[str, str], list[Stage]]:
    """(global ARG defaults, stages): continuation lines joined, comments dropped."""
    logical: list[str] = []
    buf = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue  # Docker drops comment lines, even inside a continued instruction
        if stripped.endswith("\\"):
            buf += stripped[:-1] + " "
            continue
        logical.append(buf + stripped)
        buf = ""
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in logical:
        keyword, _, rest = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            m = re.fullmatch(r"(\S+)(?:\s+AS\s+(\S+))?", rest.strip(), re.IGNORECASE)
            assert m, f"cannot read FROM {rest!r}"
            base = re.sub(r"\$\{(\w+)\}", lambda mm: args.get(mm.group(1), mm.group(0)), m.group(1))
            stages.append(Stage(base=base, name=m.group(2)))
        elif not stages and keyword == "ARG":
            name, _, default = rest.strip().partition("=")
            args[name] = default
        else:
            assert stages, f"instruction before FROM: {line}"
            stages[-1].instructions.append((keyword, rest.strip()))
    return args, stages


ARGS, STAGES = _parse_dockerfile(DOCKERFILE)
FINAL = STAGES[-1]


def _exec_form(value: str) -> list[str]:
    parsed = json.loads(value)
    assert isinstance(parsed, list) and all(isinstance(p, str) for p in parsed), f"not exec form: {value}"
    return parsed


def test_multi_stage_on_slim_python_311() -> None:
    assert len(STAGES) >= 2
    for stage in STAGES:
        assert re.fullmatch(r"python:3\.11-slim(-\w+)?", stage.base), stage.base
    assert any(kw == "COPY" and args.startswith("--from=") for kw, args in FINAL.instructions)


def test_final_stage_runs_as_an_unprivileged_user() -> None:
    users = FINAL.all("USER")
    assert users, "the final stage must set USER"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}
    if user.isdigit():
        assert int(user) >= 1000
        assert any(f"--uid {user}" in run for run in FINAL.all("RUN")), "the uid is created in the image"


def test_final_stage_has_no_build_tools() -> None:
    text = " ".join(args for _, args in FINAL.instructions)
    for tool in ("gcc", "g++", "build-essential", "make ", "clang", "python3-dev", "libc6-dev"):
        assert tool not in text, f"final stage mentions {tool}"
    assert "apt-get install" not in text


def test_entrypoint_is_the_obligations_console_script() -> None:
    [entrypoint] = FINAL.all("ENTRYPOINT")
    argv = _exec_form(entrypoint)
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert Path(argv[0]).name in scripts, f"{argv[0]} is not a [project.scripts] entry"
    # The venv the script lives in is the one built and copied.
    assert argv[0].startswith("/opt/venv/bin/")
    assert any("/opt/venv" in args for args in FINAL.all("COPY"))
    [cmd] = FINAL.all("CMD")
    from bot.cli import build_parser

    parsed = build_parser().parse_args(argv[1:] + _exec_form(cmd))
    assert parsed.command == "serve"


def test_package_is_installed_from_its_wheel_and_the_runtime_stage_has_no_source_tree() -> None:
    build_runs = " ".join(r for s in STAGES[:-1] for r in s.all("RUN"))
    assert "pip wheel --no-deps" in build_runs and "pip install --no-deps /tmp/wheels/" in build_runs
    assert " -e " not in build_runs and "--editable" not in build_runs
    # The runtime stage copies the virtualenv and the health-check script, nothing of the checkout.
    copies = FINAL.all("COPY")
    assert "--from=build /opt/venv /opt/venv" in copies
    assert all(c.startswith("--from=build /opt/venv ") or c.split()[-1] == HEALTHCHECK_IN_IMAGE for c in copies), copies
    ignored = [
        p.strip().rstrip("/")
        for p in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if p.strip() and not p.startswith("#")
    ]
    needed = ["setup.py", "MANIFEST.in", "README.md", "bot/datadirs.py", "rules", "knowledge", "pyproject.toml"]
    for path in [*needed, "deploy/healthcheck.py"]:
        assert (REPO / path).exists(), path
        assert not any(fnmatch.fnmatch(path, pat) or path.startswith(pat + "/") or path == pat for pat in ignored), (
            f"{path} is excluded from the build context"
        )
    for path in [".venv", ".git", "tests"]:
        assert path in ignored


def test_dockerfile_needs_no_registry_beyond_its_base_image() -> None:
    """A `# syntax=` line makes BuildKit pull a frontend image; the base is a build argument."""
    first = DOCKERFILE.read_text(encoding="utf-8").lstrip().splitlines()[0]
    assert not re.match(r"#\s*syntax\s*=", first, re.IGNORECASE), first
    assert "PYTHON_IMAGE" in ARGS
    assert all(stage.base == ARGS["PYTHON_IMAGE"] for stage in STAGES)
    assert SERVICES["app"]["build"]["args"]["PYTHON_IMAGE"] == "${PYTHON_IMAGE:-" + ARGS["PYTHON_IMAGE"] + "}"


def _pins(path: Path) -> dict[str, str]:
    """name (normalised) -> version, from a pip constraints file of `name==version` lines."""
    from packaging.utils import canonicalize_name

    pins: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep and version, f"{path.name}: not name==version: {raw!r}"
            pins[canonicalize_name(name)] = version.strip()
    return pins


def _runtime_closure(requirements: list[str]) -> dict:  # name -> the Requirement that reached it
    """Every distribution the runtime dependencies reach (extras and markers followed), as installed here."""
    from importlib import metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    seen: dict[str, Requirement] = {}
    todo = [Requirement(r) for r in requirements]
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if name in seen and req.extras <= seen[name].extras:
            continue
        seen[name] = req
        extras = {""} | set(req.extras)
        for line in metadata.distribution(req.name).requires or []:
            sub = Requirement(line)
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in extras):
                todo.append(sub)
    return seen


def test_dependencies_are_installed_with_the_tested_constraints() -> None:
    """The image gets the versions the tests ran with, transitive ones included (constraints.txt at the root)."""
    build = STAGES[0]
    installs = [
        i for i, (kw, args) in enumerate(build.instructions) if kw == "RUN" and "pip install" in args and " -r " in args
    ]
    assert installs, "the build stage installs the dependencies with pip install -r"
    index = installs[0]
    command = build.instructions[index][1]
    m = re.search(r"(?:-c|--constraint)[ =](\S+)", command.split("pip install", 1)[1])
    assert m, f"pip install without -c constraints.txt: {command}"
    assert Path(m.group(1)).name == "constraints.txt"
    copied_before = [args.split()[:-1] for kw, args in build.instructions[:index] if kw == "COPY"]
    assert any("constraints.txt" in sources for sources in copied_before), (
        "constraints.txt is copied before the install"
    )
    ignored = [
        p.strip() for p in DOCKERIGNORE.read_text(encoding="utf-8").splitlines() if p.strip() and not p.startswith("#")
    ]
    assert not any(fnmatch.fnmatch("constraints.txt", pat) for pat in ignored)

    from packaging.version import Version

    pins = _pins(REPO / "constraints.txt")
    dependencies = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    closure = _runtime_closure(dependencies)
    assert len(closure) > len(dependencies), "the walk found the transitive dependencies"
    for name, req in closure.items():
        assert name in pins, f"{name} (needed by the image) is not pinned in constraints.txt"
        assert req.specifier.contains(Version(pins[name]), prereleases=True), (
            f"constraints.txt pins {name}=={pins[name]}, {req} wants otherwise"
        )


def test_container_listens_on_all_interfaces_and_sets_only_known_settings() -> None:
    env: dict[str, str] = {}
    for args in FINAL.all("ENV"):
        for m in re.finditer(r"(\w+)=(\S+)", args):
            env[m.group(1)] = m.group(2)
    assert env["OBLIGATIONS_HOST"] == "0.0.0.0"
    for name in env:
        if name.startswith(("OBLIGATIONS_", "TELEGRAM_")):
            assert name in KNOWN_SETTINGS, name
    settings = load_settings({k: v for k, v in env.items() if k.startswith(("OBLIGATIONS_", "TELEGRAM_"))})
    assert FINAL.all("EXPOSE") == [str(settings.obligations_port)]


def test_healthcheck_runs_the_shipped_script_on_the_served_path() -> None:
    [healthcheck] = FINAL.all("HEALTHCHECK")
    argv = _exec_form(healthcheck.split("CMD", 1)[1].strip())
    script = argv[-1]
    assert script == HEALTHCHECK_IN_IMAGE
    [source] = [c.split()[0] for c in FINAL.all("COPY") if c.split()[-1] == script]
    local = REPO / source
    assert local.is_file(), f"{script} is copied from {source}, which does not exist in the repository"
    text = local.read_text(encoding="utf-8")
    assert '"/healthz"' in text
    web = REPO / "bot" / "web"
    served = [p for p in web.rglob("*.py") if '"/healthz"' in p.read_text(encoding="utf-8")] if web.is_dir() else []
    if web.is_dir() and any(web.rglob("*.py")):
        assert served, "bot/web serves no /healthz route"


class _Health(http.server.ThreadingHTTPServer):
    daemon_threads = True
    status = 200


class _HealthHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        code = self.server.status if self.path == "/healthz" else 404  # type: ignore[attr-defined]
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def _run_healthcheck(port: int) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OBLIGATIONS_")}
    env["OBLIGATIONS_PORT"] = str(port)
    return subprocess.run(
        [sys.executable, str(DEPLOY / "healthcheck.py")], env=env, capture_output=True, text=True, timeout=30
    )


@pytest.mark.parametrize("status, healthy", [(200, True), (503, False)])
def test_healthcheck_script_reports_the_app_state(status: int, healthy: bool) -> None:
    server = _Health(("127.0.0.1", 0), _HealthHandler)
    server.status = status
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result = _run_healthcheck(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
    assert (result.returncode == 0) is healthy, result.stderr
    if not healthy:
        assert "HTTP 503" in result.stderr


def test_healthcheck_script_fails_when_nothing_listens() -> None:
    result = _run_healthcheck(free_port())
    assert result.returncode == 1
    assert "unhealthy" in result.stderr


# ---- compose ----------------------------------------------------------------------------------------

COMPOSE_DATA = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
SERVICES = COMPOSE_DATA["services"]


def test_compose_builds_this_dockerfile_from_the_repository_root() -> None:
    build = SERVICES["app"]["build"]
    context = (COMPOSE.parent / build["context"]).resolve()
    assert context == REPO
    assert (context / build["dockerfile"]).resolve() == DOCKERFILE


def test_compose_runs_serve_with_the_webhook_behind_nginx() -> None:
    app, nginx = SERVICES["app"], SERVICES["nginx"]
    command = app["command"]
    assert command[0] == "serve" and command[1] == "--webhook-url"
    assert command[2].startswith("https://") and command[2].endswith("/telegram/webhook")
    assert "ports" not in app, "only nginx is published"
    assert sorted(nginx["ports"]) == ["443:443", "80:80"]
    assert nginx["depends_on"]["app"]["condition"] == "service_healthy"
    assert app["read_only"] is True and app["cap_drop"] == ["ALL"]


def test_compose_mounts_the_shipped_nginx_site_and_rewrites_only_placeholders() -> None:
    nginx = SERVICES["nginx"]
    sources = [v.split(":")[0] for v in nginx["volumes"]]
    assert "./nginx/obligations.conf" in sources
    assert (COMPOSE.parent / "nginx" / "obligations.conf").is_file()
    script = " ".join(nginx["command"])
    site = SITE.read_text(encoding="utf-8")
    assert "s/server 127.0.0.1:8080;/server app:8080;/" in script and "server 127.0.0.1:8080;" in site
    assert "bot[.]example[.]org" in script and "bot.example.org" in site
    assert "/listen \\[::\\]:/d" in script and "listen [::]:443 ssl;" in site
    assert "/etc/ssl/obligations" in " ".join(nginx["volumes"]) and "/etc/ssl/obligations/fullchain.pem" in site


def test_compose_passes_secrets_as_files_and_only_known_settings() -> None:
    for name in ("app", "bot-polling"):
        service = SERVICES[name]
        env = service["environment"]
        for key in env:
            if key.startswith(("OBLIGATIONS_", "TELEGRAM_")):
                assert key in KNOWN_SETTINGS, f"{name}: {key}"
        assert "TELEGRAM_BOT_TOKEN" not in env
        assert env["TELEGRAM_BOT_TOKEN_FILE"] == "/run/secrets/telegram_bot_token"
        assert "telegram_bot_token" in service["secrets"]
    assert SERVICES["app"]["environment"]["TELEGRAM_WEBHOOK_SECRET_FILE"] == "/run/secrets/telegram_webhook_secret"
    assert SERVICES["bot-polling"]["command"] == ["telegram"]
    # obligations.env may name a webhook URL for `app`; an empty value keeps the polling bot polling.
    assert SERVICES["bot-polling"]["environment"]["TELEGRAM_WEBHOOK_URL"] == ""
    assert load_settings({"TELEGRAM_WEBHOOK_URL": ""}).telegram_webhook_url is None
    for secret in COMPOSE_DATA["secrets"].values():
        assert secret["file"].startswith("./secrets/")
    gitignore = (DEPLOY / ".gitignore").read_text(encoding="utf-8")
    assert "/secrets/" in gitignore and "/obligations.env" in gitignore and "/.env" in gitignore


# ---- .env.example -------------------------------------------------------------------------------------


def test_env_example_documents_every_setting_and_nothing_else() -> None:
    env = read_env_file(REPO / ".env.example")
    assert set(env) == KNOWN_SETTINGS
    text = (REPO / ".env.example").read_text(encoding="utf-8")
    for name in KNOWN_SETTINGS:
        # Each setting has a comment right above it (possibly shared with the next line).
        before = text.split(f"\n{name}=", 1)[0].rstrip().splitlines()
        assert before and (before[-1].startswith("#") or before[-1].split("=")[0] in KNOWN_SETTINGS), name


def test_env_example_as_copied_gives_the_defaults() -> None:
    settings = load_settings(read_env_file(REPO / ".env.example"))
    assert settings == Settings.model_construct(
        **{k: f.get_default(call_default_factory=True) for k, f in Settings.model_fields.items()}
    )


def test_compose_nginx_start_script_rewrites_the_site_as_intended(tmp_path: Path) -> None:
    """Run the nginx service's shell command (as compose would, after its $$ unescaping) on the site."""
    script = SERVICES["nginx"]["command"][2].replace("$$", "$")
    head, sep, _ = script.partition(" && exec nginx")
    assert sep, "the command ends by exec'ing nginx in the foreground"
    out = tmp_path / "default.conf"
    head = head.replace("/etc/nginx/obligations.conf.in", str(SITE)).replace("/etc/nginx/conf.d/default.conf", str(out))
    subprocess.run(
        ["sh", "-c", head],
        env={"PUBLIC_HOST": "obligations.hopital.example", "PATH": os.environ["PATH"]},
        check=True,
        timeout=30,
    )
    site, rewritten = SITE.read_text(encoding="utf-8"), out.read_text(encoding="utf-8")
    assert "server app:8080;" in rewritten and "server 127.0.0.1:8080;" not in rewritten
    assert "server_name obligations.hopital.example;" in rewritten and "bot.example.org" not in rewritten
    assert "[::]" not in rewritten and "listen 443 ssl;" in rewritten and "listen 80;" in rewritten
    # Nothing else changed.
    removed = [line for line in site.splitlines() if line not in rewritten.splitlines()]
    assert all("127.0.0.1:8080" in line or "bot.example.org" in line or "[::]" in line for line in removed), removed
