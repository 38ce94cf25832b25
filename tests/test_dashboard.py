"""The staff dashboard, served for real and used in a real headless browser (Debian's
chromium driven by Playwright): sign in, see a new request with its safety preferences,
claim it, reveal the number, record the outcome; and what must be refused."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import os
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from werkzeug.serving import make_server

from bot.callbacks.hours import WorkingHours
from bot.callbacks.jobs import run_due
from bot.callbacks.staff import MAX_FAILURES, add_account
from bot.callbacks.store import CallbackStore, NewRequest, migrate
from bot.dashboard.app import DashboardConfig, create_app
from tests.conftest import free_port

PASSWORD = "a long test password"
NUMBER = "+442079460123"  # Ofcom drama range: nobody's number


@dataclass
class Dashboard:
    url: str
    store: CallbackStore


def chromium_path() -> str:
    path = os.environ.get("BOT_TEST_CHROMIUM") or shutil.which("chromium")
    if not path:
        pytest.fail("The dashboard tests need Debian's chromium: run scripts/browser-up "
                    "(make test does) or apt-get install chromium")
    return path


def new_request(store: CallbackStore, **changes: object) -> str:
    fields: dict[str, object] = dict(
        sender="rest-test", contact=NUMBER, safe_time="evening", voicemail_ok=False,
        say_organisation_ok=False, language="ti", interpreter=True, topic="nrm-what",
        urgent=True)
    fields.update(changes)
    return store.create(NewRequest(**fields))


@pytest.fixture()
def dashboard(tmp_path: Path) -> Iterator[Dashboard]:
    url = f"sqlite:///{tmp_path / 'callbacks.db'}"
    migrate(url)
    store = CallbackStore(url, Fernet.generate_key().decode())
    add_account(store, "worker", PASSWORD, "staff")
    add_account(store, "boss", PASSWORD, "admin")
    app = create_app(store, DashboardConfig(secret_key="s" * 40),
                     {"nrm-what": "What is the NRM?"})
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Dashboard(f"http://127.0.0.1:{server.server_port}", store)
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path())
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture()
def page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()


def sign_in(page: Any, dashboard: Dashboard, username: str, password: str = PASSWORD) -> int:
    page.goto(dashboard.url + "/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_response(lambda r: r.url.startswith(dashboard.url + "/login")) as info:
        page.get_by_role("button", name="Sign in").click()
    return info.value.status


def test_a_worker_signs_in_claims_reveals_and_records_the_outcome(
    dashboard: Dashboard, page: Any, tmp_path: Path
) -> None:
    older = new_request(dashboard.store, urgent=False, voicemail_ok=True, language="sq",
                        interpreter=False)
    reference = new_request(dashboard.store)
    page.goto(dashboard.url + "/")
    assert "/login" in page.url
    assert sign_in(page, dashboard, "worker") == 302

    cards = page.locator("article.request")
    assert cards.count() == 2
    first = cards.nth(0)  # urgent before older
    assert reference in first.inner_text() and "URGENT" in first.inner_text()
    text = first.inner_text()
    for shown in ("NO voicemail", "do NOT say who we are", "Safe time: evening",
                  "Language: Tigrinya", "interpreter needed", "About: What is the NRM?"):
        assert shown in text, shown
    assert older in cards.nth(1).inner_text()
    assert NUMBER not in page.content()
    page.screenshot(path=str(tmp_path / "open.png"), full_page=True)

    page.get_by_role("button", name=f"Claim {reference}").click()
    assert f"You claimed {reference}" in page.inner_text("main")
    page.get_by_role("button", name="Reveal number (recorded)").click()
    assert "+44 20 7946 0123" in page.inner_text(".number")  # grouped, easy to dial
    assert page.get_attribute(".number a", "href") == f"tel:{NUMBER}"
    page.screenshot(path=str(tmp_path / "claimed.png"), full_page=True)
    page.get_by_role("button", name="Call made").click()
    assert reference not in page.inner_text("main").replace(
        f"{reference}: call made, recorded.", "")
    page.goto(dashboard.url + "/closed")
    assert reference in page.inner_text("table")

    row = dashboard.store.get(reference)
    trail = [(e.actor, e.action, e.to_state) for e in row.events]
    assert trail == [("survivor", "created", "new"), ("worker", "moved", "claimed"),
                     ("worker", "revealed_contact", None), ("worker", "moved", "done")]


def test_a_wrong_password_is_refused_and_sign_ins_are_rate_limited(
    dashboard: Dashboard, page: Any
) -> None:
    assert sign_in(page, dashboard, "worker", "not the password") == 401
    assert "Wrong username or password" in page.inner_text("main")
    for _ in range(MAX_FAILURES - 1):
        sign_in(page, dashboard, "worker", "still not it")
    assert sign_in(page, dashboard, "worker") == 429  # even the right password, for now
    assert "Too many failed sign-ins" in page.inner_text("main")


def test_a_form_without_its_csrf_token_is_refused(dashboard: Dashboard, page: Any) -> None:
    reference = new_request(dashboard.store)
    sign_in(page, dashboard, "worker")
    page.evaluate("document.querySelectorAll('input[name=csrf_token]')"
                  ".forEach(e => e.remove())")
    with page.expect_response(lambda r: "/claim" in r.url) as info:
        page.get_by_role("button", name=f"Claim {reference}").click()
    assert info.value.status == 400
    assert "security token" in page.inner_text("main")
    assert dashboard.store.get(reference).state == "new"


def test_unauthenticated_urls_are_refused(dashboard: Dashboard, page: Any) -> None:
    reference = new_request(dashboard.store)
    for path in ("/", f"/requests/{reference}", "/summary", "/closed", "/staff"):
        page.goto(dashboard.url + path)
        assert page.url.startswith(dashboard.url + "/login"), path
        assert reference not in page.content()
    request = urllib.request.Request(dashboard.url + f"/requests/{reference}/reveal",
                                     data=b"", method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    assert refused.value.code == 400  # no session, no CSRF token: nothing happens
    assert [e.action for e in dashboard.store.get(reference).events] == ["created"]


def test_only_admins_manage_accounts(dashboard: Dashboard, page: Any) -> None:
    sign_in(page, dashboard, "worker")
    response = page.goto(dashboard.url + "/staff")
    assert response.status == 403
    sign_in(page, dashboard, "boss")
    page.goto(dashboard.url + "/staff")
    page.get_by_label("Username").fill("newworker")
    page.get_by_label("Password (12 characters or more)").fill(PASSWORD)
    page.get_by_role("button", name="Add").click()
    assert "Account created" in page.inner_text("main")
    assert sign_in(page, dashboard, "newworker") == 302


def test_the_summary_has_numbers_only(dashboard: Dashboard, page: Any,
                                      tmp_path: Path) -> None:
    reference = new_request(dashboard.store)
    dashboard.store.move(reference, "claimed", actor="worker")
    dashboard.store.move(reference, "done", actor="worker")
    new_request(dashboard.store, language="ar")
    sign_in(page, dashboard, "worker")
    page.goto(dashboard.url + "/summary")
    text = page.inner_text("main")
    assert "2 requests, 2 urgent" in text
    assert page.locator("svg.chart").count() == 3
    assert "Tigrinya" in text and "Arabic" in text
    html = page.content()
    assert reference not in html and NUMBER not in html and "worker</td>" not in html
    page.screenshot(path=str(tmp_path / "summary.png"), full_page=True)


def test_an_idle_session_expires(dashboard: Dashboard) -> None:
    app = create_app(dashboard.store, DashboardConfig(secret_key="s" * 40, session_minutes=30))
    client = app.test_client()
    with client.session_transaction() as session:
        session["uid"] = 1
        session["seen"] = (dt.datetime.utcnow() - dt.timedelta(minutes=31)).isoformat()
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    with client.session_transaction() as session:
        session["uid"] = 1
        session["seen"] = dt.datetime.utcnow().isoformat()
    assert client.get("/").status_code == 200


def in_a_thread(coroutine: Any) -> Any:
    """Runs a coroutine to the end in its own thread (Playwright's loop runs in this one)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_an_unclaimed_request_is_notified_again_after_the_sla(dashboard: Dashboard) -> None:
    class Target:
        name = "test"
        sent: list[str] = []

        async def send(self, text: str, request: object) -> None:
            self.sent.append(text)

    reference = new_request(dashboard.store)
    start = dt.datetime.utcnow()
    dashboard.store.mark_notified(reference, now=start)
    target = Target()
    later = start + dt.timedelta(minutes=61)
    assert in_a_thread(run_due(dashboard.store, 60, 30, [target], now=later)) == (1, 0)
    assert target.sent[0].startswith(f"Still unclaimed: URGENT call back request {reference}")
    assert NUMBER not in target.sent[0]
    assert in_a_thread(run_due(dashboard.store, 60, 30, [target], now=later)) == (0, 0)


def test_a_request_claimed_by_someone_else_offers_no_number(
    dashboard: Dashboard, page: Any
) -> None:
    reference = new_request(dashboard.store)
    dashboard.store.move(reference, "claimed", actor="boss")
    sign_in(page, dashboard, "worker")
    page.goto(f"{dashboard.url}/requests/{reference}")
    assert "boss has this request" in page.inner_text("main")
    assert page.get_by_role("button", name="Reveal number (recorded)").count() == 0
    assert page.get_by_role("button", name="Call made").count() == 0
    assert [e.action for e in dashboard.store.get(reference).events] == ["created", "moved"]


def test_out_of_hours_only_urgent_requests_are_reminded(dashboard: Dashboard) -> None:
    class Target:
        name = "test"

        def __init__(self) -> None:
            self.sent: list[str] = []

        async def send(self, text: str, request: object) -> None:
            self.sent.append(text)

    urgent = new_request(dashboard.store)
    calm = new_request(dashboard.store, urgent=False)
    sunday = dt.datetime(2026, 11, 29, 12, 0)  # UK working hours are mon-fri
    for reference in (urgent, calm):
        dashboard.store.mark_notified(reference, now=sunday - dt.timedelta(hours=2))
    target, hours = Target(), WorkingHours.parse("mon-fri 09:00-17:00")
    assert in_a_thread(run_due(dashboard.store, 60, 30, [target], now=sunday,
                               hours=hours)) == (1, 0)
    assert urgent in target.sent[0] and not any(calm in text for text in target.sent)
