"""The callback store: requests committed before the survivor is told, the number to call
encrypted at rest (Fernet, key from the environment), unguessable references, a state
machine whose every move is in the audit trail, and a retention purge of contact details.

SQLite file by default, PostgreSQL by URL (`BOT_CALLBACK_DB_URL`); the schema comes from the
Alembic migrations in `migrations/`, run by `migrate()` at start-up.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import and_, create_engine, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.callbacks.models import (
    CLAIMED,
    CLOSED,
    MOVES,
    NEW,
    CallbackEvent,
    CallbackRequest,
    utcnow,
)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# References people read out on the phone: no 0/O, 1/I/L, 5/S, 2/Z, 8/B.
REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
REFERENCE_LENGTH = 6  # 25**6 = 244 million; shown as K7P-3QX


class StoreError(ValueError):
    """A move the state machine does not allow, or an unknown reference."""


@dataclass(frozen=True)
class NewRequest:
    sender: str
    contact: str  # E.164, e.g. +447700900123
    safe_time: str  # morning / afternoon / evening / any
    voicemail_ok: bool
    say_organisation_ok: bool
    language: str
    interpreter: bool
    topic: str | None = None
    urgent: bool = False


def new_reference() -> str:
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{code[:3]}-{code[3:]}"


def migrate(url: str) -> None:
    """Brings the database at `url` to the newest schema (Alembic `upgrade head`)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(config, "head")


def _by_reference(session: Session, reference: str, lock: bool = False) -> CallbackRequest:
    """The request with this reference (locked for update if asked), or StoreError."""
    query = select(CallbackRequest).where(CallbackRequest.reference == reference)
    row = session.execute(query.with_for_update() if lock else query).scalar_one_or_none()
    if row is None:
        raise StoreError(f"no request {reference}")
    return row


