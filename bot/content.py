"""The content model: topics, interface text and phone numbers, loaded from `content/`.

Content is data a non-programmer edits, so every problem is reported with the file and
line it is on, all at once, instead of stopping at the first one or crashing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import statistics
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot import sms
from bot.dialogue import MENU_ITEM_INTENTS

TOPIC_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
FACT_ID = re.compile(r"^F\d+$")
URL = re.compile(r"^https?://\S+$")
# Topics that other parts of the bot (menus, the emergency path, tools) rely on.
REQUIRED_TOPICS = (
    "modern-slavery",
    "signs-of-exploitation",
    "nrm-what",
    "nrm-referral",
    "nrm-should-i",
    "reasonable-grounds",
    "recovery-period",
    "conclusive-grounds",
    "negative-decision",
    "after-nrm",
    "immigration",
    "legal-help",
    "housing",
    "health",
    "money-work",
    "outside-nrm",
    "helplines",
    "emergency",
    "the-journey",
    "about-bot",
    "uk-nations",
)
# The guided walk through the process: its pages are steps, each linking to a topic.
JOURNEY_TOPIC = "the-journey"
# Interface texts the code asks for by key; content/ui.yml must define every one.
REQUIRED_UI = (
    "welcome",
    "disclaimer_line",
    "menu_prompt",
    "fallback",
    "page_footer",
    "last_page_footer",
    "related_prompt",
    "end_of_topic",
    "callback_unavailable",
    "language_prompt",
    "language_detected",
    "draft_notice",
    "english_page_notice",
    "sms_stopped",
    "sms_help",
    "media_only_text",
    "delete_done",
    "empty_message",
    "too_long",
    "unsupported_script",
    "thanks",
    "nothing_to_go_back_to",
    "button_more",
    "button_back",
    "button_menu",
    "button_next",
    "button_read_step",
    "menu_item_callback",
    "menu_item_more_topics",
    "more_topics_prompt",
    "invalid_option",
    "step_footer",
    "last_step_footer",
    "journey_topic_footer",
    "journey_end",
    "callback_intro",
    "callback_ask_this_number",
    "callback_this_number_yes",
    "callback_this_number_no",
    "callback_ask_shared_number",
    "callback_ask_typed_number",
    "callback_bad_number",
    "callback_confirm_number",
    "callback_ask_time",
    "callback_time_morning",
    "callback_time_afternoon",
    "callback_time_evening",
    "callback_time_any",
    "callback_ask_voicemail",
    "callback_voicemail_yes",
    "callback_voicemail_no",
    "callback_ask_say_who",
    "callback_say_who_yes",
    "callback_say_who_no",
    "callback_ask_language",
    "callback_ask_interpreter",
    "callback_interpreter_yes",
    "callback_interpreter_no",
    "callback_ask_topic",
    "callback_topic_skip",
    "callback_choose_number",
    "callback_danger_note",
    "callback_saved",
    "callback_when_open",
    "callback_when_closed",
    "callback_how_to_cancel",
    "callback_not_saved",
    "callback_left_form",
    "callback_already_open",
    "callback_status_new",
    "callback_status_claimed",
    "callback_status_could_not_reach",
    "callback_status_none",
    "callback_withdrawn",
    "button_share_number",
)
# Placeholders the bot itself fills in, per interface text.
UI_RUNTIME_PLACEHOLDERS = {
    "page_footer": {"page", "pages"},
    "last_page_footer": {"page", "pages"},
    "step_footer": {"page", "pages"},
    "last_step_footer": {"page", "pages"},
    "journey_topic_footer": {"page", "pages"},
    "invalid_option": {"number"},
    "button_read_step": {"title"},
    "callback_saved": {"reference"},
    "callback_confirm_number": {"number"},
    "callback_already_open": {"reference"},
    "callback_status_new": {"reference"},
    "callback_status_claimed": {"reference"},
    "callback_status_could_not_reach": {"reference"},
    "callback_withdrawn": {"reference"},
    "callback_when_closed": {"next_open"},
}
MAX_SMS_SEGMENTS_GSM = 2
STALE_AFTER_DAYS = 365
# Reading grade (Flesch-Kincaid) a page should stay at or below, and the median to aim for.
HARD_PAGE_GRADE = 8.0
TARGET_MEDIAN_GRADE = 6.0


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    message: str
    severity: str = "error"  # "error" stops start-up; "warning" is only printed

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


class ContentError(Exception):
    """Raised with every problem found, so a content owner can fix them in one pass."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    pages: tuple[str, ...]
    # Per page: the topic a step of the journey links to, else None.
    links: tuple[str | None, ...]
    related: tuple[str, ...]
    sources: tuple[str, ...]
    facts: tuple[str, ...]
    last_reviewed: dt.date
    path: Path
    page_lines: tuple[int, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Content:
    topics: dict[str, Topic]
    ui: dict[str, str]
    main_menu: tuple[str, ...]
    more_topics: tuple[str, ...]
    numbers: dict[str, str]
    deployment: dict[str, str]
    warnings: tuple[Problem, ...] = field(default=())
    lang: str = "en"
    rtl: bool = False
    # The same content in every other language that has a catalog (see bot/localise.py).
    translations: dict[str, Content] = field(default_factory=dict, compare=False, repr=False)
    # Topics a translator has confirmed in this language; topics served in English instead.
    reviewed_topics: frozenset[str] = frozenset()
    english_topics: frozenset[str] = frozenset()

    def for_language(self, lang: str | None) -> Content:
        """This content in `lang` (English for an unknown language or one without a catalog)."""
        if not lang or lang == self.lang:
            return self
        return self.translations.get(lang, self)

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages the bot can speak: English and every language with a catalog."""
        from bot.languages import LANGUAGES

        return tuple(code for code in LANGUAGES if code == "en" or code in self.translations)

    def placeholders(self) -> dict[str, str]:
        return {**self.numbers, **self.deployment}

    def fill(self, text: str, **extra: Any) -> str:
        """Replaces {placeholders} with phone numbers and deployment settings."""
        return text.format_map({**self.placeholders(), **extra})

    def text(self, key: str, **extra: Any) -> str:
        return self.fill(self.ui[key], **extra)


# ---------------------------------------------------------------- YAML with line numbers


class _LineDict(dict):
    line: int = 1
    key_lines: dict[str, int]


class _LineList(list):
    line: int = 1
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    """A safe loader whose mappings and lists remember the line each item is on."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> _LineDict:
        mapping = _LineDict(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {
            str(key_node.value): value_node.start_mark.line + 1
            for key_node, value_node in node.value
        }
        return mapping

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> _LineList:
        items = _LineList(super().construct_sequence(node, deep=True))
        items.line = node.start_mark.line + 1
        items.item_lines = [child.start_mark.line + 1 for child in node.value]
        return items


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping
)
_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _LineLoader.construct_sequence
)


