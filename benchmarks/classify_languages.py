"""Per-language accuracy of the trained bot on the held-out files, through `bot classify`.

Runs every line of tests/data/classify_topics_*.jsonl through `bot classify` twice: with its
`lang` (as a caller that knows the language) and without it (the bot detects it). The model
reads every language the same way, so the answers must not differ; the table shows how often
each language's topic lines get the right topic, another topic (the dangerous mistake) or
"not sure", whether any off-topic line got a topic, and how often detection named the language.

    .venv/bin/python benchmarks/classify_languages.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content import REQUIRED_TOPICS  # noqa: E402
from bot.evaluate import score, table  # noqa: E402


def classify(cases: list[dict], with_lang: bool) -> list[dict]:
    lines = [
        json.dumps({"text": c["text"], **({"lang": c["lang"]} if with_lang else {})})
        for c in cases
    ]
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "classify"], input="\n".join(lines) + "\n",
        capture_output=True, text=True, cwd=ROOT, check=True,
    )
    return [json.loads(line) for line in result.stdout.splitlines()]


def main() -> None:
    cases = [
        {"lang": "en", **json.loads(line)}
        for path in sorted((ROOT / "tests" / "data").glob("classify_topics_*.jsonl"))
        for line in path.read_text("utf-8").splitlines() if line.strip()
    ]
    started = time.perf_counter()
    with_lang = classify(cases, with_lang=True)
    without_lang = classify(cases, with_lang=False)
    elapsed = time.perf_counter() - started
    differ = sum(a["answer"] != b["answer"] for a, b in zip(with_lang, without_lang, strict=True))
    print(f"{len(cases)} held-out lines, classified twice in {elapsed:.1f}s (model load included)")
    print(f"answers that differ with and without lang: {differ}")
    print(table(score(zip(cases, without_lang, strict=True), REQUIRED_TOPICS)))


if __name__ == "__main__":
    main()
