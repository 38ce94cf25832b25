"""Conversations through the running bot: real model, real actions, REST channel."""

from __future__ import annotations

import sqlite3

from bot.content import load_content
from tests.conftest import CONTENT_DIR, Bot, Conversation

CONTENT = load_content(CONTENT_DIR)
MAIN_MENU_TITLES = [
    "What is modern slavery?",
    "What is the NRM?",
]


def page(topic: str, index: int) -> str:
    return CONTENT.fill(CONTENT.topics[topic].pages[index])


def assert_main_menu(chat: Conversation) -> None:
    titles = [b["title"] for b in chat.buttons]
    assert titles[:2] == [f"{n}. {t}" for n, t in enumerate(MAIN_MENU_TITLES, 1)]
    assert any(t.endswith("Talk to a person") for t in titles)
    assert "Reply with a number" in chat.text


def test_welcome_menu_number_more_back_menu(chat: Conversation) -> None:
    chat.say("hello")
    assert "information, not legal advice" in chat.text
    assert "999" in chat.text
    assert_main_menu(chat)

    chat.say("2")  # What is the NRM?
    assert page("nrm-what", 0) in chat.text
    assert "(1/6) Reply MORE, BACK or MENU." in chat.text

    chat.say("MORE")
    assert page("nrm-what", 1) in chat.text
    assert "(2/6)" in chat.text
    chat.say("more")
    assert page("nrm-what", 2) in chat.text

    chat.say("BACK")
    assert page("nrm-what", 1) in chat.text

    chat.say("MENU")
    assert_main_menu(chat)
    assert page("nrm-what", 1) not in chat.text


def test_buttons_send_intent_payloads(chat: Conversation) -> None:
    chat.say("hi")
    payload = next(b["payload"] for b in chat.buttons if b["title"].startswith("3. "))
    assert payload == "/topic_reasonable_grounds"
    chat.say(payload)
    assert page("reasonable-grounds", 0) in chat.text
    more = next(b["payload"] for b in chat.buttons if b["title"] == "More")
    chat.say(more)
    assert page("reasonable-grounds", 1) in chat.text


def test_topic_in_free_text_with_disclaimer_first_time(chat: Conversation) -> None:
    chat.say("what happens at the conclusive grounds decision")
    assert "not legal advice" in chat.text  # first contact: one line of who we are
    assert page("conclusive-grounds", 0) in chat.text
    chat.say("what is modern slavery")
    assert page("modern-slavery", 0) in chat.text
    assert "not legal advice" not in chat.text


def test_end_of_topic_offers_related_topics_by_number(chat: Conversation) -> None:
    chat.say("/topic_emergency")
    for _ in range(len(CONTENT.topics["emergency"].pages)):
        chat.say("more")
    assert "That is the end of this topic." in chat.text
    assert [b["title"] for b in chat.buttons][0] == "1. Helplines and phone numbers"
    chat.say("1")
    assert page("helplines", 0) in chat.text
    chat.say("back")  # back to where we were in the emergency topic
    last = len(CONTENT.topics["emergency"].pages) - 1
    assert page("emergency", last) in chat.text


def test_unclear_message_gets_not_sure_and_menu(chat: Conversation) -> None:
    chat.say("hi")
    chat.say("what's the football score")
    assert "I'm not sure I understood" in chat.text
    assert_main_menu(chat)
    for topic in CONTENT.topics.values():
        assert CONTENT.fill(topic.pages[0]) not in chat.text


def test_talk_to_a_person_is_recognised_and_answered_honestly(chat: Conversation) -> None:
    chat.say("I want to talk to someone")
    assert "You asked to talk to a person" in chat.text
    assert "cannot book a call back yet" in chat.text
    assert "08000 121 700" in chat.text


def test_menu_number_for_talk_to_a_person(chat: Conversation) -> None:
    chat.say("menu")
    number = next(b["title"].split(".")[0] for b in chat.buttons
                  if b["title"].endswith("Talk to a person"))
    chat.say(number)
    assert "You asked to talk to a person" in chat.text


def test_number_not_in_the_list(chat: Conversation) -> None:
    chat.say("menu")
    chat.say("42")
    assert "There is no option 42" in chat.text
    assert_main_menu(chat)


def test_arabic_indic_digits_choose_like_ascii(chat: Conversation) -> None:
    chat.say("menu")
    chat.say("٢")  # Arabic-Indic 2
    assert page("nrm-what", 0) in chat.text


def test_danger_message_gets_emergency_first(chat: Conversation) -> None:
    chat.say("he is here i am scared")
    first = chat.replies[0]["text"]
    assert "999" in first and "press 55" in first


def test_delete_erases_the_conversation(chat: Conversation, running_bot: Bot) -> None:
    chat.say("what is the nrm")
    db = running_bot.settings.tracker_db
    with sqlite3.connect(db) as conn:
        before = conn.execute(
            "select count(*) from events where sender_id = ?", (chat.sender,)
        ).fetchone()[0]
    assert before > 0
    chat.say("DELETE")
    assert "Your messages with this service have been deleted" in chat.text
    with sqlite3.connect(db) as conn:
        after = conn.execute(
            "select count(*) from events where sender_id = ?", (chat.sender,)
        ).fetchone()[0]
    assert after == 0
    chat.say("more")  # a new conversation: nothing to page through
    assert_main_menu(chat)
