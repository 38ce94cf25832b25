"""The Claim / Done / Couldn't reach buttons under a notice in the staff Telegram group.
A press changes the request in the store (with the worker's Telegram name in the audit
trail) and the notice under it, so the whole group sees who has it. Presses from any other
chat are ignored: membership of the staff group is what lets someone press."""

from __future__ import annotations

from dataclasses import dataclass

from bot.callbacks.models import CLAIMED, COULD_NOT_REACH, DONE
from bot.callbacks.notify import STAFF_PREFIX, notice_text
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


def press(store: CallbackStore, data: str, worker: str) -> Pressed:
    """Applies one press: claim needs nobody to have it; done and couldn't reach only by
    the worker who claimed it."""
    _, action, reference = (data.split(":", 2) + ["", ""])[:3]
    if action not in TARGET_STATE:
        return Pressed("Unknown button.")
    try:
        row = store.get(reference)
        if action != "claim" and row.claimed_by != worker:
            return Pressed(f"Only {row.claimed_by or 'the worker who claims it'} can do that.")
        store.move(reference, TARGET_STATE[action], actor=worker,
                   claimed_by=None if action == "claim" else worker)
    except StoreError:
        return Pressed("Not changed: someone else got there first. Check the dashboard.")
    row = store.get(reference)
    done_by = {CLAIMED: "Claimed by", DONE: "Done by", COULD_NOT_REACH: "Could not reach, by"}
    text = f"{notice_text(row)}\n\n{done_by[row.state]} {worker}."
    return Pressed("Done.", text, reference, row.state)
