"""Staff accounts: created with `bot staff add`, passwords kept only as Argon2id hashes."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.callbacks.models import ROLES, LoginFailure, StaffAccount, utcnow
from bot.callbacks.store import CallbackStore

USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")
MIN_PASSWORD_LENGTH = 12
# Sign-in rate limit: this many failures for one username within the window lock further
# attempts (even with the right password) until the window has passed. One address (an
# office shares one) gets more, so one person's mistakes do not lock out every colleague,
# while guessing across many names from one place is still stopped.
MAX_FAILURES = 5
MAX_FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW = dt.timedelta(minutes=15)
_hasher = PasswordHasher()
# Verified against when the username does not exist, so a wrong name takes as long as a
# wrong password and does not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


class AccountError(ValueError):
    pass


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"passwords must be at least {MIN_PASSWORD_LENGTH} characters")


def _named(session: Session, username: str) -> StaffAccount:
    account = session.execute(
        select(StaffAccount).where(StaffAccount.username == username)
    ).scalar_one_or_none()
    if account is None:
        raise AccountError(f"there is no account called {username!r}")
    return account


def set_password(store: CallbackStore, username: str, password: str) -> None:
    """A new password (a forgotten one, or a new worker in an old account), which also
    switches the account back on and clears its failed sign-ins."""
    _check_password(password)
    with store.session() as session:
        account = _named(session, username)
        account.password_hash, account.active = _hasher.hash(password), True
    clear_failures(store, username)


def add_account(store: CallbackStore, username: str, password: str, role: str) -> None:
    if not USERNAME.match(username):
        raise AccountError(
            "usernames are 2-64 lower-case letters, digits, dots, dashes or underscores, "
            "starting with a letter"
        )
    _check_password(password)
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    try:
        with store.session() as session:
            session.add(StaffAccount(username=username, password_hash=_hasher.hash(password),
                                     role=role, active=True))
    except IntegrityError:
        raise AccountError(f"there is already an account called {username!r}") from None


def verify(store: CallbackStore, username: str, password: str) -> StaffAccount | None:
    """The active account these credentials open, or None."""
    with store.session() as session:
        account = session.execute(
            select(StaffAccount).where(StaffAccount.username == username)
        ).scalar_one_or_none()
        try:
            _hasher.verify(account.password_hash if account else _DUMMY_HASH, password)
        except (VerifyMismatchError, InvalidHashError):
            return None
        if account is None or not account.active:
            return None
        if _hasher.check_needs_rehash(account.password_hash):
            account.password_hash = _hasher.hash(password)
        account.last_login_at = utcnow()
        return account


def _keys(username: str, address: str) -> list[str]:
    return [hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()
            for kind, value in (("user", username.strip().lower()), ("addr", address))]


def locked_out(store: CallbackStore, username: str, address: str,
               now: dt.datetime | None = None) -> bool:
    """Too many recent failures for this username or from this address."""
    since = (now or utcnow()) - FAILURE_WINDOW
    limits = (MAX_FAILURES, MAX_FAILURES_PER_ADDRESS)
    with store.session() as session:
        for key, limit in zip(_keys(username, address), limits, strict=True):
            count = session.execute(select(func.count(LoginFailure.id)).where(
                LoginFailure.key == key, LoginFailure.at > since)).scalar_one()
            if count >= limit:
                return True
    return False


def record_failure(store: CallbackStore, username: str, address: str) -> list[int]:
    """Counts one failed attempt for the username and the address; returns its rows."""
    with store.session() as session:
        session.execute(delete(LoginFailure).where(LoginFailure.at < utcnow() - FAILURE_WINDOW))
        rows = [LoginFailure(key=key) for key in _keys(username, address)]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def clear_failures(store: CallbackStore, username: str, attempt: Sequence[int] = ()) -> None:
    """After a right password: the username's failures, and this attempt's own rows."""
    with store.session() as session:
        session.execute(delete(LoginFailure).where(
            (LoginFailure.key == _keys(username, "")[0]) | LoginFailure.id.in_(list(attempt))))


def link_telegram(store: CallbackStore, username: str, telegram_user_id: int) -> None:
    """Staff-group buttons pressed by this Telegram user act as this account."""
    try:
        with store.session() as session:
            _named(session, username).telegram_user_id = telegram_user_id
    except IntegrityError:
        raise AccountError("that Telegram user is linked to another account") from None


def account_for_telegram(store: CallbackStore, telegram_user_id: int) -> StaffAccount | None:
    """The active account linked to this Telegram user, or None."""
    with store.session() as session:
        return session.execute(
            select(StaffAccount).where(StaffAccount.telegram_user_id == telegram_user_id,
                                       StaffAccount.active.is_(True))
        ).scalar_one_or_none()
