"""Staff accounts: created with `bot staff add`, passwords kept only as Argon2id hashes."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.callbacks.models import ROLES, StaffAccount, utcnow
from bot.callbacks.store import CallbackStore

USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")
MIN_PASSWORD_LENGTH = 12
_hasher = PasswordHasher()
# Verified against when the username does not exist, so a wrong name takes as long as a
# wrong password and does not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


class AccountError(ValueError):
    pass


def add_account(store: CallbackStore, username: str, password: str, role: str) -> None:
    if not USERNAME.match(username):
        raise AccountError(
            "usernames are 2-64 lower-case letters, digits, dots, dashes or underscores, "
            "starting with a letter"
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"passwords must be at least {MIN_PASSWORD_LENGTH} characters")
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
