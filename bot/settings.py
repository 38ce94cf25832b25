"""Deployment settings, read once from environment variables (never from the repo)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ASSISTANT_DIR = Path(__file__).resolve().parent / "assistant"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SystemExit(f"Setting {name} must be a whole number, not {raw!r}.") from exc


def _choice(name: str, allowed: tuple[str, ...]) -> str:
    """One of `allowed` (the first is the default)."""
    raw = os.environ.get(name, "").strip().lower() or allowed[0]
    if raw not in allowed:
        raise SystemExit(f"Setting {name} must be one of {', '.join(allowed)}, not {raw!r}.")
    return raw


def _number_overrides() -> dict[str, str]:
    """BOT_NUMBER_<KEY>=... replaces the phone number <key> from content/numbers.yml."""
    prefix = "BOT_NUMBER_"
    return {
        name[len(prefix) :].lower(): value.strip()
        for name, value in os.environ.items()
        if name.startswith(prefix) and value.strip()
    }


@dataclass(frozen=True)
class Settings:
    content_dir: Path
    data_dir: Path
    models_dir: Path
    org_name: str
    rasa_port: int
    actions_port: int
    webchat_port: int
    host: str
    retention_days: int
    locales_dir: Path
    # What a language without a reviewed translation of a topic gets: "draft" (the draft
    # translation) or "english" (the English page and an offer of a call with an interpreter).
    unreviewed: str
    number_overrides: dict[str, str] = field(default_factory=dict)
    # Callback store: SQLite in the data folder unless a URL (PostgreSQL) is given.
    callback_db_url: str = ""
    # When staff call back, e.g. "mon-fri 09:00-17:00" (UK time), and how long a new request
    # may stay unclaimed before staff are told again.
    working_hours: str = "mon-fri 09:00-17:00"
    sla_minutes: int = 60
    dashboard_port: int = 8090
    # Days after a request is done or withdrawn before its number is deleted.
    callback_retention_days: int = 30

    def deployment_placeholders(self) -> dict[str, str]:
        """Settings that content text may use as {placeholders}."""
        return {"org_name": self.org_name, "retention_days": str(self.retention_days)}

    @property
    def callback_db(self) -> str:
        return self.callback_db_url or f"sqlite:///{self.data_dir / 'callbacks.db'}"

    @property
    def tracker_db(self) -> Path:
        return self.data_dir / "tracker.db"


def load_settings() -> Settings:
    """Reads the environment. Paths default to folders inside the checkout."""
    root = PROJECT_ROOT
    return Settings(
        content_dir=Path(os.environ.get("BOT_CONTENT_DIR", root / "content")),
        data_dir=Path(os.environ.get("BOT_DATA_DIR", root / "var")),
        models_dir=Path(os.environ.get("BOT_MODELS_DIR", root / "models")),
        org_name=os.environ.get("BOT_ORG_NAME", "").strip() or "a UK charity",
        rasa_port=_int("BOT_RASA_PORT", 5005),
        actions_port=_int("BOT_ACTIONS_PORT", 5055),
        webchat_port=_int("BOT_WEBCHAT_PORT", 8080),
        host=os.environ.get("BOT_HOST", "127.0.0.1"),
        retention_days=_int("BOT_RETENTION_DAYS", 30),
        locales_dir=Path(os.environ.get("BOT_LOCALES_DIR", root / "locales")),
        unreviewed=_choice("BOT_UNREVIEWED", ("draft", "english")),
        number_overrides=_number_overrides(),
        callback_db_url=os.environ.get("BOT_CALLBACK_DB_URL", "").strip(),
        working_hours=os.environ.get("BOT_WORKING_HOURS", "").strip() or "mon-fri 09:00-17:00",
        sla_minutes=_int("BOT_CALLBACK_SLA_MINUTES", 60),
        dashboard_port=_int("BOT_DASHBOARD_PORT", 8090),
        callback_retention_days=_int("BOT_CALLBACK_RETENTION_DAYS", 30),
    )
