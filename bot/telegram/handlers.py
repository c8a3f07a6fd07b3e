"""The bot's handlers: each reads an update, asks the engine, renders, and sends. I/O only.

Privacy rules hold everywhere here: message text goes to the engine and to nothing else (no log
field, no stored state); what we remember per chat is the engine's `Context`, for follow-ups.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes, filters

from bot.answer import Answer, Context
from bot.dates import find_date
from bot.engine import Engine
from bot.feedback.service import Feedback
from bot.normalise import fold_keep_dates
from bot.observability import log_event, record_answer, record_telegram_error
from bot.privacy import find_identifiers
from bot.render.html import esc, render_catalogue_html, render_html, render_sources_html
from bot.render.text import headline
from bot.telegram import feedback as FB
from bot.telegram import texts as T
from bot.telegram.state import ContextStore, RateLimit

log = logging.getLogger("bot.telegram")
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
MAX_INLINE_RESULTS = 5
MAX_MESSAGE_CHARS = 4096  # Telegram's limit for a message's text


@dataclass
class Services:
    """Everything handlers need, built once by `build_application` and kept in bot_data."""

    engine: Any
    settings: Any
    clock: Callable[[], dt.date]
    contexts: ContextStore
    rate_limit: RateLimit
    allowed_users: frozenset[int] = field(default_factory=frozenset)
    feedback: Feedback = field(default_factory=Feedback.disabled)
    ledger: FB.FeedbackLedger = field(default_factory=FB.FeedbackLedger)


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    svc: Services = context.application.bot_data["services"]
    return svc


def update_kind(update: object) -> str:
    if not isinstance(update, Update):
        return type(update).__name__
    for kind in ("message", "edited_message", "callback_query", "inline_query", "channel_post", "my_chat_member"):
        if getattr(update, kind, None) is not None:
            if kind == "message" and update.message.text and update.message.text.startswith("/"):
                return "command"
            return kind
    return "other"


# ------------------------------------------------------------------------------------ addressing
def _mentions(message: Message) -> dict[MessageEntity, str]:
    """The @mentions of the message's text, or of its caption (a photo sent with a question)."""
    if message.text:
        return message.parse_entities([MessageEntity.MENTION])
    return message.parse_caption_entities([MessageEntity.MENTION]) if message.caption else {}


def _mentions_bot(message: Message, username: str | None) -> bool:
    if not username or not (message.text or message.caption):
        return False
    target = "@" + username.lower()
    for _entity, value in _mentions(message).items():
        if value.lower() == target:
            return True
    return False


def _replies_to_bot(message: Message, bot_id: int) -> bool:
    reply = message.reply_to_message
    return bool(reply and reply.from_user and reply.from_user.id == bot_id)


def addressed_to_bot(message: Message | None) -> bool:
    """In a private chat, always; in a group, only a command, a mention of the bot, or a reply to it."""
    if message is None:
        return False
    if message.chat.type == ChatType.PRIVATE:
        return True
    bot = message.get_bot()
    if message.text and message.text.startswith("/"):
        return True
    return _mentions_bot(message, bot.username) or _replies_to_bot(message, bot.id)


class AddressedToBot(filters.MessageFilter):
    """PTB filter form of `addressed_to_bot`."""

    def filter(self, message: Message) -> bool:
        return addressed_to_bot(message)


def question_text(message: Message) -> str:
    """The message text (or a caption: it is text too) without the bot's @mention (groups)."""
    text = message.text or message.caption or ""
    username = message.get_bot().username
    if username:
        for _entity, value in sorted(_mentions(message).items(), key=lambda kv: -kv[0].offset):
            if value.lower() == "@" + username.lower():
                text = text.replace(value, " ", 1)
    return text.strip()


