"""The summary page's figures: counts and times only, never anything about a person."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from bot.callbacks.models import COULD_NOT_REACH, DONE, CallbackRequest
from bot.languages import english_name

CALLED = frozenset({DONE, COULD_NOT_REACH})  # a call was made, whether or not she answered


@dataclass(frozen=True)
class Summary:
    per_week: list[tuple[str, float]]
    hours_to_first_call: list[tuple[str, float | None]]  # median per week; None: no calls
    by_language: list[tuple[str, float]]
    total: int
    urgent: int
    median_hours: float | None


def hours_to_first_call(request: CallbackRequest) -> float | None:
    """From the request to the first call made (done or could not reach), in hours."""
    for event in request.events:
        if event.to_state in CALLED:
            return (event.at - request.created_at).total_seconds() / 3600
    return None


def summarise(requests: list[CallbackRequest], now: dt.datetime, weeks: int = 8) -> Summary:
    monday = (now - dt.timedelta(days=now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0)
    starts = [monday - dt.timedelta(weeks=n) for n in reversed(range(weeks))]
    per_week: list[tuple[str, float]] = []
    hours_week: list[tuple[str, float | None]] = []
    for start in starts:
        end = start + dt.timedelta(weeks=1)
        label = "w/c " + start.strftime("%d %b")
        these = [r for r in requests if start <= r.created_at < end]
        per_week.append((label, len(these)))
        hours = [h for h in map(hours_to_first_call, these) if h is not None]
        hours_week.append((label, round(statistics.median(hours), 1) if hours else None))
    recent = [r for r in requests if r.created_at >= starts[0]]
    languages = Counter(english_name(r.language) for r in recent)
    all_hours = [h for h in map(hours_to_first_call, recent) if h is not None]
    return Summary(
        per_week=per_week,
        hours_to_first_call=hours_week,
        by_language=sorted(languages.items(), key=lambda item: (-item[1], item[0])),
        total=len(recent),
        urgent=sum(1 for r in recent if r.urgent),
        median_hours=round(statistics.median(all_hours), 1) if all_hours else None,
    )


def bar_chart(items: list[tuple[str, float | None]], unit: str, title: str) -> Markup:
    """A horizontal bar chart as inline SVG (no script, works without JavaScript), with
    the figures written out so the chart is readable by a screen reader too."""
    row, label_width, bar_width = 26, 110, 300
    top = max((value or 0 for _, value in items), default=0) or 1
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {label_width + bar_width + 70} {row * max(len(items), 1) + 4}" '
        f'width="100%">'
    ]
    for index, (label, value) in enumerate(items):
        y = index * row + 2
        width = bar_width * (value or 0) / top
        shown = "no calls" if value is None else f"{value:g} {unit}".strip()
        parts.append(
            f'<text x="0" y="{y + 17}">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{width:.1f}" height="{row - 8}"/>'
            f'<text x="{label_width + width + 6:.1f}" y="{y + 17}">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
