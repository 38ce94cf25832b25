"""Telegram through python-telegram-bot, as a Rasa input channel, by webhook or polling.

Webhook mode (a public https URL) checks Telegram's `secret_token` header on every update
(wrong or missing: 403); polling mode (a laptop with no public URL) asks Telegram for
updates itself. Both hand updates to the same code. Private chats only: groups, channels
and edited messages are ignored on purpose. Menus become inline keyboards; a deep link
`t.me/<bot>?start=<lang>` or `start=<lang>-<topic>` opens the bot in that language (and
topic). CLEAR deletes this chat's messages, because someone else may look at the phone.
The Telegram id is replaced by a keyed hash before Rasa or the logs see it.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import TelegramError

from bot.callbacks.notify import staff_keyboard
from bot.callbacks.store import CallbackStore, migrate
from bot.channels.config import require
from bot.channels.identity import KEY_VARIABLE, check_key, contact_metadata, sender_id
from bot.channels.store import ChannelStore
from bot.channels.telegram_staff import is_staff_button, press
from bot.dialogue import CONTACT_PAYLOAD, intent_for_topic, payload_for_intent
from bot.languages import LANGUAGES
from bot.settings import load_settings
from bot.text import normalise

logger = logging.getLogger(__name__)
# httpx logs every request URL at INFO, and Telegram's URLs contain the bot's token.
logging.getLogger("httpx").setLevel(logging.WARNING)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CLEAR_PAYLOAD = "/clear_chat"
CLEAR_WORDS = frozenset({"clear", "/clear"})
CLEAR_BUTTON = "✖ CLEAR"
# A deep link's start parameter: a language code, optionally "-" and a topic id.
_START = re.compile(r"^(?P<lang>[a-z]{2,3}(?:_[A-Za-z]{4})?)(?:-(?P<topic>[a-z0-9-]+))?$")
REQUIRED = ("TELEGRAM_BOT_TOKEN", KEY_VARIABLE)


@dataclass(frozen=True)
class TelegramSettings:
    token: str
    secret_token: str | None  # webhook mode; None: polling
    sender_key: bytes
    data_dir: Path
    api_base: str | None  # only for a fake Telegram API in tests and trials

    @classmethod
    def from_env(cls) -> TelegramSettings:
        env = os.environ
        require(env, REQUIRED, "Telegram")
        return cls(
            token=env["TELEGRAM_BOT_TOKEN"],
            secret_token=env.get("TELEGRAM_SECRET_TOKEN") or None,
            sender_key=check_key(env.get(KEY_VARIABLE)),
            data_dir=Path(env.get("BOT_DATA_DIR") or "var"),
            api_base=(env.get("TELEGRAM_API_BASE") or "").rstrip("/") or None,
        )

    @property
    def polling(self) -> bool:
        return self.secret_token is None


def start_payloads(argument: str, topic_ids: set[str] | None = None) -> list[str]:
    """What a deep link's start parameter asks for, as Rasa payloads (greet if unusable)."""
    match = _START.match(argument.strip())
    if not match or match.group("lang") not in LANGUAGES:
        return ["/greet"]
    payloads = [payload_for_intent("choose_language", {"language": match.group("lang")})]
    topic = match.group("topic")
    if topic and (topic_ids is None or topic in topic_ids):
        payloads.append(payload_for_intent(intent_for_topic(topic)))
    return payloads


def keyboard(buttons: list[dict[str, str]]) -> InlineKeyboardMarkup:
    """One button per row (long titles stay readable), then CLEAR."""
    rows = [[InlineKeyboardButton(b["title"], callback_data=b["payload"][:64])] for b in buttons]
    rows.append([InlineKeyboardButton(CLEAR_BUTTON, callback_data=CLEAR_PAYLOAD)])
    return InlineKeyboardMarkup(rows)


