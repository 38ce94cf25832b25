"""Shared fixtures: the real trained model and the real running bot on free ports."""

from __future__ import annotations

import dataclasses
import json
import shutil
import socket
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.settings import PROJECT_ROOT, Settings, load_settings

CONTENT_DIR = PROJECT_ROOT / "content"
# A Fernet key for the callback store in tests (generated once; not a secret of anything).
CALLBACK_KEY = "Jq7m3x0y0WvYb0m7l3o1rZl3m4w6mY1q3VbF9c2sZ5E="
DASHBOARD_SECRET = "test-dashboard-secret-" + "x" * 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the real content, to break on purpose."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """Trained once per change of the training data (cached in models/ by hash)."""
    from bot.training import ensure_model

    path, _ = ensure_model(load_settings().models_dir)
    return path


@dataclasses.dataclass
class Bot:
    settings: Settings
    log_dir: Path

    @property
    def rest_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.rasa_port}/webhooks/rest/webhook"

    @property
    def dashboard_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.dashboard_port}"

    @property
    def webchat_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.webchat_port}"

    def send(self, sender: str, text: str) -> list[dict[str, Any]]:
        request = urllib.request.Request(
            self.rest_url,
            data=json.dumps({"sender": sender, "message": text}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)

    def logs(self) -> str:
        return "\n".join(
            p.read_text(encoding="utf-8", errors="replace") for p in self.log_dir.glob("*.log")
        )


class Conversation:
    """One user talking to the running bot; keeps the replies of the last message."""

    def __init__(self, bot: Bot):
        self.bot = bot
        self.sender = uuid.uuid4().hex
        self.replies: list[dict[str, Any]] = []

    def say(self, text: str) -> list[dict[str, Any]]:
        self.replies = self.bot.send(self.sender, text)
        return self.replies

    @property
    def text(self) -> str:
        return "\n".join(r.get("text") or "" for r in self.replies)

    @property
    def buttons(self) -> list[dict[str, str]]:
        return [b for r in self.replies for b in (r.get("buttons") or [])]

    def number_for(self, payload_part: str) -> str:
        """The number a user types for the shown option whose payload contains payload_part."""
        for button in self.buttons:
            if payload_part in button["payload"]:
                return button["title"].split(".")[0].lstrip("\u200f")
        raise AssertionError(f"no option {payload_part!r} in {self.buttons}")

    def choose_language(self, code: str) -> None:
        """Says hello, then picks `code` from the language list by its number."""
        self.say("hi")
        self.say(self.number_for(f'"language":"{code}"'))


def isolated_settings(base: Path) -> Settings:
    """This deployment's settings with its own data folder and free ports, under base."""
    return dataclasses.replace(
        load_settings(),
        data_dir=base / "data",
        rasa_port=free_port(),
        actions_port=free_port(),
        webchat_port=free_port(),
        dashboard_port=free_port(),
    )


@pytest.fixture(scope="session")
def running_bot(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    """Action server, Rasa (REST channel, SQLite tracker store) and web chat, for real."""
    from bot.stack import Stack

    base = tmp_path_factory.mktemp("bot")
    settings = isolated_settings(base)
    stack = Stack(settings, trained_model, log_dir=base / "logs",
                  extra_env={"BOT_CALLBACK_KEY": CALLBACK_KEY,
                             "BOT_DASHBOARD_SECRET": DASHBOARD_SECRET,
                             # urllib's cookie jar keeps Secure cookies for https only
                             "BOT_DASHBOARD_SECURE_COOKIES": "no"})
    stack.start()
    try:
        yield Bot(settings, base / "logs")
    finally:
        stack.stop()


@pytest.fixture()
def chat(running_bot: Bot) -> Conversation:
    """A conversation whose user has chosen English from the language list."""
    conversation = Conversation(running_bot)
    conversation.choose_language("en")
    return conversation


@pytest.fixture()
def new_chat(running_bot: Bot) -> Conversation:
    """A conversation that has not started: the next message is the user's first."""
    return Conversation(running_bot)
