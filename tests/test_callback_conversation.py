"""The call back request through the running bot (REST channel, real model, real store):
in English and in Arabic (right to left), a bad number re-asked, CANCEL CALL mid-form,
STATUS, danger words mid-form, and what is (and is not) kept where."""

from __future__ import annotations

import http.cookiejar
import re
import sqlite3
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import select

from actions import callback
from actions.callback import _open_store
from actions.state import State, Turn
from bot.callbacks.models import CallbackEvent, CallbackRequest
from bot.callbacks.phone import parse_phone
from bot.callbacks.staff import add_account
from bot.callbacks.store import CallbackStore
from bot.content import load_content
from tests.conftest import CALLBACK_KEY, CONTENT_DIR, Bot, Conversation

CONTENT = load_content(CONTENT_DIR)
EN = CONTENT.for_language("en")
AR = CONTENT.for_language("ar")
# Ofcom's drama range: a valid London number that belongs to nobody.
NUMBER_TYPED = "020 7946 0123"
NUMBER_E164 = "+442079460123"
REFERENCE = re.compile(r"\b[A-Z0-9]{3}-[A-Z0-9]{3}\b")
RLM = "\u200f"


def store(bot: Bot) -> CallbackStore:
    return CallbackStore(bot.settings.callback_db, CALLBACK_KEY)


def requests_of(bot: Bot, sender: str) -> list[CallbackRequest]:
    with store(bot).session() as session:
        query = select(CallbackRequest).where(CallbackRequest.sender == sender)
        return list(session.execute(query).scalars())


def pick(chat: Conversation, title_part: str) -> None:
    """Types the number of the shown answer whose title contains `title_part`."""
    for button in chat.buttons:
        if title_part in button["title"]:
            chat.say(button["payload"])
            return
    raise AssertionError(f"no answer {title_part!r} in {chat.buttons}")


def test_a_request_in_english_is_stored_before_she_is_told(chat: Conversation) -> None:
    chat.say("can someone call me back please")
    assert "Please do not write what happened to you here" in chat.text
    assert EN.text("callback_ask_typed_number") in chat.text

    chat.say("12345")  # not a number anyone can call: said clearly, asked again
    assert EN.text("callback_bad_number") in chat.text
    assert EN.text("callback_ask_typed_number") in chat.text

    chat.say("020 7946 0124")
    assert EN.text("callback_confirm_number", number="+44 20 7946 0124") in chat.text
    chat.say("no")  # a typo: she types it again
    assert EN.text("callback_ask_typed_number") in chat.text
    chat.say(NUMBER_TYPED)
    assert EN.text("callback_confirm_number", number="+44 20 7946 0123") in chat.text
    pick(chat, EN.text("callback_this_number_yes"))
    assert EN.text("callback_ask_time") in chat.text
    chat.say("I don't know")  # not an answer, and not danger: asked again, 999 kept in view
    assert EN.text("callback_ask_time") in chat.text
    assert EN.topics["emergency"].pages[0] not in chat.text
    # Staff work mon-fri 09:00-17:00 (the default): no evening is offered that they cannot keep.
    assert [b["title"] for b in chat.buttons] == ["1. Morning", "2. Afternoon", "3. Any time"]
    chat.say("afternoon")  # the answer's words work as well as its number
    assert EN.text("callback_ask_voicemail") in chat.text
    chat.say('/choose_option{"option":"1","question":"time"}')  # an old button, pressed late
    assert EN.text("callback_choose_number") in chat.text
    assert EN.text("callback_ask_voicemail") in chat.text
    chat.say("7")
    assert EN.text("callback_choose_number") in chat.text  # no answer 7: asked again
    pick(chat, EN.text("callback_voicemail_no"))
    assert EN.text("callback_ask_say_who") in chat.text
    pick(chat, EN.text("callback_say_who_no"))
    assert EN.text("callback_ask_language") in chat.text
    pick(chat, "English")
    assert EN.text("callback_ask_topic") in chat.text  # no interpreter question for English
    pick(chat, "What is the NRM?")

    reference = REFERENCE.search(chat.text)
    assert reference, chat.text
    assert EN.text("callback_how_to_cancel") in chat.text
    [row] = requests_of(chat.bot, chat.sender)
    assert row.reference == reference.group()
    assert (row.state, row.safe_time, row.voicemail_ok, row.say_organisation_ok) == (
        "new", "afternoon", False, False)
    assert (row.language, row.interpreter, row.topic, row.urgent) == ("en", False, "nrm-what",
                                                                       False)
    assert store(chat.bot).reveal_contact(row.reference, "test") == NUMBER_E164

    chat.say("status")
    assert EN.text("callback_status_new", reference=row.reference) in chat.text
    chat.say("call me")  # one open request is enough: she is told where it is
    assert EN.text("callback_already_open", reference=row.reference) in chat.text
    assert len(requests_of(chat.bot, chat.sender)) == 1