# ------------------------------------------------------------------------------------ guards
async def guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every handler: allowlist, then the per-user rate limit. Stops the update if refused."""
    if not isinstance(update, Update) or update.effective_user is None:
        return
    if update.message is not None and not addressed_to_bot(update.message):
        return  # group chatter: not ours to count or answer
    if update.message is None and update.callback_query is None and update.inline_query is None:
        return
    svc = services(context)
    user = update.effective_user
    lang = T.lang_of(user.language_code)
    if svc.allowed_users and user.id not in svc.allowed_users:
        log_event(log, "telegram_refused", kind=update_kind(update), reason="not_allowed")
        await _refuse(update, T.text("not_allowed", lang), show=True)
        raise ApplicationHandlerStop
    allowed, warn = svc.rate_limit.hit(user.id)
    if not allowed:
        log_event(log, "telegram_refused", kind=update_kind(update), reason="rate_limited", warned=warn)
        if warn:
            await _refuse(update, T.text("rate_limited", lang), show=True)
        elif update.callback_query is not None:
            await update.callback_query.answer()
        elif update.inline_query is not None:
            await update.inline_query.answer([], cache_time=0)
        raise ApplicationHandlerStop


async def _refuse(update: Update, text: str, show: bool) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=show)
    elif update.inline_query is not None:
        await update.inline_query.answer([], cache_time=0)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML)


# ------------------------------------------------------------------------------------ answering
def keyboard_for(answer: Answer, nonce: int, vote_token: int | None = None) -> InlineKeyboardMarkup | None:
    """One button per candidate when the question is ambiguous (callback data `doc:<id>:<nonce>`), then
    👍 / 👎 under every answer that has a `vote_token` (bot.telegram.feedback)."""
    rows = []
    if answer.verdict == "ambigu":
        rows = [[InlineKeyboardButton(_short(c.title), callback_data=f"doc:{c.id}:{nonce}")] for c in answer.candidates]
    if vote_token is not None:
        rows.append(FB.vote_row(vote_token, answer.lang))
    return InlineKeyboardMarkup(rows) if rows else None


def _short(title: str, limit: int = 60) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"


def _reply_parameters(message: Message) -> ReplyParameters | None:
    """In a group, answer as a reply to the asker's message so the thread stays readable; not in private chats,
    and not to the bot's own message (an example button pressed under it)."""
    if message.chat.type == ChatType.PRIVATE or message.from_user is None or message.from_user.is_bot:
        return None
    return ReplyParameters(message_id=message.message_id, allow_sending_without_reply=True)


async def send_chunks(message: Message, chunks: list[str], markup: InlineKeyboardMarkup | None = None) -> None:
    """Send the answer's messages in order, the first as a reply in groups; the buttons go under the last one."""
    reply = _reply_parameters(message)
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        await message.get_bot().send_message(
            chat_id=message.chat_id,
            text=chunk,
            parse_mode=ParseMode.HTML,
            link_preview_options=NO_PREVIEW,
            reply_markup=markup if last else None,
            message_thread_id=message.message_thread_id if message.is_topic_message else None,
            reply_parameters=reply if i == 0 else None,
        )


def _log_answer(kind: str, answer: Answer, seconds: float, **extra: Any) -> None:
    record_answer("telegram", answer.verdict, seconds)
    log_event(
        log,
        "telegram_answer",
        kind=kind,
        lang=answer.lang,
        verdict=answer.verdict,
        documents=answer.documents[:3],
        score=round(answer.score, 3),
        latency_ms=round(seconds * 1000, 2),
        **extra,
    )


# Up to this many characters a question costs well under a millisecond: cheaper on the event loop than a
# hop to a thread. Longer ones (a few ms, bounded: bot.understand.MAX_TOKENS) go to a worker thread, so
# a user pasting long texts cannot hold up other chats (the per-chat processor keeps each chat in order).
INLINE_QUESTION_CHARS = 300


async def answer_off_loop(engine: Engine, text: str, day: dt.date, context: Any) -> Answer:
    if len(text) <= INLINE_QUESTION_CHARS:
        return engine.answer(text, day, context=context)
    return await asyncio.to_thread(engine.answer, text, day, context=context)


