"""The web chat page, the SQLite tracker store, and logs free of personal data."""

from __future__ import annotations

import json
import sqlite3
import urllib.request
import uuid

from bot.content import load_content
from tests.conftest import CONTENT_DIR, Bot


def test_web_chat_page_is_served(running_bot: Bot) -> None:
    with urllib.request.urlopen(running_bot.webchat_url + "/", timeout=10) as response:
        page = response.read().decode()
    assert response.status == 200
    assert "/api/message" in page
    assert "sessionStorage" in page and "randomUUID" in page  # random id per tab session


def test_web_chat_passes_messages_to_the_bot(running_bot: Bot) -> None:
    request = urllib.request.Request(
        running_bot.webchat_url + "/api/message",
        data=json.dumps({"sender": uuid.uuid4().hex, "message": "/greet"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        replies = json.load(response)
    assert "not legal advice" in replies[0]["text"]


def test_web_chat_link_with_a_language_opens_the_bot_in_it(running_bot: Bot) -> None:
    """The page sends this payload when opened as /?lang=sq (a volunteer's link)."""
    with urllib.request.urlopen(running_bot.webchat_url + "/?lang=sq", timeout=10) as response:
        assert "choose_language" in response.read().decode()
    request = urllib.request.Request(
        running_bot.webchat_url + "/api/message",
        data=json.dumps({"sender": uuid.uuid4().hex,
                         "message": '/choose_language{"language":"sq"}'}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        replies = json.load(response)
    albanian = load_content(CONTENT_DIR).for_language("sq")
    assert replies[0]["text"] == albanian.text("welcome")


def test_conversations_are_stored_in_sqlite(running_bot: Bot) -> None:
    sender = uuid.uuid4().hex
    running_bot.send(sender, "what is the nrm")
    with sqlite3.connect(running_bot.settings.tracker_db) as conn:
        rows = conn.execute("select count(*) from events where sender_id = ?", (sender,))
        assert rows.fetchone()[0] > 0


def test_logs_hold_no_message_text_or_sender_id(running_bot: Bot) -> None:
    sender = "privacy-" + uuid.uuid4().hex
    marker = "zebracrossing" + uuid.uuid4().hex[:8]
    for text in (f"my name is {marker}", f"/{marker}", f"/broken{{{marker}", "hello"):
        running_bot.send(sender, text)
    logs = running_bot.logs()
    assert logs, "the processes must have written logs"
    assert marker not in logs
    assert sender not in logs
