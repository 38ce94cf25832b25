"""Telling staff about a callback request the moment it is made, and again when nobody has
claimed it in time (the SLA): by a message to a staff Telegram group, an SMS to a duty phone
(Twilio) and an e-mail (SMTP), each switched on by its environment variables.

A notice never carries the phone number or anything the survivor wrote: only the reference,
urgency and the safety preferences a worker needs before opening the dashboard.
"""

from __future__ import annotations

import asyncio
import logging
import os
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, Protocol

from bot.callbacks.models import (
    CLAIMED,
    COULD_NOT_REACH,
    NEW,
    WITHDRAWN,
    CallbackRequest,
)
from bot.languages import english_name

logger = logging.getLogger(__name__)

TIMES = {"morning": "morning", "afternoon": "afternoon", "evening": "evening",
         "any": "any time"}


def notice_text(request: CallbackRequest, reminder: bool = False) -> str:
    """What staff are told: no number, no message text, only what keeps the call safe."""
    if request.state == WITHDRAWN:  # she cancelled it: whoever has it must not call
        return (f"Withdrawn by her: call back request {request.reference}"
                + (f" (claimed by {request.claimed_by})" if request.claimed_by else "")
                + ". Do not call her about it.")
    head = "URGENT call back request" if request.urgent else "New call back request"
    if request.state != NEW:  # a notice updated after a claim is no longer "new"
        head = "URGENT call back request" if request.urgent else "Call back request"
    if reminder:
        head = "Still unclaimed: " + ("URGENT call back request" if request.urgent
                                      else "call back request")
    language = english_name(request.language)
    lines = [
        f"{head} {request.reference}",
        f"Safe time to call: {TIMES.get(request.safe_time, request.safe_time)}.",
        "Voicemail: " + ("yes." if request.voicemail_ok else "NO."),
        "Say who we are if someone else answers: "
        + ("yes." if request.say_organisation_ok else "NO."),
        f"Language: {language}" + (", interpreter needed." if request.interpreter else "."),
    ]
    if request.topic:
        lines.append(f"About: {request.topic}.")
    lines.append("Claim it on the staff dashboard.")
    return "\n".join(lines)


# Buttons under a notice in the staff Telegram group: what each does to the request.
STAFF_BUTTONS = {"claim": "Claim", "done": "Done", "unreachable": "Couldn't reach"}
STAFF_PREFIX = "staff"


def staff_keyboard(reference: str, state: str) -> Any:
    """Claim for a request nobody has; Done and Couldn't reach once someone has it."""
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    actions = {NEW: ["claim"], COULD_NOT_REACH: ["claim"], CLAIMED: ["done", "unreachable"]}
    row = [InlineKeyboardButton(STAFF_BUTTONS[a], callback_data=f"{STAFF_PREFIX}:{a}:{reference}")
           for a in actions.get(state, [])]
    return InlineKeyboardMarkup([row]) if row else None


class Target(Protocol):
    name: str

    async def send(self, text: str, request: CallbackRequest) -> None: ...


@dataclass(frozen=True)
class TelegramGroup:
    token: str
    chat_id: str
    api_base: str | None = None
    name: str = "Telegram staff group"

    async def send(self, text: str, request: CallbackRequest) -> None:
        from telegram import Bot

        base = f"{self.api_base}/bot" if self.api_base else "https://api.telegram.org/bot"
        async with Bot(self.token, base_url=base) as bot:
            await bot.send_message(self.chat_id, text,
                                   reply_markup=staff_keyboard(request.reference, request.state))


@dataclass(frozen=True)
class DutyPhone:
    account_sid: str
    auth_token: str
    from_number: str
    to_number: str
    api_base: str | None = None
    name: str = "duty phone SMS"

    async def send(self, text: str, request: CallbackRequest) -> None:
        from bot.channels.twilio import twilio_client

        client = twilio_client(self.account_sid, self.auth_token, self.api_base)
        await asyncio.to_thread(
            client.messages.create, to=self.to_number, from_=self.from_number, body=text
        )


@dataclass(frozen=True)
class Email:
    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    user: str | None = None
    password: str | None = None
    starttls: bool = True
    name: str = "e-mail"

    async def send(self, text: str, request: CallbackRequest) -> None:
        message = EmailMessage()
        message["From"], message["To"] = self.sender, ", ".join(self.recipients)
        message["Subject"] = text.splitlines()[0]
        message.set_content(text)
        await asyncio.to_thread(self._send, message)

    def _send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=20) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user and self.password:
                smtp.login(self.user, self.password)
            smtp.send_message(message)


def targets_from_env(env: Mapping[str, str] = os.environ) -> list[Any]:
    """Every notification target whose settings are all present."""
    found: list[Any] = []
    if env.get("TELEGRAM_BOT_TOKEN") and env.get("STAFF_TELEGRAM_CHAT_ID"):
        found.append(TelegramGroup(env["TELEGRAM_BOT_TOKEN"], env["STAFF_TELEGRAM_CHAT_ID"],
                                   env.get("TELEGRAM_API_BASE") or None))
    twilio = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_SMS_NUMBER", "STAFF_DUTY_PHONE")
    if all(env.get(name) for name in twilio):
        found.append(DutyPhone(env["TWILIO_ACCOUNT_SID"], env["TWILIO_AUTH_TOKEN"],
                               env["TWILIO_SMS_NUMBER"], env["STAFF_DUTY_PHONE"],
                               env.get("TWILIO_API_BASE") or None))
    if env.get("STAFF_SMTP_HOST") and env.get("STAFF_EMAIL_TO") and env.get("STAFF_EMAIL_FROM"):
        found.append(Email(
            host=env["STAFF_SMTP_HOST"], port=int(env.get("STAFF_SMTP_PORT") or 587),
            sender=env["STAFF_EMAIL_FROM"],
            recipients=tuple(a.strip() for a in env["STAFF_EMAIL_TO"].split(",") if a.strip()),
            user=env.get("STAFF_SMTP_USER") or None,
            password=env.get("STAFF_SMTP_PASSWORD") or None,
            starttls=(env.get("STAFF_SMTP_STARTTLS") or "yes").lower() != "no",
        ))
    return found


async def notify(targets: list[Any], request: CallbackRequest, reminder: bool = False) -> list[str]:
    """Sends the notice to every target; one failing does not stop the others. Returns the
    names of the targets that failed (logged without any detail of the request)."""
    text = notice_text(request, reminder)
    failed = []
    for target in targets:
        try:
            await target.send(text, request)
        except Exception as exc:  # noqa: BLE001 - any failure of one target is reported
            logger.error("Could not notify %s: %s", target.name, type(exc).__name__)
            failed.append(target.name)
    return failed
