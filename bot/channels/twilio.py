"""SMS and WhatsApp through Twilio, as a Rasa input channel.

Every inbound webhook is checked against its `X-Twilio-Signature` (Twilio's own
RequestValidator, over the public URL when behind a proxy) before anything else; a forged
one gets 403. The sender's number is replaced by a keyed hash before Rasa sees it; the real
number is used only to reply, from memory, during the request. Replies go out through
Twilio's REST client (so a long answer can be several messages), each with a status
callback that records delivered/failed. Carrier keywords (STOP, START, HELP) are handled
here and never reach Rasa. A retried MessageSid is acknowledged and ignored.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from bot import sms
from bot.channels.config import require
from bot.channels.identity import KEY_VARIABLE, check_key, contact_metadata, sender_id
from bot.channels.store import ChannelStore
from bot.content import Content, load_configured_content
from bot.nlu.commands import load_commands
from bot.render import Button, Reply, sms_text
from bot.text import normalise

logger = logging.getLogger(__name__)
# The library logs each request at INFO; a GET's query would name numbers. Warnings only.
logging.getLogger("twilio.http_client").setLevel(logging.WARNING)

STOP_WORDS = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit"})
START_WORDS = frozenset({"start", "unstop", "yes"})
HELP_WORDS = frozenset({"help", "info"})
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
WHATSAPP_PREFIX = "whatsapp:"
WHATSAPP_WINDOW_SECONDS = 24 * 3600
# Shown at the end of the last message that fits when a reply is cut at the segment cap.
OVERFLOW_MARK = "(MORE)"
REQUIRED = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_SMS_NUMBER", KEY_VARIABLE)


@dataclass(frozen=True)
class TwilioSettings:
    account_sid: str
    auth_token: str
    sms_number: str
    whatsapp_number: str | None
    public_url: str | None  # https://bot.example.org, as Twilio sees this server
    sender_key: bytes
    max_segments: int
    data_dir: Path
    api_base: str | None  # only for a fake Twilio API in tests and trials

    @classmethod
    def from_env(cls) -> TwilioSettings:
        env = os.environ
        require(env, REQUIRED, "Twilio")
        return cls(
            account_sid=env["TWILIO_ACCOUNT_SID"],
            auth_token=env["TWILIO_AUTH_TOKEN"],
            sms_number=env["TWILIO_SMS_NUMBER"],
            whatsapp_number=env.get("TWILIO_WHATSAPP_NUMBER") or None,
            public_url=(env.get("BOT_PUBLIC_URL") or "").rstrip("/") or None,
            sender_key=check_key(env.get(KEY_VARIABLE)),
            max_segments=int(env.get("BOT_SMS_MAX_SEGMENTS") or 6),
            data_dir=Path(env.get("BOT_DATA_DIR") or "var"),
            api_base=env.get("TWILIO_API_BASE") or None,
        )


class _RedirectedHttpClient(TwilioHttpClient):
    """Sends the Twilio library's requests to another base URL (a fake API on loopback)."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = urlsplit(base)

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        parts = urlsplit(url)
        url = urlunsplit((self.base.scheme, self.base.netloc, parts.path, parts.query, ""))
        return super().request(method, url, *args, **kwargs)


def twilio_client(account_sid: str, auth_token: str, api_base: str | None = None) -> Client:
    """Twilio's REST client, pointed at `api_base` instead of Twilio when it is given."""
    http = _RedirectedHttpClient(api_base) if api_base else None
    return Client(account_sid, auth_token, http_client=http)


def message_body(message: dict[str, Any]) -> str:
    """One bot message as a text-only channel sends it (render.sms_text, from Rasa's dict)."""
    buttons = tuple(Button(b["title"], b["payload"]) for b in message.get("buttons") or [])
    return sms_text(Reply(message.get("text") or "", buttons)).strip("\n")


def fit_to_cap(bodies: list[str], max_segments: int) -> tuple[list[str], list[str]]:
    """The messages to send now (within the segment cap, at least one) and the rest."""
    sent: list[str] = []
    used = 0
    for index, body in enumerate(bodies):
        cost = sms.segments(body)
        if sent and used + cost > max_segments:
            rest = bodies[index:]
            sent[-1] = f"{sent[-1]}\n{OVERFLOW_MARK}"
            return sent, rest
        sent.append(body)
        used += cost
    return sent, []


