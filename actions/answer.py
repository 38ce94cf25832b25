"""Answers what the user asked: a topic, the menu, or an honest "not sure"."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.state import State, get_content
from bot import render
from bot.content import Content
from bot.dialogue import ERASE_SLOT, FALLBACK, answer_for

# Bad input that gets its own explanation before the menu.
BAD_INPUT_TEXT = {
    "empty_message": "empty_message",
    "too_long": "too_long",
    "unsupported_script": "unsupported_script",
}


def respond(intent: str | None, state: State, content: Content) -> bool:
    """Adds the replies for `intent` to state. Returns True when data must be erased."""
    answer = answer_for(intent, content.topics)
    first_contact = not state.welcomed
    if answer in content.topics:
        state.go_to(answer)
        if first_contact and answer != "emergency":
            state.say(render.Reply(content.text("disclaimer_line")))
        state.show_page(content)
        if first_contact and answer == "emergency":  # danger: the help comes first
            state.say(render.Reply(content.text("disclaimer_line")))
    elif answer == "callback":
        state.say(render.Reply(content.text("callback_unavailable")))
    elif answer == "delete":
        state.leave_topic()
        state.say(render.Reply(content.text("delete_done")))
        return True
    elif answer == "language":
        state.say(render.Reply(content.text("language_only_english")), render.main_menu(content))
    elif intent == "thanks":
        state.say(render.Reply(content.text("thanks")))
    elif intent == "more_topics":
        state.leave_topic()
        state.say(render.more_topics_menu(content))
    elif answer == "menu":
        state.leave_topic()
        state.say(*(render.welcome(content) if first_contact or intent == "greet" else
                    [render.main_menu(content)]))
    else:
        assert answer == FALLBACK
        key = BAD_INPUT_TEXT.get(intent or "", "fallback")
        if first_contact:
            state.say(render.Reply(content.text("welcome")))
        state.say(render.Reply(content.text(key)), render.main_menu(content))
    return False


def erase_events() -> list[dict[str, Any]]:
    """The tracker store deletes the whole conversation when it sees this slot set."""
    return [SlotSet(ERASE_SLOT, True), Restarted()]


class ActionAnswer(Action):
    def name(self) -> str:
        return "action_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        content = get_content()
        state = State.from_tracker(tracker, content)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        erase = respond(intent, state, content)
        events = state.finish(dispatcher)
        return erase_events() if erase else events


class ActionFallback(Action):
    """Used by the RulePolicy when no rule applies: never guess."""

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        content = get_content()
        state = State.from_tracker(tracker, content)
        respond("nlu_fallback", state, content)
        return state.finish(dispatcher)
