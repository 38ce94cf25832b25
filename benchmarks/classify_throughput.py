"""`bot classify` speed: lines per second after the model has loaded (1,000 lines)."""

from __future__ import annotations

import io
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import log_privacy  # noqa: E402
from bot.cli import Classifier, classify_lines  # noqa: E402
from bot.content import load_configured_content  # noqa: E402
from bot.settings import load_settings  # noqa: E402

PHRASES = ["what is the nrm", "i got a reasonable grounds letter", "help he is here",
           "who can i call", "what's the football score", "3", "more", "can someone call me"]


def main(lines: int = 1000) -> None:
    log_privacy.quiet()
    settings, content = load_settings(), load_configured_content()
    inputs = [json.dumps({"text": f"{PHRASES[i % len(PHRASES)]} {i}"}) for i in range(lines)]
    started = time.perf_counter()
    classifier = Classifier(settings, content)
    load_s = time.perf_counter() - started
    out = io.StringIO()
    started = time.perf_counter()
    classify_lines(inputs, out, classifier)
    seconds = time.perf_counter() - started
    assert len(out.getvalue().splitlines()) == lines
    print(f"model load {load_s:.1f}s; {lines} lines in {seconds:.1f}s "
          f"({lines / seconds:.0f} lines/s, {1000 * seconds / lines:.1f} ms/line)")


if __name__ == "__main__":
    main()