class TwilioInput(InputChannel):
    """Webhooks: POST /webhooks/twilio/message and /webhooks/twilio/status."""

    @classmethod
    def name(cls) -> str:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(TwilioSettings.from_env())

    def __init__(self, settings: TwilioSettings, content: Content | None = None) -> None:
        self.settings = settings
        self.validator = RequestValidator(settings.auth_token)
        self.client = twilio_client(settings.account_sid, settings.auth_token, settings.api_base)
        self.store = ChannelStore(settings.data_dir / "channels.db")
        self.content = content or load_configured_content()
        self.commands = load_commands()

    # ------------------------------------------------------------------ checks

    def _public_url(self, request: Request) -> str:
        if not self.settings.public_url:
            return request.url
        query = f"?{request.query_string}" if request.query_string else ""
        return f"{self.settings.public_url}{request.path}{query}"

    def _form(self, request: Request) -> dict[str, str]:
        """The posted fields, empty ones included (Twilio signs those too)."""
        body = request.body.decode("utf-8", errors="replace")
        return dict(parse_qsl(body, keep_blank_values=True))

    def _authentic(self, request: Request, form: dict[str, str]) -> bool:
        signature = request.headers.get("X-Twilio-Signature", "")
        return bool(signature) and self.validator.validate(
            self._public_url(request), form, signature
        )

    # ------------------------------------------------------------------ sending

    def _from_number(self, address: str) -> str:
        if address.startswith(WHATSAPP_PREFIX):
            return self.settings.whatsapp_number or f"{WHATSAPP_PREFIX}{self.settings.sms_number}"
        return self.settings.sms_number

    def _in_whatsapp_window(self, sender: str) -> bool:
        """WhatsApp allows free text only within 24 hours of the user's last message; after
        that only an approved template may be sent (see README)."""
        last = self.store.last_inbound(sender)
        return last is not None and time.time() - last < WHATSAPP_WINDOW_SECONDS

    async def _send(self, address: str, sender: str, bodies: list[str]) -> None:
        if address.startswith(WHATSAPP_PREFIX) and not self._in_whatsapp_window(sender):
            logger.warning("WhatsApp reply not sent: outside the 24-hour session window")
            return
        status_callback = (
            f"{self.settings.public_url}/webhooks/twilio/status"
            if self.settings.public_url else None
        )
        for body in bodies:
            try:
                message = await asyncio.to_thread(
                    self.client.messages.create,
                    to=address,
                    from_=self._from_number(address),
                    body=body,
                    **({"status_callback": status_callback} if status_callback else {}),
                )
            except TwilioException as exc:
                # The reply is lost for this message, not the conversation: say so in the
                # log without the number or the text.
                logger.error("Twilio refused a message: %s", type(exc).__name__)
                continue
            self.store.record_delivery(message.sid, sender, message.status or "queued")

    async def _reply(self, address: str, sender: str, bodies: list[str]) -> None:
        if not address.startswith(WHATSAPP_PREFIX):
            bodies, rest = fit_to_cap(bodies, self.settings.max_segments)
            self.store.keep_overflow(sender, rest)
        await self._send(address, sender, bodies)

    # ------------------------------------------------------------------ webhooks

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        hook = Blueprint("twilio_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/message", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            form = self._form(request)
            if not self._authentic(request, form):
                return response.text("Forbidden: bad or missing X-Twilio-Signature", 403)
            address, message_id = form.get("From") or "", form.get("MessageSid") or ""
            if not address or not message_id:
                return response.text("Bad request: From and MessageSid are required", 400)
            if self.store.first_time(message_id):
                await self._handle(address, form, on_new_message)
            return response.text(EMPTY_TWIML, content_type="text/xml")

        @hook.route("/status", methods=["POST"])
        async def status(request: Request) -> HTTPResponse:
            form = self._form(request)
            if not self._authentic(request, form):
                return response.text("Forbidden: bad or missing X-Twilio-Signature", 403)
            message_id, state = form.get("MessageSid"), form.get("MessageStatus")
            if message_id and state:
                self.store.record_delivery(message_id, "", state)
            return response.text("", 204)

        return hook

    async def _handle(
        self,
        address: str,
        form: dict[str, str],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        kind = "whatsapp" if address.startswith(WHATSAPP_PREFIX) else "sms"
        sender = sender_id(kind, address, self.settings.sender_key)
        self.store.touch_inbound(sender)
        text = (form.get("Body") or "").strip()
        keyword = normalise(text)
        english = self.content
        if keyword in STOP_WORDS:
            self.store.opt_out(sender)
            await self._send(address, sender, [english.text("sms_stopped")])
            return
        if keyword in START_WORDS and self.store.opted_out(sender):
            self.store.opt_in(sender)
            text = "/greet"
        if self.store.opted_out(sender):
            return  # nothing is sent to a number that said STOP, until START
        if keyword in HELP_WORDS:
            await self._send(address, sender, [english.text("sms_help")])
            return
        if self.commands.words.get(keyword) == "more":  # MORE in any language
            held = self.store.take_overflow(sender)
            if held:
                await self._reply(address, sender, held)
                return
        if not text and int(form.get("NumMedia") or 0) > 0:
            text = "/media_message"  # answered in the user's language by the bot
        collector = CollectingOutputChannel()
        await on_new_message(
            UserMessage(text, collector, sender, input_channel=self.name(),
                        metadata=contact_metadata(address.removeprefix(WHATSAPP_PREFIX)))
        )
        await self._reply(address, sender, [message_body(m) for m in collector.messages])
