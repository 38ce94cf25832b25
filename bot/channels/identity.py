"""A sender's phone number or account id never reaches Rasa or the logs: it is replaced
by a keyed hash (HMAC-SHA256 with a secret from the environment), the same every time for
the same person, so the conversation continues, but useless to anyone without the key."""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.fernet import Fernet

KEY_VARIABLE = "BOT_SENDER_KEY"
MIN_KEY_LENGTH = 32


class MissingKeyError(RuntimeError):
    pass


def check_key(key: str | None) -> bytes:
    if not key or len(key) < MIN_KEY_LENGTH:
        raise MissingKeyError(
            f"{KEY_VARIABLE} must be set to a random secret of at least {MIN_KEY_LENGTH} "
            "characters (e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`)."
        )
    return key.encode("utf-8")


def sender_id(channel: str, address: str, key: bytes) -> str:
    """The id Rasa sees for `address` (a phone number, `whatsapp:+44...`, a Telegram id)."""
    digest = hmac.new(key, f"{channel}:{address}".encode(), hashlib.sha256).hexdigest()
    return f"{channel}-{digest[:32]}"


CALLBACK_KEY_VARIABLE = "BOT_CALLBACK_KEY"


def contact_metadata(number: str) -> dict[str, str]:
    """The sender's own number, for "call this number", encrypted with the callback key so
    that the tracker (where message metadata is kept) never holds it readable. Empty when
    call backs are not set up."""
    key = os.environ.get(CALLBACK_KEY_VARIABLE, "").strip()
    if not key:
        return {}
    return {"contact": Fernet(key.encode()).encrypt(number.encode()).decode()}
