"""The tracker store on a real SQLite file: DELETE erases, old conversations expire."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.dialogue import ERASE_SLOT
from bot.settings import ASSISTANT_DIR
from bot.tracker_store import PrivateSQLTrackerStore

DOMAIN = Domain.load(str(ASSISTANT_DIR / "domain.yml"))


def store(path: Path, retention_days: float = 30) -> PrivateSQLTrackerStore:
    return PrivateSQLTrackerStore(
        domain=DOMAIN, dialect="sqlite", db=str(path / "t.db"), retention_days=retention_days
    )


def tracker(sender: str, *events, at: float | None = None) -> DialogueStateTracker:
    t = DialogueStateTracker(sender, DOMAIN.slots)
    for event in events:
        if at is not None:
            event.timestamp = at
        t.update(event)
    return t


def test_save_and_retrieve(tmp_path: Path) -> None:
    s = store(tmp_path)
    asyncio.run(s.save(tracker("a", ActionExecuted("action_listen"), UserUttered("hi"))))
    loaded = asyncio.run(s.retrieve("a"))
    assert loaded is not None and len(loaded.events) == 2


def test_erase_slot_deletes_the_whole_conversation(tmp_path: Path) -> None:
    s = store(tmp_path)
    t = tracker("a", ActionExecuted("action_listen"), UserUttered("hi"))
    asyncio.run(s.save(t))
    asyncio.run(s.save(tracker("b", UserUttered("other person"))))
    t.update(UserUttered("delete"))
    t.update(SlotSet(ERASE_SLOT, True))
    asyncio.run(s.save(t))
    assert asyncio.run(s.retrieve("a")) is None
    assert asyncio.run(s.retrieve("b")) is not None


def test_retention_purges_only_expired_conversations(tmp_path: Path) -> None:
    s = store(tmp_path, retention_days=30)
    now = time.time()
    asyncio.run(s.save(tracker("old", UserUttered("x"), at=now - 31 * 86400)))
    asyncio.run(s.save(tracker("recent", UserUttered("y"), at=now - 29 * 86400)))
    s.purge_expired(now=now, force=True)
    assert asyncio.run(s.retrieve("old")) is None
    assert asyncio.run(s.retrieve("recent")) is not None
    assert s.purge_expired(now=now + 2 * 86400, force=True) > 0  # now "recent" is 31 days old
    assert asyncio.run(s.retrieve("recent")) is None


def test_phone_numbers_are_redacted_however_they_are_typed() -> None:
    from bot.tracker_store import redact_numbers

    for typed in ("020 7946 0123", "020/7946/0123", "020\u20107946\u20100123",
                  "020\u22127946\u22120123", "020[7946]0123", "+44 (0)20 7946 0123",
                  "\u0660\u0662\u0660 \u0667\u0669\u0664\u0666 \u0660\u0661\u0662\u0663",
                  "+33 1 99 00 12 34", "0044 20 7946 0123"):
        assert redact_numbers(f"my number is {typed} thanks") == "my number is [number] thanks"
    for kept in ("reply 3", "page 12345", "in 2026, 45 days", "(1/16) Reply MORE"):
        assert redact_numbers(kept) == kept
