"""End to end: the real PTB Application, long-polling a fake Bot API on loopback, as a practitioner sees it."""

from __future__ import annotations

import html.parser
import logging
from collections.abc import AsyncIterator

import pytest

from tests.fake_bot_api import BOT_USER, FakeBotAPI, RunningBot, start_bot


class _TagChecker(html.parser.HTMLParser):
    """Fails on what Telegram's HTML parser rejects: unknown tags, unbalanced tags."""

    ALLOWED = {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-spoiler",
        "span",
        "tg-emoji",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in self.ALLOWED, f"tag <{tag}> not supported by Telegram"
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}> in {self.stack}"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def visible_text(markup: str) -> str:
    """Parse as Telegram would; asserts the HTML is valid; returns the text the user reads."""
    checker = _TagChecker()
    checker.feed(markup)
    checker.close()
    assert not checker.stack, f"unclosed tags {checker.stack}"
    assert len(markup) < 4096
    return "".join(checker.text)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def bot(api: FakeBotAPI) -> AsyncIterator[RunningBot]:
    running = await start_bot(api)
    yield running
    assert await running.stop() == 0


async def test_a_question_gets_the_verdict_first_and_the_quote_with_its_link(api: FakeBotAPI, bot: RunningBot) -> None:
    api.send_text(11, "Le compte rendu opératoire doit-il aller dans le DMP ?")
    [call] = await api.wait_calls("sendMessage", chat_id=11)
    text = call.params["text"]
    assert call.params["parse_mode"] == "HTML"
    assert text.startswith("✅ <b>Obligatoire depuis le")
    assert "compte rendu opératoire" in text.split("\n")[0]
    assert "<blockquote>" in text and '<a href="https://' in text
    assert "31 décembre 2023" in visible_text(text)


async def test_an_english_question_is_answered_in_english(api: FakeBotAPI, bot: RunningBot) -> None:
    api.send_text(12, "Must the operative report go to the DMP?", language_code="en")
    [call] = await api.wait_calls("sendMessage", chat_id=12)
    assert visible_text(call.params["text"]).startswith("✅ Required since")


async def test_an_ambiguous_question_offers_buttons_and_a_press_answers_for_that_document(
    api: FakeBotAPI, bot: RunningBot
) -> None:
    api.send_text(13, "compte rendu dans le DMP ?")
    [call] = await api.wait_calls("sendMessage", chat_id=13)
    *candidate_rows, votes = call.params["reply_markup"]["inline_keyboard"]
    buttons = [b for row in candidate_rows for b in row]
    assert any("opératoire" in b["text"] for b in buttons)
    for b in buttons:
        assert b["callback_data"].startswith("doc:") and len(b["callback_data"].encode()) <= 64
    assert [b["text"] for b in votes] == ["👍", "👎 Pas juste"]
    data = next(b["callback_data"] for b in buttons if "opératoire" in b["text"])
    api.press(13, message_id=1, data=data)
    [edit] = await api.wait_calls("editMessageText", chat_id=13)
    assert visible_text(edit.params["text"]).startswith("✅ Obligatoire depuis le")
    assert "compte rendu opératoire" in edit.params["text"].split("\n")[0]
    await api.wait_calls("answerCallbackQuery")


async def test_a_stale_button_is_answered_with_a_notice_not_an_answer(api: FakeBotAPI, bot: RunningBot) -> None:
    api.press(14, message_id=7, data="doc:cr-operatoire:999999")
    [ack] = await api.wait_calls("answerCallbackQuery")
    assert "expiré" in ack.params["text"]
    await api.wait_calls("editMessageReplyMarkup", chat_id=14)
    assert not api.calls("editMessageText") and not api.sent(14)


