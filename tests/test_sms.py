"""SMS encoding and segments, against the GSM 03.38 default alphabet and extension table."""

from __future__ import annotations

import pytest

from bot.sms import GSM7_BASIC, GSM7_EXTENSION, is_gsm7, sms_info

# GSM 03.38 default alphabet, in table order (0x00-0x7F; 0x1B is the escape to extension).
GSM_0338_TABLE = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


def test_basic_alphabet_matches_the_0338_table() -> None:
    assert len(GSM_0338_TABLE) == 128
    assert set(GSM_0338_TABLE) - {"\x1b"} == GSM7_BASIC


def test_extension_table() -> None:
    assert set("^{}\\[~]|€\f") == GSM7_EXTENSION


@pytest.mark.parametrize(
    "text, encoding, units, segments",
    [
        ("", "GSM-7", 0, 0),
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        ("€" * 80, "GSM-7", 160, 1),  # extension characters count double
        ("€" * 81, "GSM-7", 162, 2),
        ("[hello]", "GSM-7", 9, 1),
        ("ا" * 70, "UCS-2", 70, 1),
        ("ا" * 71, "UCS-2", 71, 2),
        ("ا" * 134, "UCS-2", 134, 2),
        ("ሰ" * 135, "UCS-2", 135, 3),
        ("a" * 159 + "’", "UCS-2", 160, 3),  # one curly quote makes the whole text UCS-2
        ("😀" * 35, "UCS-2", 70, 1),  # an emoji is two UTF-16 units
    ],
)
def test_segments(text: str, encoding: str, units: int, segments: int) -> None:
    info = sms_info(text)
    assert (info.encoding, info.units, info.segments) == (encoding, units, segments)


def test_escape_pair_is_not_split_across_segments() -> None:
    # 152 plain + one extension char: 154 septets; the pair cannot straddle 153.
    text = "a" * 152 + "€" + "a" * 152
    assert sms_info(text).units == 306
    assert sms_info(text).segments == 3


def test_surrogate_pair_is_not_split_across_segments() -> None:
    text = "a" * 66 + "😀" + "ا" * 66
    assert sms_info(text).units == 134
    assert sms_info(text).segments == 3


def test_is_gsm7() -> None:
    assert is_gsm7("Call 999. Helpline: 08000 121 700 & more")
    assert not is_gsm7("“quoted”")
    assert not is_gsm7("مرحبا")
