"""Channels switch on only with all their settings, and say which ones are missing."""

from __future__ import annotations

import pytest

from bot.channels.config import credentials
from bot.channels.identity import MissingKeyError, check_key, sender_id


def test_without_settings_only_rest_is_on_and_each_channel_says_how() -> None:
    found, lines = credentials({})
    assert found == {"rest": {}}
    assert lines == [
        "SMS and WhatsApp (Twilio): off. Set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, "
        "TWILIO_SMS_NUMBER, BOT_SENDER_KEY to switch it on.",
        "Telegram: off. Set TELEGRAM_BOT_TOKEN, BOT_SENDER_KEY to switch it on.",
    ]


def test_a_channel_with_all_its_settings_is_on() -> None:
    found, lines = credentials({"TELEGRAM_BOT_TOKEN": "1:x", "BOT_SENDER_KEY": "k" * 40})
    assert set(found) == {"rest", "bot.channels.telegram.TelegramInput"}
    assert "Telegram: on." in lines


def test_sender_ids_are_keyed_hashes() -> None:
    key = check_key("k" * 40)
    first = sender_id("sms", "+447700900123", key)
    assert first == sender_id("sms", "+447700900123", key)  # the conversation continues
    assert first != sender_id("sms", "+447700900123", check_key("j" * 40))
    assert "447700900123" not in first and first.startswith("sms-")
    with pytest.raises(MissingKeyError):
        check_key("short")
