"""`obligations telegram`: run the bot by long polling, or behind a webhook with --webhook-url.

Start-up errors (no token, a token Telegram rejects, bad rules) are one clear line on stderr and a
non-zero exit code, never a traceback and never the token. SIGTERM/SIGINT stop the bot cleanly:
the last getUpdates offset is confirmed, in-flight answers are sent, then the process exits 0.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application

from bot.observability import configure_logging, log_event
from bot.settings import SettingsError, load_settings
from bot.telegram.app import build_application, quiet_libraries
from bot.telegram.webhook import WEBHOOK_PATH, running, webhook_app

__all__ = ["run", "build_application", "serve_polling"]

log = logging.getLogger("bot.telegram")
EXIT_CONFIG = getattr(SettingsError, "exit_code", 2)  # sysexits EX_CONFIG: systemd does not restart on it
EXIT_UNAVAILABLE = 69  # sysexits EX_UNAVAILABLE: Telegram unreachable at start-up, worth a restart
POLL_TIMEOUT = 30  # seconds Telegram holds a getUpdates open (long polling)
BOOTSTRAP_ATTEMPTS = 5


def _fail(message: str, code: int) -> int:
    print(f"obligations telegram: error: {message}", file=sys.stderr)
    return code


def run(args: Any) -> int:
    """Entry point for `obligations telegram`; returns the process exit code."""
    try:
        settings = load_settings()
        token = settings.token()
    except SettingsError as exc:
        return _fail(str(exc), getattr(exc, "exit_code", 2))
    webhook_url = getattr(args, "webhook_url", None) or settings.telegram_webhook_url
    secret = settings.telegram_webhook_secret.get_secret_value() if settings.telegram_webhook_secret else None
    if webhook_url and not secret:
        return _fail("webhook mode needs TELEGRAM_WEBHOOK_SECRET (letters, digits, _ and -), so that forged updates are refused", EXIT_CONFIG)
    configure_logging(
        settings.obligations_log_level,
        getattr(settings, "obligations_log_format", "json"),
        secrets=[s for s in (token, secret) if s],
    )
    quiet_libraries()
    try:
        from bot.engine import Engine

        engine = Engine.from_settings(settings)
    except Exception as exc:  # RuleFileError and friends say which file and field
        return _fail(f"cannot load the rules: {exc}", EXIT_CONFIG)
    application = build_application(settings, engine, updater=not webhook_url)
    try:
        if webhook_url:
            listen = getattr(args, "listen", None) or "127.0.0.1"
            port = getattr(args, "port", None) or 8080
            return asyncio.run(_serve_webhook(application, _with_path(webhook_url), secret or "", listen, port))
        return asyncio.run(serve_polling(application))
    except KeyboardInterrupt:
        return 0


def _with_path(url: str) -> str:
    parts = urlsplit(url)
    if parts.path in ("", "/"):
        parts = parts._replace(path=WEBHOOK_PATH)
    return urlunsplit(parts)


async def _bootstrap(application: Application) -> int | None:
    """getMe, with a few retries if Telegram is unreachable; an exit code if we must give up."""
    delay = 1.0
    for attempt in range(1, BOOTSTRAP_ATTEMPTS + 1):
        try:
            await application.initialize()
            return None
        except InvalidToken:
            # PTB's message repeats the token: never print it.
            return _fail("Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized): copy the token again from @BotFather", EXIT_CONFIG)
        except NetworkError as exc:
            host = urlsplit(application.bot.base_url).hostname
            if attempt == BOOTSTRAP_ATTEMPTS:
                return _fail(f"cannot reach the Telegram Bot API at {host} ({type(exc).__name__})", EXIT_UNAVAILABLE)
            log_event(log, "telegram_bootstrap_retry", logging.WARNING, error=type(exc).__name__, attempt=attempt)
            await asyncio.sleep(delay)
            delay *= 2
        except TelegramError as exc:
            return _fail(f"Telegram refused to start the bot ({type(exc).__name__})", EXIT_UNAVAILABLE)
    return EXIT_UNAVAILABLE


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
            pass


def _polling_error(exc: TelegramError) -> None:
    """PTB retries getUpdates by itself (with back-off); we only count and log the failure kind."""
    from bot.observability import record_telegram_error

    record_telegram_error(exc)
    log_event(log, "telegram_polling_error", logging.WARNING, error=type(exc).__name__)


async def serve_polling(
    application: Application,
    *,
    poll_timeout: float = POLL_TIMEOUT,
    stop: asyncio.Event | None = None,
    handle_signals: bool = True,
) -> int:
    """Long-poll until `stop` is set (or SIGTERM/SIGINT); returns the exit code."""
    stop = stop or asyncio.Event()
    if handle_signals:
        _stop_on_signals(stop)
    code = await _bootstrap(application)
    if code is not None:
        return code
    async with running(application):
        assert application.updater is not None
        await application.updater.start_polling(
            timeout=poll_timeout,
            allowed_updates=Update.ALL_TYPES,
            error_callback=_polling_error,
        )
        log_event(log, "telegram_started", mode="polling", bot=application.bot.username)
        await stop.wait()
        log_event(log, "telegram_stopping", mode="polling")
        await application.updater.stop()
    log_event(log, "telegram_stopped", mode="polling")
    return 0


async def _serve_webhook(application: Application, webhook_url: str, secret: str, listen: str, port: int) -> int:
    import uvicorn

    code = await _bootstrap(application)
    if code is not None:
        return code
    config = uvicorn.Config(webhook_app(application, secret, webhook_url), host=listen, port=port, log_config=None, lifespan="on")
    server = uvicorn.Server(config)
    # uvicorn would re-raise SIGTERM after its shutdown (exit status -15); stop it ourselves and exit 0.
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign]
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, lambda: setattr(server, "should_exit", True))
        except (NotImplementedError, RuntimeError):
            pass
    log_event(log, "telegram_started", mode="webhook", bot=application.bot.username, listen=listen, port=port, path=urlsplit(webhook_url).path)
    await server.serve()  # on SIGTERM: stops accepting, then runs our lifespan exit (bot stopped)
    log_event(log, "telegram_stopped", mode="webhook")
    return 0 if server.started else 1
