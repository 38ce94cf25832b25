"""What the SMS/WhatsApp channel layer costs per message, over Rasa's REST channel.

Starts the bot once with the Twilio channel on (replies go to a fake Twilio API on
loopback, through the real twilio library) and sends the same messages, one at a time,
through the REST channel and as signed Twilio webhooks. The Twilio path includes what the
channel does: signature check, keyed hash of the number, MessageSid and opt-out look-ups,
segment counting, and one REST call to the (fake) Twilio API per reply message.

    .venv/bin/python benchmarks/channel_overhead.py [--messages 60]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.settings import load_settings  # noqa: E402
from bot.stack import Stack  # noqa: E402
from bot.training import ensure_model  # noqa: E402
from tests.conftest import isolated_settings  # noqa: E402
from tests.fakes import ACCOUNT, BOT_NUMBER, PUBLIC_URL, TOKEN, FakeTwilio, signed_post  # noqa: E402

MESSAGES = ["what is the nrm", "more", "back", "what is reasonable grounds", "menu", "3"]


def percentiles(samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=100)
    return f"p50={q[49]:6.1f}ms  p90={q[89]:6.1f}ms  p99={q[98]:6.1f}ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=60)
    args = parser.parse_args()
    model, _ = ensure_model(load_settings().models_dir)
    fake = FakeTwilio().serve_in_thread()
    with tempfile.TemporaryDirectory(prefix="channel_overhead_") as tmp:
        settings = isolated_settings(Path(tmp))
        env = {"TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN,
               "TWILIO_SMS_NUMBER": BOT_NUMBER, "BOT_SENDER_KEY": "b" * 40,
               "BOT_PUBLIC_URL": PUBLIC_URL, "TWILIO_API_BASE": fake.url}
        stack = Stack(settings, model, webchat=False, extra_env=env)
        stack.start()
        try:
            rest_ms, twilio_ms = [], []
            rest_sender, number = uuid.uuid4().hex, "+447700900999"
            for sender_text in ("hi", "1"):  # both conversations in English first
                signed_post(settings.rasa_port, "message", {
                    "MessageSid": "SM" + uuid.uuid4().hex, "From": number, "Body": sender_text})
                _rest(settings.rasa_port, rest_sender, sender_text)
            for i in range(args.messages):
                text = MESSAGES[i % len(MESSAGES)]
                started = time.perf_counter()
                _rest(settings.rasa_port, rest_sender, text)
                rest_ms.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                signed_post(settings.rasa_port, "message", {
                    "MessageSid": "SM" + uuid.uuid4().hex, "From": number, "Body": text})
                twilio_ms.append((time.perf_counter() - started) * 1000)
        finally:
            stack.stop()
            fake.shutdown()
    print(f"{args.messages} messages each, one at a time, 2 cores")
    print(f"REST channel:          {percentiles(rest_ms)}")
    print(f"Twilio channel (fake): {percentiles(twilio_ms)}")
    overhead = statistics.median(twilio_ms) - statistics.median(rest_ms)
    print(f"channel overhead at the median: {overhead:.1f} ms per message "
          f"({len(fake.sent)} replies sent to the fake Twilio API)")


def _rest(port: int, sender: str, text: str) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()


if __name__ == "__main__":
    main()
