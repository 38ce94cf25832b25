"""Telegram through the real python-telegram-bot library, against a fake Bot API on
loopback: real `Update` JSON posted to the running bot's webhook, and (in polling mode)
served to it by the fake's getUpdates."""

from __future__ import annotations

import dataclasses
import itertools
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.callbacks.staff import add_account, link_telegram
from bot.callbacks.store import CallbackStore
from bot.channels.telegram import CLEAR_PAYLOAD, start_payloads
from bot.content import load_content
from bot.stack import Stack
from tests.conftest import CALLBACK_KEY, CONTENT_DIR, isolated_settings
from tests.fakes import TELEGRAM_SECRET, TELEGRAM_TOKEN, FakeTelegram, eventually

CONTENT = load_content(CONTENT_DIR)
STAFF_CHAT = -100777  # the staff group
_IDS = itertools.count(1)


def update(chat_id: int, text: str | None = None, chat_type: str = "private",
           **message: object) -> dict[str, object]:
    """A Telegram Update with a new message, as the Bot API sends it."""
    body: dict[str, object] = {
        "message_id": next(_IDS), "date": 1700000000,
        "chat": {"id": chat_id, "type": chat_type},
        "from": {"id": chat_id, "is_bot": False, "first_name": "Test"}, **message,
    }
    if text is not None:
        body["text"] = text
    return {"update_id": next(_IDS), "message": body}


def button_press(chat_id: int, data: str) -> dict[str, object]:
    return {"update_id": next(_IDS), "callback_query": {
        "id": str(next(_IDS)), "chat_instance": "1", "data": data,
        "from": {"id": chat_id, "is_bot": False, "first_name": "Test"},
        "message": {"message_id": next(_IDS), "date": 1700000000,
                    "chat": {"id": chat_id, "type": "private"}, "text": "menu"}}}


