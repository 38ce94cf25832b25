"""SMS encoding and segment counting (GSM 03.38 / 3GPP TS 23.038), written once.

A text that uses only the GSM-7 default alphabet (plus extension characters, which
take two septets) is sent as GSM-7: 160 septets in one segment, 153 per segment when
split. Anything else is sent as UCS-2: 70 UTF-16 code units, 67 per segment when split.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")


@dataclass(frozen=True)
class SmsInfo:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    segments: int


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def sms_info(text: str) -> SmsInfo:
    """Encoding, length in encoding units, and number of segments for one message."""
    if is_gsm7(text):
        units = sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)
        single, multi, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, multi, encoding = 70, 67, "UCS-2"
    if units <= single:
        count = 1 if units else 0
    elif encoding == "GSM-7":
        count = _gsm7_split_count(text, multi)
    else:
        count = _ucs2_split_count(text, multi)
    return SmsInfo(encoding=encoding, units=units, segments=count)


def _gsm7_split_count(text: str, per_segment: int) -> int:
    """An escape pair (extension character) is never split across two segments."""
    count, used = 1, 0
    for ch in text:
        width = 2 if ch in GSM7_EXTENSION else 1
        if used + width > per_segment:
            count, used = count + 1, 0
        used += width
    return count


def _ucs2_split_count(text: str, per_segment: int) -> int:
    """A surrogate pair (for example an emoji) is never split across two segments."""
    count, used = 1, 0
    for ch in text:
        width = 2 if ord(ch) > 0xFFFF else 1
        if used + width > per_segment:
            count, used = count + 1, 0
        used += width
    return count


def segments(text: str) -> int:
    return sms_info(text).segments
