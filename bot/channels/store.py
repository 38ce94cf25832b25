"""What the channel layer must remember between webhooks, in SQLite beside the tracker
store. Senders are stored only as their keyed hash (see identity.py)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

_SCHEMA = """
create table if not exists seen_messages (id text primary key, at real not null);
create table if not exists opted_out (sender text primary key, at real not null);
create table if not exists deliveries (
    id text primary key, sender text not null, status text not null, at real not null);
create table if not exists overflow (
    sender text not null, position integer not null, body text not null,
    primary key (sender, position));
create table if not exists last_inbound (sender text primary key, at real not null);
create table if not exists chat_messages (
    sender text not null, message_id integer not null, primary key (sender, message_id));
"""


class ChannelStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.executescript(_SCHEMA)

    def first_time(self, message_id: str) -> bool:
        """Records a provider's message id; False if it was seen before (a retry)."""
        try:
            self._db.execute("insert into seen_messages values (?, ?)", (message_id, time.time()))
        except sqlite3.IntegrityError:
            return False
        return True

    def opt_out(self, sender: str) -> None:
        self._db.execute("insert or replace into opted_out values (?, ?)", (sender, time.time()))

    def opt_in(self, sender: str) -> None:
        self._db.execute("delete from opted_out where sender = ?", (sender,))

    def opted_out(self, sender: str) -> bool:
        row = self._db.execute("select 1 from opted_out where sender = ?", (sender,)).fetchone()
        return row is not None

    def record_delivery(self, message_id: str, sender: str, status: str) -> None:
        self._db.execute(
            "insert into deliveries values (?, ?, ?, ?) on conflict(id) do update set "
            "status = excluded.status, at = excluded.at",
            (message_id, sender, status, time.time()),
        )

    def keep_overflow(self, sender: str, bodies: list[str]) -> None:
        """Messages that did not fit in this reply's segment cap, for MORE to send next."""
        self._db.execute("delete from overflow where sender = ?", (sender,))
        self._db.executemany(
            "insert into overflow values (?, ?, ?)",
            [(sender, i, body) for i, body in enumerate(bodies)],
        )

    def take_overflow(self, sender: str) -> list[str]:
        rows = self._db.execute(
            "select body from overflow where sender = ? order by position", (sender,)
        ).fetchall()
        self._db.execute("delete from overflow where sender = ?", (sender,))
        return [r[0] for r in rows]

    def touch_inbound(self, sender: str) -> None:
        self._db.execute("insert or replace into last_inbound values (?, ?)", (sender, time.time()))

    def last_inbound(self, sender: str) -> float | None:
        row = self._db.execute("select at from last_inbound where sender = ?", (sender,))
        found = row.fetchone()
        return found[0] if found else None

    def remember_message(self, sender: str, message_id: int) -> None:
        """A message in a chat (the user's or the bot's), so CLEAR can delete it."""
        self._db.execute(
            "insert or ignore into chat_messages values (?, ?)", (sender, message_id)
        )

    def take_messages(self, sender: str) -> list[int]:
        rows = self._db.execute(
            "select message_id from chat_messages where sender = ? order by message_id",
            (sender,),
        ).fetchall()
        self._db.execute("delete from chat_messages where sender = ?", (sender,))
        return [r[0] for r in rows]
