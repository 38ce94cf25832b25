"""Which channels this deployment switches on: a channel is on when the environment has
all its settings, and off, with one line saying which variables switch it on, otherwise."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ChannelSpec:
    label: str
    rasa_name: str  # the input channel class, as credentials.yml names it
    required: tuple[str, ...]


CHANNELS = (
    ChannelSpec(
        "SMS and WhatsApp (Twilio)",
        "bot.channels.twilio.TwilioInput",
        ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_SMS_NUMBER", "BOT_SENDER_KEY"),
    ),
    ChannelSpec(
        "Telegram",
        "bot.channels.telegram.TelegramInput",
        ("TELEGRAM_BOT_TOKEN", "BOT_SENDER_KEY"),
    ),
)


def credentials(env: Mapping[str, str]) -> tuple[dict[str, dict], list[str]]:
    """Rasa's credentials (the REST channel always; the others when configured; their
    settings are read from the environment by each channel) and a line per channel."""
    found: dict[str, dict] = {"rest": {}}
    lines = []
    for spec in CHANNELS:
        missing = [name for name in spec.required if not env.get(name)]
        if missing:
            lines.append(f"{spec.label}: off. Set {', '.join(missing)} to switch it on.")
        else:
            found[spec.rasa_name] = {}
            lines.append(f"{spec.label}: on.")
    return found, lines


def require(env: Mapping[str, str], names: tuple[str, ...], label: str) -> None:
    """Raises ValueError naming every missing setting (a channel's from_env calls this)."""
    missing = [name for name in names if not env.get(name)]
    if missing:
        raise ValueError(f"{label} needs {', '.join(missing)}")
