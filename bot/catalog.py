"""Translations as gettext catalogs, kept with Babel (`bot locales update`).

Every text the bot says comes from `content/` in English and is extracted into
`locales/messages.pot`; each language has `locales/<code>/LC_MESSAGES/messages.po`.
A message's context says where it comes from (`ui.<key>`, `topic.<id>`), so a translator
in Poedit or Weblate sees it and the same English words can be translated differently.

The bot reads the `.po` files themselves, not compiled `.mo` files, because it needs
gettext's flags at run time: a `fuzzy` translation is an unreviewed draft (served, and
reported as such); a fuzzy one with a previous msgid is *stale* (the English changed
since it was translated) and is never served, since the old text may state an old fact.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import yaml
from babel.messages.catalog import Catalog as BabelCatalog
from babel.messages.catalog import Message
from babel.messages.pofile import PoFileError, read_po

from bot.languages import LANGUAGES, SOURCE_LANGUAGE

DOMAIN = "messages"
TEMPLATE = f"{DOMAIN}.pot"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_NUMBER = re.compile(r"\d+")
TRANSLATOR_NOTE = "Keep {placeholders} and numbers exactly as they are."


def ui_context(key: str) -> str:
    return f"ui.{key}"


def topic_context(topic_id: str) -> str:
    return f"topic.{topic_id}"


def catalog_path(locales_dir: Path, lang: str) -> Path:
    return locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


# ------------------------------------------------------------------ extraction


def extract_content_yaml(
    fileobj: BinaryIO, keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Babel extraction method (see babel.cfg) for content/ui.yml and content/topics/*.yml.

    Yields the same stripped texts the content loader uses, so run-time lookups match.
    """
    from bot.content import _item_line, _line, _LineLoader

    data = yaml.load(fileobj.read().decode("utf-8"), Loader=_LineLoader)  # noqa: S506
    if not isinstance(data, dict):
        return
    if "pages" in data and isinstance(data.get("id"), str):
        context = topic_context(data["id"])
        if isinstance(data.get("title"), str):
            note = f"Title of the topic {data['id']}. {TRANSLATOR_NOTE}"
            yield _line(data, "title"), "pgettext", (context, data["title"].strip()), [note]
        pages = data.get("pages") or []
        for index, page in enumerate(pages):
            text = page.get("text") if isinstance(page, dict) else page
            if isinstance(text, str) and text.strip():
                note = f"Page {index + 1} of {len(pages)} of {data['id']}. {TRANSLATOR_NOTE}"
                yield _item_line(pages, index), "pgettext", (context, text.strip()), [note]
        return
    for key, value in data.items():
        if isinstance(value, str) and value.strip():
            note = f"Interface text {key}. {TRANSLATOR_NOTE}"
            yield _line(data, key), "pgettext", (ui_context(key), value.strip()), [note]


# ------------------------------------------------------------------ reading


@dataclass(frozen=True)
class Entry:
    text: str
    reviewed: bool  # a translator confirmed it (no fuzzy flag)
    stale: bool  # the English changed since it was translated (fuzzy, with a previous msgid)
    line: int

    @property
    def usable(self) -> bool:
        return bool(self.text) and not self.stale


@dataclass(frozen=True)
class Translations:
    lang: str
    path: Path
    entries: dict[tuple[str, str], Entry]  # (context, English text) -> entry

    def get(self, context: str, source: str) -> Entry | None:
        return self.entries.get((context, source))


@dataclass(frozen=True)
class CatalogProblem:
    path: Path
    line: int
    message: str


def read_translations(path: Path, lang: str) -> Translations:
    """One language's catalog. Raises CatalogError with the file and line if it is broken."""
    try:
        with path.open("rb") as handle:
            catalog: BabelCatalog = read_po(handle, locale=lang, abort_invalid=True)
    except PoFileError as exc:
        raise CatalogError(
            [CatalogProblem(path, exc.lineno + 1, f"is not a valid .po file: {exc}")]
        ) from None
    except (OSError, ValueError) as exc:
        raise CatalogError([CatalogProblem(path, 1, f"cannot be read: {exc}")]) from None
    entries = {}
    for message in catalog:
        if not message.id or not isinstance(message.id, str):
            continue  # the header, or a plural entry (the content has none)
        text = message.string if isinstance(message.string, str) else ""
        entries[(message.context or "", message.id)] = Entry(
            text=text.strip(),
            reviewed=bool(text) and not message.fuzzy,
            stale=_is_stale(message),
            line=message.lineno or 1,
        )
    return Translations(lang, path, entries)


def _is_stale(message: Message) -> bool:
    """Fuzzy with the English it was translated from (`#| msgid`, written by `pybabel update
    --previous`). Babel's reader keeps those lines as comments starting with "| msgid"."""
    previous = message.previous_id or any(
        comment.startswith("| msgid") for comment in message.user_comments
    )
    return bool(message.fuzzy and previous)


class CatalogError(Exception):
    def __init__(self, problems: list[CatalogProblem]):
        self.problems = problems
        super().__init__("\n".join(f"{p.path}:{p.line}: {p.message}" for p in problems))


def load_translations(locales_dir: Path) -> tuple[dict[str, Translations], list[CatalogProblem]]:
    """Every language's catalog that exists and reads; problems for the rest."""
    found: dict[str, Translations] = {}
    problems: list[CatalogProblem] = []
    for lang in LANGUAGES:
        if lang == SOURCE_LANGUAGE:
            continue
        path = catalog_path(locales_dir, lang)
        if not path.exists():
            continue
        try:
            found[lang] = read_translations(path, lang)
        except CatalogError as exc:
            problems.extend(exc.problems)
    return found, problems


# ------------------------------------------------------------------ checks


def _numbers(text: str) -> Counter[str]:
    """Numbers in a text, with any script's digits read as 0-9 (٤٥ and ۴۵ are 45)."""
    ascii_digits = "".join(
        str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text
    )
    return Counter(_NUMBER.findall(ascii_digits))


def _difference(what: str, want: Counter[str], got: Counter[str]) -> str | None:
    if want == got:
        return None
    missing, extra = sorted((want - got).elements()), sorted((got - want).elements())
    return f"{what} differ from the English: missing {missing}, not in the English {extra}"


def check_entry(source: str, translation: str) -> str | None:
    """Why a translation may not be served (placeholders or numbers differ), or None."""
    return _difference(
        "placeholders",
        Counter(_PLACEHOLDER.findall(source)),
        Counter(_PLACEHOLDER.findall(translation)),
    ) or _difference("numbers", _numbers(source), _numbers(translation))


# ------------------------------------------------------------------ status


@dataclass(frozen=True)
class Status:
    lang: str
    entries: int
    translated: int
    reviewed: int
    stale: int

    def percent(self, count: int) -> float:
        return 100.0 * count / self.entries if self.entries else 0.0


def status(translations: Translations | None, lang: str, sources: list[tuple[str, str]]) -> Status:
    """How much of the current English (`sources`: context and text) a language covers."""
    entries = [translations.get(*key) if translations else None for key in sources]
    return Status(
        lang=lang,
        entries=len(sources),
        translated=sum(1 for e in entries if e and e.usable),
        reviewed=sum(1 for e in entries if e and e.usable and e.reviewed),
        stale=sum(1 for e in entries if e and e.stale),
    )
