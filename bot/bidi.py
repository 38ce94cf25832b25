"""Right-to-left text that survives SMS and chat apps (Unicode Bidirectional Algorithm).

A line's direction is taken from its first strong letter, so an Arabic line that starts
with "NRM" or "(2/5)" would be laid out left-to-right and its punctuation would jump to
the wrong end: every line with right-to-left letters in it starts with a RIGHT-TO-LEFT
MARK. (A line with none, such as "1. English" in the language list, stays left-to-right.)
A phone number's digit groups ("0800 0121 700") would be reordered right-to-left: every
run of digits with spaces, slashes, dots or dashes inside is isolated as left-to-right
(LRI ... PDI).
"""

from __future__ import annotations

import re
import unicodedata

RLM = "\u200f"
LRI = "\u2066"
PDI = "\u2069"
_NUMBER_RUN = re.compile(r"\+?\d[\d /.\-]*\d")


def _isolate_numbers(line: str) -> str:
    def wrap(match: re.Match[str]) -> str:
        run = match.group(0)
        return run if run.isdecimal() else f"{LRI}{run}{PDI}"

    return _NUMBER_RUN.sub(wrap, line)


def _has_rtl_letters(line: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in line)


def shape(text: str, rtl: bool) -> str:
    """The text as it must be sent in a right-to-left language (unchanged for others)."""
    if not rtl:
        return text
    return "\n".join(
        RLM + _isolate_numbers(line)
        if _has_rtl_letters(line) and not line.startswith(RLM)
        else line
        for line in text.split("\n")
    )