async def test_follow_ups_use_the_previous_question_of_the_same_chat(api: FakeBotAPI, bot: RunningBot) -> None:
    api.send_text(15, "CRO au patient ?")
    await api.wait_calls("sendMessage", chat_id=15)
    api.send_text(15, "et en 2023 ?")
    calls = await api.wait_calls("sendMessage", 2, chat_id=15)
    first, second = (visible_text(c.params["text"]) for c in calls)
    assert first.startswith("✅ Obligatoire depuis le")
    assert second.startswith("⏳ Au 1er janvier 2023, pas encore obligatoire : compte rendu opératoire")
    # Another chat's "et en 2023 ?" has no context: it is not about the operative report.
    api.send_text(16, "et en 2023 ?")
    [other] = await api.wait_calls("sendMessage", chat_id=16)
    assert "compte rendu opératoire" not in other.params["text"].split("\n")[0]


async def test_forget_clears_the_context(api: FakeBotAPI, bot: RunningBot) -> None:
    api.send_text(17, "CRO au patient ?")
    await api.wait_calls("sendMessage", chat_id=17)
    api.send_text(17, "/oublier")
    calls = await api.wait_calls("sendMessage", 2, chat_id=17)
    assert "oublié" in calls[1].params["text"]
    api.send_text(17, "et en 2023 ?")
    calls = await api.wait_calls("sendMessage", 3, chat_id=17)
    assert "compte rendu opératoire" not in calls[2].params["text"].split("\n")[0]


async def test_start_explains_offers_three_examples_and_the_privacy_note(api: FakeBotAPI, bot: RunningBot) -> None:
    api.send_text(18, "/start")
    [call] = await api.wait_calls("sendMessage", chat_id=18)
    text = visible_text(call.params["text"])
    assert "DMP" in text and "donnée patient" in text
    buttons = [b for row in call.params["reply_markup"]["inline_keyboard"] for b in row]
    assert len(buttons) == 3
    api.press(18, message_id=1, data=buttons[0]["callback_data"])
    calls = await api.wait_calls("sendMessage", 2, chat_id=18)
    assert visible_text(calls[1].params["text"]).startswith("✅ Obligatoire depuis le")


async def test_commands_are_registered_in_french_and_english(api: FakeBotAPI, bot: RunningBot) -> None:
    calls = await api.wait_calls("setMyCommands", 2)
    by_lang = {c.params.get("language_code", ""): [cmd["command"] for cmd in c.params["commands"]] for c in calls}
    assert "liste" in by_lang[""] and "oublier" in by_lang[""]
    assert "list" in by_lang["en"] and "forget" in by_lang["en"]


async def test_liste_shows_every_document_with_dates(api: FakeBotAPI, bot: RunningBot) -> None:
    api.send_text(19, "/liste")
    calls = await api.wait_calls("sendMessage", chat_id=19)
    text = "\n".join(visible_text(c.params["text"]) for c in calls)
    for doc in ("cr-biologie", "cr-operatoire", "lettre-liaison-sortie"):
        assert doc in text
    assert "31 décembre 2023" in text


async def test_sources_and_document_commands(api: FakeBotAPI, bot: RunningBot) -> None:
    api.send_text(20, "/sources")
    [src] = await api.wait_calls("sendMessage", chat_id=20)
    assert src.params["text"].count('<a href="') >= 3
    api.send_text(20, "/document cr-biologie")
    calls = await api.wait_calls("sendMessage", 2, chat_id=20)
    assert "biologie" in calls[1].params["text"].split("\n")[0]
    api.send_text(20, "/document nope")
    calls = await api.wait_calls("sendMessage", 3, chat_id=20)
    assert "Je ne reconnais pas ce document" in calls[2].params["text"]
    assert "compte rendu opératoire — cr-operatoire" in visible_text(calls[2].params["text"])


async def test_document_takes_a_name_or_an_abbreviation_as_the_engine_reads_it(
    api: FakeBotAPI, bot: RunningBot
) -> None:
    for n, name in enumerate(("compte rendu opératoire", "CRO", "cr-operatoire"), 1):
        api.send_text(30, f"/document {name}")
        calls = await api.wait_calls("sendMessage", n, chat_id=30)
        first = visible_text(calls[-1].params["text"]).splitlines()[0]
        assert first == "✅ Obligatoire depuis le 31 décembre 2023 : compte rendu opératoire.", name
    # a name two documents share: one button each, as for a question
    api.send_text(30, "/document imagerie")
    calls = await api.wait_calls("sendMessage", 4, chat_id=30)
    keyboard = calls[-1].params["reply_markup"]["inline_keyboard"]
    buttons = [b["callback_data"] for row in keyboard for b in row if b["callback_data"].startswith("doc:")]
    assert [b.split(":")[1] for b in buttons] == ["cr-imagerie", "demande-imagerie"]
    # with a date, the first line says it
    api.send_text(30, "/document CRO 2023-06-01")
    calls = await api.wait_calls("sendMessage", 5, chat_id=30)
    first = visible_text(calls[-1].params["text"]).splitlines()[0]
    assert first.startswith("⏳ Au 1er juin 2023, pas encore obligatoire : compte rendu opératoire")


