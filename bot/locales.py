"""`bot locales update` and `bot locales status`: Babel's own tools for the catalogs."""

from __future__ import annotations

import os
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

from bot.catalog import DOMAIN, TEMPLATE, Status, catalog_path, load_translations, status
from bot.content import Content
from bot.languages import LANGUAGES, SOURCE_LANGUAGE, english_name
from bot.localise import source_entries

PROJECT = "survivor-info-bot"


def pybabel(*args: str) -> None:
    """Runs one pybabel command in-process; raises SystemExit if it fails."""
    CommandLineInterface().run(["pybabel", "--quiet", *args])


def update(root: Path, locales_dir: Path) -> list[str]:
    """Extracts the English from content/ (babel.cfg), then brings every language's catalog
    up to date: new texts are added empty, changed ones are marked fuzzy with their previous
    English (stale), and .mo files are compiled (drafts included). Returns what it did."""
    template = locales_dir / TEMPLATE
    locales_dir.mkdir(parents=True, exist_ok=True)
    previous = Path.cwd()
    os.chdir(root)  # so the catalogs name source files relative to the project
    try:
        pybabel("extract", "-F", "babel.cfg", "-o", str(template.resolve()),
                "--project", PROJECT, "--sort-by-file", ".")
    finally:
        os.chdir(previous)
    done = [f"extracted {template}"]
    for lang in LANGUAGES:
        if lang == SOURCE_LANGUAGE:
            continue
        po = catalog_path(locales_dir, lang)
        if po.exists():
            pybabel("update", "-i", str(template), "-o", str(po), "-l", lang, "--previous")
            done.append(f"updated {po}")
        else:
            pybabel("init", "-i", str(template), "-o", str(po), "-l", lang)
            done.append(f"created {po}")
    pybabel("compile", "-d", str(locales_dir), "-D", DOMAIN, "--use-fuzzy")
    done.append("compiled .mo files (drafts included)")
    return done


def statuses(content: Content, locales_dir: Path) -> list[Status]:
    """One row per language: how much of the current English it translates and reviews."""
    catalogs, _ = load_translations(locales_dir)
    sources = source_entries(content)
    rows = [Status(SOURCE_LANGUAGE, len(sources), len(sources), len(sources), 0)]
    rows += [
        status(catalogs.get(lang), lang, sources) for lang in LANGUAGES if lang != SOURCE_LANGUAGE
    ]
    return rows


def status_table(rows: list[Status]) -> str:
    lines = [f"{'language':<30} {'entries':>7} {'translated':>10} {'reviewed':>8} {'stale':>5}"]
    for row in rows:
        name = f"{row.lang} {english_name(row.lang)}"
        lines.append(
            f"{name:<30} {row.entries:>7} {row.percent(row.translated):>9.0f}% "
            f"{row.percent(row.reviewed):>7.0f}% {row.stale:>5}"
        )
    return "\n".join(lines)
