"""The call back store's background work, every minute, in its own process (`python -m
bot.callbacks.jobs`, started by `bot run` whenever call backs are on): the SLA reminder for
requests nobody has claimed in time, and the retention purge of numbers."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time

from bot.callbacks.hours import WorkingHours
from bot.callbacks.models import utcnow
from bot.callbacks.notify import notify, targets_from_env
from bot.callbacks.store import CallbackStore, migrate
from bot.settings import load_settings

logger = logging.getLogger(__name__)


async def run_due(
    store: CallbackStore, sla_minutes: int, retention_days: int,
    targets: list | None = None, now: dt.datetime | None = None,
    hours: WorkingHours | None = None,
) -> tuple[int, int]:
    """Reminds staff of every overdue request and purges expired numbers; returns
    (requests reminded, numbers purged). Outside working `hours` only urgent requests are
    reminded: nobody's duty phone should ring all weekend for a request that can wait."""
    targets = targets_from_env() if targets is None else targets
    at_work = hours is None or hours.is_open(
        (now or utcnow()).replace(tzinfo=dt.timezone.utc))
    reminded = 0
    if targets:
        for request in store.overdue(sla_minutes, now=now):
            if not (request.urgent or at_work):
                continue
            failed = await notify(targets, request, reminder=True)
            if len(failed) < len(targets):
                store.mark_notified(request.reference, now=now)
                reminded += 1
    return reminded, store.purge(retention_days, now=now)


def run_forever(store: CallbackStore, sla_minutes: int, retention_days: int,
                hours: WorkingHours, every: float = 60.0) -> None:
    while True:
        try:
            reminded, purged = asyncio.run(
                run_due(store, sla_minutes, retention_days, hours=hours))
            if reminded or purged:
                logger.info("Reminded staff of %d request(s); purged %d number(s)",
                            reminded, purged)
        except Exception:  # noqa: BLE001 - a bad minute must not end the reminders
            logger.exception("Call back reminders failed this time")
        time.sleep(every)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = load_settings()
    migrate(settings.callback_db)
    store = CallbackStore(settings.callback_db, None)  # states and dates only, no numbers
    run_forever(store, settings.sla_minutes, settings.callback_retention_days,
                WorkingHours.parse(settings.working_hours))


if __name__ == "__main__":
    main()