def _read_yaml(path: Path, problems: list[Problem]) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(path, 1, f"not UTF-8 text ({exc.reason})"))
        return None
    except OSError as exc:
        problems.append(Problem(path, 1, f"cannot be read: {exc.strerror}"))
        return None
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problems.append(Problem(path, line, f"is not valid YAML: {exc.problem or exc}"))
    except yaml.YAMLError as exc:
        problems.append(Problem(path, 1, f"is not valid YAML: {exc}"))
    return None


def _line(mapping: Any, key: str) -> int:
    if isinstance(mapping, _LineDict):
        return mapping.key_lines.get(key, mapping.line)
    return 1


def _item_line(items: Any, index: int) -> int:
    if isinstance(items, _LineList) and index < len(items.item_lines):
        return items.item_lines[index]
    return getattr(items, "line", 1)


# ---------------------------------------------------------------- checks


def placeholder_names(text: str) -> set[str]:
    """The {names} a text uses; raises ValueError for a stray brace."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


class _Checker:
    def __init__(self, known_placeholders: set[str]):
        self.problems: list[Problem] = []
        self.known = known_placeholders

    def error(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(path, line, message))

    def warn(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(path, line, message, "warning"))

    def text_field(self, path: Path, mapping: dict, key: str, what: str) -> str | None:
        value = mapping.get(key)
        if value is None:
            self.error(path, _line(mapping, key), f"{what} is missing")
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(path, _line(mapping, key), f"{what} must be non-empty text")
            return None
        return value.strip()

    def placeholders(
        self, path: Path, line: int, text: str, what: str, extra: Iterable[str] = ()
    ) -> bool:
        known = self.known | set(extra)
        try:
            names = placeholder_names(text)
        except ValueError as exc:
            self.error(path, line, f"{what} has a stray brace: {exc}")
            return False
        unknown = sorted(n for n in names if n not in known)
        if unknown:
            self.error(
                path,
                line,
                f"{what} uses unknown placeholder(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known))}",
            )
            return False
        return True


def _check_topic(
    path: Path, data: Any, checker: _Checker, today: dt.date
) -> tuple[dict[str, Any] | None, _LineDict | None]:
    if not isinstance(data, dict):
        checker.error(path, 1, "a topic file must be a mapping with id, title, pages, ...")
        return None, None
    allowed = {"id", "title", "pages", "related", "sources", "facts", "last_reviewed"}
    for key in data:
        if key not in allowed:
            checker.error(path, _line(data, key), f"unknown field {key!r}")
    topic_id = checker.text_field(path, data, "id", "id")
    if topic_id is not None:
        if not TOPIC_ID.match(topic_id):
            checker.error(path, _line(data, "id"), f"id {topic_id!r} must be lower-case-words")
        elif path.stem != topic_id:
            checker.error(path, _line(data, "id"), f"id {topic_id!r} must match file name")
    title = checker.text_field(path, data, "title", "title")
    if title is not None:
        checker.placeholders(path, _line(data, "title"), title, "title")

    pages = data.get("pages")
    clean_pages: list[str] = []
    links: list[str | None] = []
    page_lines: list[int] = []
    if not isinstance(pages, list) or not pages:
        checker.error(path, _line(data, "pages"), "pages must be a list of at least one page")
    else:
        for index, page in enumerate(pages):
            line = _item_line(pages, index)
            text, link = _page_parts(path, line, index, page, checker)
            if text is None:
                continue
            checker.placeholders(path, line, text, f"page {index + 1}")
            clean_pages.append(text)
            links.append(link)
            page_lines.append(line)

    related = _id_list(path, data, "related", checker, required=False)
    facts = _id_list(path, data, "facts", checker, required=False, pattern=FACT_ID)

    sources = data.get("sources")
    if not isinstance(sources, list) or not sources:
        checker.error(path, _line(data, "sources"), "sources must list at least one URL")
        sources = []
    for index, source in enumerate(sources):
        if not isinstance(source, str) or not URL.match(source.strip()):
            checker.error(path, _item_line(sources, index), f"source {source!r} is not a URL")

    reviewed = data.get("last_reviewed")
    if reviewed is None:
        checker.error(path, _line(data, "last_reviewed"), "last_reviewed is missing")
    elif not isinstance(reviewed, dt.date) or isinstance(reviewed, dt.datetime):
        checker.error(
            path, _line(data, "last_reviewed"), "last_reviewed must be a date like 2026-11-22"
        )
        reviewed = None
    elif reviewed > today:
        checker.error(path, _line(data, "last_reviewed"), "last_reviewed is in the future")
    elif (today - reviewed).days > STALE_AFTER_DAYS:
        checker.warn(
            path,
            _line(data, "last_reviewed"),
            f"last reviewed {reviewed.isoformat()}, over 12 months ago: please review",
        )

    fields = {
        "id": topic_id,
        "title": title,
        "pages": tuple(clean_pages),
        "links": tuple(links),
        "related": tuple(related),
        "sources": tuple(s.strip() for s in sources if isinstance(s, str)),
        "facts": tuple(facts),
        "last_reviewed": reviewed,
        "path": path,
        "page_lines": tuple(page_lines),
    }
    return fields, data if isinstance(data, _LineDict) else None


def _page_parts(
    path: Path, line: int, index: int, page: Any, checker: _Checker
) -> tuple[str | None, str | None]:
    """A page is text, or (a step of the journey) a mapping of `text` and the `topic` it opens."""
    link = None
    if isinstance(page, dict):
        for key in page:
            if key not in ("text", "topic"):
                checker.error(path, _line(page, key), f"page {index + 1}: unknown field {key!r}")
        link = page.get("topic")
        if not isinstance(link, str) or not TOPIC_ID.match(link):
            checker.error(path, line, f"page {index + 1}: topic must be a topic id")
            link = None
        page = page.get("text")
    if not isinstance(page, str) or not page.strip():
        checker.error(path, line, f"page {index + 1} must be non-empty text")
        return None, None
    return page.strip(), link


def _id_list(
    path: Path,
    data: dict,
    key: str,
    checker: _Checker,
    required: bool,
    pattern: re.Pattern[str] = TOPIC_ID,
) -> list[str]:
    value = data.get(key)
    if value is None:
        if required:
            checker.error(path, _line(data, key), f"{key} is missing")
        return []
    if not isinstance(value, list):
        checker.error(path, _line(data, key), f"{key} must be a list")
        return []
    good = []
    for index, item in enumerate(value):
        if not isinstance(item, str) or not pattern.match(item):
            checker.error(path, _item_line(value, index), f"{key} entry {item!r} is not valid")
        else:
            good.append(item)
    return good


def _load_numbers(path: Path, checker: _Checker, overrides: dict[str, str]) -> dict[str, str]:
    data = _read_yaml(path, checker.problems)
    if data is None:
        return {}
    if not isinstance(data, dict):
        checker.error(path, 1, "numbers.yml must map a key to {number, name, source}")
        return {}
    numbers: dict[str, str] = {}
    for key, entry in data.items():
        line = _line(data, key)
        if not isinstance(entry, dict) or not isinstance(entry.get("number"), str | int):
            checker.error(path, line, f"{key}: needs a number")
            continue
        source = entry.get("source")
        if not isinstance(source, str) or not URL.match(source):
            checker.error(path, line, f"{key}: needs a source URL")
        numbers[str(key)] = str(entry["number"])
    for key, value in overrides.items():
        if key not in numbers:
            checker.warn(path, 1, f"BOT_NUMBER_{key.upper()} overrides no number in this file")
        numbers[key] = value
    return numbers


DEFAULT_DEPLOYMENT = {"org_name": "a UK charity", "retention_days": "30"}


def load_configured_content() -> Content:
    """The content as this deployment's settings (environment) configure it."""
    from bot.settings import load_settings

    settings = load_settings()
    return load_content(
        settings.content_dir,
        settings.deployment_placeholders(),
        settings.number_overrides,
        locales_dir=settings.locales_dir,
        unreviewed=settings.unreviewed,
    )


