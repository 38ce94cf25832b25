"""The call back request, asked one question at a time with numbered answers, in the
user's language: which number is safe, when, voicemail, whether we may say who we are, the
language of the call and an interpreter, and (optionally) the topic. It never asks what
happened. Then STATUS and CANCEL CALL for a request already made.

The form lives in one slot (`callback_form`) and is driven by the same action as every
other answer, so danger words, typed numbers and bidi layout work inside it exactly as
outside. The request is committed to the store before the user is told its reference.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import re
from functools import lru_cache
from typing import Any

from cryptography.fernet import InvalidToken

from actions.state import State, Turn
from bot import render
from bot.callbacks.hours import WorkingHours, say_when
from bot.callbacks.models import CLAIMED, COULD_NOT_REACH, WITHDRAWN
from bot.callbacks.notify import notify, targets_from_env
from bot.callbacks.phone import parse_phone, readable
from bot.callbacks.store import CallbackStore, NewRequest, StoreError, migrate
from bot.channels.identity import CALLBACK_KEY_VARIABLE
from bot.dialogue import (
    BAD_INPUT_TEXT,
    CONTACT_PAYLOAD,
    MENU_ITEM_INTENTS,
    answer_for,
    payload_for_intent,
)
from bot.languages import native_name
from bot.render import Button, Reply
from bot.settings import load_settings
from bot.text import normalise

logger = logging.getLogger(__name__)

YES_NO = {
    "this_number": ("callback_this_number_yes", "callback_this_number_no"),
    "confirm_number": ("callback_this_number_yes", "callback_this_number_no"),
    "voicemail": ("callback_voicemail_yes", "callback_voicemail_no"),
    "say_who": ("callback_say_who_yes", "callback_say_who_no"),
    "interpreter": ("callback_interpreter_yes", "callback_interpreter_no"),
}
# Times of day she can choose, each offered only if staff work some of it (UK time).
TIME_WINDOWS = {"morning": (dt.time(6), dt.time(12)), "afternoon": (dt.time(12), dt.time(17)),
         "evening": (dt.time(17), dt.time(22)), "any": None}
# The order of the questions after the number; `interpreter` is skipped for English calls.
STEPS = ("time", "voicemail", "say_who", "language", "interpreter", "topic")
# A classifier's guess of "emergency" must be this sure (a margin; see bot/nlu/linear.py) to
# interrupt the questions or to make a call back urgent: "I don't know" once came out as
# emergency at 0.38. Danger phrases are decided by word list, at 1.0, and always count.
URGENT_CONFIDENCE = 0.6
# Where an answer's short form ends: "Yes, you may..." (also Arabic, Chinese commas).
ANSWER_PARTS = re.compile(r"[,،、，]")
STATUS_TEXT = {
    "new": "callback_status_new",
    CLAIMED: "callback_status_claimed",
    COULD_NOT_REACH: "callback_status_could_not_reach",
}


def get_store() -> CallbackStore | None:
    """The store, migrated once per action server; None when call backs are not set up
    (no BOT_CALLBACK_KEY) or the database cannot be reached now (tried again next time),
    and the user is told so honestly."""
    try:
        return _open_store()
    except Exception:  # noqa: BLE001 - no database must still get an honest answer
        logger.exception("The callback store cannot be opened")
        return None


@lru_cache(maxsize=1)
def _open_store() -> CallbackStore | None:
    key = os.environ.get(CALLBACK_KEY_VARIABLE, "").strip()
    if not key:
        logger.warning("Call backs are off: %s is not set.", CALLBACK_KEY_VARIABLE)
        return None
    url = load_settings().callback_db
    migrate(url)
    return CallbackStore(url, key)


@lru_cache(maxsize=1)
def working_hours() -> WorkingHours:
    return WorkingHours.parse(load_settings().working_hours)


def own_contact(turn: Turn) -> str | None:
    """The sender's own number from the channel, if it is a token our key can read."""
    token = turn.contact
    store = get_store()
    if not token or store is None:
        return None
    try:
        store.fernet.decrypt(token.encode())
    except (InvalidToken, ValueError):
        return None
    return token


