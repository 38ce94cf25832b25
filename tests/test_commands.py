"""Deterministic NLU: numbers, commands and bad input never reach the classifier."""

from __future__ import annotations

import pytest

from bot.nlu.commands import as_number, classify_command, load_commands

COMMANDS = load_commands()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3", ("choose_option", {"option": "3"})),
        (" 12. ", ("choose_option", {"option": "12"})),
        ("٣", ("choose_option", {"option": "3"})),  # Arabic-Indic
        ("۴", ("choose_option", {"option": "4"})),  # Persian
        ("0", ("change_language", {})),
        ("MORE", ("more", {})),
        ("More!", ("more", {})),
        ("back", ("go_back", {})),
        ("Menu.", ("menu", {})),
        ("DELETE", ("delete_data", {})),
        ("", ("empty_message", {})),
        (" \n ", ("empty_message", {})),
        ("x" * 1001, ("too_long", {})),
        ("😀😀", ("nlu_fallback", {})),
        ("?!", ("nlu_fallback", {})),
        ("/anything", ("nlu_fallback", {})),
        ("안녕하세요", ("unsupported_script", {})),
        ("what is the nrm", None),
        ("HE IS HERE", ("topic_emergency", {})),
        ("sumone hurting me", ("topic_emergency", {})),
        ("please help, they locked me in the room", ("topic_emergency", {})),
        ("I'm not safe!!", ("topic_emergency", {})),
        ("what is the nrm " * 80 + "he is coming", ("topic_emergency", {})),  # long too
        ("is this chat safe", None),
        ("unlocked into the system", None),  # not whole words
        ("more about the nrm please", None),
    ],
)
def test_classify_command(text: str, expected: tuple | None) -> None:
    assert classify_command(text, COMMANDS) == expected


def test_long_numbers_are_not_options() -> None:
    assert as_number("07700900123") is None