def load_content(
    content_dir: Path,
    deployment: dict[str, str] | None = None,
    number_overrides: dict[str, str] | None = None,
    today: dt.date | None = None,
    locales_dir: Path | None = None,
    unreviewed: str = "draft",
) -> Content:
    """Loads and checks everything under content_dir, and the translations in locales_dir
    (default: `locales/` beside it); raises ContentError on any error."""
    today = today or dt.date.today()
    deployment = {**DEFAULT_DEPLOYMENT, **(deployment or {})}
    numbers_checker = _Checker(set())
    numbers = _load_numbers(content_dir / "numbers.yml", numbers_checker, number_overrides or {})
    checker = _Checker(set(numbers) | set(deployment))
    checker.problems.extend(numbers_checker.problems)

    raw_topics: dict[str, dict[str, Any]] = {}
    topic_files = sorted((content_dir / "topics").glob("*.yml"))
    if not topic_files:
        checker.error(content_dir / "topics", 1, "no topic files (*.yml) found")
    for path in topic_files:
        data = _read_yaml(path, checker.problems)
        if data is None:
            continue
        fields, node = _check_topic(path, data, checker, today)
        if not fields or not fields["id"]:
            continue
        if fields["id"] in raw_topics:
            other = raw_topics[fields["id"]]["path"]
            checker.error(path, _line(node, "id"), f"id {fields['id']!r} is also used by {other}")
            continue
        fields["_node"] = node
        raw_topics[fields["id"]] = fields

    for topic_id in REQUIRED_TOPICS:
        if topic_id not in raw_topics:
            checker.error(content_dir / "topics", 1, f"required topic {topic_id!r} is missing")
    for fields in raw_topics.values():
        node = fields["_node"]
        for index, target in enumerate(fields["related"]):
            if target not in raw_topics:
                line = _item_line(node.get("related") if node else None, index)
                checker.error(fields["path"], line, f"related topic {target!r} does not exist")
        for index, target in enumerate(fields["links"]):
            line = fields["page_lines"][index]
            if fields["id"] != JOURNEY_TOPIC and target is not None:
                checker.error(fields["path"], line, f"only {JOURNEY_TOPIC} pages link to a topic")
            elif fields["id"] == JOURNEY_TOPIC and target is None:
                checker.error(fields["path"], line, "each step needs text and the topic it opens")
            elif target is not None and target not in raw_topics:
                checker.error(fields["path"], line, f"step links to {target!r}, no such topic")

    ui_path = content_dir / "ui.yml"
    ui, menus = _load_ui(ui_path, checker, set(raw_topics))

    if any(p.severity == "error" for p in checker.problems):
        raise ContentError(checker.problems)
    topics = {
        topic_id: Topic(**{k: v for k, v in fields.items() if not k.startswith("_")})
        for topic_id, fields in raw_topics.items()
    }
    content = Content(
        topics=topics,
        ui=ui,
        main_menu=menus.get("main_menu", ()),
        more_topics=menus.get("more_topics", ()),
        numbers=numbers,
        deployment=deployment,
        reviewed_topics=frozenset(topics),
    )
    problems = checker.problems + list(_check_sms_budget(content))
    problems += _check_readability(content)
    translations, catalog_problems = _load_languages(
        content, locales_dir or content_dir.parent / "locales", unreviewed
    )
    problems += catalog_problems
    if any(p.severity == "error" for p in problems):
        raise ContentError(problems)
    return dataclasses.replace(content, warnings=tuple(problems), translations=translations)


