"""The one decision shared by the live bot and `bot classify`: what does an intent answer?

Topic intents are named after topic ids (`topic_nrm_what` answers `nrm-what`), so adding
a topic needs no code, only content, NLU examples and its id in the rules' topic list.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

TOPIC_PREFIX = "topic_"
FALLBACK = "fallback"
# Setting this slot makes the tracker store delete the conversation (see tracker_store.py).
ERASE_SLOT = "erase_requested"
NAVIGATION_INTENTS = frozenset({"more", "go_back", "next", "choose_option"})
# Intents that are not topics, and the answer the bot gives for each.
ANSWERS = {
    "greet": "menu",
    "menu": "menu",
    "more_topics": "menu",
    "thanks": "menu",
    "request_callback": "callback",
    "cancel_callback": "cancel_callback",
    "callback_status": "callback_status",
    "delete_data": "delete",
    "change_language": "language",
    "choose_language": "language",
    "out_of_scope": FALLBACK,
    "nlu_fallback": FALLBACK,
    "empty_message": FALLBACK,
    "too_long": FALLBACK,
    "media_message": FALLBACK,
    "unsupported_script": FALLBACK,
}
# Bad input that gets its own explanation (the interface text's key) before the menu, or,
# inside the call back questions, before the question again.
BAD_INPUT_TEXT = {
    "empty_message": "empty_message",
    "too_long": "too_long",
    "unsupported_script": "unsupported_script",
    "media_message": "media_only_text",
}
_PAYLOAD = re.compile(r"^/(?P<intent>[A-Za-z0-9_]+)(?P<entities>\{.*\})?$")


def intent_for_topic(topic_id: str) -> str:
    return TOPIC_PREFIX + topic_id.replace("-", "_")


def topic_for_intent(intent: str | None, topic_ids: Iterable[str]) -> str | None:
    if not intent or not intent.startswith(TOPIC_PREFIX):
        return None
    wanted = intent[len(TOPIC_PREFIX) :].replace("_", "-")
    return wanted if wanted in set(topic_ids) else None


def answer_for(intent: str | None, topic_ids: Iterable[str]) -> str:
    """The topic id the bot answers with, or callback/delete/language/menu/fallback.

    Anything the bot does not know answers `fallback`: never a guessed topic.
    """
    topic = topic_for_intent(intent, topic_ids)
    if topic:
        return topic
    return ANSWERS.get(intent or "", FALLBACK)


def payload_for_intent(intent: str, entities: dict[str, str] | None = None) -> str:
    """A Rasa `/intent{...}` payload: buttons and typed numbers never need the classifier."""
    return "/" + intent + (json.dumps(entities, separators=(",", ":")) if entities else "")


@dataclass(frozen=True)
class Payload:
    intent: str
    entities: dict[str, str]


def parse_payload(payload: str) -> Payload | None:
    match = _PAYLOAD.match(payload.strip())
    if not match:
        return None
    entities: dict[str, str] = {}
    if match.group("entities"):
        try:
            loaded = json.loads(match.group("entities"))
        except json.JSONDecodeError:
            return None
        if not isinstance(loaded, dict):
            return None
        entities = {str(k): str(v) for k, v in loaded.items()}
    return Payload(match.group("intent"), entities)


# Telegram's "share my number" button sends this, the number encrypted in the metadata.
CONTACT_PAYLOAD = "/callback_contact"

# Menu items that are not topics, and the intent each one sends.
MENU_ITEM_INTENTS = {"callback": "request_callback", "more_topics": "more_topics"}


def menu_payload(item: str) -> str:
    """Menu items are topic ids, `callback` or `more_topics`."""
    return payload_for_intent(MENU_ITEM_INTENTS.get(item) or intent_for_topic(item))
