"""Staff notifications through the real Telegram and Twilio libraries and smtplib, against
fakes on loopback: they arrive, they carry no phone number, and one failing target does not
stop the others."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.callbacks.notify import (
    DutyPhone,
    Email,
    TelegramGroup,
    notice_text,
    notify,
    staff_keyboard,
    targets_from_env,
)
from bot.callbacks.store import CallbackStore, NewRequest, migrate
from tests.fakes import (
    ACCOUNT,
    BOT_NUMBER,
    TELEGRAM_TOKEN,
    TOKEN,
    FakeSmtp,
    FakeTelegram,
    FakeTwilio,
)

NUMBER = "+447700900321"  # the survivor's (fictional) number: must appear nowhere
DUTY_PHONE = "+447700900999"


@pytest.fixture()
def stored(tmp_path: Path):  # noqa: ANN201 - a CallbackRequest row
    url = f"sqlite:///{tmp_path / 'cb.db'}"
    migrate(url)
    store = CallbackStore(url, Fernet.generate_key().decode())
    reference = store.create(NewRequest(
        sender="sms-x", contact=NUMBER, safe_time="evening", voicemail_ok=False,
        say_organisation_ok=False, language="ti", interpreter=True, topic="housing",
        urgent=True,
    ))
    return store.get(reference)


def test_every_target_is_told_without_the_number(stored) -> None:  # noqa: ANN001
    telegram, twilio, smtp = (FakeTelegram().serve_in_thread(), FakeTwilio().serve_in_thread(),
                              FakeSmtp().serve_in_thread())
    targets = [
        TelegramGroup(TELEGRAM_TOKEN, "-100123", telegram.url),
        DutyPhone(ACCOUNT, TOKEN, BOT_NUMBER, DUTY_PHONE, twilio.url),
        Email("127.0.0.1", smtp.port, "bot@example.org", ("duty@example.org",),
              starttls=False),
    ]
    assert asyncio.run(notify(targets, stored)) == []
    [group] = telegram.called("sendMessage", -100123)
    [sms] = twilio.to(DUTY_PHONE)
    [mail] = smtp.messages
    for text in (str(group["text"]), sms, mail):
        assert f"URGENT call back request {stored.reference}" in text
        assert "Tigrinya, interpreter needed" in text
        assert "Voicemail: NO." in text
        assert NUMBER not in text and NUMBER[1:] not in text
    assert "Subject: URGENT call back request" in mail
    for fake in (telegram, twilio, smtp):
        fake.shutdown()


def test_a_failing_target_does_not_stop_the_others(stored) -> None:  # noqa: ANN001
    twilio = FakeTwilio().serve_in_thread()
    closed = FakeSmtp()
    closed_port = closed.port
    closed.server_close()  # nothing listens there now
    targets = [
        Email("127.0.0.1", closed_port, "bot@example.org", ("duty@example.org",),
              starttls=False),
        DutyPhone(ACCOUNT, TOKEN, BOT_NUMBER, DUTY_PHONE, twilio.url),
    ]
    assert asyncio.run(notify(targets, stored, reminder=True)) == ["e-mail"]
    [sms] = twilio.to(DUTY_PHONE)
    assert sms.startswith(f"Still unclaimed: URGENT call back request {stored.reference}")
    twilio.shutdown()


def test_targets_are_switched_on_by_their_settings() -> None:
    assert targets_from_env({}) == []
    env = {
        "TELEGRAM_BOT_TOKEN": "1:x", "STAFF_TELEGRAM_CHAT_ID": "-1",
        "TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_SMS_NUMBER": BOT_NUMBER, "STAFF_DUTY_PHONE": DUTY_PHONE,
        "STAFF_SMTP_HOST": "smtp.example.org", "STAFF_EMAIL_FROM": "bot@example.org",
        "STAFF_EMAIL_TO": "a@example.org, b@example.org",
    }
    names = [t.name for t in targets_from_env(env)]
    assert names == ["Telegram staff group", "duty phone SMS", "e-mail"]
    assert json.dumps(targets_from_env(env)[2].recipients) == '["a@example.org", "b@example.org"]'


def test_a_withdrawn_request_tells_staff_not_to_call(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cb.db'}"
    migrate(url)
    store = CallbackStore(url, Fernet.generate_key().decode())
    reference = store.create(NewRequest(
        sender="sms-x", contact=NUMBER, safe_time="any", voicemail_ok=True,
        say_organisation_ok=True, language="en", interpreter=False))
    stored = store.get(reference)
    store.move(stored.reference, "claimed", actor="ana")
    store.move(stored.reference, "withdrawn", actor="survivor")
    text = notice_text(store.get(stored.reference))
    assert text == (f"Withdrawn by her: call back request {stored.reference} (claimed by ana). "
                    "Do not call her about it.")
    assert staff_keyboard(stored.reference, "withdrawn") is None