class TelegramInput(InputChannel):
    """Webhook: POST /webhooks/telegram/webhook. Polling starts with the server."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(TelegramSettings.from_env())

    def __init__(self, settings: TelegramSettings) -> None:
        from bot.content import REQUIRED_TOPICS

        self.settings = settings
        base = f"{settings.api_base}/bot" if settings.api_base else "https://api.telegram.org/bot"
        self.bot = Bot(settings.token, base_url=base)
        self.store = ChannelStore(settings.data_dir / "channels.db")
        self.topic_ids = set(REQUIRED_TOPICS)
        self._callbacks: CallbackStore | None = None  # staff buttons; opened on first use

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        hook = Blueprint("telegram_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "mode": self.mode})

        @hook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            secret = self.settings.secret_token
            given = request.headers.get(SECRET_HEADER, "")
            if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
                return response.text("Forbidden: bad or missing secret token", 403)
            try:
                update = Update.de_json(request.json, self.bot)
            except (TypeError, ValueError, KeyError):
                return response.text("Bad request: not a Telegram update", 400)
            if update is not None:
                await self.handle(update, on_new_message)
            return response.text("")

        if self.settings.polling:
            @hook.listener("after_server_start")
            async def start_polling(app: Any, _: Any) -> None:
                app.add_task(self._poll(on_new_message))

        return hook

    @property
    def mode(self) -> str:
        return "polling" if self.settings.polling else "webhook"

    async def _poll(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Long polling: for a laptop with no public URL. Errors wait and retry."""
        await self.bot.initialize()
        await self.bot.delete_webhook()
        offset: int | None = None
        while True:
            try:
                updates = await self.bot.get_updates(offset=offset, timeout=20)
            except TelegramError as exc:
                logger.warning("Telegram polling failed (%s); retrying", type(exc).__name__)
                await asyncio.sleep(3)
                continue
            for update in updates:
                offset = update.update_id + 1
                await self.handle(update, on_new_message)

    # ------------------------------------------------------------------ updates

    async def handle(
        self, update: Update, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        """One update, from the webhook or from polling."""
        await self.bot.initialize()  # once (get_me); later calls return at once
        if not self.store.first_time(f"telegram-update-{update.update_id}"):
            return  # Telegram retries a webhook it thinks failed
        chat = update.effective_chat
        query = update.callback_query
        if query and chat and is_staff_button(query.data or ""):
            await self._staff_press(update)
            return
        if chat is None or chat.type != "private" or update.edited_message:
            return  # groups and channels, and edits of old messages: ignored on purpose
        sender = sender_id("telegram", str(chat.id), self.settings.sender_key)
        texts = await self._texts(update, sender)
        if texts is None:
            await self._clear(chat.id, sender)
            return
        for text in texts:
            collector = CollectingOutputChannel()
            metadata = self._own_number(update) if text == CONTACT_PAYLOAD else {}
            await on_new_message(
                UserMessage(text, collector, sender, input_channel=self.name(),
                            metadata=metadata)
            )
            for message in collector.messages:
                await self._send(chat.id, sender, message)

    async def _texts(self, update: Update, sender: str) -> list[str] | None:
        """What to send to Rasa for this update; None means CLEAR."""
        if update.callback_query:
            query = update.callback_query
            await query.answer()
            data = query.data or ""
            return None if data == CLEAR_PAYLOAD else [data]
        message = update.message
        if message is None:
            return []
        self.store.remember_message(sender, message.message_id)
        text = (message.text or "").strip()
        if text.startswith("/start"):
            return start_payloads(text[len("/start"):], self.topic_ids)
        if normalise(text) in CLEAR_WORDS:
            return None
        if text:
            return [text]
        if self._own_number(update):
            return [CONTACT_PAYLOAD]
        return ["/media_message"]  # voice, photo, sticker, location, file...

    async def _staff_press(self, update: Update) -> None:
        """A Claim / Done / Couldn't reach press in the staff group (and only there)."""
        query, chat = update.callback_query, update.effective_chat
        assert query is not None and chat is not None
        staff_chat = os.environ.get("STAFF_TELEGRAM_CHAT_ID", "").strip()
        if not staff_chat or str(chat.id) != staff_chat:
            await query.answer()
            return  # a staff button forwarded elsewhere does nothing
        result = await asyncio.to_thread(
            press, self._callback_store(), query.data or "", query.from_user.id)
        await query.answer(result.answer, show_alert=result.text is None)
        if result.text and query.message is not None:
            try:
                await self.bot.edit_message_text(
                    result.text, chat_id=chat.id, message_id=query.message.message_id,
                    reply_markup=staff_keyboard(result.reference or "", result.state or ""),
                )
            except TelegramError as exc:
                logger.warning("Could not update the staff notice: %s", type(exc).__name__)

    def _callback_store(self) -> CallbackStore:
        if self._callbacks is None:
            url = load_settings().callback_db
            migrate(url)
            self._callbacks = CallbackStore(url, None)  # states only: no key, no numbers
        return self._callbacks

    @staticmethod
    def _own_number(update: Update) -> dict[str, str]:
        """The number shared with the "share my number" button: only the user's own (a
        forwarded contact card of someone else is not a number she chose as safe)."""
        message = update.message
        contact = message.contact if message else None
        if contact is None or message is None or message.from_user is None:
            return {}
        if contact.user_id != message.from_user.id or not contact.phone_number:
            return {}
        number = contact.phone_number
        return contact_metadata(number if number.startswith("+") else "+" + number)

    async def _send(self, chat_id: int, sender: str, message: dict[str, Any]) -> None:
        buttons = message.get("buttons") or []
        markup: Any = keyboard(buttons) if buttons else None
        share = [b for b in buttons if b.get("payload") == CONTACT_PAYLOAD]
        if share:
            markup = ReplyKeyboardMarkup(
                [[KeyboardButton(share[0]["title"], request_contact=True)]],
                one_time_keyboard=True, resize_keyboard=True,
            )
        elif markup is None:
            markup = ReplyKeyboardRemove()  # the share button goes once it is not asked for
        try:
            sent = await self.bot.send_message(
                chat_id, message.get("text") or "…", reply_markup=markup,
            )
        except TelegramError as exc:
            logger.error("Telegram refused a message: %s", type(exc).__name__)
            return
        self.store.remember_message(sender, sent.message_id)

    async def _clear(self, chat_id: int, sender: str) -> None:
        """Deletes every message of this chat that the bot knows of (Telegram allows up to
        100 per call, within 48 hours)."""
        ids = self.store.take_messages(sender)
        for start in range(0, len(ids), 100):
            try:
                await self.bot.delete_messages(chat_id, ids[start : start + 100])
            except TelegramError as exc:
                logger.warning("Telegram could not delete messages: %s", type(exc).__name__)