def _load_languages(
    content: Content, locales_dir: Path, unreviewed: str
) -> tuple[dict[str, Content], list[Problem]]:
    """Every language's catalog, checked against the English it translates."""
    from bot.catalog import check_entry, load_translations, ui_context
    from bot.localise import localise, source_entries, usable_text

    catalogs, catalog_problems = load_translations(locales_dir)
    problems = [Problem(p.path, p.line, p.message) for p in catalog_problems]
    sources = source_entries(content)
    for translations in catalogs.values():
        for context, source in sources:
            entry = translations.get(context, source)
            if entry is None or not entry.usable:
                continue
            wrong = check_entry(source, entry.text)
            if wrong:
                problems.append(Problem(translations.path, entry.line, f"{context}: {wrong}"))
    localised = {}
    for lang, translations in catalogs.items():
        missing = [
            key for key, text in content.ui.items()
            if usable_text(translations, ui_context(key), text) is None
        ]
        if missing:
            problems.append(Problem(
                translations.path, 1,
                f"not offered to users: {len(missing)} interface text(s) have no usable "
                f"translation ({', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''})",
                "warning",
            ))
            continue
        localised[lang] = localise(content, translations, unreviewed)
    return localised, problems


MENUS = ("main_menu", "more_topics")


def _load_ui(
    path: Path, checker: _Checker, topic_ids: set[str]
) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """The interface texts, and the two numbered menus that lead to every topic."""
    data = _read_yaml(path, checker.problems)
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        checker.error(path, 1, "ui.yml must be a mapping of text keys")
        return {}, {}
    ui: dict[str, str] = {}
    for key in REQUIRED_UI:
        value = checker.text_field(path, data, key, key)
        extra = UI_RUNTIME_PLACEHOLDERS.get(key, ())
        if value is not None and checker.placeholders(path, _line(data, key), value, key, extra):
            ui[key] = value
    for key in data:
        if key not in REQUIRED_UI and key not in MENUS:
            checker.warn(path, _line(data, key), f"text {key!r} is not used by the bot")
    menus: dict[str, tuple[str, ...]] = {}
    for name in MENUS:
        menu = data.get(name)
        items: list[str] = []
        if not isinstance(menu, list) or not menu:
            checker.error(path, _line(data, name), f"{name} must list topic ids")
            continue
        for index, item in enumerate(menu):
            if item in MENU_ITEM_INTENTS or item in topic_ids:
                items.append(item)
            else:
                checker.error(path, _item_line(menu, index), f"{name} item {item!r} unknown")
        menus[name] = tuple(items)
    listed = {item for items in menus.values() for item in items}
    for topic_id in sorted(topic_ids - listed):
        checker.warn(path, 1, f"topic {topic_id!r} is in no menu, so it can only be asked for")
    return ui, menus


