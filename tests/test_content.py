"""The content loader: the real content loads, and every kind of mistake is reported with
its file and line instead of crashing."""

from __future__ import annotations

import datetime as dt
import re
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from bot import render
from bot.content import REQUIRED_TOPICS, ContentError, load_content, page_grades
from bot.sms import sms_info
from tests.conftest import CONTENT_DIR


def problems_of(content_dir: Path) -> list[str]:
    with pytest.raises(ContentError) as error:
        load_content(content_dir)
    return [str(p) for p in error.value.problems if p.severity == "error"]


def test_real_content_loads_with_required_topics() -> None:
    content = load_content(CONTENT_DIR)
    assert set(REQUIRED_TOPICS) <= set(content.topics)
    for topic in content.topics.values():
        assert topic.sources and topic.facts and topic.last_reviewed


def test_every_page_fits_two_gsm_segments_as_sent() -> None:
    content = load_content(CONTENT_DIR)
    for topic in content.topics.values():
        for index in range(len(topic.pages)):
            info = sms_info(render.sms_text(render.topic_page(content, topic.id, index)))
            assert info.encoding == "GSM-7", (topic.id, index)
            assert info.segments <= 2, (topic.id, index)


def test_malformed_yaml_names_file_and_line(content_copy: Path) -> None:
    path = content_copy / "topics" / "nrm-what.yml"
    lines = path.read_text().splitlines()
    lines[3] = "    : this: is [not yaml"
    path.write_text("\n".join(lines))
    found = problems_of(content_copy)
    assert any(p.startswith(f"{path}:") and "not valid YAML" in p for p in found), found
    line = int(next(p for p in found if "not valid YAML" in p).split(":")[1])
    assert 3 <= line <= 5


def test_missing_required_field(content_copy: Path) -> None:
    path = content_copy / "topics" / "helplines.yml"
    text = path.read_text()
    path.write_text("\n".join(li for li in text.splitlines() if not li.startswith("sources")
                              and not li.startswith("  - http")))
    found = problems_of(content_copy)
    assert any(p.startswith(f"{path}:") and "sources must list at least one URL" in p
               for p in found), found


def test_missing_title_reports_the_line_of_the_mapping(content_copy: Path) -> None:
    path = content_copy / "topics" / "emergency.yml"
    path.write_text(re.sub(r"(?m)^title:.*\n", "", path.read_text()))
    found = problems_of(content_copy)
    assert f"{path}:1: error: title is missing" in found


def test_several_problems_reported_at_once(content_copy: Path) -> None:
    a = content_copy / "topics" / "emergency.yml"
    a.write_text(re.sub(r"(?m)^related:.*$", "related: [no-such-topic]", a.read_text()))
    b = content_copy / "topics" / "about-bot.yml"
    assert "{org_name}" in b.read_text()
    b.write_text(b.read_text().replace("{org_name}", "{organisation}"))
    found = problems_of(content_copy)
    assert any("related topic 'no-such-topic' does not exist" in p and str(a) in p
               for p in found)
    assert any("unknown placeholder(s) organisation" in p and str(b) in p for p in found)


def test_page_over_the_sms_budget(content_copy: Path) -> None:
    path = content_copy / "topics" / "emergency.yml"
    long_page = "  - >-\n    " + "This sentence is far too long for one text. " * 8 + "\n"
    path.write_text(path.read_text().replace("related:", long_page + "related:"))
    number = len(load_content(CONTENT_DIR).topics["emergency"].pages) + 1
    found = problems_of(content_copy)
    assert any(f"page {number} takes 3 SMS segments" in p and p.startswith(f"{path}:")
               for p in found)


def test_stale_review_date_is_a_warning_not_an_error(content_copy: Path) -> None:
    content = load_content(content_copy, today=dt.date(2028, 1, 1))
    assert any("over 12 months ago" in str(w) for w in content.warnings)


def test_id_must_match_file_name_and_be_unique(content_copy: Path) -> None:
    (content_copy / "topics" / "copy.yml").write_text(
        (content_copy / "topics" / "emergency.yml").read_text()
    )
    found = problems_of(content_copy)
    assert any("must match file name" in p for p in found)


def test_missing_required_topic(content_copy: Path) -> None:
    (content_copy / "topics" / "outside-nrm.yml").unlink()
    text = (content_copy / "ui.yml").read_text().replace("  - outside-nrm\n", "")
    (content_copy / "ui.yml").write_text(text)
    for path in (content_copy / "topics").glob("*.yml"):
        path.write_text(path.read_text().replace("outside-nrm, ", "").replace(", outside-nrm", ""))
    assert any("required topic 'outside-nrm' is missing" in p for p in problems_of(content_copy))


