"""Plain-text helpers shared by the NLU component and the action server (no Rasa import)."""

from __future__ import annotations

import re
import unicodedata

# Latin, Arabic (؟ ، ؛), Chinese (。！？，、；：) and Ge'ez (። ፧ ፣ ፤) punctuation, and quotes
# (« » “ ” ‘ ’ 「 」), so a command word copied with the quotes around it still works.
_PUNCTUATION = re.compile(
    r"[\s\.,!?;:'\"\u061f\u060c\u061b\u3002\uff01\uff1f\uff0c\u3001\uff1b\uff1a"
    r"\u1361\u1362\u1363\u1364\u1367\u00ab\u00bb\u201c\u201d\u2018\u2019\u300c\u300d]+"
)


def has_word_spaces(text: str) -> bool:
    """Whether the script writes spaces between words (Chinese does not)."""
    return "CJK" not in scripts_of(text)


def normalise(text: str) -> str:
    """Case-folded, accents kept, punctuation and spaces collapsed to single spaces, and
    invisible format characters (direction marks, Persian's zero-width non-joiner) dropped."""
    visible = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return _PUNCTUATION.sub(" ", unicodedata.normalize("NFC", visible).casefold()).strip()


def as_number(text: str) -> int | None:
    """A message that is only a number, in any script's digits (٣, ۳, ३ ...)."""
    stripped = _PUNCTUATION.sub("", text)
    if not stripped or len(stripped) > 3 or not all(ch.isdecimal() for ch in stripped):
        return None
    return int("".join(str(unicodedata.decimal(ch)) for ch in stripped))


def scripts_of(text: str) -> set[str]:
    """Unicode script-ish names (LATIN, ARABIC, ETHIOPIC, CJK ...) of the letters in text."""
    found = set()
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            found.add(name.split(" ")[0] if name else "UNKNOWN")
    return found
