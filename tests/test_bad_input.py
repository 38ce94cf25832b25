"""Bad input through the running bot: always a clear answer, never a crash or silence."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.conftest import Bot, Conversation


def test_empty_message(chat: Conversation) -> None:
    chat.say("")
    assert "Your message was empty" in chat.text
    assert any(b["title"].startswith("1. ") for b in chat.buttons)


def test_whitespace_only(chat: Conversation) -> None:
    chat.say("   \n\t ")
    assert "Your message was empty" in chat.text


def test_emoji_only(chat: Conversation) -> None:
    chat.say("😀🙏😢")
    assert "I'm not sure I understood" in chat.text


def test_ten_thousand_characters(chat: Conversation) -> None:
    chat.say("help " * 2000)
    assert "Your message is very long" in chat.text
    assert "do not write what happened to you" in chat.text


def test_script_the_bot_does_not_read(chat: Conversation) -> None:
    chat.say("안녕하세요 도와주세요")
    assert "I cannot read this language yet" in chat.text
    assert chat.buttons[0]["title"] == "1. English"  # the languages it can read


def test_script_the_bot_does_not_read_as_first_message(new_chat: Conversation) -> None:
    new_chat.say("Здравствуйте, помогите пожалуйста")
    assert "I cannot read this language yet" in new_chat.text
    assert [b["title"] for b in new_chat.buttons][:2] == ["1. English", "2. Shqip"]


def test_forged_language_choice_shows_the_list_again(new_chat: Conversation) -> None:
    new_chat.say('/choose_language{"language":"xx"}')
    assert new_chat.buttons[0]["title"] == "1. English"


def test_payload_naming_no_intent(chat: Conversation) -> None:
    chat.say("/no_such_intent")
    assert "I'm not sure I understood" in chat.text
    chat.say('/topic_not_a_topic{"x": 1}')
    assert "I'm not sure I understood" in chat.text


def test_mixed_scripts_still_answered(chat: Conversation) -> None:
    chat.say("what is the NRM? ما هو")
    assert chat.replies, "the bot must answer"


@pytest.mark.parametrize(
    "body, status",
    [
        (b"not json", 400),
        (json.dumps({"sender": "ok-sender-123", "message": 5}).encode(), 400),
        (json.dumps({"sender": "bad sender!", "message": "hi"}).encode(), 400),
        (json.dumps(["a", "list"]).encode(), 400),
    ],
)
def test_web_chat_rejects_malformed_requests(running_bot: Bot, body: bytes, status: int) -> None:
    request = urllib.request.Request(
        running_bot.webchat_url + "/api/message", data=body,
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=30)
    assert error.value.code == status
    assert "error" in json.load(error.value)
