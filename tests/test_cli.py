"""`bot classify` and `bot content export`, run as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot import render
from bot.content import load_content
from tests.conftest import CONTENT_DIR

DATA = Path(__file__).parent / "data"
CLASSIFY_FILE = DATA / "classify_en.jsonl"
# Written apart from the training data, 12 phrasings per topic: see tests/data/README.md.
HELD_OUT_FILE = DATA / "classify_topics_en.jsonl"


def bot(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], input=stdin, capture_output=True, text=True,
        timeout=600,
    )


def classify_file(path: Path) -> list[tuple[dict, dict]]:
    """Runs `bot classify` on a test file; pairs each case with the bot's answer."""
    cases = [json.loads(line) for line in path.read_text().splitlines() if line]
    stdin = "\n".join(
        json.dumps({k: v for k, v in case.items() if k != "expect"}) for case in cases
    )
    result = bot("classify", stdin=stdin + "\n")
    assert result.returncode == 0, result.stderr[-2000:]
    outputs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(outputs) == len(cases)
    return list(zip(cases, outputs, strict=True))


@pytest.fixture(scope="module")
def classified(trained_model: Path) -> list[tuple[dict, dict]]:
    return classify_file(CLASSIFY_FILE)


@pytest.fixture(scope="module")
def held_out(trained_model: Path) -> list[tuple[dict, dict]]:
    return classify_file(HELD_OUT_FILE)


def test_classify_answers_starter_topics_and_refuses_off_topic(classified) -> None:
    wrong = [(case["text"], out["answer"], case["expect"]) for case, out in classified
             if out["answer"] != case["expect"]]
    assert not wrong, wrong


def test_classify_a_number_picks_from_the_main_menu(trained_model: Path) -> None:
    content = load_content(CONTENT_DIR)
    result = bot("classify", stdin='{"text": "2"}\n{"text": "99"}\n')
    answers = [json.loads(line)["answer"] for line in result.stdout.splitlines()]
    assert answers == [content.main_menu[1], "fallback"]


def test_held_out_phrasings_of_every_topic(held_out) -> None:
    """Unseen phrasings: mostly the right topic; a miss is "not sure", almost never another
    topic's legal answer; nothing off-topic is ever answered with a topic."""
    content = load_content(CONTENT_DIR)
    by_topic: dict[str, list[str]] = {}
    for case, out in held_out:
        by_topic.setdefault(case["expect"], []).append(out["answer"])
    assert set(content.topics) <= set(by_topic)
    assert all(len(by_topic[t]) >= 10 for t in content.topics)
    off_topic = by_topic.pop("fallback")
    assert not set(off_topic) & set(content.topics), off_topic  # "not sure" or the menu
    right = {t: sum(a == t for a in answers) / len(answers) for t, answers in by_topic.items()}
    total = sum(len(a) for a in by_topic.values())
    accuracy = sum(sum(a == t for a in answers) for t, answers in by_topic.items()) / total
    other_topic = [
        (t, a) for t, answers in by_topic.items() for a in answers
        if a != t and a in content.topics
    ]
    assert accuracy >= 0.85, right
    assert min(right.values()) >= 0.5, right
    assert len(other_topic) / total <= 0.03, other_topic


def test_classify_output_shape(classified) -> None:
    for case, out in classified:
        assert set(out) == {"text", "language", "intent", "confidence", "answer"}
        assert out["text"] == case["text"]
        assert out["language"] == case.get("lang", "en")
        assert 0.0 <= out["confidence"] <= 1.0


def test_classify_reports_bad_lines_and_goes_on(trained_model: Path) -> None:
    stdin = 'not json\n{"no_text": 1}\n{"text": "what is the nrm", "lang": "xx"}\n' \
            '{"text": "what is the nrm"}\n'
    result = bot("classify", stdin=stdin)
    lines = [json.loads(li) for li in result.stdout.splitlines()]
    assert [li.get("line") for li in lines[:3]] == [1, 2, 3]
    assert all("error" in li for li in lines[:3])
    assert lines[3]["answer"] == "nrm-what"


def test_export_lists_topics_with_pages_as_sent_by_sms() -> None:
    result = bot("content", "export", "--lang", "en")
    assert result.returncode == 0, result.stderr
    exported = json.loads(result.stdout)
    content = load_content(CONTENT_DIR)
    assert [t["id"] for t in exported] == list(content.topics)
    for topic in exported:
        assert set(topic) == {"id", "title", "pages", "sources", "last_reviewed", "reviewed"}
        expected = [render.sms_text(render.topic_page(content, topic["id"], i))
                    for i in range(len(content.topics[topic["id"]].pages))]
        assert topic["pages"] == expected
        assert topic["sources"] and topic["reviewed"] is True


def test_export_unknown_language_is_a_clear_error() -> None:
    result = bot("content", "export", "--lang", "klingon")
    assert result.returncode == 2
    assert "Unknown language 'klingon'" in result.stderr
