"""Answers survive a Telegram outage, are never sent twice, keep their order per chat, and never wait for
another chat (findings 2, 3 and 7 of issue 12). The real bot long-polls the fake Bot API on loopback;
back-offs and timeouts are shrunk through `DeliveryPolicy` so that no test sleeps for long.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import pytest

from bot.observability import REGISTRY
from bot.telegram.delivery import DeliveryPolicy
from tests.fake_bot_api import FakeBotAPI, start_bot

QUICK = DeliveryPolicy(first_backoff=0.05, max_backoff=0.2, give_up_after=30.0, send_timeout=5.0)
QUESTION = "Le compte rendu opératoire doit-il aller dans le DMP ?"


def counter(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    with FakeBotAPI() as server:
        yield server


def first_lines(api: FakeBotAPI, chat: int) -> list[str]:
    return [m["text"].split("\n")[0] for m in api.sent(chat)]


async def test_an_outage_of_5xx_then_refused_connections_loses_no_answer_and_repeats_none(api: FakeBotAPI) -> None:
    """Before: three tries in ~1.5 s, then the answer was dropped silently (12 of 30 lost in a 20 s outage)."""
    retried = counter("obligations_telegram_send_retries_total")
    bot = await start_bot(api, delivery=QUICK)
    try:
        api.fail("sendMessage", 502, times=10_000)
        chats = range(2000, 2010)
        for chat in chats:
            api.send_text(chat, QUESTION)
        await api.wait_for(lambda: len(api.calls("sendMessage")) >= 30, 10, "every chat to fail a few times")
        api.refuse()  # now the connection itself is refused
        await asyncio.sleep(2.0)  # longer than the old 1.5 s of retries
        api.clear_faults()
        api.accept()
        await api.wait_for(lambda: all(api.delivered(chat) for chat in chats), 15, "every answer after the outage")
        await bot.idle()
        assert {chat: len(api.delivered(chat)) for chat in chats} == dict.fromkeys(chats, 1)
        assert counter("obligations_telegram_send_retries_total") - retried >= 30
    finally:
        assert await bot.stop() == 0


async def test_a_send_that_times_out_after_reaching_telegram_is_not_sent_again(
    api: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    """Before: a read timeout was retried twice, and the practitioner got the answer three times."""
    avoided = counter("obligations_telegram_duplicates_avoided_total", source="send_timeout")
    bot = await start_bot(api, delivery=DeliveryPolicy(first_backoff=0.05, send_timeout=0.5))
    try:
        api.delay("sendMessage", 1.2, chat_id=2100)  # Telegram got it, but answers after our timeout
        api.send_text(2100, QUESTION)
        await api.wait_calls("sendMessage", chat_id=2100)
        await asyncio.sleep(1.5)
        await bot.idle()
        assert len(api.sent(2100)) == 1
        assert counter("obligations_telegram_duplicates_avoided_total", source="send_timeout") == avoided + 1
        assert "telegram_send_not_retried" in caplog.text
        api.send_text(2100, "et au patient ?")  # the chat goes on
        await api.wait_calls("sendMessage", 2, chat_id=2100)
    finally:
        assert await bot.stop() == 0


async def test_a_slow_telegram_is_waited_for_not_given_up_on(api: FakeBotAPI) -> None:
    """A send slower than PTB's default 5 s read timeout still arrives once (the timeout is 30 s by default)."""
    assert DeliveryPolicy().send_timeout >= 30
    bot = await start_bot(api, delivery=DeliveryPolicy(send_timeout=3.0))
    try:
        api.delay("sendMessage", 1.0, chat_id=2150)
        api.send_text(2150, QUESTION)
        await api.wait_calls("sendMessage", chat_id=2150)
        await bot.idle()
        assert len(api.sent(2150)) == 1
    finally:
        assert await bot.stop() == 0


