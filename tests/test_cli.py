"""`bot classify` and `bot content export`, run as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot import render
from bot.content import load_content
from bot.evaluate import score, table
from bot.languages import LANGUAGES
from tests.conftest import CONTENT_DIR

DATA = Path(__file__).parent / "data"
CLASSIFY_FILE = DATA / "classify_en.jsonl"
# Written apart from the training data, per language: see tests/data/README.md.
HELD_OUT_FILES = sorted(DATA.glob("classify_topics_*.jsonl"))
# Regression guards, a little below what the model measured (see the closing note of
# issue 5): share of a language's held-out topic lines answered with the right topic, at
# least; with another topic's page, at most (per language and overall); share of off-topic
# lines answered with a topic, at most. The aim for the last is none at all.
MIN_ACCURACY_EN = 0.88
MIN_ACCURACY = 0.78
MAX_WRONG_TOPIC = 0.06
MAX_WRONG_TOPIC_OVERALL = 0.03
MAX_OFF_TOPIC_ANSWERED = 0.01


def bot(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], input=stdin, capture_output=True, text=True,
        timeout=600,
    )


def classify_file(*paths: Path) -> list[tuple[dict, dict]]:
    """Runs `bot classify` on test files; pairs each case with the bot's answer."""
    cases = [
        json.loads(line) for path in paths for line in path.read_text("utf-8").splitlines() if line
    ]
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
    return classify_file(*HELD_OUT_FILES)


def test_classify_answers_starter_topics_and_refuses_off_topic(classified) -> None:
    """Off-topic lines are never answered with a topic; topic lines never with another
    topic, and nearly all with their own (a "not sure" is the safe miss)."""
    topics = set(load_content(CONTENT_DIR).topics)
    wrong = [(case["text"], out["answer"], case["expect"]) for case, out in classified
             if out["answer"] != case["expect"] and out["answer"] in topics]
    assert not wrong, wrong
    right = sum(out["answer"] == case["expect"] for case, out in classified)
    assert right >= 0.9 * len(classified)


def test_classify_a_number_picks_from_the_main_menu(trained_model: Path) -> None:
    content = load_content(CONTENT_DIR)
    result = bot("classify", stdin='{"text": "2"}\n{"text": "99"}\n')
    answers = [json.loads(line)["answer"] for line in result.stdout.splitlines()]
    assert answers == [content.main_menu[1], "fallback"]


def test_every_language_has_a_held_out_file_with_every_topic() -> None:
    content = load_content(CONTENT_DIR)
    for lang in LANGUAGES:
        path = DATA / f"classify_topics_{lang}.jsonl"
        assert path.exists(), path
        cases = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
        per_topic = {t: sum(c["expect"] == t for c in cases) for t in content.topics}
        assert min(per_topic.values()) >= 8, (lang, per_topic)
        assert sum(c["expect"] == "fallback" for c in cases) >= 10, lang


def test_held_out_phrasings_in_every_language(held_out) -> None:
    """Unseen phrasings: mostly the right topic; a miss is "not sure", rarely another topic's
    legal answer; nothing off-topic is ever answered with a topic, in any language."""
    content = load_content(CONTENT_DIR)
    rows = {row.lang: row for row in score(held_out, content.topics)}
    print(table(list(rows.values())))
    assert set(rows) == set(LANGUAGES)
    for row in rows.values():
        assert row.accuracy >= (MIN_ACCURACY_EN if row.lang == "en" else MIN_ACCURACY), row
        assert row.wrong_topic / row.lines <= MAX_WRONG_TOPIC, row
    lines = sum(r.lines for r in rows.values())
    assert sum(r.wrong_topic for r in rows.values()) / lines <= MAX_WRONG_TOPIC_OVERALL
    off_topic = sum(r.off_topic for r in rows.values())
    answered = sum(r.off_topic_answered for r in rows.values())
    assert answered / off_topic <= MAX_OFF_TOPIC_ANSWERED, rows
    by_topic: dict[str, list[bool]] = {}
    for case, out in held_out:
        if case.get("lang", "en") == "en" and case["expect"] in content.topics:
            by_topic.setdefault(case["expect"], []).append(out["answer"] == case["expect"])
    assert min(sum(v) / len(v) for v in by_topic.values()) >= 0.5, by_topic


def test_classify_output_shape(classified) -> None:
    for case, out in classified:
        assert set(out) == {"text", "language", "detected", "intent", "confidence", "answer"}
        assert out["text"] == case["text"]
        assert out["language"] == case.get("lang")
        assert out["detected"] in (*LANGUAGES, None)
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
        assert set(topic) == {
            "id", "language", "title", "pages", "sources", "last_reviewed", "reviewed"
        }
        expected = [render.sms_text(render.topic_page(content, topic["id"], i))
                    for i in range(len(content.topics[topic["id"]].pages))]
        assert topic["pages"] == expected
        assert topic["sources"] and topic["reviewed"] is True


@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code != "en"])
def test_export_works_for_every_language_and_says_what_is_reviewed(lang: str) -> None:
    result = bot("content", "export", "--lang", lang)
    assert result.returncode == 0, result.stderr
    exported = json.loads(result.stdout)
    localised = load_content(CONTENT_DIR).for_language(lang)
    assert [t["id"] for t in exported] == list(localised.topics)
    for topic in exported:
        assert topic["reviewed"] == (topic["id"] in localised.reviewed_topics)
        served_in = "en" if topic["id"] in localised.english_topics else lang
        assert topic["language"] == served_in


def test_export_unknown_language_is_a_clear_error() -> None:
    result = bot("content", "export", "--lang", "klingon")
    assert result.returncode == 2
    assert "Unknown language 'klingon'" in result.stderr
