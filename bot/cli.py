"""The `bot` command: run, train, chat, content check/export, classify."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import time
import uuid
from collections.abc import Iterable
from typing import Any, TextIO

from bot.content import Content, ContentError, load_configured_content
from bot.languages import LANGUAGES
from bot.settings import Settings, load_settings


def _quiet_libraries() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


def _content_or_exit() -> Content:
    try:
        content = load_configured_content()
    except ContentError as exc:
        print("The content has errors, so the bot cannot start:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        print("Fix them and run `bot content check` again.", file=sys.stderr)
        raise SystemExit(1) from None
    return content


# ------------------------------------------------------------------ content


def cmd_content_check(args: argparse.Namespace) -> int:
    try:
        content = load_configured_content()
    except ContentError as exc:
        for problem in exc.problems:
            print(problem)
        errors = sum(p.severity == "error" for p in exc.problems)
        print(f"{errors} error(s), {len(exc.problems) - errors} warning(s).")
        return 1
    for problem in content.warnings:
        print(problem)
    print(content_summary(content))
    print(f"OK, {len(content.warnings)} warning(s).")
    return 0


def content_summary(content: Content) -> str:
    """The figures a content owner watches: size, reading grade, SMS cost of the pages,
    and per language how many pages it has and how many topics fall back to English."""
    import statistics

    from bot import sms
    from bot.content import page_grades, sms_pages

    grades = page_grades(content)
    (worst_topic, worst_page), worst = max(grades.items(), key=lambda item: item[1])
    segments = {key: sms.sms_info(text).segments for key, text in sms_pages(content).items()}
    (long_topic, long_page), longest = max(segments.items(), key=lambda item: item[1])
    lines = [
        f"{len(content.topics)} topics, {len(grades)} pages. Reading grade: median "
        f"{statistics.median(grades.values()):.1f}, hardest {worst:.1f} ({worst_topic} page "
        f"{worst_page + 1}). Longest page: {longest} SMS segment(s) ({long_topic} page "
        f"{long_page + 1})."
    ]
    for lang, localised in content.translations.items():
        sent = sms_pages(localised)
        most = max(sms.sms_info(text).segments for text in sent.values())
        lines.append(
            f"{lang}: {len(sent)} pages, longest {most} SMS segment(s); "
            f"{len(localised.reviewed_topics)} of {len(localised.topics)} topics reviewed, "
            f"{len(localised.english_topics)} served in English."
        )
    return "\n".join(lines)


def export_topics(content: Content, lang: str) -> list[dict[str, Any]]:
    """Every topic as the bot serves it in `lang`; `reviewed` is true only when a translator
    has confirmed all its pages in that language (English is the checked source)."""
    from bot.content import sms_pages

    localised = content.for_language(lang)
    sent = sms_pages(localised)
    exported = []
    for topic in localised.topics.values():
        pages = [sent[topic.id, i] for i in range(len(topic.pages))]
        exported.append(
            {
                "id": topic.id,
                "language": "en" if topic.id in localised.english_topics else lang,
                "title": localised.fill(topic.title),
                "pages": pages,
                "sources": list(topic.sources),
                "last_reviewed": topic.last_reviewed.isoformat(),
                "reviewed": lang == "en" or topic.id in localised.reviewed_topics,
            }
        )
    return exported


def _unknown_language(lang: str) -> str:
    return f"Unknown language {lang!r}. Supported: {', '.join(LANGUAGES)}."


def cmd_content_export(args: argparse.Namespace) -> int:
    if args.lang not in LANGUAGES:
        print(_unknown_language(args.lang), file=sys.stderr)
        return 2
    content = _content_or_exit()
    json.dump(export_topics(content, args.lang), sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


# ------------------------------------------------------------------ locales


def cmd_locales_update(args: argparse.Namespace) -> int:
    from bot.locales import update
    from bot.settings import PROJECT_ROOT

    for line in update(PROJECT_ROOT, load_settings().locales_dir):
        print(line)
    print("Now translate the new or fuzzy entries, then run `bot content check`.")
    return 0


def cmd_locales_status(args: argparse.Namespace) -> int:
    from bot.locales import status_table, statuses

    print(status_table(statuses(_content_or_exit(), load_settings().locales_dir)))
    return 0


# ------------------------------------------------------------------ staff


def _read_password(args: argparse.Namespace) -> str | None:
    """Asked twice, or the first line of stdin with --password-stdin; None if they differ."""
    import getpass

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass("Password (12 characters or more): ")
    if getpass.getpass("Again: ") != password:
        print("The two passwords differ; nothing was changed.", file=sys.stderr)
        return None
    return password


def _staff_store() -> Any:
    from bot.callbacks.store import CallbackStore, migrate

    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate(settings.callback_db)
    return CallbackStore(settings.callback_db, None)


def cmd_staff_add(args: argparse.Namespace) -> int:
    """Creates a dashboard account."""
    from bot.callbacks.staff import AccountError, add_account

    password = _read_password(args)
    if password is None:
        return 1
    try:
        add_account(_staff_store(), args.username, password, args.role)
    except AccountError as exc:
        print(f"Not created: {exc}.", file=sys.stderr)
        return 1
    print(f"Created {args.role} account {args.username!r}.")
    return 0


def cmd_staff_telegram(args: argparse.Namespace) -> int:
    """Links a Telegram user to an account: their staff-group button presses act as it."""
    from bot.callbacks.staff import AccountError, link_telegram

    try:
        link_telegram(_staff_store(), args.username, args.telegram_user_id)
    except AccountError as exc:
        print(f"Not linked: {exc}.", file=sys.stderr)
        return 1
    print(f"Telegram user {args.telegram_user_id} now acts as {args.username!r}.")
    return 0


def cmd_staff_passwd(args: argparse.Namespace) -> int:
    """Sets a new password; the account can sign in again at once."""
    from bot.callbacks.staff import AccountError, set_password

    password = _read_password(args)
    if password is None:
        return 1
    try:
        set_password(_staff_store(), args.username, password)
    except AccountError as exc:
        print(f"Not changed: {exc}.", file=sys.stderr)
        return 1
    print(f"New password set for {args.username!r}; the account is on.")
    return 0


# ------------------------------------------------------------------ model


def cmd_train(args: argparse.Namespace) -> int:
    _quiet_libraries()
    from bot.training import ensure_model

    settings = load_settings()
    path, seconds = ensure_model(settings.models_dir, force=args.force)
    if seconds is None:
        print(f"Model is up to date: {path}")
    else:
        print(f"Trained {path} in {seconds:.1f}s")
    return 0


class Classifier:
    """The live bot's decision for one message, from the trained model, without a tracker:
    as at the start of a conversation (numbers pick from the main menu)."""

    def __init__(self, settings: Settings, content: Content) -> None:
        from rasa.core.agent import Agent

        from bot import render
        from bot.training import ensure_model

        with contextlib.redirect_stdout(sys.stderr):  # stdout carries only the JSON lines
            model, _ = ensure_model(settings.models_dir)
            self.agent = Agent.load(str(model))
        self.content = content
        self.main_options = render.main_menu(content).options

    async def classify(self, text: str, lang: str | None) -> dict[str, Any]:
        """`lang` is the language the line is known to be in; without it, the bot's own
        detection is reported. Understanding does not depend on it: one model reads all."""
        from bot.detect import detect_language
        from bot.dialogue import answer_for, parse_payload

        parsed = await self.agent.parse_message(text)
        intent = parsed.get("intent") or {}
        name = intent.get("name")
        decided = name
        if name == "choose_option":
            option = next(
                (e["value"] for e in parsed.get("entities", []) if e.get("entity") == "option"),
                "0",
            )
            index = int(option) - 1
            in_menu = 0 <= index < len(self.main_options)
            payload = parse_payload(self.main_options[index]) if in_menu else None
            decided = payload.intent if payload else "nlu_fallback"
        elif name in {"more", "go_back", "next"}:
            decided = "menu"  # with nothing to page through, the bot shows the menu
        return {
            "text": text,
            "language": lang,
            "detected": detect_language(text),
            "intent": name,
            "confidence": round(float(intent.get("confidence") or 0.0), 4),
            "answer": answer_for(decided, self.content.topics),
        }


def classify_lines(lines: Iterable[str], out: TextIO, classifier: Classifier) -> None:
    """One JSON line out per line in; a bad line gets an error object, never a crash."""
    import asyncio

    async def classify_all() -> None:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                    raise ValueError("expected an object with a text field")
                lang = item.get("lang")
                if lang is not None and lang not in LANGUAGES:
                    raise ValueError(_unknown_language(lang))
            except ValueError as exc:
                out.write(json.dumps({"line": number, "error": str(exc)}) + "\n")
                continue
            result = await classifier.classify(item["text"], lang)
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
            out.flush()

    asyncio.run(classify_all())


def cmd_classify(args: argparse.Namespace) -> int:
    import logging

    from bot import log_privacy

    _quiet_libraries()
    log_privacy.quiet(logging.ERROR)  # stdout carries only the JSON lines
    classifier = Classifier(load_settings(), _content_or_exit())
    classify_lines(sys.stdin, sys.stdout, classifier)
    return 0


# ------------------------------------------------------------------ running


def cmd_run(args: argparse.Namespace) -> int:
    _quiet_libraries()
    from bot.stack import Stack, StackError
    from bot.training import ensure_model

    settings = load_settings()
    _content_or_exit()
    print("Content OK. Checking the model...", flush=True)
    model, seconds = ensure_model(settings.models_dir)
    print(f"Model: {model.name}" + (f" (trained in {seconds:.0f}s)" if seconds else ""))
    stack = Stack(settings, model)
    # `kill` (SIGTERM) must stop the children too, like Ctrl-C does; a second SIGTERM (make
    # passes one on) must not cut that short and leave children running.
    def stop_once(*_: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop_once)
    started = time.monotonic()
    try:
        stack.start()
    except StackError as exc:
        print(f"Could not start: {exc}", file=sys.stderr)
        return 1
    print(f"Ready in {time.monotonic() - started:.0f}s.")
    print(f"  Web chat:        http://localhost:{settings.webchat_port}/")
    print(f"  Rasa REST:       http://localhost:{settings.rasa_port}/webhooks/rest/webhook")
    print(f"  Tracker store:   {settings.tracker_db}")
    print("  Terminal chat:   .venv/bin/bot chat   (in another terminal)")
    for line in stack.channel_lines:
        print(f"  {line}")
    if any(line.endswith(": on.") for line in stack.channel_lines):
        print(f"  Webhooks:        http://localhost:{settings.rasa_port}/webhooks/<channel>/...")
    print("Press Ctrl-C to stop.", flush=True)
    try:
        while (ended := stack.first_exit()) is None:
            time.sleep(1)
        print(f"The {ended[0]} process stopped (exit code {ended[1]}); stopping.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping...")
        return 0
    finally:
        stack.stop()


def _post(url: str, sender: str, text: str) -> list[dict[str, Any]]:
    import urllib.request

    request = urllib.request.Request(
        url,
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def show_replies(replies: list[dict[str, Any]], out: TextIO) -> None:
    from bot.render import NAV_PAYLOADS

    for reply in replies:
        out.write("bot> " + (reply.get("text") or "").replace("\n", "\n     ") + "\n")
        for button in reply.get("buttons") or []:
            if button.get("payload") not in NAV_PAYLOADS:
                out.write("     " + button.get("title", "") + "\n")
    out.flush()


def cmd_chat(args: argparse.Namespace) -> int:
    _quiet_libraries()
    import urllib.error
    import urllib.request

    from bot.stack import Stack
    from bot.training import ensure_model

    settings = load_settings()
    url = f"http://127.0.0.1:{settings.rasa_port}/webhooks/rest/webhook"
    stack = None
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{settings.rasa_port}/", timeout=2).close()
    except (urllib.error.URLError, ConnectionError):
        _content_or_exit()
        print("Starting the bot (about a minute)...", flush=True)
        model, _ = ensure_model(settings.models_dir)
        stack = Stack(settings, model, webchat=False, log_dir=settings.data_dir / "logs")
        stack.start()
    sender = uuid.uuid4().hex
    print("Type a message, or a number. Ctrl-D to leave.")
    try:
        show_replies(_post(url, sender, "/greet"), sys.stdout)
        while True:
            try:
                text = input("you> ")
            except EOFError:
                print()
                return 0
            show_replies(_post(url, sender, text), sys.stdout)
    except KeyboardInterrupt:
        print()
        return 0
    finally:
        if stack:
            stack.stop()


# ------------------------------------------------------------------ entry point


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="train if needed, start Rasa, actions and web chat").set_defaults(
        func=cmd_run
    )
    train = sub.add_parser("train", help="train the model if the training data changed")
    train.add_argument("--force", action="store_true", help="train even if up to date")
    train.set_defaults(func=cmd_train)
    sub.add_parser("chat", help="talk to the bot in this terminal").set_defaults(func=cmd_chat)
    sub.add_parser(
        "classify", help="JSON lines {text, lang} on stdin -> the bot's decision per line"
    ).set_defaults(func=cmd_classify)
    content = sub.add_parser("content", help="check or export the content")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    content_sub.add_parser("check", help="validate all content").set_defaults(
        func=cmd_content_check
    )
    export = content_sub.add_parser("export", help="print topics as JSON, pages as sent by SMS")
    export.add_argument("--lang", default="en", help=f"one of {', '.join(LANGUAGES)}")
    export.set_defaults(func=cmd_content_export)
    staff = sub.add_parser("staff", help="staff accounts for the dashboard")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    add = staff_sub.add_parser("add", help="create an account (asks for the password)")
    add.add_argument("username")
    add.add_argument("--role", choices=("staff", "admin"), default="staff")
    passwd = staff_sub.add_parser(
        "passwd", help="set a new password (and switch a switched-off account back on)")
    passwd.add_argument("username")
    for command in (add, passwd):
        command.add_argument("--password-stdin", action="store_true",
                             help="read the password from the first line of stdin (scripts)")
    add.set_defaults(func=cmd_staff_add)
    passwd.set_defaults(func=cmd_staff_passwd)
    telegram = staff_sub.add_parser(
        "telegram", help="link a Telegram user (the id the staff group's buttons show) to "
                         "an account")
    telegram.add_argument("username")
    telegram.add_argument("telegram_user_id", type=int)
    telegram.set_defaults(func=cmd_staff_telegram)
    locales = sub.add_parser("locales", help="translation catalogs (Babel)")
    locales_sub = locales.add_subparsers(dest="locales_command", required=True)
    locales_sub.add_parser(
        "update", help="extract the English, update every catalog, compile"
    ).set_defaults(func=cmd_locales_update)
    locales_sub.add_parser(
        "status", help="per language: entries, translated, reviewed, stale"
    ).set_defaults(func=cmd_locales_status)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
