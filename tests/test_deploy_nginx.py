"""deploy/nginx/obligations.conf: nginx accepts it, and a real nginx on loopback enforces what it promises.

The site is used as shipped; only the placeholders an operator must change anyway are substituted
(certificate paths, log directory, listen ports, upstream port), and the test first checks that each
placeholder is still in the file, so a change to the site cannot make the substitution silently miss.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from test_deploy_support import free_port, nginx_cmd, stop_process, wait_for_port, write_nginx_config

from bot.web.middleware import SECURITY_HEADERS

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def test_nginx_accepts_the_site(tmp_path: Path) -> None:
    conf = write_nginx_config(tmp_path, free_port(), free_port(), 8080)
    result = subprocess.run(nginx_cmd(conf, "-t"), capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr
    assert "[warn]" not in result.stderr and "[emerg]" not in result.stderr, result.stderr


class _Backend(http.server.ThreadingHTTPServer):
    """Stands in for `obligations serve`: records what nginx forwarded and answers 200 with the app's security headers."""

    daemon_threads = True

    def __init__(self) -> None:
        self.seen: list[dict] = []
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart (delayed ACK)

    def _reply(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.seen.append(  # type: ignore[attr-defined]
            {"method": self.command, "path": self.path, "headers": dict(self.headers.items()), "body_len": len(body)}
        )
        out = json.dumps({"ok": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        for name, value in SECURITY_HEADERS:
            self.send_header(name.decode(), value.decode())
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_GET = do_POST = _reply

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def _nginx_in_front_of_a_backend(tmp_path: Path) -> Iterator[dict]:
    """nginx with the shipped site on loopback ports, proxying to a stand-in backend; both stopped after."""
    backend = _Backend()
    thread = threading.Thread(target=backend.serve_forever, daemon=True)
    thread.start()
    https_port, http_port = free_port(), free_port()
    conf = write_nginx_config(tmp_path, https_port, http_port, backend.server_address[1])
    proc = subprocess.Popen(nginx_cmd(conf), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_port(https_port, proc)
        wait_for_port(http_port, proc)
        with httpx.Client(
            base_url=f"https://127.0.0.1:{https_port}", verify=False, headers={"Host": "bot.example.org"}, timeout=10
        ) as client:
            yield {"client": client, "backend": backend, "http_port": http_port, "logs": tmp_path / "logs"}
    finally:
        stop_process(proc)
        backend.shutdown()
        backend.server_close()


@pytest.fixture(scope="module")
def running_proxy(tmp_path_factory: pytest.TempPathFactory):
    with _nginx_in_front_of_a_backend(tmp_path_factory.mktemp("nginx")) as running:
        yield running


@pytest.fixture
def proxy(running_proxy):
    """One nginx for the module; each test sees only the requests it made."""
    running_proxy["backend"].seen.clear()
    return running_proxy


def test_webhook_without_the_secret_header_never_reaches_the_app(proxy) -> None:
    response = proxy["client"].post("/telegram/webhook", json={"update_id": 1})
    assert response.status_code == 403
    assert proxy["backend"].seen == []


def test_webhook_with_the_secret_header_is_forwarded_with_it(proxy) -> None:
    response = proxy["client"].post("/telegram/webhook", json={"update_id": 1}, headers={SECRET_HEADER: "s3cret-value"})
    assert response.status_code == 200
    [seen] = proxy["backend"].seen
    assert seen["method"] == "POST" and seen["path"] == "/telegram/webhook"
    assert seen["headers"][SECRET_HEADER] == "s3cret-value"
    assert seen["headers"]["X-Forwarded-Proto"] == "https"
    assert seen["headers"]["X-Real-IP"] == "127.0.0.1"


def test_webhook_accepts_only_post(proxy) -> None:
    response = proxy["client"].get("/telegram/webhook", headers={SECRET_HEADER: "s3cret-value"})
    assert response.status_code == 403
    assert proxy["backend"].seen == []


def test_body_size_limits(proxy) -> None:
    client = proxy["client"]
    big_update = b"x" * (2 * 1024 * 1024)
    response = client.post(
        "/telegram/webhook", content=big_update, headers={SECRET_HEADER: "s", "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    response = client.post("/api/answer", content=b"x" * (100 * 1024), headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    # A normal update larger than the page's 64k limit still passes on the webhook path.
    response = client.post(
        "/telegram/webhook",
        content=b"x" * (100 * 1024),
        headers={SECRET_HEADER: "s", "Content-Type": "application/json"},
    )
    assert response.status_code == 200
    assert [s["body_len"] for s in proxy["backend"].seen] == [100 * 1024]


def test_metrics_are_not_public(proxy) -> None:
    assert proxy["client"].get("/metrics").status_code == 404
    assert proxy["backend"].seen == []


def test_helpdesk_page_is_proxied_with_security_headers(proxy) -> None:
    response = proxy["client"].get("/")
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "nginx/" not in response.headers.get("Server", "")
    assert proxy["client"].get("/healthz").status_code == 200
    assert [s["path"] for s in proxy["backend"].seen] == ["/", "/healthz"]


def test_each_security_header_appears_once_on_proxied_and_nginx_answers(proxy) -> None:
    """The app sends its security headers; nginx must not add a second copy (browsers may then ignore both)."""
    client = proxy["client"]
    app_headers = {name.decode(): value.decode() for name, value in SECURITY_HEADERS}
    set_by_nginx = ("strict-transport-security", "x-content-type-options", "x-frame-options", "referrer-policy")
    for response in (client.get("/"), client.get("/api/ask", params={"q": "CR bio ?"})):
        for name in [*app_headers, "strict-transport-security"]:
            values = response.headers.get_list(name)
            assert len(values) == 1, f"{response.url.path}: {name} appears {len(values)} times: {values}"
        for name in set_by_nginx[1:]:
            assert response.headers[name] == app_headers[name], "nginx's value is the app's"
    own_404 = client.get("/metrics")  # answered by nginx itself
    for name in set_by_nginx:
        assert len(own_404.headers.get_list(name)) == 1, name


def test_an_api_client_over_the_rate_limit_gets_a_json_429_after_a_generous_burst(tmp_path: Path) -> None:
    """Answers come as one types, and a hospital shares one NAT address: the burst must not be tight.

    Own nginx, so the exhausted limit does not leak into the other tests. Requests go one after the
    other as fast as loopback allows; slower requests only mean more are accepted, never fewer.
    """
    with _nginx_in_front_of_a_backend(tmp_path) as running:
        client = running["client"]
        accepted = 0
        for _ in range(3000):
            response = client.get("/api/ask", params={"q": "CR bio ?"})
            if response.status_code == 429:
                break
            assert response.status_code == 200
            accepted += 1
        else:
            pytest.fail("3000 requests in a row were never rate-limited")
        assert accepted >= 60, f"only {accepted} quick requests before a 429"
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()
        assert body["error"] == "rate_limited" and body["message"]
        assert response.headers.get_list("x-content-type-options") == ["nosniff"]
        assert len(running["backend"].seen) == accepted, "a rate-limited request never reaches the app"


def test_access_log_never_holds_the_query_string(proxy) -> None:
    response = proxy["client"].get("/api/answer", params={"q": "CR bio de Mme Dupont née le 01/02/1950"})
    assert response.status_code == 200
    proxy["client"].post("/telegram/webhook", json={}, headers={SECRET_HEADER: "s3cret-value"})
    log = (proxy["logs"] / "obligations.access.log").read_text(encoding="utf-8")
    assert "GET /api/answer HTTP/1.1" in log
    assert "Dupont" not in log and "q=" not in log and "s3cret-value" not in log


def test_plain_http_redirects_to_https(proxy) -> None:
    with httpx.Client(timeout=10) as client:
        response = client.get(f"http://127.0.0.1:{proxy['http_port']}/page?x=1", headers={"Host": "bot.example.org"})
    assert response.status_code == 301
    assert response.headers["Location"] == "https://bot.example.org/page?x=1"