async def test_liste_takes_a_date(api: FakeBotAPI, bot: RunningBot) -> None:
    api.send_text(31, "/liste 2023-06-01")
    calls = await api.wait_calls("sendMessage", chat_id=31)
    text = "\n".join(visible_text(c.params["text"]) for c in calls)
    assert text.startswith("Documents de la liste au 1er juin 2023")
    operatoire = text.split("compte rendu opératoire — cr-operatoire", 1)[1].splitlines()[1]
    assert operatoire.startswith("📅 à partir du 31 décembre 2023")
    api.send_text(31, "/liste un jour")
    calls = await api.wait_calls("sendMessage", len(calls) + 1, chat_id=31)
    assert "Date non comprise" in calls[-1].params["text"]


async def test_an_answer_at_another_date_says_so_on_its_first_line(api: FakeBotAPI, bot: RunningBot) -> None:
    api.send_text(32, "CRO dans le DMP en juin 2023 ?")
    api.send_text(32, "CRO dans le DMP ?")
    first, second = await api.wait_calls("sendMessage", 2, chat_id=32)
    assert visible_text(first.params["text"]).startswith("⏳ Au 1er juin 2023, pas encore obligatoire")
    assert visible_text(second.params["text"]).startswith("✅ Obligatoire depuis le 31 décembre 2023")


async def test_a_photo_with_a_question_as_caption_is_answered(api: FakeBotAPI, bot: RunningBot) -> None:
    api.send_photo(33, caption="compte rendu opératoire dans le DMP ?")
    [call] = await api.wait_calls("sendMessage", chat_id=33)
    assert visible_text(call.params["text"]).startswith("✅ Obligatoire depuis le 31 décembre 2023")