async def answer_question(message: Message, text: str, svc: Services, kind: str) -> None:
    chat_id = message.chat_id
    started = time.perf_counter()
    identifiers = find_identifiers(text)
    remembered = svc.contexts.get(chat_id)
    today = svc.clock()
    answer = await answer_off_loop(svc.engine, text, today, remembered.context if remembered else None)
    chunks = render_html(answer)
    if answer.verdict != "hors_sujet":
        nonce = svc.contexts.put(chat_id, answer.context)
    else:  # an off-topic message should not break the thread of follow-ups
        nonce = remembered.nonce if remembered else 0
    if identifiers:
        warning = T.text("patient_data", answer.lang, kinds=esc(T.kinds_label(identifiers, answer.lang)))
        chunks = [warning] + chunks
    seconds = time.perf_counter() - started
    vote = FB.remember(svc.ledger, chat_id, answer, today)
    await send_chunks(message, chunks, keyboard_for(answer, nonce, vote))
    _log_answer(
        kind,
        answer,
        seconds,
        chat_type=message.chat.type,
        identifiers=list(identifiers),
        follow_up=remembered is not None,
    )


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A question typed in a private chat, or addressed to the bot in a group."""
    message = update.message
    if await FB.maybe_report(message, services(context), _lang(update)):
        return  # a reply to our 👎 prompt: a report, not a question
    text = question_text(message)
    if not text:
        return await on_start(update, context)
    await answer_question(message, text, services(context), "message")


async def on_not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Photos, voice, stickers, files, locations…: we read text only (and do not look at the rest); a caption
    is text, so a photo sent with a question gets the answer to its caption."""
    message = update.message
    caption = question_text(message) if message.caption else ""
    if caption:
        await answer_question(message, caption, services(context), "caption")
        return
    lang = T.lang_of(update.effective_user.language_code if update.effective_user else None)
    log_event(log, "telegram_not_text", kind="message", chat_type=message.chat.type, attachment=_content_kind(message))
    await message.reply_text(T.text("text_only", lang), parse_mode=ParseMode.HTML)


def _content_kind(message: Message) -> str:
    for kind in (
        "photo",
        "voice",
        "audio",
        "video",
        "video_note",
        "sticker",
        "document",
        "location",
        "venue",
        "contact",
        "poll",
        "animation",
        "dice",
    ):
        if getattr(message, kind, None):
            return kind
    return "other"


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A candidate button (`doc:<id>:<nonce>`) or an example question (`ask:<n>`)."""
    query = update.callback_query
    svc = services(context)
    lang = T.lang_of(query.from_user.language_code)
    data = query.data or ""
    message = query.message if isinstance(query.message, Message) else None
    if message is None:
        await query.answer(T.text("stale_button", lang))
        return
    chat_id = message.chat_id
    if data.startswith(FB.PREFIX):
        await FB.on_vote(update, svc, lang)
        return
    if data.startswith("ask:"):
        examples = T.EXAMPLES[lang]
        index = data[4:]
        if not index.isdigit() or int(index) >= len(examples):
            await query.answer(T.text("stale_button", lang))
            return
        await query.answer()
        await answer_question(message, examples[int(index)], svc, "example")
        return
    parts = data.split(":")
    remembered = svc.contexts.get(chat_id)
    if (
        len(parts) != 3
        or parts[0] != "doc"
        or parts[1] not in svc.engine.rulebook.documents
        or remembered is None
        or str(remembered.nonce) != parts[2]
    ):
        log_event(log, "telegram_stale_button", kind="callback_query", expired=remembered is None)
        await query.answer(T.text("stale_button", lang))
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except BadRequest:
            pass  # already without buttons
        return
    started = time.perf_counter()
    today = svc.clock()
    answer = svc.engine.answer("", today, context=remembered.context, document=parts[1])
    svc.contexts.put(chat_id, answer.context)
    chunks = render_html(answer)
    seconds = time.perf_counter() - started
    votes = keyboard_for(answer, 0, FB.remember(svc.ledger, chat_id, answer, today))
    await query.answer()
    await query.edit_message_text(
        chunks[0],
        parse_mode=ParseMode.HTML,
        link_preview_options=NO_PREVIEW,
        reply_markup=votes if len(chunks) == 1 else None,
    )
    if len(chunks) > 1:
        await send_chunks(message, chunks[1:], votes)
    _log_answer("callback_query", answer, seconds, chat_type=message.chat.type)


# ------------------------------------------------------------------------------------ commands
def _lang(update: Update) -> str:
    return T.lang_of(update.effective_user.language_code if update.effective_user else None)


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What the bot does, three example questions as buttons, and the privacy note."""
    lang = _lang(update)
    buttons = [[InlineKeyboardButton(q, callback_data=f"ask:{i}")] for i, q in enumerate(T.EXAMPLES[lang])]
    text = T.text("start", lang) + "\n\n" + T.text("privacy", lang)
    await update.effective_message.reply_text(
        text, parse_mode=ParseMode.HTML, reply_markup=InlineKeyboardMarkup(buttons)
    )
    log_event(log, "telegram_command", command="start", lang=lang)


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """How to ask, the commands, inline mode and the privacy note."""
    lang = _lang(update)
    username = esc(context.bot.username or "bot")
    text = T.text("help", lang, username=username) + "\n\n" + T.text("privacy", lang)
    await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW)
    log_event(log, "telegram_command", command="help", lang=lang)


