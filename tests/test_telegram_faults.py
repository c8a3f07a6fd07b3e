"""Telegram misbehaves (429, 5xx, slow answers), users flood, strangers knock: the bot survives and stays polite."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tests.fake_bot_api import FakeBotAPI, start_bot


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    with FakeBotAPI() as server:
        yield server


async def test_a_429_on_send_message_is_waited_out_and_the_answer_still_arrives(api: FakeBotAPI) -> None:
    bot = await start_bot(api)
    try:
        api.fail("sendMessage", 429, retry_after=1)
        api.send_text(41, "CR bio dans le DMP ?")
        calls = await api.wait_calls("sendMessage", 2, chat_id=41)
        assert calls[1].at - calls[0].at >= 1.0  # retry_after honoured
        api.send_text(41, "et au patient ?")
        await api.wait_calls("sendMessage", 3, chat_id=41)
    finally:
        assert await bot.stop() == 0


async def test_a_500_on_send_message_is_retried(api: FakeBotAPI) -> None:
    bot = await start_bot(api)
    try:
        api.fail("sendMessage", 502)
        api.send_text(42, "CR bio dans le DMP ?")
        calls = await api.wait_calls("sendMessage", 2, chat_id=42)
        assert calls[1].params["text"] == calls[0].params["text"]
    finally:
        assert await bot.stop() == 0


async def test_a_500_on_get_updates_is_survived(api: FakeBotAPI) -> None:
    bot = await start_bot(api)
    try:
        api.fail("getUpdates", 500)
        await api.wait_for(lambda: not any(f.times for f in api._state.faults), 10, "the failure served")
        api.send_text(43, "CR bio dans le DMP ?")
        await api.wait_calls("sendMessage", chat_id=43)
    finally:
        assert await bot.stop() == 0


async def test_a_slow_telegram_does_not_stop_other_chats(api: FakeBotAPI) -> None:
    bot = await start_bot(api)
    try:
        api.delay("sendMessage", 1.0)
        api.send_text(44, "CR bio dans le DMP ?")
        api.send_text(45, "CRO au patient ?")
        await api.wait_calls("sendMessage", chat_id=44)
        await api.wait_calls("sendMessage", chat_id=45)
    finally:
        assert await bot.stop() == 0


async def test_fifty_chats_at_once_are_each_answered_exactly_once(api: FakeBotAPI) -> None:
    bot = await start_bot(api)
    try:
        chats = range(1000, 1050)
        for chat in chats:
            api.send_text(chat, "Le compte rendu opératoire doit-il aller dans le DMP ?")
        await api.wait_calls("sendMessage", 50, timeout=20)
        await bot.idle()
        per_chat = [len(api.sent(chat)) for chat in chats]
        assert per_chat == [1] * 50
    finally:
        assert await bot.stop() == 0


async def test_a_flood_is_limited_with_one_polite_reply(api: FakeBotAPI) -> None:
    bot = await start_bot(api, OBLIGATIONS_RATE_LIMIT_PER_MINUTE="3")
    try:
        for _ in range(6):
            api.send_text(46, "CR bio dans le DMP ?")
        api.send_text(47, "/aide")  # another user is not limited
        await api.wait_calls("sendMessage", chat_id=47)
        await bot.idle()
        texts = [m["text"] for m in api.sent(46)]
        assert len(texts) == 4
        assert sum("patienter" in t for t in texts) == 1
    finally:
        assert await bot.stop() == 0


async def test_the_allowlist_refuses_others_politely(api: FakeBotAPI) -> None:
    bot = await start_bot(api, OBLIGATIONS_ALLOWED_USERS="48")
    try:
        api.send_text(48, "CR bio dans le DMP ?")
        api.send_text(49, "CR bio dans le DMP ?")
        api.inline(49, "CR bio")
        [refusal] = await api.wait_calls("sendMessage", chat_id=49)
        assert "réservé" in refusal.params["text"]
        [allowed] = await api.wait_calls("sendMessage", chat_id=48)
        assert allowed.params["text"].startswith("✅ <b>Obligatoire")
        [inline] = await api.wait_calls("answerInlineQuery")
        assert inline.params["results"] == []
    finally:
        assert await bot.stop() == 0


async def test_contexts_expire(api: FakeBotAPI) -> None:
    now = [0.0]
    bot = await start_bot(api, monotonic=lambda: now[0], OBLIGATIONS_CONTEXT_TTL_SECONDS="60")
    try:
        api.send_text(50, "compte rendu dans le DMP ?")
        [ambiguous] = await api.wait_calls("sendMessage", chat_id=50)
        data = ambiguous.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        now[0] = 61.0
        api.press(50, message_id=1, data=data)
        [ack] = await api.wait_calls("answerCallbackQuery")
        assert "expiré" in ack.params["text"]
        assert not api.calls("editMessageText")
    finally:
        assert await bot.stop() == 0


async def test_a_failing_update_does_not_stop_the_bot(api: FakeBotAPI) -> None:
    bot = await start_bot(api)
    try:
        api.fail("sendMessage", 400, times=1)  # Bad Request: not retried, reported, and the bot goes on
        api.send_text(51, "CR bio dans le DMP ?")
        await api.wait_calls("sendMessage", chat_id=51)
        api.send_text(51, "CRO au patient ?")
        calls = await api.wait_calls("sendMessage", 2, chat_id=51)
        assert "opératoire" in calls[1].params["text"].split("\n")[0]
        await asyncio.sleep(0)
        assert not bot.task.done()
    finally:
        assert await bot.stop() == 0


async def test_an_unknown_command_in_a_private_chat_gets_the_help(api: FakeBotAPI) -> None:
    bot = await start_bot(api)
    try:
        api.send_text(52, "/nimportequoi")
        [call] = await api.wait_calls("sendMessage", chat_id=52)
        assert "/liste" in call.params["text"]
        api.send_text(-1052, "/nimportequoi", user_id=52, chat_type="group")  # maybe another bot's command
        await bot.idle()
        assert not api.sent(-1052)
    finally:
        assert await bot.stop() == 0
