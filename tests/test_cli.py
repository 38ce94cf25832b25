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

CLASSIFY_FILE = Path(__file__).parent / "data" / "classify_en.jsonl"


def bot(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], input=stdin, capture_output=True, text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def classified(trained_model: Path) -> list[tuple[dict, dict]]:
    cases = [json.loads(line) for line in CLASSIFY_FILE.read_text().splitlines() if line]
    stdin = "\n".join(
        json.dumps({k: v for k, v in case.items() if k != "expect"}) for case in cases
    )
    result = bot("classify", stdin=stdin + "\n")
    assert result.returncode == 0, result.stderr[-2000:]
    outputs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(outputs) == len(cases)
    return list(zip(cases, outputs, strict=True))


def test_classify_answers_starter_topics_and_refuses_off_topic(classified) -> None:
    wrong = [(case["text"], out["answer"], case["expect"]) for case, out in classified
             if out["answer"] != case["expect"]]
    assert not wrong, wrong


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
