"""Conversations through the running bot: real model, real actions, REST channel."""

from __future__ import annotations

import sqlite3

from bot.content import load_content
from tests.conftest import CONTENT_DIR, Bot, Conversation

CONTENT = load_content(CONTENT_DIR)


def page(topic: str, index: int) -> str:
    return CONTENT.fill(CONTENT.topics[topic].pages[index])


def number_of(item: str, menu: tuple[str, ...] = CONTENT.main_menu) -> str:
    """The number a user types for a menu item, as the content orders the menu."""
    return str(menu.index(item) + 1)


def assert_main_menu(chat: Conversation) -> None:
    titles = [b["title"] for b in chat.buttons]
    first = CONTENT.main_menu[0]
    assert titles[0] == f"1. {CONTENT.topics[first].title}"
    assert len(titles) == len(CONTENT.main_menu)
    assert any(t.endswith("Talk to a person") for t in titles)
    assert any(t.endswith("More topics") for t in titles)
    assert "Reply with a number" in chat.text


def test_welcome_menu_number_more_back_menu(chat: Conversation) -> None:
    chat.say("hello")
    assert "information, not legal advice" in chat.text
    assert "999" in chat.text
    assert_main_menu(chat)

    pages = len(CONTENT.topics["nrm-what"].pages)
    chat.say(number_of("nrm-what"))
    assert page("nrm-what", 0) in chat.text
    assert f"(1/{pages}) Reply MORE, BACK or MENU." in chat.text

    chat.say("MORE")
    assert page("nrm-what", 1) in chat.text
    assert f"(2/{pages})" in chat.text
    chat.say("more")
    assert page("nrm-what", 2) in chat.text

    chat.say("BACK")
    assert page("nrm-what", 1) in chat.text

    chat.say("MENU")
    assert_main_menu(chat)
    assert page("nrm-what", 1) not in chat.text


def test_every_topic_is_reachable_by_numbers_alone(chat: Conversation) -> None:
    """A user who never types a word can still read every topic."""
    chat.say("menu")
    for topic_id in CONTENT.main_menu:
        if topic_id in CONTENT.topics:
            chat.say("menu")
            chat.say(number_of(topic_id))
            assert page(topic_id, 0) in chat.text
    for topic_id in CONTENT.more_topics:
        chat.say("menu")
        chat.say(number_of("more_topics"))
        assert "More topics" in chat.text
        chat.say(number_of(topic_id, CONTENT.more_topics))
        assert page(topic_id, 0) in chat.text
    reached = set(CONTENT.main_menu) | set(CONTENT.more_topics)
    assert set(CONTENT.topics) <= reached


def test_the_journey_from_start_to_end_with_next(chat: Conversation) -> None:
    journey = CONTENT.topics["the-journey"]
    chat.say("menu")
    chat.say(number_of("the-journey"))
    assert page("the-journey", 0) in chat.text
    assert "NEXT for the next step" in chat.text
    for step in range(1, len(journey.pages)):
        chat.say("next")
        assert page("the-journey", step) in chat.text
        assert f"({step + 1}/{len(journey.pages)})" in chat.text
    assert "That is the last step" in chat.text
    chat.say("next")
    assert "That is the whole process" in chat.text
    assert_main_menu(chat)


def test_a_step_opens_its_topic_and_next_goes_on_from_there(chat: Conversation) -> None:
    journey = CONTENT.topics["the-journey"]
    chat.say("/topic_the_journey")
    chat.say("next")  # step 2
    linked = journey.links[1]
    chat.say("1")  # read the step's topic
    assert page(linked, 0) in chat.text
    for _ in range(len(CONTENT.topics[linked].pages) - 1):
        chat.say("more")
    assert "Reply NEXT for the next step" in chat.text  # the topic's last page
    chat.say("next")
    assert page("the-journey", 2) in chat.text
    chat.say("menu")
    chat.say("/topic_nrm_what")
    chat.say("next")  # not walking the journey any more: NEXT pages on like MORE
    assert page("nrm-what", 1) in chat.text


def test_buttons_send_intent_payloads(chat: Conversation) -> None:
    chat.say("hi")
    number = number_of("reasonable-grounds")
    payload = next(b["payload"] for b in chat.buttons if b["title"].startswith(f"{number}. "))
    assert payload == "/topic_reasonable_grounds"
    chat.say(payload)
    assert page("reasonable-grounds", 0) in chat.text
    more = next(b["payload"] for b in chat.buttons if b["title"] == "More")
    chat.say(more)
    assert page("reasonable-grounds", 1) in chat.text


def test_topic_in_free_text_with_disclaimer_first_time(new_chat: Conversation) -> None:
    """A first message that is a question in English is answered in English at once."""
    chat = new_chat
    chat.say("what happens at the conclusive grounds decision")
    assert "not legal advice" in chat.text  # first contact: one line of who we are
    assert page("conclusive-grounds", 0) in chat.text
    assert chat.replies[-1]["text"] == "Reply 0 to change language."
    chat.say("what is modern slavery")
    assert page("modern-slavery", 0) in chat.text
    assert "not legal advice" not in chat.text
    assert "change language" not in chat.text


def test_end_of_topic_offers_related_topics_by_number(chat: Conversation) -> None:
    chat.say("/topic_emergency")
    for _ in range(len(CONTENT.topics["emergency"].pages)):
        chat.say("more")
    assert "That is the end of this topic." in chat.text
    first_related = CONTENT.topics["emergency"].related[0]
    assert chat.buttons[0]["title"] == f"1. {CONTENT.fill(CONTENT.topics[first_related].title)}"
    chat.say("1")
    assert page(first_related, 0) in chat.text
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


def test_talk_to_a_person_is_recognised_and_starts_the_call_back_questions(
    chat: Conversation,
) -> None:
    chat.say("I want to talk to someone")
    assert "A trained worker can call you" in chat.text
    assert "Please do not write what happened to you here" in chat.text


def test_menu_number_for_talk_to_a_person(chat: Conversation) -> None:
    chat.say("menu")
    number = next(b["title"].split(".")[0] for b in chat.buttons
                  if b["title"].endswith("Talk to a person"))
    chat.say(number)
    assert "A trained worker can call you" in chat.text


def test_number_not_in_the_list(chat: Conversation) -> None:
    chat.say("menu")
    chat.say("42")
    assert "There is no option 42" in chat.text
    assert_main_menu(chat)


def test_arabic_indic_digits_choose_like_ascii(chat: Conversation) -> None:
    chat.say("menu")
    chat.say("٢")  # Arabic-Indic 2
    assert page(CONTENT.main_menu[1], 0) in chat.text


def test_danger_message_gets_emergency_first(chat: Conversation) -> None:
    chat.say("he is here i am scared")
    first = chat.replies[0]["text"]
    assert "999" in first and "press 55" in first


def test_danger_as_first_message_is_not_held_up_by_the_language_list(
    new_chat: Conversation,
) -> None:
    new_chat.say("they locked me in")
    first = new_chat.replies[0]["text"]
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
