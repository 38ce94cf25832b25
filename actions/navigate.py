"""MORE, BACK, NEXT and typed numbers: moving through pages and numbered lists."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import erase_events, respond
from actions.state import State, get_content, latest_entities
from bot import render
from bot.content import JOURNEY_TOPIC
from bot.dialogue import parse_payload


def more(state: State) -> None:
    content = state.content
    if state.topic is None:
        state.say(render.main_menu(content))
        return
    last = render.page_count(content, state.topic) - 1
    if state.page < last:
        state.page += 1
        state.show_page()
    else:
        state.page = last + 1  # past the last page: the related-topics list
        state.say(render.related_menu(content, state.topic))


def next_step(state: State) -> None:
    """NEXT walks the journey, from whichever step's topic the user is reading; else MORE."""
    content = state.content
    if state.journey is None:
        more(state)
        return
    step = state.journey + 1
    if step >= render.page_count(content, JOURNEY_TOPIC):
        state.leave_topic()
        state.say(render.Reply(content.text("journey_end")), render.main_menu(content))
        return
    state.go_to(JOURNEY_TOPIC, step)
    state.show_page()


def back(state: State) -> None:
    content = state.content
    if state.topic is not None and state.page > 0:
        state.page = min(state.page - 1, render.page_count(content, state.topic) - 1)
        state.show_page()
        return
    previous = state.pop_history()
    if previous and previous[0] in content.topics:
        state.topic, state.page = previous
        state.page = min(state.page, render.page_count(content, state.topic) - 1)
        state.show_page()
        return
    if state.topic is None:
        state.say(render.Reply(content.text("nothing_to_go_back_to")))
    state.leave_topic()
    state.say(render.main_menu(content))


def choose(number: int, state: State) -> bool:
    """A typed number picks from the last numbered list shown (the main menu at first)."""
    content = state.content
    options = state.options or render.main_menu(content).options
    if not 1 <= number <= len(options):
        state.say(
            render.Reply(content.text("invalid_option", number=number)),
            render.main_menu(content),
        )
        return False
    payload = parse_payload(options[number - 1])
    if payload is None:
        return respond(None, state)
    return respond(payload.intent, state, payload.entities)


class ActionNavigate(Action):
    def name(self) -> str:
        return "action_navigate"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        state = State.from_tracker(tracker, get_content())
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if state.form is not None:  # a number answers the call back question
            respond(intent, state, latest_entities(tracker),
                    tracker.latest_message.get("text") or "")
        elif intent == "choose_option":
            option = next(tracker.get_latest_entity_values("option"), None)
            if choose(int(option) if option and option.isdigit() else 0, state):
                state.finish(dispatcher)
                return erase_events()
        elif intent == "go_back":
            back(state)
        elif intent == "next":
            next_step(state)
        else:
            more(state)
        return state.finish(dispatcher)
