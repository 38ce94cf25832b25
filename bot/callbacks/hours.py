"""Working hours ("mon-fri 09:00-17:00", UK time): whether staff are working now, and when
they next start, worded in the user's language by Babel's CLDR data."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

UK = ZoneInfo("Europe/London")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PATTERN = re.compile(
    r"^\s*(?P<first>[a-z]{3})\s*(?:-\s*(?P<last>[a-z]{3}))?\s+"
    r"(?P<open>\d{1,2}:\d{2})\s*-\s*(?P<close>\d{1,2}:\d{2})\s*$"
)


class HoursError(ValueError):
    pass


@dataclass(frozen=True)
class WorkingHours:
    days: frozenset[int]  # Monday is 0
    opens: dt.time
    closes: dt.time

    @classmethod
    def parse(cls, text: str) -> WorkingHours:
        """`mon-fri 09:00-17:00`, `sat 10:00-14:00`; a clear error for anything else."""
        match = _PATTERN.match(text.lower())
        if not match or match["first"] not in DAYS or (match["last"] or "mon") not in DAYS:
            raise HoursError(f"working hours must look like 'mon-fri 09:00-17:00', not {text!r}")
        first = DAYS.index(match["first"])
        last = DAYS.index(match["last"]) if match["last"] else first
        try:
            opens = dt.time.fromisoformat(match["open"].zfill(5))
            closes = dt.time.fromisoformat(match["close"].zfill(5))
        except ValueError as exc:
            raise HoursError(f"working hours {text!r}: {exc}") from None
        if closes <= opens:
            raise HoursError(f"working hours {text!r}: closing must be after opening")
        days = {d % 7 for d in range(first, last + 1 if last >= first else last + 8)}
        return cls(frozenset(days), opens, closes)

    def overlaps(self, start: dt.time, end: dt.time) -> bool:
        """Whether staff work some of the daily window start-end."""
        return start < self.closes and self.opens < end

    def is_open(self, now: dt.datetime) -> bool:
        local = now.astimezone(UK)
        return local.weekday() in self.days and self.opens <= local.time() < self.closes

    def next_open(self, now: dt.datetime) -> dt.datetime:
        """The next moment staff start work (UK time), after `now`."""
        local = now.astimezone(UK)
        for ahead in range(8):
            day = local.date() + dt.timedelta(days=ahead)
            start = dt.datetime.combine(day, self.opens, tzinfo=UK)
            if day.weekday() in self.days and start > local:
                return start
        raise AssertionError("a week always has a working day")  # parse() ensures one


def say_when(moment: dt.datetime, language: str) -> str:
    """e.g. "Monday 09:00", "lundi 09:00", "الاثنين 09:00" (day name from CLDR)."""
    return format_datetime(moment, "EEEE HH:mm", tzinfo=UK, locale=language)
