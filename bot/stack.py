"""Starts and stops the processes of a local deployment: actions, Rasa, web chat, and the
staff dashboard when call backs and its secret are set."""

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


def callback_setup(settings: Settings, env: dict[str, str]) -> tuple[bool, list[str]]:
    """Whether the staff dashboard runs, and lines saying what is on; a bad setting stops
    the start with its name."""
    from cryptography.fernet import Fernet

    from bot.callbacks.hours import HoursError, WorkingHours
    from bot.callbacks.notify import targets_from_env
    from bot.callbacks.store import migrate

    try:
        WorkingHours.parse(settings.working_hours)
    except HoursError as exc:
        raise StackError(f"BOT_WORKING_HOURS: {exc}") from None
    key = env.get("BOT_CALLBACK_KEY", "").strip()
    if not key:
        return False, ["Call backs:      off (set BOT_CALLBACK_KEY: python -c 'from "
                       "cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"]
    try:
        Fernet(key.encode())
    except ValueError:
        raise StackError("BOT_CALLBACK_KEY is not a Fernet key (32 url-safe base64 bytes); "
                         "make one with Fernet.generate_key()") from None
    # Migrated here, once, before the processes that use the store start side by side (each
    # also migrates on its own when run alone; at the newest version that does nothing).
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate(settings.callback_db)
    targets = ", ".join(t.name for t in targets_from_env(env)) or "none (see .env.example)"
    lines = [f"Call backs:      on; staff told by: {targets}"]
    secret = env.get("BOT_DASHBOARD_SECRET", "").strip()
    if len(secret) < 32:
        lines.append("Staff dashboard: off (set BOT_DASHBOARD_SECRET, 32+ characters)")
        return False, lines
    lines.append(f"Staff dashboard: http://localhost:{settings.dashboard_port}/ "
                 "(accounts: .venv/bin/bot staff add NAME)")
    return True, lines


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
        env["BOT_DASHBOARD_PORT"] = str(self.settings.dashboard_port)
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
        env["RASA_TELEMETRY_ENABLED"] = "false"  # privacy: nothing leaves the machine
        # The action server (rasa_sdk) listens on every interface unless told otherwise.
        env.setdefault("SANIC_HOST", "127.0.0.1")
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
        dashboard, lines = callback_setup(s, self.environment())
        self.channel_lines += lines
        if self.environment().get("BOT_CALLBACK_KEY"):  # SLA reminders, retention purge
            commands["jobs"] = [sys.executable, "-m", "bot.callbacks.jobs"]
        if dashboard:
            commands["dashboard"] = [sys.executable, "-m", "bot.dashboard.server"]
        return commands

    def health_urls(self) -> dict[str, str]:
        s = self.settings
        return {
            "actions": f"http://127.0.0.1:{s.actions_port}/health",
            "rasa": f"http://127.0.0.1:{s.rasa_port}/",
            "webchat": f"http://127.0.0.1:{s.webchat_port}/health",
            "dashboard": f"http://127.0.0.1:{s.dashboard_port}/health",
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
