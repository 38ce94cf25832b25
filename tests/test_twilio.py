"""SMS and WhatsApp through the real Twilio library, against a fake Twilio API on loopback.

Webhooks are signed exactly as Twilio signs them (its RequestValidator) and posted to the
running bot; replies leave through twilio's REST client and land in the fake API.
"""

from __future__ import annotations

import dataclasses
import itertools
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import sms
from bot.callbacks.store import CallbackStore
from bot.channels.twilio import OVERFLOW_MARK
from bot.content import load_content
from bot.stack import Stack
from tests.conftest import CALLBACK_KEY, CONTENT_DIR, isolated_settings
from tests.fakes import (
    ACCOUNT,
    BOT_NUMBER,
    PUBLIC_URL,
    TOKEN,
    FakeTwilio,
    eventually,
    signed_post,
)

CONTENT = load_content(CONTENT_DIR)
MAX_SEGMENTS = 6
DUTY_PHONE = "+447700900998"  # the staff duty phone (fictional)


@dataclasses.dataclass
class TwilioBot:
    fake: FakeTwilio
    port: int
    data_dir: Path
    log_dir: Path
    callback_db: str = ""

    def post(self, path: str, params: dict[str, str], signature: str | None = None) -> int:
        return signed_post(self.port, path, params, signature)

    def text(self, number: str, body: str, **extra: str) -> str:
        """Sends an SMS from `number` as Twilio would; returns its MessageSid."""
        sid = "SM" + uuid.uuid4().hex
        params = {"MessageSid": sid, "AccountSid": ACCOUNT, "From": number, "To": BOT_NUMBER,
                  "Body": body, "NumMedia": "0", **extra}
        assert self.post("message", params) == 200
        return sid


@pytest.fixture(scope="module")
def twilio_bot(
    trained_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TwilioBot]:
    fake = FakeTwilio().serve_in_thread()
    base = tmp_path_factory.mktemp("twilio")
    settings = isolated_settings(base)
    env = {
        "TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_SMS_NUMBER": BOT_NUMBER, "TWILIO_WHATSAPP_NUMBER": f"whatsapp:{BOT_NUMBER}",
        "BOT_SENDER_KEY": "k" * 40, "BOT_PUBLIC_URL": PUBLIC_URL,
        "TWILIO_API_BASE": fake.url, "BOT_SMS_MAX_SEGMENTS": str(MAX_SEGMENTS),
        "BOT_CALLBACK_KEY": CALLBACK_KEY, "STAFF_DUTY_PHONE": DUTY_PHONE,
    }
    stack = Stack(settings, trained_model, webchat=False, log_dir=base / "logs", extra_env=env)
    stack.start()
    try:
        yield TwilioBot(fake, settings.rasa_port, settings.data_dir, base / "logs",
                        settings.callback_db)
    finally:
        stack.stop()
        fake.shutdown()


_NUMBERS = itertools.count(100)


def new_number() -> str:
    """A fictional UK mobile number (Ofcom's 07700 900xxx drama range), new for each test."""
    return f"+447700900{next(_NUMBERS):03d}"


def test_channel_is_switched_on_with_its_settings(twilio_bot: TwilioBot) -> None:
    credentials = (twilio_bot.data_dir / "credentials.yml").read_text()
    assert "bot.channels.twilio.TwilioInput" in credentials


def test_forged_signature_is_refused_and_nothing_is_sent(twilio_bot: TwilioBot) -> None:
    number = new_number()
    params = {"MessageSid": "SM" + uuid.uuid4().hex, "From": number, "Body": "hi"}
    assert twilio_bot.post("message", params, signature="forged") == 403
    assert twilio_bot.post("message", params, signature="") == 403
    assert twilio_bot.fake.to(number) == []


def test_a_text_is_answered_through_the_rest_api(twilio_bot: TwilioBot) -> None:
    number = new_number()
    twilio_bot.text(number, "hi")
    safety, languages = twilio_bot.fake.to(number)
    assert safety == CONTENT.text("disclaimer_line")
    assert "1. English" in languages and "5. العربية" in languages
    sent = next(m for m in twilio_bot.fake.sent if m["To"] == number)
    assert sent["From"] == BOT_NUMBER
    assert sent["StatusCallback"] == f"{PUBLIC_URL}/webhooks/twilio/status"


def test_a_retried_message_sid_gets_one_reply_only(twilio_bot: TwilioBot) -> None:
    number = new_number()
    sid = twilio_bot.text(number, "hi")
    first = twilio_bot.fake.to(number)
    params = {"MessageSid": sid, "AccountSid": ACCOUNT, "From": number, "To": BOT_NUMBER,
              "Body": "hi", "NumMedia": "0"}
    assert twilio_bot.post("message", params) == 200  # Twilio's retry
    assert first and twilio_bot.fake.to(number) == first


def test_stop_silences_the_number_until_start(twilio_bot: TwilioBot) -> None:
    number = new_number()
    twilio_bot.text(number, "STOP")
    assert twilio_bot.fake.to(number) == [CONTENT.text("sms_stopped")]
    twilio_bot.text(number, "what is the nrm")
    twilio_bot.text(number, "help")
    assert len(twilio_bot.fake.to(number)) == 1  # nothing more was sent
    twilio_bot.text(number, "START")
    assert "1. English" in twilio_bot.fake.to(number)[-1]  # the language list again


def test_help_says_who_runs_the_service_and_how_to_stop(twilio_bot: TwilioBot) -> None:
    number = new_number()
    twilio_bot.text(number, "HELP")
    assert twilio_bot.fake.to(number) == [CONTENT.text("sms_help")]
    assert "STOP" in CONTENT.text("sms_help")


