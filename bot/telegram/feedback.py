"""👍 / 👎 under every answer, and the report the user may send after 👎, on Telegram.

What is kept, in memory only: per answer shown, a token → the answer's facts (verdict, documents,
version, dates — no text) so a button press can be counted; per 👎, the bot's prompt message id →
those facts and the voter's id, so their reply can be tied to the answer it judges. The question is
never kept from the original message: the user sends it again, as a reply, after reading what the
team will see — sending it is the consent. Only the masked reply reaches the database.

Callback data: `fb:+:<token>` / `fb:-:<token>` (well under Telegram's 64 bytes).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from telegram import CallbackQuery, ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest

from bot.answer import Answer
from bot.feedback import texts as FT
from bot.feedback.facts import AnswerFacts
from bot.feedback.metrics import record_report
from bot.feedback.service import MAX_QUESTION_CHARS
from bot.observability import log_event
from bot.telegram.state import still_alive

if TYPE_CHECKING:
    from bot.telegram.handlers import Services

log = logging.getLogger("bot.telegram.feedback")
PREFIX = "fb:"
PROMPT_MARK = "📝"  # first character of the prompt: a reply to an expired prompt is recognised by it
VOTE_TTL_SECONDS = 24 * 3600
REPORT_TTL_SECONDS = 3600
MAX_ENTRIES = 100_000


@dataclass
class _Shown:
    chat_id: int
    facts: AnswerFacts
    expires: float
    voted: bool = False


@dataclass(frozen=True)
class PendingReport:
    user_id: int
    facts: AnswerFacts
    expires: float


class FeedbackLedger:
    """Tokens of answers shown and 👎 prompts awaiting a reply, forgotten after a while or on restart."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._tokens = itertools.count(1)
        self._shown: dict[int, _Shown] = {}
        self._pending: dict[tuple[int, int], PendingReport] = {}

    def remember(self, chat_id: int, facts: AnswerFacts) -> int:
        now = self._clock()
        if len(self._shown) >= MAX_ENTRIES:
            self._shown, _ = still_alive(self._shown, lambda v: v.expires > now)
            while len(self._shown) >= MAX_ENTRIES:
                del self._shown[next(iter(self._shown))]
        token = next(self._tokens)
        self._shown[token] = _Shown(chat_id, facts, now + VOTE_TTL_SECONDS)
        return token

    def shown(self, token: int, chat_id: int) -> _Shown | None:
        item = self._shown.get(token)
        if item is None or item.chat_id != chat_id:
            return None
        if item.expires <= self._clock():
            del self._shown[token]
            return None
        return item

    def await_report(self, chat_id: int, prompt_id: int, user_id: int, facts: AnswerFacts) -> None:
        now = self._clock()
        if len(self._pending) >= MAX_ENTRIES:
            self._pending, _ = still_alive(self._pending, lambda v: v.expires > now)
        self._pending[(chat_id, prompt_id)] = PendingReport(user_id, facts, now + REPORT_TTL_SECONDS)

    def pending(self, chat_id: int, prompt_id: int) -> PendingReport | None:
        item = self._pending.get((chat_id, prompt_id))
        if item is not None and item.expires <= self._clock():
            del self._pending[(chat_id, prompt_id)]
            return None
        return item

    def done(self, chat_id: int, prompt_id: int) -> None:
        self._pending.pop((chat_id, prompt_id), None)

    def sweep(self) -> int:
        """Forget expired vote tokens and report prompts now (run periodically, not only when full)."""
        now = self._clock()
        shown, votes = still_alive(self._shown, lambda v: v.expires > now)
        pending, prompts = still_alive(self._pending, lambda v: v.expires > now)
        if votes:
            self._shown = shown
        if prompts:
            self._pending = pending
        return votes + prompts


# ------------------------------------------------------------------------------------ buttons
def vote_row(token: int, lang: str) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton(FT.text("button_up", lang), callback_data=f"{PREFIX}+:{token}"),
        InlineKeyboardButton(FT.text("button_down", lang), callback_data=f"{PREFIX}-:{token}"),
    ]


def remember(ledger: FeedbackLedger, chat_id: int, answer: Answer, asked_on: dt.date) -> int:
    return ledger.remember(chat_id, AnswerFacts.of(answer, asked_on))


