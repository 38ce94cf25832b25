"""The call back store's background work, run every minute by the dashboard process: the
SLA reminder for requests nobody has claimed in time, and the retention purge."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading

from bot.callbacks.notify import notify, targets_from_env
from bot.callbacks.store import CallbackStore

logger = logging.getLogger(__name__)


async def run_due(
    store: CallbackStore, sla_minutes: int, retention_days: int,
    targets: list | None = None, now: dt.datetime | None = None,
) -> tuple[int, int]:
    """Reminds staff of every overdue request and purges expired numbers; returns
    (requests reminded, numbers purged)."""
    targets = targets_from_env() if targets is None else targets
    reminded = 0
    if targets:
        for request in store.overdue(sla_minutes, now=now):
            failed = await notify(targets, request, reminder=True)
            if len(failed) < len(targets):
                store.mark_notified(request.reference, now=now)
                reminded += 1
    return reminded, store.purge(retention_days, now=now)


def start_in_background(
    store: CallbackStore, sla_minutes: int, retention_days: int, every: float = 60.0
) -> threading.Event:
    """Runs `run_due` every `every` seconds in a daemon thread; set the event to stop."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                reminded, purged = asyncio.run(run_due(store, sla_minutes, retention_days))
                if reminded or purged:
                    logger.info("Reminded staff of %d request(s); purged %d number(s)",
                                reminded, purged)
            except Exception:  # noqa: BLE001 - a bad minute must not end the reminders
                logger.exception("Call back reminders failed this time")
            stop.wait(every)

    threading.Thread(target=loop, name="callback-jobs", daemon=True).start()
    return stop
