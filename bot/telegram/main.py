"""`obligations telegram`: run the bot by long polling, or behind a webhook with --webhook-url.

Start-up errors (no token, a malformed or rejected token, bad rules, a bad webhook URL) are one clear
line on stderr and an exit status from `bot.exitcodes`, never a traceback and never the token.
Start-up (getMe, menus, setWebhook) is `bot.telegram.lifecycle`, shared with `obligations serve`.
SIGTERM/SIGINT stop the bot cleanly: the last getUpdates offset is confirmed, in-flight answers are
sent, then the process exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import signal
import sys
from typing import Any

from telegram.error import TelegramError
from telegram.ext import Application

from bot import exitcodes
from bot.observability import configure_logging, log_event
from bot.redaction import redact_for_stderr
from bot.settings import SettingsError, load_settings, public_webhook_url
from bot.telegram.app import build_application, quiet_libraries
from bot.telegram.lifecycle import ALLOWED_UPDATES, FOREGROUND, RetryPolicy, StartupFailure, bootstrap, started

__all__ = ["run", "build_application", "serve_polling", "webhook_settings"]

log = logging.getLogger("bot.telegram")
EXIT_CONFIG = exitcodes.CONFIG
EXIT_UNAVAILABLE = exitcodes.UNAVAILABLE
POLL_TIMEOUT = 30  # seconds Telegram holds a getUpdates open (long polling)


def _fail(message: str, code: int) -> int:
    print(f"obligations telegram: error: {redact_for_stderr(message)}", file=sys.stderr)
    return code


def webhook_settings(settings: Any, cli_url: str | None, flag: str = "--webhook-url") -> tuple[str, str] | None:
    """(URL to register, secret) when webhook mode is asked for, by `flag` or TELEGRAM_WEBHOOK_URL; None for none.

    Raises SettingsError when the URL is not one we serve or the secret is missing: a webhook without
    a secret would accept forged updates.
    """
    url = cli_url or settings.telegram_webhook_url
    if not url:
        return None
    where = flag if cli_url else "TELEGRAM_WEBHOOK_URL"
    try:
        url = public_webhook_url(url)
    except ValueError as exc:
        raise SettingsError(f"{where}: {exc}") from None
    secret = settings.webhook_secret()
    if not secret:
        raise SettingsError(
            f"webhook mode ({where}) needs TELEGRAM_WEBHOOK_SECRET or TELEGRAM_WEBHOOK_SECRET_FILE "
            "(1 to 256 letters, digits, _ and -), so that forged updates are refused"
        )
    return url, secret


def run(args: Any) -> int:
    """Entry point for `obligations telegram`; returns the process exit code (see bot.exitcodes)."""
    try:
        settings = load_settings()
        token = settings.token()
        webhook = webhook_settings(settings, getattr(args, "webhook_url", None))
    except SettingsError as exc:
        return _fail(str(exc), exc.exit_code)
    secret = webhook[1] if webhook else None
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
        return _fail(f"cannot load the rules: {exc}", exitcodes.DATA)
    from bot.feedback.service import Feedback

    feedback = Feedback.from_settings(settings)
    feedback.start()  # migrate the reports database; if it cannot be used, reports are refused, answers go on
    application = build_application(settings, engine, updater=webhook is None, feedback=feedback)
    try:
        if webhook:
            listen = getattr(args, "listen", None) or "127.0.0.1"
            port = getattr(args, "port", None) or 8080
            from bot.connections import ServerLimits

            limits = ServerLimits.from_settings(settings)
            return asyncio.run(_serve_webhook(application, webhook[0], webhook[1], listen, port, limits))
        return asyncio.run(serve_polling(application))
    except KeyboardInterrupt:
        return exitcodes.OK


async def _bootstrap(
    application: Application, webhook_url: str | None = None, secret: str | None = None, retry: RetryPolicy = FOREGROUND
) -> int | None:
    """`lifecycle.bootstrap`; an exit code (after one line on stderr) if we must give up."""
    try:
        await bootstrap(application, webhook_url=webhook_url, secret=secret, retry=retry)
        return None
    except StartupFailure as exc:
        from bot.telegram.lifecycle import shutdown

        await shutdown(application)
        return _fail(str(exc), exc.exit_code)


_STOPPED = object()


async def _until_stopped(work: Any, stop: asyncio.Event) -> Any:
    """`await work`, unless `stop` is set first (SIGTERM during start-up retries): then `_STOPPED`, at once."""
    task = asyncio.ensure_future(work)
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        stopping.cancel()
        return task.result()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
    return _STOPPED


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
            pass


def _restore_signals() -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.remove_signal_handler(sig)


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
    retry: RetryPolicy = FOREGROUND,
) -> int:
    """Long-poll until `stop` is set (or SIGTERM/SIGINT); returns the exit code (bot.exitcodes).

    `retry` bounds the start-up attempts while Telegram is unreachable (then exit 69, and systemd restarts us).
    """
    stop = stop or asyncio.Event()
    if handle_signals:
        _stop_on_signals(stop)
    code = await _until_stopped(_bootstrap(application, retry=retry), stop)
    if code is _STOPPED:
        from bot.telegram.lifecycle import shutdown

        await shutdown(application)
        log_event(log, "telegram_stopped", mode="polling", during="start-up")
        return exitcodes.OK
    if code is not None:
        return int(code)
    async with started(application):
        assert application.updater is not None
        await application.updater.start_polling(
            timeout=dt.timedelta(seconds=poll_timeout),
            allowed_updates=list(ALLOWED_UPDATES),
            error_callback=_polling_error,
        )
        log_event(log, "telegram_started", mode="polling", bot=application.bot.username)
        await stop.wait()
        log_event(log, "telegram_stopping", mode="polling")
        await application.updater.stop()
    log_event(log, "telegram_stopped", mode="polling")
    return 0


async def _serve_webhook(
    application: Application, webhook_url: str, secret: str, listen: str, port: int, limits: Any = None
) -> int:
    """Listen, register the webhook (retrying a few times), then serve until SIGTERM; exit 0 on a clean stop."""
    from urllib.parse import urlsplit

    from bot.serving import listen_error, listen_socket, make_server
    from bot.telegram.webhook import webhook_app

    try:
        sock = listen_socket(listen, port)  # before setWebhook: a busy port must not leave a webhook pointing nowhere
    except OSError as exc:
        return _fail(listen_error(listen, port, exc), exitcodes.OSERR)
    with sock:
        stop = asyncio.Event()
        _stop_on_signals(stop)
        code = await _until_stopped(_bootstrap(application, webhook_url, secret), stop)
        _restore_signals()  # uvicorn installs its own for the serving phase
        if code is _STOPPED:
            from bot.telegram.lifecycle import shutdown

            await shutdown(application)
            return exitcodes.OK
        if code is not None:
            return int(code)
        server = make_server(webhook_app(application, secret), limits, host=listen, port=port)
        log_event(
            log,
            "telegram_started",
            mode="webhook",
            bot=application.bot.username,
            listen=listen,
            port=port,
            path=urlsplit(webhook_url).path,
        )
        await server.serve(sockets=[sock])  # on SIGTERM: stops accepting, then our lifespan stops the bot
    log_event(log, "telegram_stopped", mode="webhook")
    return exitcodes.OK if server.started else exitcodes.FAILURE