def test_the_number_is_kept_only_encrypted(chat: Conversation) -> None:
    chat.say("call")
    chat.say(NUMBER_TYPED)
    digits = "79460123"
    with sqlite3.connect(chat.bot.settings.tracker_db) as db:
        events = "\n".join(row[0] for row in db.execute(
            "select data from events where sender_id = ?", (chat.sender,)))
    assert events and digits not in events.replace(" ", "")
    assert "[number]" in events  # the message is kept, without the number
    logs = chat.bot.logs().replace(" ", "")
    assert digits not in logs


def test_cancel_call_leaves_the_form_and_books_nothing(chat: Conversation) -> None:
    chat.say("talk to a person")
    chat.say(NUMBER_TYPED)
    chat.say("1")  # the number is right
    chat.say("1")
    chat.say("CANCEL CALL")
    assert EN.text("callback_left_form") in chat.text
    assert EN.text("menu_prompt") in chat.text
    assert requests_of(chat.bot, chat.sender) == []
    chat.say("3")  # numbers mean the menu again, not the old question
    assert "NRM" in chat.text
    chat.say("status")
    assert EN.text("callback_status_none") in chat.text


def test_cancel_call_withdraws_a_request_made(chat: Conversation) -> None:
    make_request(chat)
    chat.say("cancel call")
    [row] = requests_of(chat.bot, chat.sender)
    assert EN.text("callback_withdrawn", reference=row.reference) in chat.text
    assert row.state == "withdrawn"
    with store(chat.bot).session() as session:
        trail = session.execute(select(CallbackEvent.actor, CallbackEvent.to_state).where(
            CallbackEvent.request_id == row.id).order_by(CallbackEvent.id)).all()
    assert [tuple(t) for t in trail] == [("survivor", "new"), ("survivor", "withdrawn")]
    chat.say("status")
    assert EN.text("callback_status_none") in chat.text


def test_danger_words_mid_form_get_the_emergency_page_and_an_urgent_request(
    chat: Conversation,
) -> None:
    chat.say("call me")
    chat.say(NUMBER_TYPED)
    chat.say("1")  # the number is right
    chat.say("I am locked in")
    emergency = EN.fill(EN.topics["emergency"].pages[0])
    assert emergency in chat.text
    assert EN.text("callback_danger_note") in chat.text
    assert EN.text("callback_ask_time") in chat.text  # the same question, asked again
    chat.say("more")  # the emergency page's own footer says MORE: it goes on
    assert EN.fill(EN.topics["emergency"].pages[1]) in chat.text
    assert EN.text("callback_ask_time") in chat.text
    for _ in range(3):
        chat.say("1")  # morning, voicemail yes, say who we are yes
    pick(chat, "English")
    pick(chat, EN.text("callback_topic_skip"))
    [row] = requests_of(chat.bot, chat.sender)
    assert row.urgent and row.topic is None


def test_a_request_after_the_emergency_page_is_urgent(chat: Conversation) -> None:
    chat.say("he is here")
    make_request(chat)
    [row] = requests_of(chat.bot, chat.sender)
    assert row.urgent


