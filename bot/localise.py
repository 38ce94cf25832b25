"""The content in another language: the English content with each text looked up in that
language's catalog, and pages split where a translation would cost too many SMS segments.

What is served where a translation is missing or unreviewed is a deployment choice
(BOT_UNREVIEWED): `draft` serves drafts; `english` serves the English topic with an offer
of a call back with an interpreter. A topic is always served whole in one language (never
half-translated), and a stale translation (the English changed since) is never served.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from bot import bidi, sms
from bot.catalog import Translations, check_entry, topic_context, ui_context
from bot.content import Content, Topic
from bot.languages import is_rtl

# A translated page, as sent by SMS with its footer, stays within this many segments.
MAX_TRANSLATED_SEGMENTS = 3
# Where a page may be split: after a sentence's end (with or without a following space,
# as Chinese and Ge'ez punctuation has none).
_SENTENCE_END = re.compile(r"(?<=[.!?\u061f\u06d4])\s+|(?<=[\u3002\uff01\uff1f\u1362\u1367])\s*")
_FOOTER_KEYS = (
    "page_footer", "last_page_footer", "step_footer", "last_step_footer", "journey_topic_footer",
)


def source_entries(content: Content) -> list[tuple[str, str]]:
    """Every English text to translate, as (catalog context, text): what babel.cfg extracts."""
    entries = [(ui_context(key), text) for key, text in content.ui.items()]
    for topic in content.topics.values():
        entries += [(topic_context(topic.id), text) for text in (topic.title, *topic.pages)]
    return entries


def usable_text(translations: Translations, context: str, source: str) -> str | None:
    """The translation to serve for one text, or None (missing, stale or malformed)."""
    entry = translations.get(context, source)
    if entry is None or not entry.usable or check_entry(source, entry.text):
        return None
    return entry.text


def is_reviewed(translations: Translations, context: str, source: str) -> bool:
    entry = translations.get(context, source)
    return bool(entry and entry.reviewed and usable_text(translations, context, source))


def localise(content: Content, translations: Translations, policy: str = "draft") -> Content:
    """`content` (English) in the language of `translations`."""
    lang = translations.lang
    ui = {
        key: usable_text(translations, ui_context(key), text) or text
        for key, text in content.ui.items()
    }
    localised = dataclasses.replace(
        content, ui=ui, lang=lang, rtl=is_rtl(lang), translations={}, warnings=()
    )
    topics: dict[str, Topic] = {}
    reviewed: set[str] = set()
    english: set[str] = set()
    for topic in content.topics.values():
        context = topic_context(topic.id)
        texts = (topic.title, *topic.pages)
        translated = [usable_text(translations, context, text) for text in texts]
        if all(is_reviewed(translations, context, text) for text in texts):
            reviewed.add(topic.id)
        if any(t is None for t in translated) or (policy == "english" and topic.id not in reviewed):
            english.add(topic.id)
            topics[topic.id] = topic
            continue
        title, *pages = (t for t in translated if t is not None)
        topics[topic.id] = dataclasses.replace(topic, title=title, pages=tuple(pages))
    localised = dataclasses.replace(localised, topics=topics)
    split = {
        topic_id: topic if topic_id in english else _split_pages(localised, topic)
        for topic_id, topic in topics.items()
    }
    return dataclasses.replace(
        localised,
        topics=split,
        reviewed_topics=frozenset(reviewed),
        english_topics=frozenset(english),
    )


def _page_fits(content: Content, link: str | None) -> Callable[[str], bool]:
    """Whether a page's text, with the longest footer it could get (and its step's option),
    fits the segment budget. The footer and option are worked out once per page."""
    tail = ["", max((content.text(k, page=99, pages=99) for k in _FOOTER_KEYS), key=len)]
    if link is not None:
        title = content.fill(content.topics[link].title)
        tail.append("1. " + content.text("button_read_step", title=title))
    suffix = "\n".join(tail)

    def fits(text: str) -> bool:
        sent = bidi.shape(content.fill(text) + suffix, content.rtl)
        return sms.sms_info(sent).segments <= MAX_TRANSLATED_SEGMENTS

    return fits


def _split_pages(content: Content, topic: Topic) -> Topic:
    """Splits each page that does not fit into as few pages as fit, at sentence ends."""
    pages: list[str] = []
    links: list[str | None] = []
    lines: list[int] = []
    for index, page in enumerate(topic.pages):
        link = topic.links[index]
        parts = _pack(page, _page_fits(content, link))
        pages.extend(parts)
        links.extend([link] * len(parts))
        lines.extend([topic.page_lines[index] if topic.page_lines else 1] * len(parts))
    return dataclasses.replace(
        topic, pages=tuple(pages), links=tuple(links), page_lines=tuple(lines)
    )


def _pieces(text: str, pattern: re.Pattern[str] | None) -> list[str]:
    """The text cut after each match of pattern (sentence ends or spaces), or per character."""
    if pattern is None:
        return list(text)
    pieces, start = [], 0
    for match in pattern.finditer(text):
        pieces.append(text[start : match.end()])
        start = match.end()
    pieces.append(text[start:])
    return [p for p in pieces if p]


def _pack(text: str, fits: Callable[[str], bool], level: int = 0) -> list[str]:
    """Greedy: as many whole sentences per page as fit; a sentence too long on its own is
    cut between words (or characters, for scripts without spaces)."""
    if fits(text):
        return [text]
    patterns = (_SENTENCE_END, re.compile(r"\s+"), None)
    pieces = _pieces(text, patterns[level])
    pages: list[str] = []
    current = ""
    for piece in pieces:
        candidate = current + piece
        if not current or fits(candidate.strip()):
            current = candidate
            continue
        pages.append(current.strip())
        current = piece
    if current.strip():
        pages.append(current.strip())
    if level < len(patterns) - 1:
        return [part for page in pages for part in _pack(page, fits, level + 1)]
    return pages