def sms_pages(content: Content) -> dict[tuple[str, int], str]:
    """Every page exactly as a text-only channel sends it, footer and options included."""
    from bot import bidi, render  # render depends on Content; imported here to avoid a cycle

    return {
        (topic.id, index): bidi.shape(
            render.sms_text(render.topic_page(content, topic.id, index)), content.rtl
        )
        for topic in content.topics.values()
        for index in range(len(topic.pages))
    }


def _check_sms_budget(content: Content) -> Iterable[Problem]:
    """Every page, as it would be sent by SMS, fits the segment budget."""
    for (topic_id, index), text in sms_pages(content).items():
        topic = content.topics[topic_id]
        info = sms.sms_info(text)
        line = topic.page_lines[index] if index < len(topic.page_lines) else 1
        if info.encoding == "GSM-7" and info.segments > MAX_SMS_SEGMENTS_GSM:
            yield Problem(
                topic.path,
                line,
                f"page {index + 1} takes {info.segments} SMS segments "
                f"({info.units} characters with its footer); the limit is "
                f"{MAX_SMS_SEGMENTS_GSM}. Split it into two pages.",
            )
        elif info.encoding == "UCS-2":
            bad = sorted({ch for ch in text if not sms.is_gsm7(ch)})
            yield Problem(
                topic.path,
                line,
                f"page {index + 1} has characters outside the SMS alphabet "
                f"({''.join(bad)!r}), so it costs 2-3 times more to send. "
                "Use plain quotes and dashes.",
                "warning",
            )


