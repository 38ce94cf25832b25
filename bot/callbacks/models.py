"""The callback store's tables (SQLAlchemy). The schema is made by Alembic migrations
(`migrations/`), never by create_all, so every database has a known version."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

# States and the moves between them; every move is written to the audit trail.
NEW, CLAIMED, DONE, COULD_NOT_REACH, WITHDRAWN = (
    "new", "claimed", "done", "could_not_reach", "withdrawn",
)
MOVES = {
    NEW: {CLAIMED, WITHDRAWN},
    CLAIMED: {DONE, COULD_NOT_REACH, NEW, WITHDRAWN},
    COULD_NOT_REACH: {CLAIMED, WITHDRAWN},
    DONE: set(),
    WITHDRAWN: set(),
}
CLOSED = frozenset({DONE, WITHDRAWN})


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class CallbackRequest(Base):
    __tablename__ = "callback_requests"

    id = Column(Integer, primary_key=True)
    reference = Column(String(16), unique=True, nullable=False, index=True)
    state = Column(String(20), nullable=False, default=NEW, index=True)
    urgent = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow)
    # Who the conversation is (the channel's keyed hash), to answer STATUS and CANCEL.
    sender = Column(String(80), nullable=False, index=True)
    # The number to call, encrypted (Fernet); None once purged after retention.
    contact = Column(LargeBinary, nullable=True)
    # Safety preferences, shown to the worker before anything else.
    safe_time = Column(String(20), nullable=False)
    voicemail_ok = Column(Boolean, nullable=False)
    say_organisation_ok = Column(Boolean, nullable=False)
    language = Column(String(16), nullable=False)
    interpreter = Column(Boolean, nullable=False)
    topic = Column(String(40), nullable=True)
    claimed_by = Column(String(80), nullable=True)
    # When staff were last notified (new request, or the SLA reminder).
    notified_at = Column(DateTime, nullable=True)

    events = relationship("CallbackEvent", order_by="CallbackEvent.id", lazy="selectin")


class CallbackEvent(Base):
    """The audit trail: who did what to a request, and when."""

    __tablename__ = "callback_events"

    id = Column(Integer, primary_key=True)
    request_id = Column(Integer, ForeignKey("callback_requests.id"), nullable=False, index=True)
    at = Column(DateTime, nullable=False, default=utcnow)
    actor = Column(String(80), nullable=False)
    action = Column(String(30), nullable=False)
    from_state = Column(String(20), nullable=True)
    to_state = Column(String(20), nullable=True)
    note = Column(Text, nullable=True)


STAFF, ADMIN = "staff", "admin"
ROLES = (STAFF, ADMIN)


class StaffAccount(Base):
    """A worker who signs in to the dashboard; only an Argon2id hash of the password."""

    __tablename__ = "staff_accounts"

    id = Column(Integer, primary_key=True)
    username = Column(String(64), unique=True, nullable=False)
    password_hash = Column(String(255), nullable=False)
    role = Column(String(16), nullable=False, default=STAFF)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_login_at = Column(DateTime, nullable=True)
    # Their Telegram user (linked with `bot staff telegram`): presses in the staff group act
    # as this account; presses from anyone not linked are refused.
    telegram_user_id = Column(BigInteger, nullable=True, unique=True)


class LoginFailure(Base):
    """One failed sign-in, by a hash of the username or of the client address."""

    __tablename__ = "login_failures"

    id = Column(Integer, primary_key=True)
    key = Column(String(64), nullable=False, index=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)
