"""`obligations serve`: the helpdesk page and JSON API on uvicorn, plus the Telegram webhook if asked.

Uvicorn's access log is off: it would print query strings, and questions (which may contain patient
data) travel in `?q=`. Our own middleware logs method, route, status and time instead.
"""
from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from typing import Any

from bot.settings import SettingsError, load_settings

log = logging.getLogger("bot.web")


def _configure_logging(settings: Any) -> None:
    """JSON (or text) lines on stderr with the bot token and webhook secret redacted wherever they appear."""
    from bot.observability import configure_logging

    secrets = [s.get_secret_value() for s in (settings.telegram_bot_token, settings.telegram_webhook_secret) if s is not None]
    configure_logging(settings.obligations_log_level, settings.obligations_log_format, secrets=secrets)


def _fail(message: str, code: int = 2) -> int:
    print(f"obligations serve: {message}", file=sys.stderr)
    return code


def _server_class() -> type:
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn re-raises SIGTERM/SIGINT after its graceful shutdown, so the process would die by the
        signal; a clean stop exits 0 instead, like `obligations telegram`."""

        @contextlib.contextmanager
        def capture_signals(self):  # type: ignore[override]
            with super().capture_signals():
                try:
                    yield
                finally:
                    getattr(self, "_captured_signals", []).clear()

    return Server


def run(args: argparse.Namespace) -> int:
    """Serve until SIGTERM/SIGINT; 0 on a clean stop, 2 on bad rules, 3 if the server or the bot
    could not start (port taken, token rejected), 78 on bad settings."""
    import uvicorn

    from bot.loading import RuleFileError
    from bot.web.app import create_app
    from bot.web.telegram_bridge import WebhookUnavailable, build_webhook_application, public_webhook_url

    try:
        settings = load_settings()
    except SettingsError as exc:
        return _fail(str(exc), exc.exit_code)
    _configure_logging(settings)
    host = getattr(args, "host", None) or settings.obligations_host
    port = getattr(args, "port", None) or settings.obligations_port

    try:
        from bot.engine import Engine

        engine = Engine.from_settings(settings)
    except RuleFileError as exc:
        return _fail(f"the rules did not load: {exc}")

    telegram_application = None
    secret = None
    webhook_url = getattr(args, "webhook_url", None)
    if webhook_url:
        secret = settings.webhook_secret()
        if not secret:
            return _fail("--webhook-url needs TELEGRAM_WEBHOOK_SECRET or TELEGRAM_WEBHOOK_SECRET_FILE (letters, digits, _ and -, up to 256 characters)", SettingsError.exit_code)
        try:
            webhook_url = public_webhook_url(webhook_url)
            telegram_application = build_webhook_application(settings, engine)
        except SettingsError as exc:
            return _fail(str(exc), exc.exit_code)
        except (ValueError, WebhookUnavailable) as exc:
            return _fail(str(exc))

    app = create_app(engine, telegram_application=telegram_application, webhook_secret=secret, webhook_url=webhook_url)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        access_log=False,
        log_config=None,
        server_header=False,
        lifespan="on",
        proxy_headers=False,
    )
    server = _server_class()(config)
    from bot.observability import log_event

    log_event(log, "web_starting", host=host, port=port, telegram_webhook=telegram_application is not None)
    try:
        server.run()
    except SystemExit as exc:  # uvicorn exits 3 when the app or the socket fails at start-up
        code = exc.code if isinstance(exc.code, int) else 1
        return _fail("could not start (the log above says why)", code) if code else 0
    return 0 if server.started else 1
