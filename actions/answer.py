"""Answers what the user asked: a topic, the menu, or an honest "not sure", in her language."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import callback
from actions.state import State, get_content, latest_entities
from bot import render
from bot.detect import detect_language
from bot.dialogue import BAD_INPUT_TEXT, ERASE_SLOT, FALLBACK, answer_for


def _is_question(intent: str | None, state: State) -> bool:
    """A topic, a callback or a delete: asked before the language is known, it is kept
    and answered once the language is chosen (greetings, menus and "not sure" are not)."""
    return answer_for(intent, state.all_content.topics) not in (FALLBACK, "menu", "language")


def respond(
    intent: str | None, state: State, entities: dict[str, str] | None = None, text: str = ""
) -> bool:
    """Adds the replies for `intent` to state. Returns True when data must be erased."""
    if state.form is not None:  # asking for a call back: every message answers it
        if intent != "delete_data":
            callback.answer(state, intent, entities or {}, text)
            return False
        callback.leave(state)
    if intent == "choose_language":
        choose_language((entities or {}).get("language"), state)
        return False
    detected = state.language is None
    if detected:
        language, guess = _language_to_answer_in(intent, state, text)
        if language is None:
            ask_language(intent, state, guess)
            return False
        state.language = language
    erase = _answer(intent, state)
    if detected:
        state.say(render.Reply(state.content.text("language_detected")))
        _say_draft_notice(state)
    return erase


def _language_to_answer_in(
    intent: str | None, state: State, text: str
) -> tuple[str | None, str | None]:
    """While the language is unknown: the language to answer this message in (None: ask
    first), and the detected language, if any, to word the language list in."""
    guess = detect_language(text) if text and intent not in BAD_INPUT_TEXT else None
    if guess not in state.all_content.languages:
        guess = None
    if answer_for(intent, state.all_content.topics) == "emergency":
        return guess or "en", guess  # safety first: the emergency page now, never a list
    if not _is_question(intent, state):
        return None, guess  # a greeting tells us little: the language list
    if guess:
        return guess, guess
    # A question after the language list, in no language we can tell: answer it in English
    # rather than hold it back again (the answer says how to change language).
    return ("en" if state.welcomed else None), None


def _answer(intent: str | None, state: State) -> bool:
    content = state.content
    answer = answer_for(intent, content.topics)
    first_contact = not state.welcomed
    if answer in content.topics:
        if answer == "emergency" and state.turn.confidence >= callback.URGENT_CONFIDENCE:
            state.urgent = True  # a call back asked for after this is urgent,
            callback.danger_seen(state)  # and one asked for before it becomes urgent
        state.go_to(answer)
        if first_contact and answer != "emergency":
            state.say(render.Reply(content.text("disclaimer_line")))
        state.show_page()
        if first_contact and answer == "emergency":  # danger: the help comes first
            state.say(render.Reply(content.text("disclaimer_line")))
    elif answer == "callback":
        callback.start(state)
    elif answer == "callback_status":
        callback.status(state)
    elif answer == "cancel_callback":
        callback.withdraw(state)
    elif answer == "delete":
        state.leave_topic()
        state.say(render.Reply(content.text("delete_done")))
        return True
    elif answer == "language":
        state.say(render.language_menu(content))
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
        # A script the bot cannot read: the list of languages it can, rather than topics.
        options = render.language_menu if intent == "unsupported_script" else render.main_menu
        state.say(render.Reply(content.text(key)), options(content))
    return False


def ask_language(intent: str | None, state: State, guess: str | None) -> None:
    """The first answer when the language is not known: safety line, then the language list
    (in the guessed language's words when there is a guess). A question is kept for later."""
    if _is_question(intent, state):
        state.pending = intent
    content = state.all_content.for_language(guess)
    state.language = None
    if intent in BAD_INPUT_TEXT:
        state.say(render.Reply(content.text(BAD_INPUT_TEXT[intent or ""])), rtl=content.rtl)
    state.say(
        render.Reply(content.text("disclaimer_line")), render.language_menu(content),
        rtl=content.rtl,
    )
    state.leave_topic()


def choose_language(language: str | None, state: State) -> None:
    """A language picked from the list: the welcome in it, then the question kept from
    before (if any) or the menu."""
    if language not in state.all_content.languages:
        state.say(render.language_menu(state.content))
        return
    state.language = language
    content = state.content
    pending, state.pending = state.pending, None
    state.leave_topic()
    state.say(render.Reply(content.text("welcome")))
    _say_draft_notice(state)
    if pending:
        state.welcomed = True
        _answer(pending, state)
    else:
        state.say(render.main_menu(content))


def _say_draft_notice(state: State) -> None:
    content = state.content
    if content.lang != "en" and content.reviewed_topics != frozenset(content.topics):
        state.say(render.Reply(content.text("draft_notice")))


def erase_events() -> list[dict[str, Any]]:
    """The tracker store deletes the whole conversation when it sees this slot set."""
    return [SlotSet(ERASE_SLOT, True), Restarted()]


class ActionAnswer(Action):
    def name(self) -> str:
        return "action_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        state = State.from_tracker(tracker, get_content())
        message = tracker.latest_message
        intent = (message.get("intent") or {}).get("name")
        erase = respond(intent, state, latest_entities(tracker), message.get("text") or "")
        events = state.finish(dispatcher)
        return erase_events() if erase else events


class ActionFallback(Action):
    """Used by the RulePolicy when no rule applies: never guess."""

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        state = State.from_tracker(tracker, get_content())
        respond("nlu_fallback", state, text=tracker.latest_message.get("text") or "")
        return state.finish(dispatcher)
