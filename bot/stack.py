"""Starts and stops the three processes of a local deployment: actions, Rasa, web chat."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT, Settings


class StackError(RuntimeError):
    pass


def write_credentials(settings: Settings, env: dict[str, str]) -> tuple[Path, list[str]]:
    """Credentials for this run: the channels the environment switches on."""
    from bot.channels.config import credentials

    found, lines = credentials(env)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / "credentials.yml"
    path.write_text(yaml.safe_dump(found), encoding="utf-8")
    return path, lines


def write_endpoints(settings: Settings) -> Path:
    """Endpoints for this run: our action server and SQLite as the tracker store."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / "endpoints.yml"
    endpoints = {
        "action_endpoint": {"url": f"http://127.0.0.1:{settings.actions_port}/webhook"},
        "tracker_store": {
            "type": "bot.tracker_store.PrivateSQLTrackerStore",
            "dialect": "sqlite",
            "db": str(settings.tracker_db),
            "retention_days": settings.retention_days,
        },
    }
    path.write_text(yaml.safe_dump(endpoints), encoding="utf-8")
    return path


@dataclass
class Stack:
    settings: Settings
    model: Path
    webchat: bool = True
    log_dir: Path | None = None
    # Settings for the processes beyond this process's environment (tests, trials).
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    channel_lines: list[str] = field(default_factory=list)

    def environment(self) -> dict[str, str]:
        env = {**os.environ, **self.extra_env}
        env["BOT_CONTENT_DIR"] = str(self.settings.content_dir)
        env["BOT_DATA_DIR"] = str(self.settings.data_dir)
        env["BOT_RASA_PORT"] = str(self.settings.rasa_port)
        env["BOT_ACTIONS_PORT"] = str(self.settings.actions_port)
        env["BOT_WEBCHAT_PORT"] = str(self.settings.webchat_port)
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
        env["RASA_TELEMETRY_ENABLED"] = "false"  # privacy: nothing leaves the machine
        return env

    def commands(self) -> dict[str, list[str]]:
        s = self.settings
        credentials, self.channel_lines = write_credentials(s, self.environment())
        commands = {
            "actions": [sys.executable, "-m", "rasa_sdk", "--actions", "actions",
                        "-p", str(s.actions_port)],
            "rasa": [sys.executable, "-m", "bot.rasa_main", "run", "--model", str(self.model),
                     "--endpoints", str(write_endpoints(s)),
                     "--credentials", str(credentials),
                     "--interface", "127.0.0.1", "--port", str(s.rasa_port)],
        }
        if self.webchat:
            commands["webchat"] = [sys.executable, "-m", "bot.webchat.server"]
        return commands

    def health_urls(self) -> dict[str, str]:
        s = self.settings
        return {
            "actions": f"http://127.0.0.1:{s.actions_port}/health",
            "rasa": f"http://127.0.0.1:{s.rasa_port}/",
            "webchat": f"http://127.0.0.1:{s.webchat_port}/health",
        }

    def start(self, timeout: float = 180.0) -> None:
        env = self.environment()
        for name, command in self.commands().items():
            out = None
            if self.log_dir is not None:
                self.log_dir.mkdir(parents=True, exist_ok=True)
                out = (self.log_dir / f"{name}.log").open("ab")
            self.processes[name] = subprocess.Popen(
                command, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
                if out else None, start_new_session=True,
            )
        try:
            self.wait_ready(timeout)
        except BaseException:
            self.stop()
            raise

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        pending = {n: u for n, u in self.health_urls().items() if n in self.processes}
        while pending:
            for name in list(pending):
                code = self.processes[name].poll()
                if code is not None:
                    raise StackError(f"The {name} process stopped (exit code {code}).")
                try:
                    with urllib.request.urlopen(pending[name], timeout=2):
                        del pending[name]
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
            if pending and time.monotonic() > deadline:
                raise StackError(f"Not ready after {timeout:.0f}s: {', '.join(pending)}")
            if pending:
                time.sleep(0.5)

    def first_exit(self) -> tuple[str, int] | None:
        for name, process in self.processes.items():
            code = process.poll()
            if code is not None:
                return name, code
        return None

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()