# ------------------------------------------------------------------ outside the form


def start(state: State) -> None:
    """CALL, "talk to a person", the menu item: the first question, unless a request is
    already open (then where it is) or call backs are not set up (then the Helpline)."""
    content = state.content
    found = _open_requests(state)
    if found is None:
        return
    if found[1]:
        state.say(Reply(content.text("callback_already_open", reference=found[1][-1].reference)),
                  Reply(content.text("callback_how_to_cancel")))
        return
    state.leave_topic()
    state.form = {"step": _first_step(state.turn), "urgent": state.urgent}
    state.say(Reply(content.text("callback_intro")))
    _ask(state)


def status(state: State) -> None:
    content = state.content
    found = _open_requests(state, say_none=True)
    if found is None:
        return
    for request in found[1]:
        state.say(Reply(content.text(STATUS_TEXT[request.state], reference=request.reference)))
    state.say(Reply(content.text("callback_how_to_cancel")))


def withdraw(state: State) -> None:
    """CANCEL CALL outside the form: every open request of this sender is withdrawn."""
    found = _open_requests(state, say_none=True)
    if found is None:
        return
    store, requests = found
    for request in requests:
        try:
            store.move(request.reference, WITHDRAWN, actor="survivor")
        except StoreError:
            continue  # a worker closed it a moment ago: nothing to withdraw
        except Exception:  # noqa: BLE001 - she must hear that it did not work
            logger.exception("A call back request could not be withdrawn")
            state.say(Reply(state.content.text("callback_unavailable")))
            return
        _notify_later(store, request.reference)  # whoever has it must not call now
        state.say(Reply(state.content.text("callback_withdrawn", reference=request.reference)))


def danger_seen(state: State) -> None:
    """Danger words after a request was made: her open requests become urgent, and staff
    are told again at once."""
    store = get_store()
    if store is None:
        return
    try:
        for request in store.open_for_sender(state.turn.sender):
            if store.make_urgent(request.reference, actor="survivor"):
                _notify_later(store, request.reference)
    except Exception:  # noqa: BLE001 - the emergency page has been shown; log and go on
        logger.exception("Open requests could not be marked urgent")


def _open_requests(
    state: State, say_none: bool = False
) -> tuple[CallbackStore, list[Any]] | None:
    """The store and this sender's open requests; None, with the reason said, when call
    backs are off, the store cannot be read, or (`say_none`) there are none."""
    content = state.content
    store = get_store()
    try:
        requests = store.open_for_sender(state.turn.sender) if store else None
    except Exception:  # noqa: BLE001 - a database fault must still get an honest answer
        logger.exception("The callback store could not be read")
        requests = None
    if store is None or requests is None:
        state.say(Reply(content.text("callback_unavailable")))
        return None
    if say_none and not requests:
        state.say(Reply(content.text("callback_status_none")))
        return None
    return store, requests


# ------------------------------------------------------------------ inside the form


