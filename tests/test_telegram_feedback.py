"""👍 / 👎 and the consented report, end to end: the real PTB Application against the fake Bot API,
as a doctor does it (two taps and a reply), then what the database holds."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.observability import REGISTRY
from tests.fake_bot_api import BOT_USER, FakeBotAPI, RunningBot, start_bot

CHAT = 734_219_876  # also the user id: private chat
PATIENT_QUESTION = (
    "Mme Dupont née le 12/03/1956, NIR 1 56 03 75 123 456 78, tél 06 12 34 56 78, jean.dupont@gmail.com : "
    "CR bio dans le DMP ?"
)


def counter(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def buttons(call) -> list[dict]:
    return [b for row in call.params["reply_markup"]["inline_keyboard"] for b in row]


def vote_buttons(call) -> dict[str, str]:
    """{"+": callback data of 👍, "-": of 👎} under an answer."""
    found = {b["callback_data"][3]: b["callback_data"] for b in buttons(call) if b["callback_data"].startswith("fb:")}
    assert set(found) == {"+", "-"}, buttons(call)
    return found


def reply_to(api: FakeBotAPI, chat_id: int, message_id: int, text: str, prompt_text: str) -> None:
    """The user answers the bot's message `message_id` (Telegram's reply, as ForceReply opens it)."""
    api.send_text(
        chat_id,
        text,
        reply_to_message={
            "message_id": message_id,
            "date": 0,
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT_USER,
            "text": prompt_text,
        },
    )


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    with FakeBotAPI() as server:
        yield server


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "reports.sqlite3"


@pytest.fixture
async def bot(api: FakeBotAPI, db: Path) -> AsyncIterator[RunningBot]:
    running = await start_bot(api, OBLIGATIONS_REPORTS_DB=str(db))
    yield running
    assert await running.stop() == 0


async def test_every_answer_has_two_small_buttons_with_short_callback_data(api: FakeBotAPI, bot: RunningBot) -> None:
    api.send_text(CHAT, "CR bio dans le DMP ?")
    [answer] = await api.wait_calls("sendMessage", chat_id=CHAT)
    assert [b["text"] for b in answer.params["reply_markup"]["inline_keyboard"][-1]] == ["👍", "👎 Pas juste"]
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons(answer))
    api.send_text(CHAT + 1, "Must the operative report go to the DMP?", language_code="en")
    [english] = await api.wait_calls("sendMessage", chat_id=CHAT + 1)
    assert [b["text"] for b in english.params["reply_markup"]["inline_keyboard"][-1]] == ["👍", "👎 Not right"]


async def test_thumbs_down_then_a_reply_stores_the_question_masked_and_nothing_else(
    api: FakeBotAPI, bot: RunningBot, db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    downs = counter(
        "obligations_feedback_votes_total", vote="down", verdict="obligatoire", frontend="telegram", lang="fr"
    )
    stored = counter("obligations_reports_total", outcome="stored", frontend="telegram")
    api.send_text(CHAT, PATIENT_QUESTION)
    [warning, answer] = await api.wait_calls("sendMessage", 2, chat_id=CHAT)
    assert "données patient" in warning.params["text"]  # the usual warning comes first, without buttons
    answer_id = len(api.sent(CHAT))  # the fake numbers each chat's messages 1, 2, …

    # Tap 1: 👎. The bot thanks, removes the vote buttons, explains and asks for the question as a reply.
    api.press(CHAT, message_id=answer_id, data=vote_buttons(answer)["-"])
    [ack] = await api.wait_calls("answerCallbackQuery")
    assert ack.params["text"] == "Noté, merci."
    await api.wait_calls("editMessageReplyMarkup", chat_id=CHAT)
    prompt_call = (await api.wait_calls("sendMessage", 3, chat_id=CHAT))[2]
    prompt = prompt_call.params["text"]
    assert "l'équipe la lira" in prompt and "masqués avant tout enregistrement" in prompt
    assert "ni votre nom, ni votre identifiant" in prompt and "90 jours" in prompt
    assert "répondez à ce message" in prompt and "rien n'est envoyé" in prompt
    force = prompt_call.params["reply_markup"]
    assert force["force_reply"] is True and len(force["input_field_placeholder"]) <= 64
    assert PATIENT_QUESTION not in prompt  # nothing of the original message is echoed or kept
    assert (
        counter("obligations_feedback_votes_total", vote="down", verdict="obligatoire", frontend="telegram", lang="fr")
        == downs + 1
    )

    # Tap 2 (the reply): the question again, and a comment on the next line.
    reply_to(api, CHAT, len(api.sent(CHAT)), PATIENT_QUESTION + "\nla bonne réponse serait exclu", prompt)
    confirmation = (await api.wait_calls("sendMessage", 4, chat_id=CHAT))[3].params["text"]
    assert confirmation.startswith("✅ Merci : votre signalement n° 1 est enregistré.")
    assert "numéro de sécurité sociale, date de naissance, numéro de téléphone, adresse e-mail" in confirmation
    await bot.idle()
    assert len(api.sent(CHAT)) == 4  # the reply was a report, not a new question
    assert counter("obligations_reports_total", outcome="stored", frontend="telegram") == stored + 1

    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT question, comment, verdict, documents, frontend, lang FROM reports").fetchone()
    assert row == (
        "[nom] [date de naissance], NIR [NIR], tél [téléphone], [e-mail] : CR bio dans le DMP ?",
        "la bonne réponse serait exclu",
        "obligatoire",
        "cr-biologie",
        "telegram",
        "fr",
    )
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "report_stored" in logged and "feedback_vote" in logged
    assert "Dupont" not in logged and "CR bio" not in logged and "bonne réponse" not in logged
    raw = b"".join(p.read_bytes() for p in db.parent.iterdir() if p.name.startswith(db.name))
    for secret in (str(CHAT), "Dupont", "12/03/1956", "123 456 78", "06 12 34 56 78", "jean.dupont", "Dr "):
        assert secret.encode() not in raw, secret


async def test_stale_and_repeated_buttons_and_an_expired_prompt(api: FakeBotAPI, bot: RunningBot, db: Path) -> None:
    api.press(CHAT, message_id=5, data="fb:-:999999")  # e.g. pressed after a restart
    [ack] = await api.wait_calls("answerCallbackQuery")
    assert "expiré" in ack.params["text"]
    await api.wait_calls("editMessageReplyMarkup", chat_id=CHAT)
    assert not api.sent(CHAT)  # no prompt for an answer we no longer know

    api.send_text(CHAT, "CRO dans le DMP ?")
    [answer] = await api.wait_calls("sendMessage", chat_id=CHAT)
    up = vote_buttons(answer)["+"]
    api.press(CHAT, message_id=1, data=up)
    await api.wait_calls("answerCallbackQuery", 2)
    api.press(CHAT, message_id=1, data=vote_buttons(answer)["-"])  # a second vote on the same answer
    acks = await api.wait_calls("answerCallbackQuery", 3)
    assert [a.params.get("text") for a in acks[1:]] == ["Merci !", "Déjà noté, merci."]
    await bot.idle()
    assert len(api.sent(CHAT)) == 1  # 👍 asks nothing

    # A reply to a prompt the bot no longer remembers (restart, or an hour later): nothing is stored.
    reply_to(api, CHAT, 2, "CRO dans le DMP ?", "📝 Aidez-nous à corriger cette réponse.")
    [_, expired] = await api.wait_calls("sendMessage", 2, chat_id=CHAT)
    assert "expiré" in expired.params["text"] and "rien n'a été enregistré" in expired.params["text"]
    assert not db.exists() or not sqlite3.connect(db).execute("SELECT count(*) FROM reports").fetchone()[0]


async def test_a_candidate_press_gives_an_answer_with_its_own_vote_buttons(api: FakeBotAPI, bot: RunningBot) -> None:
    api.send_text(CHAT, "compte rendu dans le DMP ?")
    [offer] = await api.wait_calls("sendMessage", chat_id=CHAT)
    doc = next(b["callback_data"] for b in buttons(offer) if "opératoire" in b["text"])
    api.press(CHAT, message_id=1, data=doc)
    [edit] = await api.wait_calls("editMessageText", chat_id=CHAT)
    assert vote_buttons(edit)["-"] != vote_buttons(offer)["-"]  # the vote is about the new answer


async def test_reports_are_capped_per_user_per_day(api: FakeBotAPI, db: Path) -> None:
    running = await start_bot(api, OBLIGATIONS_REPORTS_DB=str(db), OBLIGATIONS_REPORTS_PER_USER_PER_DAY="1")
    try:
        for n in (1, 2):
            api.send_text(CHAT, "CR bio dans le DMP ?")
            answer = (await api.wait_calls("sendMessage", 3 * n - 2, chat_id=CHAT))[-1]
            api.press(CHAT, message_id=len(api.sent(CHAT)), data=vote_buttons(answer)["-"])
            prompt = (await api.wait_calls("sendMessage", 3 * n - 1, chat_id=CHAT))[-1]
            reply_to(api, CHAT, len(api.sent(CHAT)), "CR bio dans le DMP ?", prompt.params["text"])
            await api.wait_calls("sendMessage", 3 * n, chat_id=CHAT)
        last = api.sent(CHAT)[-1]["text"]
        assert "déjà envoyé 1 signalements aujourd'hui" in last
        assert sqlite3.connect(db).execute("SELECT count(*) FROM reports").fetchone()[0] == 1
    finally:
        assert await running.stop() == 0


async def test_answering_does_not_depend_on_the_database(api: FakeBotAPI, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    refused = counter("obligations_reports_total", outcome="unavailable", frontend="telegram")
    running = await start_bot(api, OBLIGATIONS_REPORTS_DB=str(blocker / "reports.sqlite3"))
    try:
        api.send_text(CHAT, "CR bio dans le DMP ?")
        [answer] = await api.wait_calls("sendMessage", chat_id=CHAT)
        assert answer.params["text"].startswith("✅ <b>Obligatoire depuis le")
        api.press(CHAT, message_id=1, data=vote_buttons(answer)["-"])
        prompt = (await api.wait_calls("sendMessage", 2, chat_id=CHAT))[1]
        reply_to(api, CHAT, 2, "CR bio dans le DMP ?", prompt.params["text"])
        sorry = (await api.wait_calls("sendMessage", 3, chat_id=CHAT))[2].params["text"]
        assert "n'a pas pu être enregistré" in sorry and "Rien n'a été gardé" in sorry
        assert counter("obligations_reports_total", outcome="unavailable", frontend="telegram") == refused + 1
        api.send_text(CHAT, "CRO dans le DMP ?")  # and the next question is answered as usual
        fourth = (await api.wait_calls("sendMessage", 4, chat_id=CHAT))[3].params["text"]
        assert fourth.startswith("✅ <b>Obligatoire depuis le")
    finally:
        assert await running.stop() == 0


async def test_in_a_group_only_the_voter_is_asked_and_only_their_reply_is_a_report(
    api: FakeBotAPI, bot: RunningBot, db: Path
) -> None:
    group, voter, other = -1_001_234, 555_001, 555_002
    api.send_mention(group, "CR bio dans le DMP ?", chat_type="group", user_id=voter)
    [answer] = await api.wait_calls("sendMessage", chat_id=group)
    api.push(
        {
            "callback_query": {
                "id": "cq-group",
                "from": api.user(voter),
                "chat_instance": "ci-group",
                "data": vote_buttons(answer)["-"],
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": group, "type": "group", "title": "Cabinet"},
                    "from": BOT_USER,
                    "text": "…",
                },
            }
        }
    )
    prompt = (await api.wait_calls("sendMessage", 2, chat_id=group))[1]
    assert prompt.params["reply_markup"]["selective"] is True
    assert f"tg://user?id={voter}" in prompt.params["text"]

    def reply(user_id: int, text: str) -> None:
        api.send_text(
            group,
            text,
            chat_type="group",
            user_id=user_id,
            reply_to_message={
                "message_id": 2,
                "date": 0,
                "chat": {"id": group, "type": "group", "title": "Cabinet"},
                "from": BOT_USER,
                "text": prompt.params["text"],
            },
        )

    reply(other, "CRO dans le DMP ?")  # someone else: an ordinary question to the bot, not a report
    answered = (await api.wait_calls("sendMessage", 3, chat_id=group))[2].params["text"]
    assert "compte rendu opératoire" in answered.split("\n")[0]
    reply(voter, "CR bio dans le DMP ?")
    confirmation = (await api.wait_calls("sendMessage", 4, chat_id=group))[3].params["text"]
    assert confirmation.startswith("✅ Merci : votre signalement n° 1")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT question FROM reports").fetchall() == [("CR bio dans le DMP ?",)]
    raw = b"".join(p.read_bytes() for p in db.parent.iterdir() if p.name.startswith(db.name))
    assert str(voter).encode() not in raw and str(group).encode() not in raw