async def test_inline_mode_returns_html_articles(api: FakeBotAPI, bot: RunningBot) -> None:
    api.inline(21, "CR bio dans le DMP ?")
    [call] = await api.wait_calls("answerInlineQuery")
    results = call.params["results"]
    assert results and results[0]["type"] == "article"
    content = results[0]["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert visible_text(content["message_text"]).startswith("✅ Obligatoire depuis le")


async def test_an_ambiguous_inline_query_returns_one_article_per_candidate(api: FakeBotAPI, bot: RunningBot) -> None:
    api.inline(22, "compte rendu ?")
    [call] = await api.wait_calls("answerInlineQuery")
    assert len(call.params["results"]) >= 2


async def test_a_photo_gets_a_text_only_reply(api: FakeBotAPI, bot: RunningBot) -> None:
    api.send_photo(23)
    [call] = await api.wait_calls("sendMessage", chat_id=23)
    assert "texte" in call.params["text"]
    api.send_other(23, "voice", {"file_id": "v", "file_unique_id": "v1", "duration": 2})
    api.send_other(23, "location", {"latitude": 48.85, "longitude": 2.35})
    api.send_other(
        23,
        "sticker",
        {
            "file_id": "s",
            "file_unique_id": "s1",
            "type": "regular",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
        },
    )
    await api.wait_calls("sendMessage", 4, chat_id=23)


async def test_html_looking_input_is_answered_with_valid_html(api: FakeBotAPI, bot: RunningBot) -> None:
    api.send_text(24, "<b>CR bio</b> & <script>alert(1)</script> dans le DMP ?")
    [call] = await api.wait_calls("sendMessage", chat_id=24)
    text = call.params["text"]
    visible_text(text)
    assert "<script>" not in text


async def test_group_messages_are_answered_only_when_addressed_to_the_bot(api: FakeBotAPI, bot: RunningBot) -> None:
    group = -1001
    api.send_text(group, "CR bio dans le DMP ?", user_id=31, chat_type="supergroup")
    api.send_mention(group, "CRO au patient ?", user_id=31, chat_type="supergroup")
    [call] = await api.wait_calls("sendMessage", chat_id=group)
    assert "opératoire" in call.params["text"].split("\n")[0]
    api.send_text(group, "et en 2023 ?", user_id=31, chat_type="supergroup", reply_to_bot=True)
    api.send_text(group, f"/liste@{BOT_USER['username']}", user_id=31, chat_type="supergroup")
    await api.wait_calls("sendMessage", 3, chat_id=group)
    api.send_text(group, "/liste@some_other_bot", user_id=31, chat_type="supergroup")
    api.send_text(group, "merci à tous", user_id=31, chat_type="supergroup")
    await bot.idle()
    assert len(api.sent(group)) == 3


async def test_edited_messages_are_ignored(api: FakeBotAPI, bot: RunningBot) -> None:
    edited = api.send_text(33, "placeholder")  # answered once
    await api.wait_calls("sendMessage", chat_id=33)
    api.push({"edited_message": {**edited["message"], "text": "CR bio dans le DMP ?", "edit_date": 1}})
    await bot.idle()
    assert len(api.sent(33)) == 1


async def test_patient_data_is_warned_about_and_never_logged(
    api: FakeBotAPI, bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    nir = "1 56 03 75 123 456 78"
    question = f"CR bio de Mme Martin {nir} dans le DMP ?"
    api.send_text(35, question)
    calls = await api.wait_calls("sendMessage", 2, chat_id=35)
    assert "données patient" in calls[0].params["text"]
    assert any(visible_text(c.params["text"]).startswith("✅ Obligatoire") for c in calls)
    api.inline(35, f"CRO {nir}")
    await api.wait_calls("answerInlineQuery")
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert caplog.records, "the bot logs its answers (structured)"
    for secret in (nir, "156037512345678", "Martin", "CR bio de", "CRO 1"):
        assert secret not in logged
    assert "telegram_answer" in logged and "nir" in logged


async def test_inline_mode_warns_about_patient_data_in_the_description_and_the_posted_message(
    api: FakeBotAPI, bot: RunningBot
) -> None:
    api.inline(36, "CR bio de 1 56 03 75 123 456 78 dans le DMP ?")
    [call] = await api.wait_calls("answerInlineQuery")
    results = call.params["results"]
    assert results
    for result in results:
        assert result["description"].startswith("⚠️ Données patient")
        shown = visible_text(result["input_message_content"]["message_text"])
        assert shown.startswith("⚠️ Question avec des données patient (numéro de sécurité sociale)")
        assert "1 56 03 75" not in shown
    assert str(call.params["cache_time"]) == "0"  # Telegram must not serve this query from its cache to others
    api.inline(37, "CR bio dans le DMP ?")  # no identifier: no warning
    calls = await api.wait_calls("answerInlineQuery", 2)
    clean = calls[1].params["results"][0]
    assert "⚠️" not in clean["description"] and "⚠️" not in clean["input_message_content"]["message_text"]


async def test_in_groups_answers_reply_to_the_askers_message(api: FakeBotAPI, bot: RunningBot) -> None:
    group = -1002
    asked = api.send_mention(group, "CRO au patient ?", user_id=38, chat_type="supergroup")
    listed = api.send_text(group, f"/liste@{BOT_USER['username']}", user_id=38, chat_type="supergroup")
    sent = await api.wait_calls("sendMessage", 2, chat_id=group)
    by_reply = {c.params["reply_parameters"]["message_id"] for c in sent if c.params.get("reply_parameters")}
    assert by_reply == {asked["message"]["message_id"], listed["message"]["message_id"]}
    api.send_text(39, "CRO au patient ?")  # a private chat needs no threading
    [private] = await api.wait_calls("sendMessage", chat_id=39)
    assert "reply_parameters" not in private.params
