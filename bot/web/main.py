"""`obligations serve`: the helpdesk page and JSON API on uvicorn, plus the Telegram webhook if asked.

Webhook mode is asked by --webhook-url or by the TELEGRAM_WEBHOOK_URL setting (as for `obligations
telegram`), and needs TELEGRAM_WEBHOOK_SECRET either way.

Uvicorn's access log is off: it would print query strings, and questions (which may contain patient
data) travel in `?q=`. Our own middleware logs method, route, status and time instead.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from bot import exitcodes
from bot.settings import SettingsError, load_settings

log = logging.getLogger("bot.web")


def _configure_logging(settings: Any) -> None:
    """JSON (or text) lines on stderr with the bot token and webhook secret redacted wherever they appear."""
    from bot.observability import configure_logging

    secrets = [
        s.get_secret_value() for s in (settings.telegram_bot_token, settings.telegram_webhook_secret) if s is not None
    ]
    configure_logging(settings.obligations_log_level, settings.obligations_log_format, secrets=secrets)


def _fail(message: str, code: int = exitcodes.CONFIG) -> int:
    from bot.redaction import redact_for_stderr

    print(f"obligations serve: error: {redact_for_stderr(message)}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    """Serve until SIGTERM/SIGINT. Exit statuses are bot.exitcodes: 0 clean stop, 78 bad settings or a
    token Telegram rejects, 65 bad rules, 71 cannot listen (port in use).

    Webhook mode (--webhook-url, or TELEGRAM_WEBHOOK_URL with TELEGRAM_WEBHOOK_SECRET) starts the bot
    in the background (bot.web.telegram_bridge): the page and API serve even while Telegram is unreachable.
    """
    from bot.loading import RuleFileError
    from bot.serving import listen_error, listen_socket, make_server
    from bot.web.app import create_app

    try:
        settings = load_settings()
    except SettingsError as exc:
        return _fail(str(exc), exc.exit_code)
    _configure_logging(settings)
    host = getattr(args, "host", None) or settings.obligations_host
    port = getattr(args, "port", None) or settings.obligations_port

    try:
        webhook = _webhook(settings, getattr(args, "webhook_url", None))
    except SettingsError as exc:
        return _fail(str(exc), exc.exit_code)

    try:
        from bot.engine import Engine

        engine = Engine.from_settings(settings)
    except RuleFileError as exc:
        return _fail(f"the rules did not load: {exc}", exitcodes.DATA)

    from bot.feedback.service import Feedback

    feedback = Feedback.from_settings(settings)
    feedback.start()  # migrate the reports database; if it cannot be used, reports are refused, answers go on
    fatal: list[Exception] = []
    server: Any = None

    def on_fatal(failure: Exception) -> None:
        """The bot cannot start (token rejected): say so in one line and stop serving, like `obligations telegram`."""
        fatal.append(failure)
        if server is not None:
            server.should_exit = True

    telegram_application = None
    if webhook is not None:
        from bot.web.telegram_bridge import WebhookUnavailable, build_webhook_application

        try:
            telegram_application = build_webhook_application(settings, engine, on_fatal=on_fatal, feedback=feedback)
        except SettingsError as exc:
            return _fail(str(exc), exc.exit_code)
        except WebhookUnavailable as exc:
            return _fail(str(exc), exitcodes.FAILURE)

    try:
        sock = listen_socket(host, port)
    except OSError as exc:
        return _fail(listen_error(host, port, exc), exitcodes.OSERR)

    app = create_app(
        engine,
        feedback=feedback,
        telegram_application=telegram_application,
        webhook_secret=webhook[1] if webhook else None,
        webhook_url=webhook[0] if webhook else None,
    )
    from bot.connections import ServerLimits

    server = make_server(app, ServerLimits.from_settings(settings), host=host, port=port)
    from bot.observability import log_event

    log_event(log, "web_starting", host=host, port=port, telegram_webhook=telegram_application is not None)
    with sock:
        try:
            server.run(sockets=[sock])
        except SystemExit as exc:  # uvicorn exits when the app fails at start-up (lifespan)
            if fatal:
                return _fail(str(fatal[0]), getattr(fatal[0], "exit_code", exitcodes.CONFIG))
            code = exc.code if isinstance(exc.code, int) else exitcodes.FAILURE
            return _fail("could not start (the log above says why)", exitcodes.FAILURE) if code else exitcodes.OK
    if fatal:
        return _fail(str(fatal[0]), getattr(fatal[0], "exit_code", exitcodes.CONFIG))
    return exitcodes.OK if server.started else exitcodes.FAILURE


def _webhook(settings: Any, cli_url: str | None) -> tuple[str, str] | None:
    """(URL, secret) for webhook mode, from --webhook-url or TELEGRAM_WEBHOOK_URL; the same rules as `obligations telegram`."""
    if not (cli_url or settings.telegram_webhook_url):
        return None
    from bot.telegram.main import webhook_settings

    settings.token()  # raises SettingsError when no token is configured
    return webhook_settings(settings, cli_url)
