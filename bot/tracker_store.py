"""Rasa's SQL tracker store, plus three privacy promises: DELETE erases, old conversations
expire after the retention period, and a phone number typed (for a call back) is never kept
in the conversation: only in the callback store, encrypted."""

from __future__ import annotations

import re
import time
from typing import Any

import phonenumbers
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.dialogue import ERASE_SLOT

PURGE_EVERY_SECONDS = 60.0
# Seven or more digits, with whatever people type between them (spaces, dots, dashes of any
# kind, slashes, brackets); libphonenumber's own matcher then catches anything else it
# would accept as a number, so nothing the call back questions accept is kept readable.
PHONE_LIKE = re.compile(r"\+?\d(?:[\d\s().\-/\[\]\u2010-\u2015\u2212\uff0d\uff0f]){5,}\d")
REDACTED = "[number]"


def redact_numbers(text: str) -> str:
    text = PHONE_LIKE.sub(
        lambda m: REDACTED if sum(c.isdigit() for c in m.group()) >= 7 else m.group(), text
    )
    found = list(phonenumbers.PhoneNumberMatcher(text, "GB", phonenumbers.Leniency.VALID))
    for match in reversed(found):
        text = text[: match.start] + REDACTED + text[match.end :]
    return text


def _redact(event: UserUttered | BotUttered) -> None:
    """Removes phone numbers from a message before it is written: its text, and for a
    user's message the copy in parse_data, any entity (a number alone is an option) and
    the sender's own number the SMS/Telegram channel passed, encrypted, for this turn only.
    The bot's own messages read a typed number back, so they are redacted too; the public
    helpline numbers they quote are redacted with them, which loses nothing."""
    if isinstance(event, UserUttered):
        for metadata in (event.metadata, event.parse_data.get("metadata")):
            if isinstance(metadata, dict):
                metadata.pop("contact", None)
    if not event.text:
        return
    redacted = redact_numbers(event.text)
    if redacted == event.text:
        return
    event.text = redacted
    if isinstance(event, BotUttered):
        return
    event.parse_data["text"] = event.text
    for entities in (event.entities, event.parse_data.get("entities") or []):
        for entity in entities:
            entity["value"] = redact_numbers(str(entity.get("value", "")))


class PrivateSQLTrackerStore(SQLTrackerStore):
    """Deletes a sender's whole history when the erase slot is set, and purges events
    older than `retention_days` (checked at most once a minute, on save)."""

    def __init__(self, *args: Any, retention_days: float = 30, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retention_seconds = float(retention_days) * 86400
        self._last_purge = 0.0

    async def save(self, tracker: DialogueStateTracker) -> None:
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
        for event in new_events:
            if isinstance(event, UserUttered | BotUttered):
                _redact(event)
        if any(isinstance(e, SlotSet) and e.key == ERASE_SLOT and e.value for e in new_events):
            self.erase(tracker.sender_id)
        else:
            await super().save(tracker)
        self.purge_expired()

    def erase(self, sender_id: str) -> int:
        with self.session_scope() as session:
            deleted = (
                session.query(self.SQLEvent)
                .filter(self.SQLEvent.sender_id == sender_id)
                .delete(synchronize_session=False)
            )
            session.commit()
        return int(deleted)

    def purge_expired(self, now: float | None = None, force: bool = False) -> int:
        now = time.time() if now is None else now
        if not force and now - self._last_purge < PURGE_EVERY_SECONDS:
            return 0
        self._last_purge = now
        cutoff = now - self.retention_seconds
        with self.session_scope() as session:
            # A conversation expires when its newest event is older than the cutoff.
            stale = [
                row[0]
                for row in session.query(self.SQLEvent.sender_id)
                .group_by(self.SQLEvent.sender_id)
                .having(sa.func.max(self.SQLEvent.timestamp) < cutoff)
            ]
            deleted = 0
            if stale:
                deleted = (
                    session.query(self.SQLEvent)
                    .filter(self.SQLEvent.sender_id.in_(stale))
                    .delete(synchronize_session=False)
                )
            session.commit()
        return int(deleted)
