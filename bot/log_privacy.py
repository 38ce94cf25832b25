"""Keeps message text, entities, slot values and sender ids out of Rasa's logs.

Rasa logs through structlog, at DEBUG with the message text, and its error events carry
the exception's frame locals (which hold the text too). We wrap Rasa's own structlog set-up
and add one processor that redacts those fields and renders exceptions without locals.
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
from collections.abc import MutableMapping
from typing import Any

import structlog

REDACTED = "[redacted]"
# Rasa's own list of fields that can hold personal data, plus the sender id.
SENSITIVE_KEYS = frozenset(
    {
        "text", "response_text", "user_text", "slot_values", "parse_data_text",
        "parse_data_entities", "prediction_events", "tracker_latest_message",
        "prefilled_slots", "message", "response", "slot_candidates", "rasa_event",
        "rasa_events", "tracker_states", "current_states", "old_states", "successes",
        "current_entity", "next_entity", "states", "entity", "token_text", "user_message",
        "json_message", "sender_id", "sender", "body", "metadata", "slots", "value",
    }
)


def redact(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """A structlog processor: sensitive fields out, tracebacks without frame locals."""
    for key in event_dict:
        if key in SENSITIVE_KEYS:
            event_dict[key] = REDACTED
    exc_info = event_dict.pop("exc_info", None)
    if exc_info:
        if exc_info is True:
            exc_info = sys.exc_info()
        elif isinstance(exc_info, BaseException):
            exc_info = (type(exc_info), exc_info, exc_info.__traceback__)
        if exc_info and exc_info[0] is not None:
            frames = traceback.extract_tb(exc_info[2])
            event_dict["exception"] = {
                "type": exc_info[0].__name__,
                "at": [f"{f.filename}:{f.lineno} in {f.name}" for f in frames[-6:]],
            }
    return event_dict


def configure_structlog(log_level: int | None = None) -> None:
    """Rasa's structlog configuration with `redact` added after exc_info is set."""
    from rasa.utils.log_utils import configure_structlog as rasa_configure

    rasa_configure(log_level)
    processors = list(structlog.get_config()["processors"])
    position = next(
        (i + 1 for i, p in enumerate(processors) if p is structlog.dev.set_exc_info), 0
    )
    processors.insert(position, redact)
    structlog.configure(processors=processors)


_WARNING_PREFIX = re.compile(r"^(?P<where>\S+:\d+): (?P<category>\w+):")


class _WarningRedactor(logging.Filter):
    """Python warnings from Rasa can quote what the user typed (an unknown `/intent`
    payload, say); keep only where and what kind."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        match = _WARNING_PREFIX.match(text)
        where = f"{match['where']}: {match['category']}" if match else "warning"
        record.msg, record.args = f"{where} (message hidden: it may quote user text)", ()
        return True


def redact_python_warnings() -> None:
    """Sends Python warnings to logging, through `_WarningRedactor`."""
    logging.captureWarnings(True)
    logger = logging.getLogger("py.warnings")
    if not any(isinstance(f, _WarningRedactor) for f in logger.filters):
        logger.addFilter(_WarningRedactor())


def quiet(log_level: int = logging.ERROR) -> None:
    """For in-process use of Rasa (bot classify): redacted, and only serious messages."""
    configure_structlog(log_level)
    logging.getLogger().setLevel(log_level)
