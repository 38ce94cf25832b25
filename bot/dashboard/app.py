"""The staff dashboard (Flask, server-rendered): sign in, see open call back requests with
their safety preferences first, claim one so two people do not call, reveal the number
(every reveal audited), record what happened; a closed list; a summary in numbers only;
staff accounts for admins.

Sessions are signed cookies that expire after a period without use; every form carries a
CSRF token (Flask-WTF); failed sign-ins are rate limited per username and per address.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Flask,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from bot.callbacks.hours import UK
from bot.callbacks.models import (
    ADMIN,
    CLAIMED,
    COULD_NOT_REACH,
    DONE,
    NEW,
    ROLES,
    CallbackRequest,
    StaffAccount,
    utcnow,
)
from bot.callbacks.notify import TIMES
from bot.callbacks.phone import readable
from bot.callbacks.staff import (
    AccountError,
    add_account,
    clear_failures,
    locked_out,
    record_failure,
    verify,
)
from bot.callbacks.store import CallbackStore, StoreError
from bot.dashboard.summary import bar_chart, summarise
from bot.languages import english_name

logger = logging.getLogger(__name__)

# However busy, a session ends after a working day: sign in again.
LONGEST = dt.timedelta(hours=12)
OUTCOMES = {DONE: "Call made", COULD_NOT_REACH: "Could not reach her", NEW: "Release it"}
STATE_NAMES = {NEW: "New", CLAIMED: "Claimed", COULD_NOT_REACH: "Could not reach",
               DONE: "Call made", "withdrawn": "Withdrawn by her"}


@dataclass(frozen=True)
class DashboardConfig:
    secret_key: str
    session_minutes: int = 30
    # Off only for a local trial over plain http on a non-localhost address.
    secure_cookies: bool = True
    # Behind a reverse proxy (X-Forwarded-For gives the client's address for rate limits).
    behind_proxy: bool = False


def create_app(
    store: CallbackStore, config: DashboardConfig, topic_titles: dict[str, str] | None = None
) -> Flask:
    """`topic_titles`: topic id to its English title, to show what a call is about."""
    if len(config.secret_key) < 32:
        raise ValueError("the dashboard's secret key must be at least 32 characters")
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=config.secret_key,
        SESSION_COOKIE_NAME="staff_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=config.secure_cookies,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(minutes=config.session_minutes),
        SESSION_REFRESH_EACH_REQUEST=True,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session, no longer
    )
    if config.behind_proxy:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]
    CSRFProtect(app)
    idle = dt.timedelta(minutes=config.session_minutes)

    @app.before_request
    def load_user() -> Response | None:
        g.user = None
        if request.endpoint in ("login", "static", "health"):
            return None
        seen, since = session.get("seen"), session.get("since")
        now = utcnow()
        expired = bool(seen) and (now - dt.datetime.fromisoformat(seen) > idle
                                  or now - dt.datetime.fromisoformat(since or seen) > LONGEST)
        account = None if expired else _account(store, session.get("uid"))
        if account is None:
            if expired or "uid" in session:  # not the CSRF token of a sign-in page open
                session.clear()
            if expired:
                flash("You were signed out after a time without use. Please sign in again.")
            # Back to this page after signing in (a form's address cannot be gone back to).
            target = request.path if request.method == "GET" else None
            return redirect(url_for("login", next=target))
        g.user = account
        if not request.args.get("auto"):  # the open list's own refresh is not use
            session["seen"] = now.isoformat()
        return None

    @app.after_request
    def no_caching(response: Response) -> Response:
        """Pages with safety details and numbers are never cached or framed."""
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
            "frame-ancestors 'none'"
        )
        return response

    @app.errorhandler(CSRFError)
    def csrf_refused(error: CSRFError) -> tuple[str, int]:
        return render_template("error.html", title="Form expired",
                               message="This form was not accepted (its security token was "
                                       "missing or old). Go back, reload the page and try "
                                       "again."), 400

    @app.context_processor
    def helpers() -> dict[str, Any]:
        return {"times": TIMES, "language_name": english_name, "state_name": STATE_NAMES,
                "readable": readable, "mine": _mine,
                "topic_title": lambda topic: (topic_titles or {}).get(topic, topic),
                "age": _age, "uk_time": _uk_time, "ADMIN": ADMIN, "outcomes": OUTCOMES}

    @app.get("/health")
    def health() -> str:
        return "ok"

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        if request.method == "GET":
            return render_template("login.html")
        username = (request.form.get("username") or "").strip().lower()
        password = request.form.get("password") or ""
        address = request.remote_addr or "unknown"
        if locked_out(store, username, address):
            logger.warning("Dashboard sign-in refused: too many failures")
            return render_template("login.html", error="Too many failed sign-ins. Wait 15 "
                                   "minutes, or ask an admin."), 429
        # Counted as failed before the (slow) check, so parallel guesses all count.
        attempt = record_failure(store, username, address)
        account = verify(store, username, password) if username and password else None
        if account is None:
            return render_template("login.html", error="Wrong username or password."), 401
        clear_failures(store, username, attempt)
        session.clear()
        session.permanent = True
        session.update(uid=account.id, seen=utcnow().isoformat(), since=utcnow().isoformat())
        return redirect(_local(request.args.get("next")) or url_for("open_list"))

    @app.post("/logout")
    def logout() -> Response:
        session.clear()
        flash("You are signed out.")
        return redirect(url_for("login"))

    @app.get("/")
    def open_list() -> str:
        return render_template("open.html", requests=store.open_requests(), now=utcnow())

    @app.get("/closed")
    def closed_list() -> str:
        return render_template("closed.html", requests=store.closed_requests(), now=utcnow())

    @app.get("/requests/<reference>")
    def detail(reference: str) -> str:
        return render_template("request.html", r=_get(store, reference), number=None,
                               now=utcnow())

    @app.post("/requests/<reference>/claim")
    def claim(reference: str) -> Response:
        _move(store, reference, CLAIMED, "You claimed {ref}. Nobody else will call her.")
        return redirect(url_for("detail", reference=reference))

    @app.post("/requests/<reference>/reveal")
    def reveal(reference: str) -> Any:
        row = _get(store, reference)
        if row.state != CLAIMED or not _mine(row):
            flash("Claim the request first: only the worker who claimed it sees the number.")
            return redirect(url_for("detail", reference=reference))
        number = store.reveal_contact(reference, g.user.username)
        if number is None:
            flash("The number has been deleted (retention period).")
        return render_template("request.html", r=_get(store, reference), number=number,
                               now=utcnow())

    @app.post("/requests/<reference>/outcome")
    def outcome(reference: str) -> Response:
        wanted = request.form.get("outcome") or ""
        if wanted not in OUTCOMES:
            abort(400)
        row = _get(store, reference)
        if not _mine(row):
            flash(f"{reference} is claimed by {row.claimed_by}: only they (or an admin) can "
                  "record what happened.")
            return redirect(url_for("detail", reference=reference))
        done = {DONE: "{ref}: call made, recorded.", COULD_NOT_REACH:
                "{ref}: could not reach her, recorded.", NEW: "{ref} released for others."}
        _move(store, reference, wanted, done[wanted], claimed_by=row.claimed_by)
        return redirect(url_for("open_list") if wanted != COULD_NOT_REACH
                        else url_for("detail", reference=reference))

    @app.get("/summary")
    def summary() -> str:
        now = utcnow()
        figures = summarise(store.since(now - dt.timedelta(weeks=9)), now)
        charts = {
            "per_week": bar_chart(figures.per_week, "", "Requests per week"),
            "hours": bar_chart(figures.hours_to_first_call, "h",
                               "Median hours to the first call, per week"),
            "languages": bar_chart(figures.by_language, "", "Requests by language"),
        }
        return render_template("summary.html", s=figures, charts=charts)

    @app.route("/staff", methods=["GET", "POST"])
    @_admin_only
    def staff() -> Any:
        if request.method == "POST":
            try:
                add_account(store, (request.form.get("username") or "").strip().lower(),
                            request.form.get("password") or "",
                            request.form.get("role") or "")
                flash("Account created.")
            except AccountError as exc:
                flash(f"Not created: {exc}.")
            return redirect(url_for("staff"))
        with store.session() as db:
            accounts = db.query(StaffAccount).order_by(StaffAccount.username).all()
        return render_template("staff.html", accounts=accounts, roles=ROLES)

    @app.post("/staff/<username>/deactivate")
    @_admin_only
    def deactivate(username: str) -> Response:
        with store.session() as db:
            account = db.query(StaffAccount).filter_by(username=username).one_or_none()
            if account is None:
                abort(404)
            if account.id == g.user.id:
                flash("You cannot switch off your own account.")
            else:
                account.active = False
                flash(f"{username} can no longer sign in.")
        return redirect(url_for("staff"))

    return app


def _admin_only(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.user is None or g.user.role != ADMIN:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _account(store: CallbackStore, uid: Any) -> StaffAccount | None:
    if not isinstance(uid, int):
        return None
    with store.session() as db:
        account = db.get(StaffAccount, uid)
        return account if account is not None and account.active else None


def _get(store: CallbackStore, reference: str) -> CallbackRequest:
    try:
        return store.get(reference)
    except StoreError:
        abort(404)


def _move(store: CallbackStore, reference: str, state: str, done: str,
          claimed_by: str | None = None) -> None:
    try:
        store.move(reference, state, actor=g.user.username, claimed_by=claimed_by)
    except StoreError:
        row = _get(store, reference)
        who = f" by {row.claimed_by}" if row.state == CLAIMED else ""
        flash(f"Not changed: {reference} is already {STATE_NAMES[row.state].lower()}{who}.")
        return
    flash(done.format(ref=reference))


def _local(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (no open redirect: browsers drop
    tabs and read backslashes as slashes, so those and any host or scheme are refused)."""
    if not target or any(c in target for c in "\\\t\r\n") or not target.isprintable():
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _mine(row: CallbackRequest) -> bool:
    """Whether the signed-in worker may reveal and record for this claimed request."""
    return row.claimed_by == g.user.username or g.user.role == ADMIN


def _age(then: dt.datetime, now: dt.datetime) -> str:
    minutes = int((now - then).total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min"
    return f"{hours // 24} days"


def _uk_time(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return moment.replace(tzinfo=dt.timezone.utc).astimezone(UK).strftime("%a %d %b %H:%M")