def answer(state: State, intent: str | None, entities: dict[str, str], text: str) -> None:
    """One message while the form is open. Danger first; CANCEL CALL or MENU leave; anything
    else is an answer to the question asked, re-asked with a clear message when it is not."""
    content, turn = state.content, state.turn
    form = state.form
    assert form is not None
    emergency = answer_for(intent, content.topics) == "emergency"
    if emergency and turn.confidence >= URGENT_CONFIDENCE:
        form["urgent"] = state.urgent = True
        _show_emergency(state, 0)
        state.say(Reply(content.text("callback_danger_note")))
        _ask(state)
        return
    if emergency:  # a guess, not sure enough to interrupt: the 999 line, then the question
        state.say(Reply(content.text("disclaimer_line")))
    if intent == "more" and "emergency_page" in form:  # MORE under the emergency page
        _show_emergency(state, form["emergency_page"] + 1)
        _ask(state)
        return
    if intent in ("cancel_callback", "menu"):
        leave(state)
        state.say(Reply(content.text("callback_left_form")), render.main_menu(content))
        return
    step = form["step"]
    if step == "submit":  # saving failed before: any message tries again
        submit(state)
        return
    if intent in BAD_INPUT_TEXT:
        state.say(Reply(content.text(BAD_INPUT_TEXT[intent])))
        _ask(state)
        return
    if step in ("typed_number", "shared_number"):
        contact = own_contact(turn) if intent == "callback_contact" else None
        if contact is None:
            number = parse_phone(text)
            store = get_store()
            if number is None or store is None:
                state.say(Reply(content.text("callback_bad_number")))
                _ask(state)
                return
            form["contact"] = store.fernet.encrypt(number.encode()).decode()
            form["step"] = "confirm_number"  # a typo would call a stranger: read it back
            _ask(state)
            return
        form["contact"] = contact
        _advance(state)
        return
    choices = _choices(state, step)
    picked = _picked(choices, step, intent, entities, text)
    if picked is None:
        state.say(Reply(content.text("callback_choose_number")))
        _ask(state)
        return
    value = choices[picked][1]
    if step in ("this_number", "confirm_number"):
        if value:
            form["contact"] = own_contact(turn) if step == "this_number" else form["contact"]
        else:
            form.pop("contact", None)
            form["step"] = "typed_number"
            _ask(state)
            return
    else:
        form[step] = value
    _advance(state)


def _show_emergency(state: State, page: int) -> None:
    """The emergency page (MORE goes on through it), the questions kept where they were."""
    assert state.form is not None
    last = render.page_count(state.content, "emergency") - 1
    state.form["emergency_page"] = min(page, last)
    state.go_to("emergency", min(page, last))
    state.show_page()
    state.leave_topic()


def leave(state: State) -> None:
    state.form = None
    state.options = []


def _first_step(turn: Turn) -> str:
    if own_contact(turn):  # SMS or WhatsApp: the number she writes from may be the safe one
        return "this_number"
    return "shared_number" if turn.channel == "telegram" else "typed_number"


def _advance(state: State) -> None:
    form = state.form
    assert form is not None
    form.pop("emergency_page", None)  # MORE means the emergency page only right after it
    remaining = [s for s in STEPS if s not in form]
    if form.get("language") == "en" and "interpreter" in remaining:
        form["interpreter"] = False
        remaining.remove("interpreter")
    if remaining:
        form["step"] = remaining[0]
        _ask(state)
        return
    form["step"] = "submit"
    submit(state)


def _choices(state: State, step: str) -> list[tuple[str, Any]]:
    """The numbered answers to a question: (title, value)."""
    content = state.content
    if step in YES_NO:
        yes, no = YES_NO[step]
        return [(content.text(yes), True), (content.text(no), False)]
    if step == "time":
        hours = working_hours()
        return [(content.text(f"callback_time_{name}"), name)
                for name, window in TIME_WINDOWS.items()
                if window is None or hours.overlaps(*window)]
    if step == "language":
        return [(native_name(code), code) for code in state.all_content.languages]
    assert step == "topic"
    topics = [i for i in content.main_menu if i not in MENU_ITEM_INTENTS]
    return [(content.fill(content.topics[t].title), t) for t in topics] + [
        (content.text("callback_topic_skip"), None)
    ]


QUESTIONS = {
    "this_number": "callback_ask_this_number",
    "typed_number": "callback_ask_typed_number",
    "shared_number": "callback_ask_shared_number",
    "confirm_number": "callback_confirm_number",
    "time": "callback_ask_time",
    "voicemail": "callback_ask_voicemail",
    "say_who": "callback_ask_say_who",
    "language": "callback_ask_language",
    "interpreter": "callback_ask_interpreter",
    "topic": "callback_ask_topic",
}


