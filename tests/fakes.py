"""Small fakes of remote HTTP APIs, on loopback, for tests and benchmarks."""

from __future__ import annotations

import json
import socketserver
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TypeVar

from twilio.request_validator import RequestValidator

ACCOUNT = "AC" + "0" * 32
TOKEN = "test-auth-token-not-real"
BOT_NUMBER = "+447700900000"  # Ofcom's range for drama: never a real phone
PUBLIC_URL = "https://bot.example.org"


_Server = TypeVar("_Server", bound="_LoopbackServer")
T = TypeVar("T")


class _LoopbackServer(ThreadingHTTPServer):
    def serve_in_thread(self: _Server) -> _Server:
        """Starts serving in a daemon thread; returns self."""
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self


class FakeTwilio(_LoopbackServer):
    """Twilio's Messages API, as far as the bot uses it: records each message it is given."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _FakeHandler)
        self.sent: list[dict[str, str]] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def to(self, number: str) -> list[str]:
        with self.lock:
            return [m["Body"] for m in self.sent if m["To"] == number]


class _FakeHandler(BaseHTTPRequestHandler):
    server: FakeTwilio

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        if not self.path.endswith(f"/Accounts/{ACCOUNT}/Messages.json"):
            self.send_error(404)
            return
        with self.server.lock:
            self.server.sent.append(form)
        payload = {"sid": "SM" + uuid.uuid4().hex, "status": "queued", "to": form.get("To"),
                   "from": form.get("From"), "body": form.get("Body")}
        body = json.dumps(payload).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass


def signed_post(port: int, path: str, params: dict[str, str], signature: str | None = None) -> int:
    """POSTs a Twilio webhook to the bot, signed as Twilio signs it (or with `signature`)."""
    url = f"{PUBLIC_URL}/webhooks/twilio/{path}"
    signed = RequestValidator(TOKEN).compute_signature(url, params)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/twilio/{path}",
        data=urllib.parse.urlencode(params).encode(),
        headers={"X-Twilio-Signature": signed if signature is None else signature},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


TELEGRAM_TOKEN = "123456:TEST-token-not-real"
TELEGRAM_SECRET = "test-secret-token-not-real"


class FakeTelegram(_LoopbackServer):
    """The Telegram Bot API methods the bot calls, recording each call; getUpdates serves
    the updates queued with `queue_update` (for polling)."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _FakeTelegramHandler)
        self.calls: list[tuple[str, dict[str, object]]] = []
        self.updates: list[dict[str, object]] = []
        self.lock = threading.Lock()
        self.next_id = 1000

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def called(self, method: str, chat_id: int | None = None) -> list[dict[str, object]]:
        with self.lock:
            return [p for m, p in self.calls
                    if m == method and (chat_id is None or str(p.get("chat_id")) == str(chat_id))]

    def queue_update(self, update: dict[str, object]) -> None:
        with self.lock:
            self.updates.append(update)


class _FakeTelegramHandler(BaseHTTPRequestHandler):
    server: FakeTelegram

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode()
        if self.headers.get("Content-Type", "").startswith("application/json"):
            params = json.loads(raw or "{}")
        else:
            params = dict(urllib.parse.parse_qsl(raw))
        token, _, method = self.path.removeprefix("/bot").partition("/")
        if token != TELEGRAM_TOKEN:
            self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        with self.server.lock:
            self.server.calls.append((method, params))
            self.server.next_id += 1
            message_id = self.server.next_id
            updates, self.server.updates = self.server.updates, []
        if method == "getMe":
            result: object = {"id": 42, "is_bot": True, "first_name": "Info",
                              "username": "info_test_bot"}
        elif method == "sendMessage":
            result = {"message_id": message_id, "date": 1700000000, "text": params.get("text"),
                      "chat": {"id": int(params["chat_id"]), "type": "private"}}
        elif method == "getUpdates":
            result = updates
        else:  # deleteMessages, answerCallbackQuery, deleteWebhook, ...
            result = True
        self._reply(200, {"ok": True, "result": result})

    def _reply(self, status: int, payload: dict[str, object]) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class FakeSmtp(socketserver.ThreadingTCPServer):
    """An SMTP server that keeps each message it is given (no TLS, no auth)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.messages: list[str] = []

    @property
    def port(self) -> int:
        return self.server_address[1]

    def serve_in_thread(self) -> FakeSmtp:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self


class _SmtpHandler(socketserver.StreamRequestHandler):
    server: FakeSmtp

    def _say(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        self._say("220 fake ESMTP")
        while line := self.rfile.readline().decode(errors="replace").strip():
            verb = line.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self._say("250 fake")
            elif verb == "DATA":
                self._say("354 end with .")
                body = []
                while (part := self.rfile.readline().decode(errors="replace")) not in (
                    ".\r\n", ""
                ):
                    body.append(part)
                self.server.messages.append("".join(body))
                self._say("250 queued")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("250 ok")


def eventually(found: Callable[[], list[T]], seconds: float = 15) -> list[T]:
    """What `found` returns once it is not empty (or at the deadline): staff are told in the
    background, after her reply, so a test waits for the notice."""
    deadline = time.monotonic() + seconds
    while not found() and time.monotonic() < deadline:
        time.sleep(0.1)
    return found()
