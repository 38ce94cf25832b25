"""What a call back request costs: per-message latency of the questions and of the submit
(store commit before the reply), against topic questions in the same run; and the store's
commit time on SQLite and, when BOT_TEST_POSTGRES_URL is set, on PostgreSQL.

    .venv/bin/python benchmarks/callback_form.py [--requests 20] [--creates 200]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import MetaData, create_engine  # noqa: E402

from bot.callbacks.store import CallbackStore, NewRequest, migrate  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from bot.stack import Stack  # noqa: E402
from bot.training import ensure_model  # noqa: E402
from tests.conftest import isolated_settings  # noqa: E402

QUESTIONS = ["call me", "020 7946 0123", "1", "1", "1", "1", "1"]  # ... English: then the topic
SUBMIT = "8"  # "skip the topic": the request is committed and she is told
TOPICS = ["what is the nrm", "more", "what is reasonable grounds", "menu"]


def percentiles(samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=100)
    return f"p50={q[49]:6.1f}ms  p90={q[89]:6.1f}ms  p99={q[98]:6.1f}ms  (n={len(samples)})"


def _rest(port: int, sender: str, text: str) -> float:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    return (time.perf_counter() - start) * 1000


def conversation(requests: int) -> None:
    model, _ = ensure_model(load_settings().models_dir)
    with tempfile.TemporaryDirectory(prefix="callback_form_") as tmp:
        settings = isolated_settings(Path(tmp))
        stack = Stack(settings, model, webchat=False,
                      extra_env={"BOT_CALLBACK_KEY": Fernet.generate_key().decode()})
        stack.start()
        try:
            asked, submitted, topics = [], [], []
            for _ in range(requests):
                sender = uuid.uuid4().hex
                _rest(settings.rasa_port, sender, "hi")
                _rest(settings.rasa_port, sender, "1")  # English
                topics += [_rest(settings.rasa_port, sender, t) for t in TOPICS]
                asked += [_rest(settings.rasa_port, sender, t) for t in QUESTIONS]
                submitted.append(_rest(settings.rasa_port, sender, SUBMIT))
        finally:
            stack.stop()
    print(f"REST, one conversation at a time, {requests} call back requests:")
    print(f"  topic questions (baseline) {percentiles(topics)}")
    print(f"  call back questions        {percentiles(asked)}")
    print(f"  submit (commit, then reply) {percentiles(submitted)}")


def creates(url: str, count: int) -> str:
    if url.startswith("postgresql"):
        engine = create_engine(url)
        tables = MetaData()
        tables.reflect(engine)
        tables.drop_all(engine)
        engine.dispose()
    migrate(url)
    store = CallbackStore(url, Fernet.generate_key().decode())
    samples = []
    for n in range(count):
        start = time.perf_counter()
        store.create(NewRequest(sender=f"bench-{n}", contact="+442079460123",
                                safe_time="any", voicemail_ok=True, say_organisation_ok=True,
                                language="en", interpreter=False))
        samples.append((time.perf_counter() - start) * 1000)
    return percentiles(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--creates", type=int, default=200)
    args = parser.parse_args()
    conversation(args.requests)
    print(f"Store commit of one request ({args.creates} in a row):")
    with tempfile.TemporaryDirectory(prefix="callback_store_") as tmp:
        print(f"  SQLite file   {creates(f'sqlite:///{tmp}/bench.db', args.creates)}")
    postgres = os.environ.get("BOT_TEST_POSTGRES_URL")
    if postgres:
        print(f"  PostgreSQL    {creates(postgres, args.creates)}")
    else:
        print("  PostgreSQL    (set BOT_TEST_POSTGRES_URL, e.g. from scripts/postgres-up)")


if __name__ == "__main__":
    main()
