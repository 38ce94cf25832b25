"""Phone numbers for call backs, read and shown with libphonenumber: one place for what
the survivor's questions accept and how a number is shown to her and to a worker."""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "GB"  # numbers typed without +country code are read as UK numbers


def parse_phone(text: str) -> str | None:
    """A callable number in E.164 (`+447700900123`), or None. UK unless it starts with +."""
    cleaned = text.strip()
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    try:
        number = phonenumbers.parse(cleaned, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def readable(number: str) -> str:
    """+44 20 7946 0123 rather than +442079460123: easier to check and to dial."""
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
