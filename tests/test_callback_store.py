"""The callback store on SQLite and on a real PostgreSQL (`scripts/postgres-up`, run by
`make test` and CI, gives BOT_TEST_POSTGRES_URL): encryption at rest, the state machine and
its audit trail, the retention purge, and nothing lost if the process dies after a commit."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import MetaData, create_engine, text

from bot.callbacks.staff import AccountError, account_for_telegram, add_account, verify
from bot.callbacks.store import (
    REFERENCE_ALPHABET,
    CallbackStore,
    NewRequest,
    StoreError,
    migrate,
)
from tests.conftest import PROJECT_ROOT

KEY = Fernet.generate_key().decode()
NUMBER = "+447700900123"  # Ofcom's drama range: never a real phone


def request(**changes: object) -> NewRequest:
    fields: dict[str, object] = dict(
        sender="sms-test", contact=NUMBER, safe_time="evening", voicemail_ok=False,
        say_organisation_ok=False, language="ar", interpreter=True, topic="housing",
    )
    fields.update(changes)
    return NewRequest(**fields)  # type: ignore[arg-type]


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        found = f"sqlite:///{tmp_path / 'callbacks.db'}"
    else:
        found = os.environ.get("BOT_TEST_POSTGRES_URL", "")
        assert found, "set BOT_TEST_POSTGRES_URL: `make test` does, with scripts/postgres-up"
        engine = create_engine(found, future=True)
        tables = MetaData()
        tables.reflect(engine)
        tables.drop_all(engine)  # a fresh schema for each test, whatever the migrations made
        engine.dispose()
    migrate(found)
    yield found


def test_requests_are_stored_with_the_number_encrypted(url: str) -> None:
    store = CallbackStore(url, KEY)
    reference = store.create(request())
    assert re.fullmatch(rf"[{REFERENCE_ALPHABET}]{{3}}-[{REFERENCE_ALPHABET}]{{3}}", reference)
    with store.engine.connect() as conn:
        rows = conn.execute(text("select * from callback_requests")).fetchall()
    raw = repr(rows)
    assert NUMBER not in raw and NUMBER[1:] not in raw and "7700900123" not in raw
    assert store.reveal_contact(reference, actor="worker-a") == NUMBER
    actions = [e.action for e in store.get(reference).events]
    assert actions == ["created", "revealed_contact"]


def test_a_wrong_key_reads_nothing(url: str) -> None:
    reference = CallbackStore(url, KEY).create(request())
    with pytest.raises(StoreError):
        CallbackStore(url, Fernet.generate_key().decode()).reveal_contact(reference, "x")


def test_state_changes_follow_the_rules_and_are_audited(url: str) -> None:
    store = CallbackStore(url, KEY)
    reference = store.create(request(urgent=True))
    store.move(reference, "claimed", actor="worker-a")
    store.move(reference, "could_not_reach", actor="worker-a", note="no answer")
    store.move(reference, "claimed", actor="worker-b")
    store.move(reference, "done", actor="worker-b")
    with pytest.raises(StoreError, match="cannot become claimed"):
        store.move(reference, "claimed", actor="worker-c")
    row = store.get(reference)
    assert (row.state, row.claimed_by, row.urgent) == ("done", "worker-b", True)
    trail = [(e.actor, e.from_state, e.to_state) for e in row.events]
    assert trail == [
        ("survivor", None, "new"),
        ("worker-a", "new", "claimed"),
        ("worker-a", "claimed", "could_not_reach"),
        ("worker-b", "could_not_reach", "claimed"),
        ("worker-b", "claimed", "done"),
    ]
    assert all(e.at is not None for e in row.events)


def test_withdrawn_by_the_survivor_and_open_requests_per_sender(url: str) -> None:
    store = CallbackStore(url, KEY)
    first = store.create(request(sender="sms-one"))
    second = store.create(request(sender="sms-one"))
    store.create(request(sender="sms-two"))
    store.move(first, "withdrawn", actor="survivor")
    assert [r.reference for r in store.open_for_sender("sms-one")] == [second]


def test_retention_purges_contact_details_of_closed_requests_only(url: str) -> None:
    store = CallbackStore(url, KEY)
    done = store.create(request())
    store.move(done, "claimed", actor="w")
    store.move(done, "done", actor="w")
    open_one = store.create(request())
    later = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) + dt.timedelta(days=31)
    assert store.purge(older_than_days=30, now=later) == 1
    assert store.reveal_contact(done, "w") is None
    assert store.reveal_contact(open_one, "w") == NUMBER
    assert "purged_contact" in [e.action for e in store.get(done).events]
    assert store.purge(older_than_days=30) == 0  # not yet old enough today


def test_a_crash_after_the_commit_loses_nothing(url: str) -> None:
    """The process dies right after create() returns, before any reply could be sent."""
    script = (
        "import os, sys\n"
        "from bot.callbacks.store import CallbackStore\n"
        "from tests.test_callback_store import KEY, request\n"
        f"ref = CallbackStore({url!r}, sys.argv[1]).create(request(sender='sms-crash'))\n"
        "print(ref, flush=True)\n"
        "os._exit(9)\n"
    )
    result = subprocess.run([sys.executable, "-c", script, KEY], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 9, result.stderr[-2000:]
    reference = result.stdout.strip()
    after_restart = CallbackStore(url, KEY)
    assert [r.reference for r in after_restart.open_for_sender("sms-crash")] == [reference]
    assert after_restart.reveal_contact(reference, "w") == NUMBER


def test_references_are_unguessable_and_never_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(REFERENCE_ALPHABET) ** 6 > 10**8  # 244 million codes, from `secrets`
    url = f"sqlite:///{tmp_path / 'cb.db'}"
    migrate(url)
    store = CallbackStore(url, KEY)
    codes = iter(["AAA-AAA", "AAA-AAA", "CCC-CCC"])  # the second draw repeats the first
    monkeypatch.setattr("bot.callbacks.store.new_reference", lambda: next(codes))
    assert store.create(request()) == "AAA-AAA"
    assert store.create(request()) == "CCC-CCC"  # a taken code is drawn again


def test_unclaimed_requests_are_due_a_reminder_after_the_sla(url: str) -> None:
    store = CallbackStore(url, KEY)
    urgent = store.create(request(urgent=True))
    normal = store.create(request())
    claimed = store.create(request())
    start = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    for reference in (urgent, normal, claimed):
        store.mark_notified(reference, now=start)
    store.move(claimed, "claimed", actor="w")
    assert store.overdue(minutes=30, now=start + dt.timedelta(minutes=10)) == []
    later = start + dt.timedelta(minutes=31)
    assert [r.reference for r in store.overdue(minutes=30, now=later)] == [urgent, normal]
    store.mark_notified(urgent, now=later)  # reminded: not due again until the SLA passes
    assert [r.reference for r in store.overdue(minutes=30, now=later)] == [normal]


def test_staff_passwords_are_argon2_hashes_and_checked(url: str) -> None:
    store = CallbackStore(url, None)
    add_account(store, "amina.k", "correct horse battery", "staff")
    with store.engine.connect() as conn:
        [(stored_hash,)] = conn.execute(text("select password_hash from staff_accounts"))
    assert stored_hash.startswith("$argon2id$") and "correct horse" not in stored_hash
    account = verify(store, "amina.k", "correct horse battery")
    assert account is not None and account.role == "staff" and account.last_login_at
    assert verify(store, "amina.k", "wrong password here") is None
    assert verify(store, "nobody", "correct horse battery") is None
    with pytest.raises(AccountError, match="already"):
        add_account(store, "amina.k", "another long password", "admin")
    with pytest.raises(AccountError, match="at least 12"):
        add_account(store, "short.pw", "tooshort", "staff")
    with pytest.raises(AccountError, match="role"):
        add_account(store, "bad.role", "a long enough password", "owner")


def test_bot_staff_add_creates_an_account(tmp_path: Path) -> None:
    env = {**os.environ, "BOT_DATA_DIR": str(tmp_path), "BOT_CALLBACK_DB_URL": ""}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "staff", "add", "duty.worker", "--role", "admin",
         "--password-stdin"],
        input="a long enough password\n", capture_output=True, text=True, env=env,
        cwd=PROJECT_ROOT, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Created admin account 'duty.worker'" in result.stdout
    store = CallbackStore(f"sqlite:///{tmp_path / 'callbacks.db'}", None)
    assert verify(store, "duty.worker", "a long enough password") is not None
    again = subprocess.run(
        [sys.executable, "-m", "bot.cli", "staff", "add", "duty.worker", "--password-stdin"],
        input="a long enough password\n", capture_output=True, text=True, env=env,
        cwd=PROJECT_ROOT, timeout=120,
    )
    assert again.returncode == 1 and "already an account" in again.stderr

    changed = subprocess.run(
        [sys.executable, "-m", "bot.cli", "staff", "passwd", "duty.worker", "--password-stdin"],
        input="a brand new password\n", capture_output=True, text=True, env=env,
        cwd=PROJECT_ROOT, timeout=120,
    )
    assert changed.returncode == 0, changed.stderr[-2000:]
    assert verify(store, "duty.worker", "a long enough password") is None
    assert verify(store, "duty.worker", "a brand new password") is not None

    linked = subprocess.run(
        [sys.executable, "-m", "bot.cli", "staff", "telegram", "duty.worker", "4242"],
        capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=120,
    )
    assert linked.returncode == 0, linked.stderr[-2000:]
    account = account_for_telegram(store, 4242)
    assert account is not None and account.username == "duty.worker"
    assert account_for_telegram(store, 4343) is None


def test_two_workers_claiming_at_once_one_wins(url: str) -> None:
    """Each worker's claim runs in its own thread and connection, at the same moment."""
    store = CallbackStore(url, KEY)
    reference = store.create(request())
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def claim(worker: str) -> None:
        mine = CallbackStore(url, KEY)
        barrier.wait()
        try:
            mine.move(reference, "claimed", actor=worker)
            results[worker] = "claimed"
        except StoreError:
            results[worker] = "refused"

    threads = [threading.Thread(target=claim, args=(w,)) for w in ("alice", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()) == ["claimed", "refused"]
    row = store.get(reference)
    assert row.claimed_by == next(w for w, r in results.items() if r == "claimed")
    assert [e.to_state for e in row.events].count("claimed") == 1
    other = next(w for w, r in results.items() if r == "refused")
    with pytest.raises(StoreError):
        store.move(reference, "done", actor=other, claimed_by=other)  # not hers to close
    store.move(reference, "new", actor=row.claimed_by, claimed_by=row.claimed_by)
    assert store.get(reference).claimed_by is None  # released: nobody holds it
