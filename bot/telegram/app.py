"""Build the PTB `Application`: settings in, a bot with every handler registered out.

The CLI (polling or webhook), the web helpdesk (webhook in its own process) and the tests all get
their bot from `build_application`, so they all run the same handlers.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.feedback.service import Feedback
from bot.telegram import handlers as H
from bot.telegram.delivery import DeliveryPolicy, RetryingRateLimiter
from bot.telegram.feedback import FeedbackLedger
from bot.telegram.processor import PerChatUpdateProcessor
from bot.telegram.state import ContextStore, RateLimit
from bot.telegram.texts import COMMANDS

PARIS = "Europe/Paris"
# Loggers that print request parameters (message text) at DEBUG or URLs with the token at INFO.
NOISY_LOGGERS = ("httpx", "httpcore", "telegram", "telegram.ext", "telegram.Bot", "telegram.ext.ExtBot")


def paris_today() -> dt.date:
    """Today in France: the regulation's dates change at midnight in Paris, not UTC."""
    try:
        return dt.datetime.now(ZoneInfo(PARIS)).date()
    except Exception:  # no tz database on this system
        return dt.date.today()


def quiet_libraries() -> None:
    """Keep PTB and httpx at WARNING whatever the root level: at DEBUG they log request bodies."""
    for name in NOISY_LOGGERS:
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.WARNING or logger.level < logging.WARNING:
            logger.setLevel(logging.WARNING)


def file_url_for(base_url: str) -> str:
    """https://api.telegram.org/bot → https://api.telegram.org/file/bot (same for a local Bot API server)."""
    head, sep, tail = base_url.rstrip("/").rpartition("/")
    if sep and tail.startswith("bot"):
        return f"{head}/file/{tail}"
    return base_url.rstrip("/") + "/file"


async def post_init(application: Application) -> None:
    """Register the command menus, in French (default) and English."""
    await application.bot.set_my_commands(COMMANDS["fr"])
    await application.bot.set_my_commands(COMMANDS["en"], language_code="en")


def register_handlers(application: Application) -> None:
    addressed = H.AddressedToBot()
    application.add_handler(TypeHandler(Update, H.guard), group=-1)
    commands = [
        (("start",), H.on_start),
        (("aide", "help"), H.on_help),
        (("liste", "list"), H.on_list),
        (("sources",), H.on_sources),
        (("document", "doc"), H.on_document),
        (("oublier", "forget"), H.on_forget),
    ]
    for names, callback in commands:
        application.add_handler(CommandHandler(list(names), callback, filters=filters.UpdateType.MESSAGE))
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND & addressed, H.on_text)
    )
    # An unknown command in a private chat gets the help; in a group it may be another bot's.
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND & filters.ChatType.PRIVATE, H.on_help)
    )
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE & ~filters.TEXT & ~filters.StatusUpdate.ALL & ~filters.COMMAND & addressed,
            H.on_not_text,
        )
    )
    application.add_handler(CallbackQueryHandler(H.on_button))
    application.add_handler(InlineQueryHandler(H.on_inline))
    application.add_error_handler(H.on_error)


def build_application(
    settings: Any,
    engine: Any,
    *,
    clock: Callable[[], dt.date] = paris_today,
    monotonic: Callable[[], float] | None = None,
    updater: bool = True,
    rate_limiter: Any = None,
    feedback: Any = None,
    delivery: DeliveryPolicy | None = None,
) -> Application:
    """The bot, ready for `run_polling`, a webhook, or `async with application:`.

    `clock` gives "today" for answers (tests pin it); `monotonic` drives context expiry and the
    rate limit; `updater=False` for webhook-only use inside another server. `feedback` (a
    bot.feedback.service.Feedback) records votes and reports; by default, from the settings. `delivery`:
    how long answers are kept through an outage and how long a send may take (bot.telegram.delivery).
    """
    quiet_libraries()
    base_url = settings.telegram_api_base_url
    delivery = delivery or DeliveryPolicy()
    builder = (
        ApplicationBuilder()
        .token(settings.token())
        .base_url(base_url)
        .base_file_url(file_url_for(base_url))
        .rate_limiter(rate_limiter if rate_limiter is not None else RetryingRateLimiter(delivery))
        .read_timeout(delivery.send_timeout)
        .write_timeout(delivery.send_timeout)
        .concurrent_updates(PerChatUpdateProcessor(256))
        .post_init(post_init)
        .arbitrary_callback_data(False)
    )
    if not updater:
        builder = builder.updater(None)
    application = builder.build()
    tick = monotonic or time.monotonic
    application.bot_data["services"] = H.Services(
        engine=engine,
        settings=settings,
        clock=clock,
        contexts=ContextStore(settings.obligations_context_ttl_seconds, clock=tick),
        rate_limit=RateLimit(settings.obligations_rate_limit_per_minute, clock=tick),
        allowed_users=frozenset(settings.obligations_allowed_users),
        feedback=feedback if feedback is not None else Feedback.from_settings(settings),
        ledger=FeedbackLedger(tick),
    )
    register_handlers(application)
    return application
