"""Deterministic NLU for the words that must never depend on the classifier.

Typed numbers, one-word commands (MORE, BACK, MENU, ...) and bad input (empty, very long,
no letters, a script the bot cannot read, a `/payload` that names no intent) are decided
here with confidence 1.0, after the statistical classifier and before FallbackClassifier.
"""

from __future__ import annotations

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

from bot.text import as_number, has_word_spaces, normalise, scripts_of

COMMANDS_FILE = Path(__file__).resolve().parent.parent / "assistant" / "commands.yml"
# Each language's own command words and danger phrases: commands/<language code>.yml.
LANGUAGE_COMMANDS_DIR = COMMANDS_FILE.parent / "commands"


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
    # Padded normalised phrases, matched as whole words; phrases in a script without spaces
    # between words (Chinese) are matched anywhere, since there are no word edges to see.
    danger: tuple[str, ...]


class CommandsError(ValueError):
    """A commands file that cannot be used, with the file named."""


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CommandsError(f"{path}: cannot be read: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("words"), dict):
        raise CommandsError(f"{path}: must be a mapping with `words:`")
    return data


def load_commands(
    path: Path = COMMANDS_FILE, languages_dir: Path | None = LANGUAGE_COMMANDS_DIR
) -> Commands:
    """English (commands.yml) and every language's words: any of them works anywhere, so
    one word may not mean two commands in two languages."""
    data = _read(path)
    files = [(path, data)]
    if languages_dir is not None:
        files += [(p, _read(p)) for p in sorted(languages_dir.glob("*.yml"))]
    words: dict[str, str] = {}
    danger: list[str] = []
    for file, contents in files:
        for intent, phrases in contents["words"].items():
            for phrase in phrases or ():
                key = normalise(str(phrase))
                if words.get(key, intent) != intent:
                    raise CommandsError(
                        f"{file}: {phrase!r} means {intent} here and {words[key]} elsewhere"
                    )
                words[key] = intent
        danger += [
            _padded_words(str(p)) if has_word_spaces(str(p)) else normalise(str(p))
            for p in contents.get("danger") or ()
        ]
    return Commands(
        max_length=int(data["max_length"]),
        scripts=frozenset(data["scripts"]),
        zero_intent=data.get("zero_intent"),
        words=words,
        danger_intent=str(data["danger_intent"]),
        danger=tuple(danger),
    )


def is_danger(text: str, commands: Commands) -> bool:
    """Whether the message contains a danger phrase (as whole words, where words have spaces)."""
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