async def on_list(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every document with its date, channels and exclusions, as of today or the date given (/liste 2023-06-01)."""
    svc = services(context)
    lang = _lang(update)
    day = svc.clock()
    if context.args:
        found = find_date(" ".join(context.args), day)
        if found is None:
            await update.effective_message.reply_text(T.text("list_usage", lang), parse_mode=ParseMode.HTML)
            return
        day = found.date
    rulebook = getattr(svc.engine, "rulebook", None)
    channel_labels = {k: v.label(lang) for k, v in rulebook.channels.items()} if rulebook else {}
    exclusion_labels = {k: v.label(lang) for k, v in rulebook.exclusions.items()} if rulebook else {}
    chunks = render_catalogue_html(svc.engine.catalogue(day, lang), day, lang, channel_labels, exclusion_labels)
    await send_chunks(update.effective_message, chunks)
    log_event(log, "telegram_command", command="list", lang=lang)


async def on_sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The legal texts quoted, with links."""
    lang = _lang(update)
    await send_chunks(update.effective_message, render_sources_html(services(context).engine.sources, lang))
    log_event(log, "telegram_command", command="sources", lang=lang)


def _document_names(svc: Services, lang: str) -> str:
    return "\n".join(
        f"• {esc(info.title(lang))} — <code>{esc(d)}</code>" for d, info in svc.engine.rulebook.documents.items()
    )


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/document <name or id> [date]: one document in full, as the engine reads its name (« CRO », « ordonnance »)."""
    svc = services(context)
    lang = _lang(update)
    message = update.effective_message
    if not context.args:
        await message.reply_text(
            T.text("document_usage", lang, ids=_document_names(svc, lang)), parse_mode=ParseMode.HTML
        )
        return
    today = svc.clock()
    text = " ".join(context.args)
    found = find_date(text, today)
    day = found.date if found else today
    name = fold_keep_dates(text).replace(found.phrase, " ").strip() if found else text
    started = time.perf_counter()
    if name.strip().lower() in svc.engine.rulebook.documents:
        named = [name.strip().lower()]
    else:
        named = svc.engine.documents_named(name, today)
    if not named:
        await message.reply_text(
            T.text("document_unknown", lang, ids=_document_names(svc, lang)), parse_mode=ParseMode.HTML
        )
        return
    if len(named) == 1:
        answer = svc.engine.answer("", day, context=Context(lang=lang), document=named[0], asked_on=today)
    else:  # « imagerie »: the report or the request? Ask, with a button each
        answer = svc.engine.answer(text, today, context=Context(lang=lang))
    nonce = svc.contexts.put(message.chat_id, answer.context)
    seconds = time.perf_counter() - started
    vote = FB.remember(svc.ledger, message.chat_id, answer, today)
    await send_chunks(message, render_html(answer), keyboard_for(answer, nonce, vote))
    _log_answer("command", answer, seconds, command="document")


async def on_forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Erase what the bot remembers of this chat."""
    lang = _lang(update)
    cleared = services(context).contexts.clear(update.effective_message.chat_id)
    await update.effective_message.reply_text(T.text("forgotten" if cleared else "nothing_to_forget", lang))
    log_event(log, "telegram_command", command="forget", lang=lang, cleared=cleared)


# ------------------------------------------------------------------------------------ inline mode
async def on_inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`@bot question` in any chat: the answer (or each candidate's answer) as an article."""
    query = update.inline_query
    svc = services(context)
    text = query.query.strip()
    if not text:
        await query.answer([], cache_time=300)
        return
    started = time.perf_counter()
    day = svc.clock()
    answer = svc.engine.answer(text, day)
    answers = [answer]
    if answer.verdict == "ambigu":
        answers = [
            svc.engine.answer("", day, context=answer.context, document=c.id)
            for c in answer.candidates[:MAX_INLINE_RESULTS]
        ] or [answer]
    identifiers = find_identifiers(text)
    warning_html = warning_plain = ""
    if identifiers:
        kinds = T.kinds_label(identifiers, answer.lang)
        warning_html = T.text("patient_data_inline", answer.lang, kinds=esc(kinds))
        warning_plain = T.text("patient_data_short", answer.lang, kinds=kinds)
    results = []
    for i, a in enumerate(answers):
        message_text = render_html(a)[0]
        if warning_html:
            message_text = f"{warning_html}\n\n{message_text}"
            if len(message_text) > MAX_MESSAGE_CHARS:  # keep the warning, shorten the answer to its verdict
                message_text = f"{warning_html}\n\n<b>{esc(headline(a))}</b>"
        results.append(
            InlineQueryResultArticle(
                id=f"{i}-{(a.documents[0] if a.documents else a.verdict)}"[:64],
                title=_short(a.title or headline(a), 64),
                description=_short(warning_plain + headline(a), 160 if warning_plain else 120),
                input_message_content=InputTextMessageContent(
                    message_text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
                ),
            )
        )
    seconds = time.perf_counter() - started
    # A query holding patient data is not cached by Telegram for others typing the same thing.
    await query.answer(results, cache_time=0 if identifiers else 300, is_personal=bool(identifiers))
    _log_answer("inline_query", answer, seconds, results=len(results), identifiers=list(identifiers))


# ------------------------------------------------------------------------------------ errors
async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """One bad update must never stop the bot: log what kind of thing failed (no text), tell the user."""
    error = context.error
    kind = type(error).__name__ if error else "unknown"
    if isinstance(error, TelegramError):
        record_telegram_error(error)
    log_event(
        log,
        "telegram_error",
        logging.ERROR,
        kind=update_kind(update),
        error=kind,
        where=_where(error),
    )
    if isinstance(error, TelegramError) or not isinstance(update, Update):
        return
    message = update.effective_message
    if message is None or update.callback_query is not None or not addressed_to_bot(message):
        return
    try:
        await message.reply_text(T.text("error", _lang(update)))
    except TelegramError:
        pass


def _where(error: BaseException | None) -> str:
    """file:line of the innermost frame, so an operator can find the bug without the message text."""
    tb = error.__traceback__ if error else None
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    if last is None:
        return ""
    code = last.tb_frame.f_code
    return f"{code.co_filename.rsplit('/', 2)[-1]}:{last.tb_lineno}:{code.co_name}"
