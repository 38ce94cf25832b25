"""Latency, throughput, start time and memory of our bot vs stock `rasa init`, same run.

Both are driven through Rasa's REST channel with the same load: N conversations at once,
each sending a fixed script of messages. Prints percentiles in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.settings import load_settings  # noqa: E402
from bot.stack import Stack  # noqa: E402
from bot.training import ensure_model  # noqa: E402

OUR_SCRIPT = ["hello", "2", "more", "more", "back", "what is reasonable grounds", "more",
              "menu", "what's the football score", "I want to talk to someone"]
BASELINE_SCRIPT = ["hello", "I am happy", "are you a bot", "goodbye", "hi", "great",
                   "no", "yes", "hello there", "bye"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pids: list[int]) -> float:
    """Resident memory of the processes and all their descendants, in MiB."""
    seen, stack, total = set(), list(pids), 0
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            stack.extend(int(c) for c in children)
        except OSError:
            continue
    return total / 1024


async def run_load(url: str, script: list[str], conversations: int) -> tuple[list[float], float]:
    latencies: list[float] = []

    async def one(session: aiohttp.ClientSession) -> None:
        sender = uuid.uuid4().hex
        for text in script:
            started = time.perf_counter()
            async with session.post(url, json={"sender": sender, "message": text}) as r:
                await r.json()
                assert r.status == 200
            latencies.append((time.perf_counter() - started) * 1000)

    async with aiohttp.ClientSession() as session:
        started = time.perf_counter()
        await asyncio.gather(*(one(session) for _ in range(conversations)))
        elapsed = time.perf_counter() - started
    return latencies, elapsed


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def measure(name: str, url: str, script: list[str], pids: list[int], start_s: float) -> None:
    asyncio.run(run_load(url, script, 2))  # warm-up
    for conversations in (1, 10):
        lat, elapsed = asyncio.run(run_load(url, script, conversations))
        print(f"{name:9} conc={conversations:2}  msgs={len(lat):4}  "
              f"p50={pct(lat, 50):6.1f}ms  p90={pct(lat, 90):6.1f}ms  p99={pct(lat, 99):6.1f}ms  "
              f"{len(lat) / elapsed:5.1f} msg/s")
    print(f"{name:9} start={start_s:.1f}s  memory={rss_mib(pids):.0f} MiB (all processes)")


def wait_http(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} not up after {timeout}s")


def ours() -> None:
    settings = dataclasses.replace(
        load_settings(), data_dir=Path(tempfile.mkdtemp()), rasa_port=free_port(),
        actions_port=free_port(), webchat_port=free_port(),
    )
    model, _ = ensure_model(settings.models_dir)
    stack = Stack(settings, model, webchat=False, log_dir=settings.data_dir / "logs")
    started = time.monotonic()
    stack.start()
    start_s = time.monotonic() - started
    try:
        url = f"http://127.0.0.1:{settings.rasa_port}/webhooks/rest/webhook"
        measure("ours", url, OUR_SCRIPT, [p.pid for p in stack.processes.values()], start_s)
    finally:
        stack.stop()


def baseline(workdir: Path) -> None:
    rasa = str(Path(sys.executable).with_name("rasa"))
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    if not (workdir / "models").exists() or not any((workdir / "models").glob("*.tar.gz")):
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir(parents=True)
        print("Training the stock `rasa init` baseline (once)...", flush=True)
        subprocess.run([rasa, "init", "--no-prompt", "--init-dir", str(workdir)], env=env,
                       check=True, capture_output=True)
    port = free_port()
    started = time.monotonic()
    process = subprocess.Popen(
        [rasa, "run", "--port", str(port), "--interface", "127.0.0.1"],
        cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/", 300)
        start_s = time.monotonic() - started
        url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
        measure("baseline", url, BASELINE_SCRIPT, [process.pid], start_s)
    finally:
        process.terminate()
        process.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; Python {sys.version.split()[0]}")
    ours()
    if not args.no_baseline:
        baseline(ROOT / "var" / "bench-baseline")


if __name__ == "__main__":
    main()
