"""The languages the bot speaks: codes, their own names and direction (from Babel's CLDR data)."""

from __future__ import annotations

from functools import cache

from babel import Locale

SOURCE_LANGUAGE = "en"
# In the order the language list shows them. Codes are fixed (catalog directory names).
LANGUAGES = (
    "en", "sq", "vi", "ti", "ar", "am", "fa", "ckb", "ro", "zh_Hans", "es", "pt", "fr", "pl",
)


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


def native_name(code: str) -> str:
    """The language's name in its own language and script ("shqip", "العربية", "ትግርኛ")."""
    name = _locale(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def english_name(code: str) -> str:
    return _locale(code).get_display_name("en") or code


def is_rtl(code: str) -> bool:
    return _locale(code).character_order == "right-to-left"