class CallbackStore:
    def __init__(self, url: str, key: str | None) -> None:
        """`key`: the Fernet key for contact details (BOT_CALLBACK_KEY); without it the
        store can still be used for accounts and states, but not for numbers."""
        self._fernet = Fernet(key.encode()) if key else None
        self.engine: Engine = create_engine(url, future=True, pool_pre_ping=True)
        self._sessions = sessionmaker(self.engine, future=True, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed at the end of the block, rolled back on an error."""
        with self._sessions() as session, session.begin():
            yield session

    @property
    def fernet(self) -> Fernet:
        if self._fernet is None:
            raise StoreError("BOT_CALLBACK_KEY is not set: contact details cannot be used")
        return self._fernet

    # ------------------------------------------------------------------ survivor side

    def create(self, request: NewRequest) -> str:
        """Stores the request and commits; returns its reference only once it is stored."""
        with self.session() as session:
            while True:
                reference = new_reference()
                taken = session.execute(
                    select(CallbackRequest.id).where(CallbackRequest.reference == reference)
                ).first()
                if not taken:
                    break
            row = CallbackRequest(
                reference=reference, state=NEW, urgent=request.urgent, sender=request.sender,
                contact=self.fernet.encrypt(request.contact.encode()),
                safe_time=request.safe_time, voicemail_ok=request.voicemail_ok,
                say_organisation_ok=request.say_organisation_ok, language=request.language,
                interpreter=request.interpreter, topic=request.topic,
            )
            session.add(row)
            session.flush()
            session.add(CallbackEvent(request_id=row.id, actor="survivor", action="created",
                                      to_state=NEW))
        return reference

    def open_for_sender(self, sender: str) -> list[CallbackRequest]:
        """The sender's requests that are not closed (for STATUS and CANCEL)."""
        with self.session() as session:
            rows = session.execute(
                select(CallbackRequest)
                .where(CallbackRequest.sender == sender, CallbackRequest.state.not_in(CLOSED))
                .order_by(CallbackRequest.id)
            ).scalars()
            return list(rows)

    # ------------------------------------------------------------------ staff side

    def get(self, reference: str) -> CallbackRequest:
        with self.session() as session:
            return _by_reference(session, reference)

    def open_requests(self) -> list[CallbackRequest]:
        """Every request not closed: urgent first, then the oldest first."""
        with self.session() as session:
            return list(session.execute(
                select(CallbackRequest).where(CallbackRequest.state.not_in(CLOSED))
                .order_by(CallbackRequest.urgent.desc(), CallbackRequest.created_at)
            ).scalars())

    def closed_requests(self, limit: int = 200) -> list[CallbackRequest]:
        """Done and withdrawn requests, the most recently closed first."""
        with self.session() as session:
            return list(session.execute(
                select(CallbackRequest).where(CallbackRequest.state.in_(CLOSED))
                .order_by(CallbackRequest.updated_at.desc()).limit(limit)
            ).scalars())

    def since(self, start: dt.datetime) -> list[CallbackRequest]:
        """Requests made since `start`, with their audit trails (for the summary)."""
        with self.session() as session:
            return list(session.execute(
                select(CallbackRequest).where(CallbackRequest.created_at >= start)
            ).scalars())

    def move(self, reference: str, to_state: str, actor: str, note: str | None = None,
             claimed_by: str | None = None) -> None:
        """Changes a request's state if the state machine allows it, with who and when.
        `claimed_by`: only if this worker holds it. The change is one conditional UPDATE,
        so of two workers claiming at once exactly one wins, on SQLite as on PostgreSQL."""
        with self.session() as session:
            row = _by_reference(session, reference, lock=True)
            if to_state not in MOVES[row.state]:
                raise StoreError(f"{reference} is {row.state}; it cannot become {to_state}")
            if claimed_by is not None and row.claimed_by != claimed_by:
                raise StoreError(f"{reference} is held by {row.claimed_by}")
            holder = {CLAIMED: actor, NEW: None}.get(to_state, row.claimed_by)
            changed = session.execute(
                update(CallbackRequest)
                .where(CallbackRequest.id == row.id, CallbackRequest.state == row.state,
                       CallbackRequest.claimed_by.is_(None) if row.claimed_by is None
                       else CallbackRequest.claimed_by == row.claimed_by)
                .values(state=to_state, updated_at=utcnow(), claimed_by=holder)
                .execution_options(synchronize_session=False)
            ).rowcount
            if changed != 1:
                raise StoreError(f"{reference} was changed by someone else a moment ago")
            session.add(CallbackEvent(request_id=row.id, actor=actor, action="moved",
                                      from_state=row.state, to_state=to_state, note=note))

    def make_urgent(self, reference: str, actor: str) -> bool:
        """Marks an open request urgent (danger words after it was made); False if it was."""
        with self.session() as session:
            row = _by_reference(session, reference, lock=True)
            if row.urgent or row.state in CLOSED:
                return False
            row.urgent = True
            session.add(CallbackEvent(request_id=row.id, actor=actor, action="made_urgent"))
            return True

    def reveal_contact(self, reference: str, actor: str) -> str | None:
        """The number to call, decrypted; every reveal is in the audit trail."""
        with self.session() as session:
            row = _by_reference(session, reference)
            session.add(CallbackEvent(request_id=row.id, actor=actor, action="revealed_contact"))
            if row.contact is None:
                return None
            try:
                return self.fernet.decrypt(row.contact).decode()
            except InvalidToken as exc:
                raise StoreError("the contact cannot be read with this key") from exc

    def purge(self, older_than_days: int, now: dt.datetime | None = None) -> int:
        """Removes the contact details of done and withdrawn requests closed longer ago than
        the retention period; the rest of the record (numbers only) stays for the summary."""
        cutoff = (now or utcnow()) - dt.timedelta(days=older_than_days)
        with self.session() as session:
            rows = session.execute(
                select(CallbackRequest).where(
                    CallbackRequest.state.in_(CLOSED),
                    CallbackRequest.updated_at < cutoff,
                    CallbackRequest.contact.is_not(None),
                )
            ).scalars().all()
            for row in rows:
                row.contact = None
                session.add(CallbackEvent(request_id=row.id, actor="retention",
                                          action="purged_contact"))
            return len(rows)

    def mark_notified(self, reference: str, now: dt.datetime | None = None) -> None:
        with self.session() as session:
            row = _by_reference(session, reference)
            row.notified_at = now or utcnow()
            session.add(CallbackEvent(request_id=row.id, actor="notifier", action="notified"))

    def overdue(self, minutes: int, now: dt.datetime | None = None) -> list[CallbackRequest]:
        """New (unclaimed) requests whose staff were last told more than `minutes` ago, or
        never told (every notification failed) and made more than `minutes` ago."""
        cutoff = (now or utcnow()) - dt.timedelta(minutes=minutes)
        told_long_ago = CallbackRequest.notified_at < cutoff
        never_told = and_(CallbackRequest.notified_at.is_(None),
                          CallbackRequest.created_at < cutoff)
        with self.session() as session:
            rows = session.execute(
                select(CallbackRequest)
                .where(CallbackRequest.state == NEW, or_(told_long_ago, never_told))
                .order_by(CallbackRequest.urgent.desc(), CallbackRequest.created_at)
            ).scalars()
            return list(rows)
