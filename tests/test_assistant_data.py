"""The Rasa project agrees with the content: every topic can be asked for and answered."""

from __future__ import annotations

import json

import yaml

from bot.content import load_content
from bot.dialogue import ANSWERS, NAVIGATION_INTENTS, answer_for, intent_for_topic
from bot.languages import LANGUAGES
from bot.settings import ASSISTANT_DIR, PROJECT_ROOT
from bot.text import normalise
from tests.conftest import CONTENT_DIR

CONTENT = load_content(CONTENT_DIR)
DOMAIN = yaml.safe_load((ASSISTANT_DIR / "domain.yml").read_text())
RULES = yaml.safe_load((ASSISTANT_DIR / "data" / "rules" / "answers.yml").read_text())


def examples_by_language() -> dict[str, dict[str, list[str]]]:
    """language -> intent -> training examples (from data/nlu/<language>/*.yml)."""
    found: dict[str, dict[str, list[str]]] = {}
    for path in sorted((ASSISTANT_DIR / "data" / "nlu").glob("*/*.yml")):
        for block in yaml.safe_load(path.read_text("utf-8"))["nlu"]:
            lines = [li.strip()[2:] for li in block["examples"].splitlines()
                     if li.strip().startswith("- ")]
            found.setdefault(path.parent.name, {}).setdefault(block["intent"], []).extend(lines)
    return found


def nlu_examples() -> dict[str, int]:
    counts: dict[str, int] = {}
    for intents in examples_by_language().values():
        for intent, lines in intents.items():
            counts[intent] = counts.get(intent, 0) + len(lines)
    return counts


def test_every_language_has_examples_for_every_topic() -> None:
    by_language = examples_by_language()
    assert set(by_language) == set(LANGUAGES)
    for lang, intents in by_language.items():
        for topic_id in CONTENT.topics:
            assert len(intents.get(intent_for_topic(topic_id), [])) >= 12, (lang, topic_id)


def test_held_out_lines_are_not_training_examples() -> None:
    """The held-out files measure unseen phrasings only if none of them is trained on."""
    trained = {
        normalise(line)
        for intents in examples_by_language().values()
        for lines in intents.values()
        for line in lines
    }
    copied = [
        case["text"]
        for path in sorted((PROJECT_ROOT / "tests" / "data").glob("classify_topics_*.jsonl"))
        for case in map(json.loads, path.read_text("utf-8").splitlines())
        if normalise(case["text"]) in trained
    ]
    assert not copied, copied


def ruled_intents() -> dict[str, str]:
    found = {}
    for rule in RULES["rules"]:
        action = rule["steps"][-1]["action"]
        for option in rule["steps"][0]["or"]:
            found[option["intent"]] = action
    return found


def test_every_topic_has_an_intent_examples_and_a_rule() -> None:
    examples, rules = nlu_examples(), ruled_intents()
    for topic_id in CONTENT.topics:
        intent = intent_for_topic(topic_id)
        assert intent in DOMAIN["intents"], topic_id
        assert examples.get(intent, 0) >= 12, topic_id
        assert rules.get(intent) == "action_answer", topic_id
        assert answer_for(intent, CONTENT.topics) == topic_id


def test_every_domain_intent_is_routed() -> None:
    rules = ruled_intents()
    for intent in DOMAIN["intents"]:
        expected = "action_navigate" if intent in NAVIGATION_INTENTS else "action_answer"
        assert rules.get(intent) == expected, intent
    assert rules["nlu_fallback"] == "action_answer"


def test_non_topic_answers_are_the_documented_set() -> None:
    assert set(ANSWERS.values()) == {
        "menu", "callback", "callback_status", "cancel_callback", "delete", "language", "fallback"}
    assert answer_for("no_such_intent", CONTENT.topics) == "fallback"
    assert answer_for(None, CONTENT.topics) == "fallback"
