"""Deterministic NLU: numbers, commands and bad input never reach the classifier."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.nlu.commands import (
    COMMANDS_FILE,
    LANGUAGE_COMMANDS_DIR,
    CommandsError,
    as_number,
    classify_command,
    load_commands,
)

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


LANGUAGE_FILES = sorted(LANGUAGE_COMMANDS_DIR.glob("*.yml"))


@pytest.mark.parametrize("path", LANGUAGE_FILES, ids=lambda p: p.stem)
def test_every_language_s_command_words_and_danger_phrases_work(path: Path) -> None:
    data = yaml.safe_load(path.read_text("utf-8"))
    for intent, words in data["words"].items():
        for word in words:
            assert classify_command(str(word), COMMANDS) == (intent, {}), (path.stem, word)
    assert len(data["danger"]) >= 10, path.stem
    for phrase in data["danger"]:
        # Anywhere in a longer message, after a number and before a question.
        message = f"12 {phrase}, ???"
        assert classify_command(message, COMMANDS) == ("topic_emergency", {}), (path.stem, phrase)


def test_chinese_danger_phrases_match_without_spaces() -> None:
    zh = yaml.safe_load((LANGUAGE_COMMANDS_DIR / "zh_Hans.yml").read_text("utf-8"))["danger"]
    message = f"我好害怕{zh[0]}快点"  # no spaces anywhere, as Chinese is written
    assert classify_command(message, COMMANDS) == ("topic_emergency", {})


def test_a_word_meaning_two_commands_in_two_languages_is_refused(tmp_path: Path) -> None:
    (tmp_path / "xx.yml").write_text("words:\n  menu: [more]\ndanger: []\n", "utf-8")
    with pytest.raises(CommandsError, match="'more' means menu here and more elsewhere"):
        load_commands(COMMANDS_FILE, tmp_path)


def test_a_broken_language_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "xx.yml").write_text("words: [unclosed\n", "utf-8")
    with pytest.raises(CommandsError, match="xx.yml"):
        load_commands(COMMANDS_FILE, tmp_path)


@pytest.mark.parametrize("text", ["«المزيد»", "“更多”", "\u200fالمزيد"])
def test_command_words_copied_with_quotes_or_marks_still_work(text: str) -> None:
    assert classify_command(text, COMMANDS) == ("more", {})