def test_not_utf8_and_not_a_mapping(content_copy: Path) -> None:
    (content_copy / "topics" / "emergency.yml").write_bytes(b"id: \xff\xfe broken")
    (content_copy / "topics" / "helplines.yml").write_text("- just\n- a list\n")
    found = problems_of(content_copy)
    assert any("emergency.yml:1: error: not UTF-8" in p for p in found)
    assert any("helplines.yml:1: error: a topic file must be a mapping" in p for p in found)


def test_ui_text_missing(content_copy: Path) -> None:
    path = content_copy / "ui.yml"
    path.write_text(path.read_text().replace("fallback: >-", "fallbak: >-"))
    found = problems_of(content_copy)
    assert any(p.startswith(f"{path}:") and "fallback is missing" in p for p in found)


def test_number_override_from_environment() -> None:
    content = load_content(CONTENT_DIR, number_overrides={"msh_helpline": "0000 000 000"})
    pages = [content.fill(page) for page in content.topics["helplines"].pages]
    assert any("0000 000 000" in page for page in pages)
    assert not any("08000 121 700" in page for page in pages)


def run_bot(*args: str, content_dir: Path, stdin: str = "") -> subprocess.CompletedProcess:
    env = {"BOT_CONTENT_DIR": str(content_dir), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], input=stdin, capture_output=True,
        text=True, env=env, timeout=120,
    )


def test_content_check_command(content_copy: Path) -> None:
    ok = run_bot("content", "check", content_dir=content_copy)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "OK," in ok.stdout
    assert "Reading grade: median" in ok.stdout and "Longest page:" in ok.stdout
    (content_copy / "topics" / "emergency.yml").write_text("id: [")
    bad = run_bot("content", "check", content_dir=content_copy)
    assert bad.returncode == 1
    assert "emergency.yml:1: error: is not valid YAML" in bad.stdout


def test_broken_content_stops_run_with_a_clear_message(content_copy: Path) -> None:
    (content_copy / "numbers.yml").write_text("emergency: [")
    result = run_bot("run", content_dir=content_copy)
    assert result.returncode == 1
    assert "The content has errors, so the bot cannot start" in result.stderr
    assert "numbers.yml" in result.stderr
    assert "Traceback" not in result.stderr


def test_journey_steps_link_to_topics(content_copy: Path) -> None:
    path = content_copy / "topics" / "the-journey.yml"
    text = path.read_text()
    first_link = re.search(r"(?m)^    topic: (\S+)$", text)
    assert first_link
    path.write_text(text.replace(first_link.group(0), "    topic: no-such-topic", 1))
    other = content_copy / "topics" / "helplines.yml"
    other.write_text(other.read_text().replace(
        "pages:\n", "pages:\n  - text: A step in the wrong place.\n    topic: emergency\n", 1))
    found = problems_of(content_copy)
    assert any("step links to 'no-such-topic'" in p and p.startswith(f"{path}:") for p in found)
    assert any("only the-journey pages link" in p and p.startswith(f"{other}:") for p in found)


def test_journey_step_without_a_topic(content_copy: Path) -> None:
    path = content_copy / "topics" / "the-journey.yml"
    path.write_text(re.sub(r"(?m)^    topic: \S+\n", "", path.read_text(), count=1))
    found = problems_of(content_copy)
    assert any("each step needs text and the topic it opens" in p for p in found), found


def test_hard_page_is_a_warning_with_its_grade(content_copy: Path) -> None:
    path = content_copy / "topics" / "emergency.yml"
    hard = ("  - >-\n    Notwithstanding jurisdictional considerations, administrative "
            "determinations necessitate comprehensive documentation.\n")
    path.write_text(path.read_text().replace("related:", hard + "related:"))
    content = load_content(content_copy)
    warnings = [str(w) for w in content.warnings if str(path) in str(w)]
    assert any("reads at grade" in w and "shorter sentences" in w for w in warnings), warnings


def test_real_content_is_plain_language() -> None:
    """English source text: the median page at or below reading grade 6."""
    grades = page_grades(load_content(CONTENT_DIR))
    assert statistics.median(grades.values()) <= 6.0


def test_menus_reach_every_topic_and_name_only_topics(content_copy: Path) -> None:
    content = load_content(CONTENT_DIR)
    assert set(content.topics) <= set(content.main_menu) | set(content.more_topics)
    path = content_copy / "ui.yml"
    path.write_text(path.read_text().replace("more_topics:\n", "more_topics:\n  - nope\n", 1))
    found = problems_of(content_copy)
    assert any("more_topics item 'nope' unknown" in p for p in found), found
