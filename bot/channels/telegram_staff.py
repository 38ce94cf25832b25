"""The Claim / Done / Couldn't reach buttons under a notice in the staff Telegram group.
A press acts as the staff account linked to the presser's Telegram user (`bot staff
telegram NAME ID`), exactly as on the dashboard, and updates the notice so the whole group
sees who has it. Presses from anyone not linked, or from any other chat, change nothing."""

from __future__ import annotations

from dataclasses import dataclass

from bot.callbacks.models import CLAIMED, CLOSED, COULD_NOT_REACH, DONE
from bot.callbacks.notify import STAFF_PREFIX, notice_text
from bot.callbacks.staff import account_for_telegram
from bot.callbacks.store import CallbackStore, StoreError

# What each button moves a request to.
TARGET_STATE = {"claim": CLAIMED, "done": DONE, "unreachable": COULD_NOT_REACH}


@dataclass(frozen=True)
class Pressed:
    answer: str  # the short pop-up the presser sees
    text: str | None = None  # the notice's new text (None: leave it)
    reference: str | None = None
    state: str | None = None


def is_staff_button(data: str) -> bool:
    return data.startswith(STAFF_PREFIX + ":")


def press(store: CallbackStore, data: str, telegram_user_id: int) -> Pressed:
    """Applies one press: claim needs nobody to have it; done and couldn't reach only by
    the worker who claimed it."""
    _, action, reference = (data.split(":", 2) + ["", ""])[:3]
    if action not in TARGET_STATE:
        return Pressed("Unknown button.")
    account = account_for_telegram(store, telegram_user_id)
    if account is None:
        return Pressed("Your Telegram is not linked to a staff account. Ask an admin to run: "
                       f"bot staff telegram YOUR_NAME {telegram_user_id}")
    worker = account.username
    try:
        row = store.get(reference)
        if action != "claim" and row.claimed_by != worker:
            return Pressed(f"Only {row.claimed_by or 'the worker who claims it'} can do that.")
        store.move(reference, TARGET_STATE[action], actor=worker,
                   claimed_by=None if action == "claim" else worker)
    except StoreError:
        row = store.get(reference)
        if row.state in CLOSED:
            return Pressed(f"Not changed: {reference} is closed ({row.state}).")
        return Pressed("Not changed: someone else got there first. Check the dashboard.")
    row = store.get(reference)
    done_by = {CLAIMED: "Claimed by", DONE: "Done by", COULD_NOT_REACH: "Could not reach, by"}
    text = f"{notice_text(row)}\n\n{done_by[row.state]} {worker}."
    return Pressed("Done.", text, reference, row.state)