def page_grades(content: Content) -> dict[tuple[str, int], float]:
    """Reading grade (Flesch-Kincaid, via textstat) of every page, as the reader sees it."""
    from bot.readability import grade

    return {
        (topic.id, index): grade(content.fill(page))
        for topic in content.topics.values()
        for index, page in enumerate(topic.pages)
    }


def _check_readability(content: Content) -> list[Problem]:
    """Plain language: a warning for each hard page and for a median above the target."""
    grades = page_grades(content)
    problems = []
    for (topic_id, index), value in grades.items():
        if value > HARD_PAGE_GRADE:
            topic = content.topics[topic_id]
            problems.append(
                Problem(
                    topic.path,
                    topic.page_lines[index],
                    f"page {index + 1} reads at grade {value:.1f} (aim for "
                    f"{TARGET_MEDIAN_GRADE:.0f} or below): use shorter sentences and words",
                    "warning",
                )
            )
    median = statistics.median(grades.values()) if grades else 0.0
    if median > TARGET_MEDIAN_GRADE:
        problems.append(
            Problem(
                content.topics[next(iter(content.topics))].path.parent,
                1,
                f"the median page reads at grade {median:.1f}; the aim is "
                f"{TARGET_MEDIAN_GRADE:.0f} or below",
                "warning",
            )
        )
    return problems
