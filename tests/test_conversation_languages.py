"""Whole conversations in four languages of four scripts, through the running bot."""

from __future__ import annotations

import pytest
import yaml

from bot import bidi
from bot.content import Content, load_content
from bot.languages import native_name
from bot.settings import ASSISTANT_DIR
from tests.conftest import CONTENT_DIR, Conversation

CONTENT = load_content(CONTENT_DIR)

# Per language: a question in free text and the topic that answers it, and a way of asking
# for a person. Written for these tests; none of them is a training example.
CASES = {
    "sq": ("cfare ndodh pas vendimit reasonable grounds", "reasonable-grounds",
           "dua te flas me nje njeri ne telefon"),
    "ar": ("شنو يعني العبودية الحديثة بالضبط", "modern-slavery",
           "ممكن حد يتصل فيني اكلمه"),
    "ti": ("ብዛዕባ መንበሪ ገዛ ሓገዝ ኣሎ ድዩ", "housing",
           "ምስ ሰብ ብተሌፎን ክዛረብ እደሊ"),
    "zh_Hans": ("我能不能申请律师帮忙，要钱吗", "legal-help",
                "我想跟真人打电话谈谈"),
}


def in_language(lang: str) -> Content:
    return CONTENT.for_language(lang)


def said(lang: str, text: str) -> str:
    """A text exactly as the bot sends it in lang (right-to-left marks included)."""
    content = in_language(lang)
    return bidi.shape(content.fill(text), content.rtl)


def first_command_word(lang: str, intent: str) -> str:
    path = ASSISTANT_DIR / "commands" / f"{lang}.yml"
    return yaml.safe_load(path.read_text("utf-8"))["words"][intent][0]


@pytest.mark.parametrize("lang", sorted(CASES))
def test_language_chosen_question_more_and_callback(new_chat: Conversation, lang: str) -> None:
    assert lang in CONTENT.languages, f"{lang} has no usable catalog"
    content = in_language(lang)
    question, topic, callback = CASES[lang]
    chat = new_chat

    chat.say("hi")
    names = [b["title"].split(". ", 1)[1] for b in chat.buttons]
    assert names == [native_name(code) for code in CONTENT.languages]

    chat.choose_language(lang)
    assert said(lang, content.ui["welcome"]) in chat.text
    assert said(lang, content.ui["draft_notice"]) in chat.text  # drafts say so
    assert said(lang, content.ui["menu_prompt"]) in chat.text

    chat.say(question)
    assert said(lang, content.topics[topic].pages[0]) in chat.text
    chat.say(first_command_word(lang, "more"))
    assert said(lang, content.topics[topic].pages[1]) in chat.text

    chat.say(callback)  # the call back questions start, in her language
    assert chat.text.startswith(said(lang, content.text("callback_intro")))
    assert said(lang, content.text("callback_ask_typed_number")) in chat.text


@pytest.mark.parametrize("lang", sorted(CASES))
def test_a_first_question_in_a_language_is_answered_in_it(
    new_chat: Conversation, lang: str
) -> None:
    question, topic, _ = CASES[lang]
    new_chat.say(question)
    assert said(lang, in_language(lang).topics[topic].pages[0]) in new_chat.text
    texts = [reply["text"] for reply in new_chat.replies]
    assert said(lang, in_language(lang).ui["language_detected"]) in texts
    new_chat.say("0")
    assert [b["title"] for b in new_chat.buttons][0].endswith("English")


def test_a_question_before_the_language_is_known_is_answered_after_choosing(
    new_chat: Conversation,
) -> None:
    """Nothing lost: a question the bot cannot place in a language waits for the choice."""
    new_chat.say("nrm?")
    assert new_chat.buttons[0]["title"] == "1. English"
    new_chat.choose_language("sq")
    assert said("sq", in_language("sq").topics["nrm-what"].pages[0]) in new_chat.text


def test_right_to_left_replies_keep_numbers_and_punctuation(new_chat: Conversation) -> None:
    new_chat.choose_language("ar")
    new_chat.say("/topic_nrm_referral")  # a page says the Helpline's number in a sentence
    number = CONTENT.numbers["msh_helpline"]
    for _ in range(len(in_language("ar").topics["nrm-referral"].pages)):
        if f"\u2066{number}\u2069" in new_chat.text:  # a line with Arabic words too
            break
        new_chat.say(first_command_word("ar", "more"))
    text = new_chat.text
    assert f"\u2066{number}\u2069" in text  # the phone number stays left-to-right
    assert all(line.startswith("\u200f") for line in text.split("\n"))
    new_chat.say(CASES["ar"][0])
    pages = len(in_language("ar").topics["modern-slavery"].pages)
    assert f"(\u20661/{pages}\u2069)" in new_chat.text


def test_the_word_for_language_before_a_choice_shows_the_list_in_that_language(
    new_chat: Conversation,
) -> None:
    new_chat.say("مرحبا")
    new_chat.say(first_command_word("ar", "change_language"))
    assert said("ar", in_language("ar").ui["language_prompt"]) in new_chat.text
    assert new_chat.buttons[0]["title"] == "1. English"
