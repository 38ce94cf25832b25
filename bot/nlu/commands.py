"""Deterministic NLU for the words that must never depend on the classifier.

Typed numbers, one-word commands (MORE, BACK, MENU, ...) and bad input (empty, very long,
no letters, a script the bot cannot read, a `/payload` that names no intent) are decided
here with confidence 1.0, after the statistical classifier and before FallbackClassifier.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

COMMANDS_FILE = Path(__file__).resolve().parent.parent / "assistant" / "commands.yml"
_PUNCTUATION = re.compile(r"[\s\.,!?;:'\"\u061f\u060c\u3002\uff01\uff1f\u1362\u1367]+")


def normalise(text: str) -> str:
    """Case-folded, accents kept, punctuation and spaces collapsed to single spaces."""
    return _PUNCTUATION.sub(" ", unicodedata.normalize("NFC", text).casefold()).strip()


def _padded_words(text: str) -> str:
    """Normalised, apostrophes dropped ("I'm" = "Im"), padded to match whole words."""
    return f" {normalise(text.replace(chr(39), '').replace(chr(0x2019), ''))} "


@dataclass(frozen=True)
class Commands:
    """commands.yml, with its phrases normalised once rather than on every message."""

    max_length: int
    scripts: frozenset[str]
    zero_intent: str | None
    words: dict[str, str]  # normalised phrase -> intent
    danger_intent: str
    danger: tuple[str, ...]  # padded normalised phrases


def load_commands(path: Path = COMMANDS_FILE) -> Commands:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return Commands(
        max_length=int(data["max_length"]),
        scripts=frozenset(data["scripts"]),
        zero_intent=data.get("zero_intent"),
        words={normalise(p): intent for intent, ps in data["words"].items() for p in ps},
        danger_intent=str(data["danger_intent"]),
        danger=tuple(_padded_words(p) for p in data.get("danger", ())),
    )


def as_number(text: str) -> int | None:
    """A message that is only a number, in any script's digits (٣, ۳, ३ ...)."""
    stripped = _PUNCTUATION.sub("", text)
    if not stripped or len(stripped) > 3 or not all(ch.isdecimal() for ch in stripped):
        return None
    return int("".join(str(unicodedata.decimal(ch)) for ch in stripped))


def scripts_of(text: str) -> set[str]:
    """Unicode script-ish names (LATIN, ARABIC, ETHIOPIC, CJK ...) of the letters in text."""
    found = set()
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            found.add(name.split(" ")[0] if name else "UNKNOWN")
    return found


def is_danger(text: str, commands: Commands) -> bool:
    """Whether the message contains a danger phrase as whole words (not inside a word)."""
    padded = _padded_words(text)
    return any(phrase in padded for phrase in commands.danger)


def classify_command(text: str, commands: Commands) -> tuple[str, dict[str, str]] | None:
    """The intent (and entities) for input decided without the classifier, or None."""
    if not text or not text.strip():
        return "empty_message", {}
    if is_danger(text, commands):
        return commands.danger_intent, {}
    if len(text) > commands.max_length:
        return "too_long", {}
    number = as_number(text)
    if number is not None:
        if number == 0 and commands.zero_intent:
            return commands.zero_intent, {}
        return "choose_option", {"option": str(number)}
    if text.strip().startswith("/"):
        # A payload Rasa's RegexMessageHandler recognises replaces this after us; one it
        # does not recognise names no intent, so it must not be guessed at.
        return "nlu_fallback", {}
    scripts = scripts_of(text)
    if not scripts:
        return "nlu_fallback", {}  # emoji, symbols or punctuation only
    if not scripts & commands.scripts:
        return "unsupported_script", {}
    intent = commands.words.get(normalise(text))
    return (intent, {}) if intent else None


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class CommandClassifier(GraphComponent):
    """Overrides the statistical intent for commands, numbers and bad input."""

    def __init__(self, commands: Commands) -> None:
        self.commands = commands

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CommandClassifier:
        return cls(load_commands())

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            decided = classify_command(message.get(TEXT) or "", self.commands)
            if decided is None:
                continue
            intent, entities = decided
            ranking = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
            message.set(INTENT, ranking, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [ranking], add_to_output=True)
            found = [
                {"entity": name, "value": value, "start": 0, "end": 0,
                 "extractor": self.__class__.__name__}
                for name, value in entities.items()
            ]
            message.set(ENTITIES, found, add_to_output=True)
        return messages

    def process_training_data(self, training_data: Any) -> Any:
        return training_data
