"""Scores `bot classify` output against a held-out file: per language, how often the bot
answers the right topic, another topic (the dangerous mistake), or "not sure"."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.dialogue import FALLBACK


@dataclass(frozen=True)
class Score:
    lang: str
    lines: int  # topic lines
    right: int
    wrong_topic: int  # answered with another topic's page
    off_topic: int  # lines that expect "not sure"
    off_topic_answered: int  # ... but got a topic: must be 0
    detected: int  # lines whose language the bot detected correctly
    all_lines: int

    @property
    def accuracy(self) -> float:
        return self.right / self.lines if self.lines else 0.0


def score(pairs: Iterable[tuple[dict, dict]], topics: Iterable[str]) -> list[Score]:
    """One row per language in the file (its `lang` field; English when absent)."""
    topic_ids = set(topics)
    rows: dict[str, dict[str, int]] = {}
    for case, out in pairs:
        lang = case.get("lang") or "en"
        row = rows.setdefault(lang, dict.fromkeys(
            ("lines", "right", "wrong_topic", "off_topic", "off_topic_answered", "detected",
             "all_lines"), 0))
        row["all_lines"] += 1
        row["detected"] += out.get("detected") == lang
        if case["expect"] == FALLBACK:
            row["off_topic"] += 1
            row["off_topic_answered"] += out["answer"] in topic_ids
            continue
        row["lines"] += 1
        row["right"] += out["answer"] == case["expect"]
        row["wrong_topic"] += out["answer"] != case["expect"] and out["answer"] in topic_ids
    return [Score(lang, **row) for lang, row in rows.items()]


def table(rows: list[Score]) -> str:
    """A Markdown table for the closing note and the benchmark's output."""
    lines = [
        "| language | topic lines | right | wrong topic | not sure | off-topic answered "
        "| language detected |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        unsure = r.lines - r.right - r.wrong_topic
        lines.append(
            f"| {r.lang} | {r.lines} | {_pct(r.right, r.lines)} | {_pct(r.wrong_topic, r.lines)} "
            f"| {_pct(unsure, r.lines)} | {r.off_topic_answered}/{r.off_topic} "
            f"| {_pct(r.detected, r.all_lines)} |"
        )
    return "\n".join(lines)


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"