def test_a_request_in_arabic_reads_right_to_left(new_chat: Conversation) -> None:
    chat = new_chat
    chat.choose_language("ar")
    chat.say(chat.number_for("/request_callback"))
    assert AR.text("callback_intro") in chat.text.replace(RLM, "")
    assert all(r["text"].startswith(RLM) for r in chat.replies)
    chat.say("٠٢٠ ٧٩٤٦ ٠١٢٣")  # Arabic-Indic digits are a number too
    pick(chat, AR.text("callback_this_number_yes"))
    assert AR.text("callback_ask_time") in chat.text.replace(RLM, "")
    pick(chat, AR.text("callback_time_afternoon"))
    chat.say("انا في خطر")  # "I am in danger", mid-form: the emergency page, in Arabic
    assert AR.fill(AR.topics["emergency"].pages[0]) in chat.text.replace(RLM, "")
    assert AR.text("callback_ask_voicemail") in chat.text.replace(RLM, "")
    pick(chat, AR.text("callback_voicemail_no"))
    pick(chat, AR.text("callback_say_who_yes"))
    pick(chat, "العربية")
    assert AR.text("callback_ask_interpreter") in chat.text.replace(RLM, "")
    pick(chat, AR.text("callback_interpreter_yes"))
    pick(chat, AR.text("callback_topic_skip"))
    [row] = requests_of(chat.bot, chat.sender)
    saved = AR.text("callback_saved", reference=row.reference)
    assert all(line.startswith(RLM) for r in chat.replies for line in r["text"].splitlines())
    assert row.reference in chat.text and saved.split(row.reference)[0].strip() in chat.text
    assert (row.language, row.interpreter, row.safe_time, row.say_organisation_ok) == (
        "ar", True, "afternoon", True)
    assert row.urgent
    chat.say("الحالة")  # STATUS, in Arabic
    assert AR.text("callback_status_new", reference=row.reference).split(row.reference)[0] \
        .strip() in chat.text


def make_request(chat: Conversation) -> None:
    chat.say("call me")
    chat.say(NUMBER_TYPED)
    for _ in range(4):  # the number is right, any time of day, voicemail, say who we are
        chat.say("1")
    pick(chat, "English")
    pick(chat, EN.text("callback_topic_skip"))
    assert REFERENCE.search(chat.text), chat.text


def test_phone_numbers_are_read_like_people_type_them() -> None:
    assert parse_phone("020 7946 0123") == NUMBER_E164
    assert parse_phone("+44 (0)20 7946 0123") == NUMBER_E164
    assert parse_phone("0044 20 7946 0123") == NUMBER_E164
    assert parse_phone("۰۲۰ ۷۹۴۶ ۰۱۲۳") == NUMBER_E164  # Persian digits
    assert parse_phone("+33 1 99 00 12 34") == "+33199001234"  # outside the UK
    for bad in ("12345", "hello", "", "020 7946", "+999 123 456 789", "🙂"):
        assert parse_phone(bad) is None, bad


def test_without_the_callback_key_she_is_told_honestly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BOT_CALLBACK_KEY", raising=False)
    _open_store.cache_clear()
    try:
        state = State(topic=None, page=0, history=[], options=[], welcomed=True,
                      all_content=CONTENT, language="en", turn=Turn("rest-x"))
        callback.start(state)
        assert [r.text for r in state.replies] == [EN.text("callback_unavailable")]
        assert state.form is None
    finally:
        _open_store.cache_clear()


def test_a_request_made_in_the_chat_is_on_the_staff_dashboard(chat: Conversation) -> None:
    """Through the running stack: the dashboard process `bot run` starts sees the request."""
    assert (chat.bot.log_dir / "jobs.log").exists()  # the SLA and retention process runs too
    make_request(chat)
    [row] = requests_of(chat.bot, chat.sender)
    add_account(store(chat.bot), f"w{chat.sender[:8]}", "a long test password", "staff")
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    login = browser.open(chat.bot.dashboard_url + "/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', login)
    assert token
    form = urllib.parse.urlencode({"csrf_token": token.group(1), "password":
                                   "a long test password", "username": f"w{chat.sender[:8]}"})
    page = browser.open(chat.bot.dashboard_url + "/login", data=form.encode()).read().decode()
    assert row.reference in page and "Open requests" in page
    assert NUMBER_E164 not in page and "7946" not in page


def test_danger_after_a_request_makes_it_urgent(chat: Conversation) -> None:
    make_request(chat)
    [row] = requests_of(chat.bot, chat.sender)
    assert not row.urgent
    chat.say("he is coming back")
    assert EN.fill(EN.topics["emergency"].pages[0]) in chat.text
    [row] = requests_of(chat.bot, chat.sender)
    assert row.urgent and "made_urgent" in [e.action for e in store(chat.bot).get(
        row.reference).events]