def _without_votes(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The message's keyboard without the vote row (candidate buttons stay)."""
    if markup is None:
        return None
    rows = [
        row
        for row in markup.inline_keyboard
        if not any(isinstance(b.callback_data, str) and b.callback_data.startswith(PREFIX) for b in row)
    ]
    return InlineKeyboardMarkup(rows) if rows else None


async def _drop_vote_buttons(query: CallbackQuery) -> None:
    message = query.message if isinstance(query.message, Message) else None
    try:
        await query.edit_message_reply_markup(reply_markup=_without_votes(message.reply_markup if message else None))
    except BadRequest:
        pass  # already without them


# ------------------------------------------------------------------------------------ handlers
async def on_vote(update: Update, svc: Services, lang: str) -> None:
    """A 👍 or 👎 under an answer: count it once, and after 👎 ask for the question as a reply."""
    query = update.callback_query
    if query is None:
        return
    message = query.message if isinstance(query.message, Message) else None
    _, sign, token = ((query.data or "").split(":") + ["", ""])[:3]
    shown = svc.ledger.shown(int(token), message.chat_id) if message and token.isdigit() else None
    if sign not in ("+", "-") or shown is None or message is None:
        log_event(log, "feedback_stale_button", kind="callback_query")
        await query.answer(FT.text("stale", lang))
        await _drop_vote_buttons(query)
        return
    if shown.voted:
        await query.answer(FT.text("already_voted", lang))
        return
    shown.voted = True
    up = sign == "+"
    await asyncio.to_thread(svc.feedback.vote, up, shown.facts, "telegram")
    await query.answer(FT.text("thanks_up" if up else "thanks_down", lang))
    await _drop_vote_buttons(query)
    if not up:
        await _ask_for_report(message, query.from_user, shown.facts, svc, lang)


async def _ask_for_report(message: Message, voter: User, facts: AnswerFacts, svc: Services, lang: str) -> None:
    text = FT.text("explain", lang, days=svc.feedback.retention_days) + "\n\n" + FT.text("ask_reply", lang)
    private = message.chat.type == ChatType.PRIVATE
    if not private:  # ForceReply(selective) opens the reply box for the users mentioned: the voter only
        text += "\n" + voter.mention_html()
    prompt = await message.get_bot().send_message(
        chat_id=message.chat_id,
        text=text,
        parse_mode=ParseMode.HTML,
        reply_markup=ForceReply(selective=not private, input_field_placeholder=FT.text("placeholder", lang)),
        message_thread_id=message.message_thread_id if message.is_topic_message else None,
    )
    svc.ledger.await_report(message.chat_id, prompt.message_id, voter.id, facts)
    log_event(log, "report_requested", chat_type=message.chat.type)


def _is_prompt(message: Message) -> bool:
    reply = message.reply_to_message
    return bool(
        reply is not None
        and reply.from_user is not None
        and reply.from_user.id == message.get_bot().id
        and (reply.text or "").startswith(PROMPT_MARK)
    )


async def maybe_report(message: Message, svc: Services, lang: str) -> bool:
    """True when `message` is a reply to our 👎 prompt and was handled as a report (stored or refused)."""
    reply = message.reply_to_message
    if reply is None or message.from_user is None:
        return False
    pending = svc.ledger.pending(message.chat_id, reply.message_id)
    if pending is None or pending.user_id != message.from_user.id:
        if pending is None and _is_prompt(message):
            record_report("expired", "telegram")
            await message.reply_text(FT.text("expired", lang))
            return True
        return False
    question, _, comment = (message.text or "").strip().partition("\n")
    outcome = await asyncio.to_thread(
        svc.feedback.report, ("telegram", message.from_user.id), question, comment, pending.facts, "telegram"
    )
    if outcome.stored:
        svc.ledger.done(message.chat_id, reply.message_id)
        key = "stored_masked" if outcome.masked else "stored"
        text = FT.text(key, lang, id=outcome.number, kinds=FT.kinds_label(outcome.masked, lang))
    else:
        if outcome.outcome not in ("empty", "too_long"):  # those may be sent again, shorter
            svc.ledger.done(message.chat_id, reply.message_id)
        text = FT.text(
            outcome.outcome,
            lang,
            chars=MAX_QUESTION_CHARS,
            limit=svc.feedback.cap.limit,
        )
    await message.reply_text(text)
    return True