@dataclasses.dataclass
class TelegramBot:
    fake: FakeTelegram
    port: int
    log_dir: Path
    callback_db: str = ""

    def post(self, payload: dict[str, object], secret: str | None = TELEGRAM_SECRET) -> int:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/webhooks/telegram/webhook",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json",
                     **({"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def texts(self, chat_id: int) -> list[str]:
        return [str(p["text"]) for p in self.fake.called("sendMessage", chat_id)]


def start_bot(model: Path, base: Path, fake: FakeTelegram, polling: bool) -> Stack:
    settings = isolated_settings(base)
    env = {"TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "BOT_SENDER_KEY": "t" * 40,
           "TELEGRAM_API_BASE": fake.url, "BOT_CALLBACK_KEY": CALLBACK_KEY,
           "STAFF_TELEGRAM_CHAT_ID": str(STAFF_CHAT)}
    if not polling:
        env["TELEGRAM_SECRET_TOKEN"] = TELEGRAM_SECRET
    stack = Stack(settings, model, webchat=False, log_dir=base / "logs", extra_env=env)
    stack.start()
    return stack


@pytest.fixture(scope="module")
def telegram_bot(
    trained_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TelegramBot]:
    fake = FakeTelegram().serve_in_thread()
    base = tmp_path_factory.mktemp("telegram")
    stack = start_bot(trained_model, base, fake, polling=False)
    try:
        yield TelegramBot(fake, stack.settings.rasa_port, base / "logs",
                          stack.settings.callback_db)
    finally:
        stack.stop()
        fake.shutdown()


def test_deep_link_parameters() -> None:
    assert start_payloads(" ar") == ['/choose_language{"language":"ar"}']
    assert start_payloads("zh_Hans-nrm-what") == [
        '/choose_language{"language":"zh_Hans"}', "/topic_nrm_what"]
    assert start_payloads("xx") == ["/greet"]
    assert start_payloads("") == ["/greet"]
    assert start_payloads("sq-no-such-topic", set(CONTENT.topics)) == [
        '/choose_language{"language":"sq"}']


def test_wrong_or_missing_secret_token_is_refused(telegram_bot: TelegramBot) -> None:
    assert telegram_bot.post(update(7001, "hi"), secret="wrong") == 403
    assert telegram_bot.post(update(7001, "hi"), secret=None) == 403
    assert telegram_bot.texts(7001) == []


def test_menus_are_inline_keyboards_and_a_button_works(telegram_bot: TelegramBot) -> None:
    assert telegram_bot.post(update(7002, "hi")) == 200
    last = telegram_bot.fake.called("sendMessage", 7002)[-1]
    rows = json.loads(str(last["reply_markup"]))["inline_keyboard"]
    assert rows[0][0] == {"text": "1. English",
                          "callback_data": '/choose_language{"language":"en"}'}
    assert rows[-1][0]["callback_data"] == CLEAR_PAYLOAD
    telegram_bot.post(button_press(7002, '/choose_language{"language":"sq"}'))
    assert CONTENT.for_language("sq").text("welcome") in telegram_bot.texts(7002)
    assert telegram_bot.fake.called("answerCallbackQuery")


def test_deep_link_opens_the_language_and_topic(telegram_bot: TelegramBot) -> None:
    telegram_bot.post(update(7003, "/start ar-nrm-what"))
    arabic = CONTENT.for_language("ar")
    page = "\u200f" + arabic.fill(arabic.topics["nrm-what"].pages[0])
    assert any(t.startswith(page) for t in telegram_bot.texts(7003))


def test_clear_deletes_the_chat_s_messages(telegram_bot: TelegramBot) -> None:
    first = update(7004, "what is the nrm")
    telegram_bot.post(first)
    sent_ids = len(telegram_bot.fake.called("sendMessage", 7004))
    assert sent_ids
    telegram_bot.post(button_press(7004, CLEAR_PAYLOAD))
    [deleted] = telegram_bot.fake.called("deleteMessages", 7004)
    ids = json.loads(str(deleted["message_ids"]))
    assert first["message"]["message_id"] in ids  # the user's question too
    assert len(ids) == sent_ids + 1
    typed = update(7004, "CLEAR")  # the typed word: only the word itself is left to delete
    telegram_bot.post(typed)
    calls = telegram_bot.fake.called("deleteMessages", 7004)
    assert len(calls) == 2
    assert json.loads(str(calls[1]["message_ids"])) == [typed["message"]["message_id"]]


def test_a_voice_note_gets_a_clear_answer(telegram_bot: TelegramBot) -> None:
    telegram_bot.post(update(7005, "/start en"))
    telegram_bot.post(update(7005, voice={"file_id": "v1", "file_unique_id": "v1",
                                          "duration": 3}))
    assert CONTENT.text("media_only_text") in telegram_bot.texts(7005)


def test_groups_and_edited_messages_are_ignored(telegram_bot: TelegramBot) -> None:
    telegram_bot.post(update(-7006, "what is the nrm", chat_type="group"))
    assert telegram_bot.texts(-7006) == []
    edited = update(7007, "what is the nrm")
    edited["edited_message"] = edited.pop("message")
    telegram_bot.post(edited)
    assert telegram_bot.texts(7007) == []


def test_a_retried_update_is_answered_once(telegram_bot: TelegramBot) -> None:
    again = update(7008, "hi")
    telegram_bot.post(again)
    count = len(telegram_bot.texts(7008))
    telegram_bot.post(again)
    assert count and len(telegram_bot.texts(7008)) == count


def test_no_telegram_id_or_token_in_the_logs(telegram_bot: TelegramBot) -> None:
    telegram_bot.post(update(7009123, "what is the nrm"))
    logs = "\n".join(p.read_text(errors="replace") for p in telegram_bot.log_dir.glob("*.log"))
    assert "7009123" not in logs
    assert TELEGRAM_TOKEN not in logs


def test_polling_mode_uses_the_same_handling(
    trained_model: Path, tmp_path: Path
) -> None:
    fake = FakeTelegram().serve_in_thread()
    stack = start_bot(trained_model, tmp_path, fake, polling=True)
    try:
        fake.queue_update(update(7010, "/start sq"))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not fake.called("sendMessage", 7010):
            time.sleep(0.5)
        texts = [str(p["text"]) for p in fake.called("sendMessage", 7010)]
        assert CONTENT.for_language("sq").text("welcome") in texts
        assert fake.called("deleteWebhook")
    finally:
        stack.stop()
        fake.shutdown()


def staff_press(data: str, user: str, user_id: int) -> dict[str, object]:
    """A button pressed under a notice in the staff group."""
    return {"update_id": next(_IDS), "callback_query": {
        "id": str(next(_IDS)), "chat_instance": "2", "data": data,
        "from": {"id": user_id, "is_bot": False, "first_name": user, "username": user},
        "message": {"message_id": 555, "date": 1700000000,
                    "chat": {"id": STAFF_CHAT, "type": "supergroup"}, "text": "notice"}}}


def test_a_call_back_with_the_share_button_and_the_staff_group_buttons(
    telegram_bot: TelegramBot,
) -> None:
    chat, en = 7100, CONTENT.for_language("en")
    telegram_bot.post(update(chat, "/start en"))
    telegram_bot.post(update(chat, "call me"))
    asked = telegram_bot.fake.called("sendMessage", chat)[-1]
    assert asked["text"] == en.text("callback_ask_shared_number")
    keyboard = json.loads(str(asked["reply_markup"]))["keyboard"]
    assert keyboard == [[{"text": en.text("button_share_number"), "request_contact": True}]]

    shared = {"phone_number": "447700900555", "first_name": "T", "user_id": chat}
    telegram_bot.post(update(chat, contact=shared))
    assert en.text("callback_ask_time") in telegram_bot.texts(chat)[-1]
    for answer in ("3", "2", "2", "1"):  # any time, no voicemail, do not say who, English
        telegram_bot.post(button_press(chat, answer))
    telegram_bot.post(update(chat, "8"))  # no topic
    reference = telegram_bot.texts(chat)[-3].rsplit(" ", 1)[-1].rstrip(".")
    store = CallbackStore(telegram_bot.callback_db, CALLBACK_KEY)
    row = store.get(reference)
    assert (row.safe_time, row.voicemail_ok, row.language) == ("any", False, "en")
    assert store.reveal_contact(reference, "test") == "+447700900555"

    [notice] = eventually(lambda: telegram_bot.fake.called("sendMessage", STAFF_CHAT))
    assert f"New call back request {reference}" in str(notice["text"])
    assert "447700900555" not in json.dumps(notice)
    [[claim]] = json.loads(str(notice["reply_markup"]))["inline_keyboard"]
    assert claim == {"text": "Claim", "callback_data": f"staff:claim:{reference}"}

    for name, telegram_id in (("ana", 501), ("bea", 502)):
        add_account(store, name, "a long test password", "staff")
        link_telegram(store, name, telegram_id)
    telegram_bot.post(button_press(chat, f"staff:claim:{reference}"))  # not the staff group
    telegram_bot.post(staff_press(f"staff:claim:{reference}", "mallory", 503))  # not linked
    assert store.get(reference).state == "new"
    refusal = telegram_bot.fake.called("answerCallbackQuery")[-1]
    assert "not linked to a staff account" in str(refusal["text"])
    telegram_bot.post(staff_press(f"staff:claim:{reference}", "ana", 501))
    row = store.get(reference)
    assert (row.state, row.claimed_by) == ("claimed", "ana")  # the same worker as on the web
    [edited] = telegram_bot.fake.called("editMessageText", STAFF_CHAT)
    assert str(edited["text"]).startswith(f"Call back request {reference}")
    assert str(edited["text"]).endswith("Claimed by ana.")
    buttons = json.loads(str(edited["reply_markup"]))["inline_keyboard"][0]
    assert [b["text"] for b in buttons] == ["Done", "Couldn't reach"]
    telegram_bot.post(staff_press(f"staff:done:{reference}", "bea", 502))  # not hers
    assert store.get(reference).state == "claimed"
    telegram_bot.post(staff_press(f"staff:done:{reference}", "ana", 501))
    assert store.get(reference).state == "done"