def test_a_voice_note_gets_a_clear_answer_in_the_user_s_language(twilio_bot: TwilioBot) -> None:
    number = new_number()
    twilio_bot.text(number, "hi")
    twilio_bot.text(number, "2")  # Albanian, from the language list
    before = len(twilio_bot.fake.to(number))
    twilio_bot.text(number, "", NumMedia="1", MediaContentType0="audio/ogg",
                    MediaUrl0="https://api.twilio.com/media/fake")
    replies = twilio_bot.fake.to(number)[before:]
    assert replies and replies[0].startswith(CONTENT.for_language("sq").text("media_only_text"))


def test_ucs2_pages_stay_within_the_budget_and_the_cap(twilio_bot: TwilioBot) -> None:
    number = new_number()
    twilio_bot.text(number, "hi")
    arabic = next(i for i, code in enumerate(CONTENT.languages, 1) if code == "ar")
    twilio_bot.text(number, str(arabic))
    before = len(twilio_bot.fake.to(number))
    twilio_bot.text(number, "ما هي فترة التعافي؟ كم يوم تستمر")
    replies = twilio_bot.fake.to(number)[before:]
    assert replies
    infos = [sms.sms_info(r) for r in replies]
    assert all(i.encoding == "UCS-2" for i in infos)
    page = next(r for r in replies if "(\u20661/" in r)
    assert sms.segments(page) <= 3
    assert sum(i.segments for i in infos) <= MAX_SEGMENTS


def test_a_reply_over_the_cap_continues_with_more(twilio_bot: TwilioBot) -> None:
    number = new_number()
    twilio_bot.text(number, "hi")
    before = len(twilio_bot.fake.to(number))
    twilio_bot.text(number, str(CONTENT.languages.index("pl") + 1))  # Polish: long menus
    replies = twilio_bot.fake.to(number)
    assert sum(sms.segments(r) for r in replies[before:]) <= MAX_SEGMENTS
    assert replies[-1].endswith(OVERFLOW_MARK)
    for more in ("WIĘCEJ", "wiecej", "MORE"):  # each MORE (in Polish too) sends what fits
        count = len(twilio_bot.fake.to(number))
        twilio_bot.text(number, more)
        sent = twilio_bot.fake.to(number)[count:]
        assert sent and sum(sms.segments(r) for r in sent) <= MAX_SEGMENTS
        if not sent[-1].endswith(OVERFLOW_MARK):
            break
    assert "1. " in sent[-1]  # the held-back menu, in the end


def test_status_callbacks_record_delivery(twilio_bot: TwilioBot) -> None:
    sid = "SM" + uuid.uuid4().hex
    assert twilio_bot.post("status", {"MessageSid": sid, "MessageStatus": "delivered"}) == 204
    assert twilio_bot.post("status", {"MessageSid": sid, "MessageStatus": "x"}, "bad") == 403
    with sqlite3.connect(twilio_bot.data_dir / "channels.db") as db:
        [(status,)] = db.execute("select status from deliveries where id = ?", (sid,))
    assert status == "delivered"


def test_whatsapp_replies_come_from_the_whatsapp_sender(twilio_bot: TwilioBot) -> None:
    number = "whatsapp:" + new_number()
    twilio_bot.text(number, "what is the nrm")
    sent = [m for m in twilio_bot.fake.sent if m["To"] == number]
    assert sent and all(m["From"] == f"whatsapp:{BOT_NUMBER}" for m in sent)


def test_no_phone_number_reaches_rasa_or_the_logs(twilio_bot: TwilioBot) -> None:
    number = new_number()
    twilio_bot.text(number, "what is the nrm")
    logs = "\n".join(p.read_text(errors="replace") for p in twilio_bot.log_dir.glob("*.log"))
    assert number not in logs and number.lstrip("+") not in logs
    with sqlite3.connect(twilio_bot.data_dir / "tracker.db") as db:
        senders = [row[0] for row in db.execute("select distinct sender_id from events")]
    assert senders and not any(number.lstrip("+") in s for s in senders)
    with sqlite3.connect(twilio_bot.data_dir / "tracker.db") as db:
        events = "\n".join(row[0] for row in db.execute("select data from events"))
    assert '"contact"' not in events  # her own number, encrypted, is for the turn only
    assert all(s.startswith(("sms-", "whatsapp-")) for s in senders)


def test_a_call_back_to_the_number_she_texts_from(twilio_bot: TwilioBot) -> None:
    number, en = new_number(), CONTENT.for_language("en")
    twilio_bot.text(number, "hi")
    twilio_bot.text(number, "1")  # English
    twilio_bot.text(number, "please call me")
    asked = twilio_bot.fake.to(number)[-1]
    assert asked.startswith(en.text("callback_ask_this_number"))
    assert "1. " + en.text("callback_this_number_yes") in asked
    for answer in ("1", "3", "2", "1", "1", "8"):  # this number, any time, no voicemail, ...
        twilio_bot.text(number, answer)
    reference = twilio_bot.fake.to(number)[-3].rsplit(" ", 1)[-1].rstrip(".")
    store = CallbackStore(twilio_bot.callback_db, CALLBACK_KEY)
    assert store.get(reference).safe_time == "any"
    assert store.reveal_contact(reference, "test") == number
    [notice] = eventually(lambda: twilio_bot.fake.to(DUTY_PHONE))
    assert reference in notice and number not in notice and number[1:] not in notice