def _ask(state: State) -> None:
    content = state.content
    assert state.form is not None
    step = state.form["step"]
    if step not in QUESTIONS:  # "submit": saving failed; her next message tries again
        state.say(Reply(content.text("callback_not_saved")))
        return
    shown = _readable_number(state.form) if step == "confirm_number" else {}
    text = content.text(QUESTIONS[step], **shown)
    if step == "typed_number":
        state.say(Reply(text))
    elif step == "shared_number":
        state.say(Reply(text, (Button(content.text("button_share_number"), CONTACT_PAYLOAD),)))
    else:
        titles = [title for title, _ in _choices(state, step)]
        buttons = tuple(
            Button(f"{n}. {t}", payload_for_intent(
                "choose_option", {"option": str(n), "question": step}))
            for n, t in enumerate(titles, 1)
        )
        state.say(Reply(text, buttons))
    state.options = []  # a typed number answers the question, not an older list


def _readable_number(form: dict[str, Any]) -> dict[str, str]:
    """The typed number, decrypted and grouped as people read it (+44 20 7946 0123)."""
    store = get_store()
    assert store is not None
    return {"number": readable(store.fernet.decrypt(str(form["contact"]).encode()).decode())}


def _picked(
    choices: list[tuple[str, Any]], step: str, intent: str | None, entities: dict[str, str],
    text: str,
) -> int | None:
    """The index chosen by a typed number or button, or by typing the answer's words
    ("yes", "morning", the language's name)."""
    if intent == "choose_option":
        if entities.get("question", step) != step:
            return None  # a button under an earlier question: not an answer to this one
        option = entities.get("option", "")
        number = int(option) if option.isdigit() else 0
        return number - 1 if 1 <= number <= len(choices) else None
    typed = normalise(text)
    if not typed:
        return None
    for index, (title, _) in enumerate(choices):
        first_part = ANSWER_PARTS.split(title, maxsplit=1)[0]  # "Yes" of "Yes, you may..."
        if typed in (normalise(title), normalise(first_part)):
            return index
    return None


def submit(state: State) -> None:
    """Commits the request, then tells her the reference, when to expect the call and how
    to cancel. If the store fails, the answers are kept and any message tries again."""
    content = state.content
    form = state.form
    assert form is not None
    store = get_store()
    try:
        if store is None:
            raise StoreError("call backs are not set up")
        contact = store.fernet.decrypt(str(form["contact"]).encode()).decode()
        reference = store.create(NewRequest(
            sender=state.turn.sender, contact=contact, safe_time=form["time"],
            voicemail_ok=form["voicemail"], say_organisation_ok=form["say_who"],
            language=form["language"], interpreter=form["interpreter"],
            topic=form.get("topic"), urgent=bool(form.get("urgent")),
        ))
    except Exception:  # noqa: BLE001 - whatever failed, she is told and nothing is lost
        logger.exception("A call back request could not be saved")
        state.say(Reply(content.text("callback_not_saved")))
        return
    leave(state)
    _notify_later(store, reference)
    now = dt.datetime.now(dt.timezone.utc)
    hours = working_hours()
    if hours.is_open(now):
        when = content.text("callback_when_open")
    else:
        when = content.text("callback_when_closed",
                            next_open=say_when(hours.next_open(now), content.lang))
    state.say(Reply(content.text("callback_saved", reference=reference)), Reply(when),
              Reply(content.text("callback_how_to_cancel")))


def _notify_later(store: CallbackStore, reference: str) -> None:
    """Staff are told in the background, so the survivor's reply never waits for them."""

    async def send() -> None:
        targets = targets_from_env()
        if not targets:
            return
        request = await asyncio.to_thread(store.get, reference)
        failed = await notify(targets, request)
        if len(failed) < len(targets):
            await asyncio.to_thread(store.mark_notified, reference)

    try:
        task = asyncio.get_running_loop().create_task(send())
    except RuntimeError:  # no event loop (a unit test calling the action directly)
        asyncio.run(send())
        return
    _background.add(task)
    task.add_done_callback(_background.discard)


_background: set[asyncio.Task[None]] = set()
