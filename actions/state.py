"""Where the user is (topic, page, history, last numbered list), kept in Rasa slots."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import bidi, render
from bot.content import JOURNEY_TOPIC, Content, load_configured_content
from bot.render import Button, Reply

HISTORY_LIMIT = 20


@dataclass(frozen=True)
class Turn:
    """What an action knows of this message beyond its intent: who sent it (the channel's
    keyed hash), on which channel, and, from SMS, WhatsApp or Telegram's share button, the
    sender's own number encrypted with the callback key (never readable in the tracker)."""

    sender: str
    channel: str | None = None
    contact: str | None = None
    # How sure NLU is of the intent (1.0 for command words and danger phrases).
    confidence: float = 1.0

    @classmethod
    def from_tracker(cls, tracker: Tracker) -> Turn:
        message = tracker.latest_message
        metadata = message.get("metadata") or {}
        contact = metadata.get("contact") if isinstance(metadata, dict) else None
        confidence = (message.get("intent") or {}).get("confidence")
        return cls(tracker.sender_id, tracker.get_latest_input_channel(),
                   contact if isinstance(contact, str) else None,
                   float(confidence) if isinstance(confidence, int | float) else 1.0)


@lru_cache(maxsize=1)
def get_content() -> Content:
    """Loaded once per action server; a broken file stops the server with file and line."""
    return load_configured_content()


@dataclass
class State:
    topic: str | None
    page: int
    history: list[str]
    options: list[str]
    welcomed: bool
    # The content in every language; `content` is the one this conversation speaks.
    all_content: Content
    # The step of the journey last shown, while the user walks it (NEXT goes on from there).
    journey: int | None = None
    # The user's language (chosen or detected); None until known.
    language: str | None = None
    # A question asked before the language was known, answered once it is chosen.
    pending: str | None = None
    # The call back request being asked for (actions/callback.py), None when not asking.
    form: dict[str, Any] | None = None
    # Danger was seen in this conversation: a call back asked for now is urgent.
    urgent: bool = False
    turn: Turn = field(default_factory=lambda: Turn(sender=""))
    replies: list[Reply] = field(default_factory=list)

    @classmethod
    def from_tracker(cls, tracker: Tracker, content: Content) -> State:
        topic = tracker.get_slot("topic")
        page = tracker.get_slot("page")
        language = tracker.get_slot("language")
        return cls(
            topic=topic if topic in content.topics else None,
            page=int(page) if isinstance(page, int | float) else 0,
            history=list(tracker.get_slot("history") or []),
            options=list(tracker.get_slot("options") or []),
            welcomed=bool(tracker.get_slot("welcomed")),
            all_content=content,
            journey=_int_or_none(tracker.get_slot("journey")),
            language=language if language in content.languages else None,
            pending=tracker.get_slot("pending"),
            form=_dict_or_none(tracker.get_slot("callback_form")),
            urgent=bool(tracker.get_slot("urgent")),
            turn=Turn.from_tracker(tracker),
        )

    @property
    def content(self) -> Content:
        return self.all_content.for_language(self.language)

    def say(self, *replies: Reply, rtl: bool | None = None) -> None:
        """Adds replies, laid out for the conversation's language (right-to-left or not),
        or for `rtl` when they are in another language (a guess, before a choice)."""
        rtl = self.content.rtl if rtl is None else rtl
        for reply in replies:
            shaped = Reply(
                bidi.shape(reply.text, rtl),
                tuple(Button(bidi.shape(b.title, rtl), b.payload) for b in reply.buttons),
            )
            self.replies.append(shaped)
            if shaped.options:
                self.options = shaped.options

    def go_to(self, topic: str, page: int = 0) -> None:
        if self.topic and self.topic != topic:
            self.history = (self.history + [f"{self.topic}:{self.page}"])[-HISTORY_LIMIT:]
        self.topic, self.page = topic, page

    def leave_topic(self) -> None:
        self.topic, self.page, self.history, self.journey = None, 0, [], None

    def show_page(self) -> None:
        """Says the current page; a page of the journey becomes the step to go on from.
        A topic served in English to a user of another language says so on its first page."""
        assert self.topic is not None
        content = self.content
        if self.topic == JOURNEY_TOPIC:
            self.journey = self.page
        in_journey = self.journey is not None and self.topic != JOURNEY_TOPIC
        self.say(render.topic_page(content, self.topic, self.page, in_journey))
        if self.page == 0 and self.topic in content.english_topics:
            self.say(Reply(content.text("english_page_notice")))

    def pop_history(self) -> tuple[str, int] | None:
        while self.history:
            topic, _, page = self.history.pop().partition(":")
            return topic, int(page or 0)
        return None

    def finish(self, dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
        for reply in self.replies:
            dispatcher.utter_message(
                text=reply.text, buttons=[b.as_rasa() for b in reply.buttons] or None
            )
        return [
            SlotSet("topic", self.topic),
            SlotSet("page", float(self.page) if self.topic else None),
            SlotSet("history", self.history),
            SlotSet("options", self.options),
            SlotSet("welcomed", True),
            SlotSet("journey", float(self.journey) if self.journey is not None else None),
            SlotSet("language", self.language),
            SlotSet("pending", self.pending),
            SlotSet("callback_form", self.form),
            SlotSet("urgent", self.urgent),
        ]


def _int_or_none(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) else None


def latest_entities(tracker: Tracker) -> dict[str, str]:
    """The latest message's entities, by name (a typed number's option, a language...)."""
    return {e["entity"]: str(e["value"]) for e in tracker.latest_message.get("entities") or []}


def _dict_or_none(value: Any) -> dict[str, Any] | None:
    return dict(value) if isinstance(value, dict) else None