async def test_an_answer_kept_past_the_limit_is_dropped_logged_and_counted(
    api: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    dropped = counter("obligations_telegram_sends_dropped_total")
    bot = await start_bot(api, delivery=DeliveryPolicy(first_backoff=0.05, max_backoff=0.1, give_up_after=0.6))
    try:
        api.fail("sendMessage", 503, times=10_000, chat_id=2200)
        api.send_text(2200, QUESTION)
        await api.wait_for(lambda: counter("obligations_telegram_sends_dropped_total") > dropped, 10, "the drop")
        assert "telegram_send_dropped" in caplog.text and "gave_up" in caplog.text
        api.send_text(2201, QUESTION)  # the bot goes on
        await api.wait_calls("sendMessage", chat_id=2201)
    finally:
        assert await bot.stop() == 0


async def test_stopping_during_an_outage_ends_the_retries_at_once_and_exits_0(
    api: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    """SIGTERM (here: the stop event its handler sets) must not wait out a 60 s back-off."""
    caplog.set_level(logging.INFO)
    dropped = counter("obligations_telegram_sends_dropped_total")
    bot = await start_bot(api, delivery=DeliveryPolicy(first_backoff=60.0, give_up_after=900.0))
    try:
        api.fail("sendMessage", 502, times=10_000)
        api.send_text(2300, QUESTION)
        await api.wait_for(lambda: "telegram_retry" in caplog.text, 10, "a retry to be scheduled")
    finally:
        started = time.monotonic()
        assert await bot.stop() == 0
    assert time.monotonic() - started < 5
    assert counter("obligations_telegram_sends_dropped_total") == dropped + 1
    assert "reason=stopping" in caplog.text


async def test_one_chats_stalled_send_never_delays_another_chat(api: FakeBotAPI) -> None:
    """Fails for a bot that answers one chat at a time."""
    bot = await start_bot(api, delivery=QUICK)
    try:
        api.delay("sendMessage", 3.0, chat_id=2400)
        api.send_text(2400, QUESTION)
        await api.wait_calls("sendMessage", chat_id=2400)  # its send is now stalled at Telegram
        asked = time.monotonic()
        api.send_text(2401, QUESTION)
        [answer] = await api.wait_calls("sendMessage", chat_id=2401)
        assert answer.at - asked < 1.5
    finally:
        assert await bot.stop() == 0


async def test_one_chats_messages_are_answered_in_order_each_with_the_previous_ones_context(
    api: FakeBotAPI,
) -> None:
    """Fails for a bot that answers a chat's messages concurrently: the first answer, retried after a 502,
    would arrive after the others."""
    bot = await start_bot(api, delivery=DeliveryPolicy(first_backoff=0.5, send_timeout=5.0))
    try:
        api.fail("sendMessage", 502, times=1, chat_id=2500)
        for text in ("compte rendu opératoire dans le DMP ?", "et au patient ?", "CR de biologie ?", "et en 2021 ?"):
            api.send_text(2500, text)
        await api.wait_for(lambda: len(api.delivered(2500)) >= 4, 10, "four answers")
        await bot.idle()
        delivered = api.delivered(2500)
        lines = [m["text"].split("\n")[0] for m in delivered]
        assert len(lines) == 4
        assert "opératoire" in lines[0]
        assert "opératoire" in lines[1]  # "et au patient ?" alone names no document: the context of the first
        assert "biologie" in lines[2]
        assert "biologie" in lines[3] and "2021" in lines[3]  # "et en 2021 ?": the context of the third
        assert "patient" in delivered[1]["text"].lower()
    finally:
        assert await bot.stop() == 0


async def test_a_long_message_does_not_hold_up_other_chats(api: FakeBotAPI) -> None:
    """Before: 20 long messages kept the event loop busy and other chats waited 13.6 s."""
    bot = await start_bot(api, delivery=QUICK, OBLIGATIONS_RATE_LIMIT_PER_MINUTE="100")
    try:
        for _ in range(20):
            api.send_text(2600, ("drugs " * 400)[:4000])
        asked = time.monotonic()
        api.send_text(2601, QUESTION)
        [answer] = await api.wait_calls("sendMessage", chat_id=2601)
        assert answer.at - asked < 2.0
        await api.wait_calls("sendMessage", 20, chat_id=2600, timeout=20)
    finally:
        assert await bot.stop() == 0
