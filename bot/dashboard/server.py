"""Runs the staff dashboard (`python -m bot.dashboard.server`, started by `bot run`).
Settings come from the environment."""

from __future__ import annotations

import logging
import os

from werkzeug.serving import make_server

from bot.callbacks.store import CallbackStore, migrate
from bot.channels.identity import CALLBACK_KEY_VARIABLE
from bot.content import load_configured_content
from bot.dashboard.app import DashboardConfig, create_app
from bot.settings import load_settings

SECRET_VARIABLE = "BOT_DASHBOARD_SECRET"


def config_from_env() -> DashboardConfig:
    secret = os.environ.get(SECRET_VARIABLE, "").strip()
    if len(secret) < 32:
        raise SystemExit(f"{SECRET_VARIABLE} must be a random secret of at least 32 "
                         "characters (python -c 'import secrets; print(secrets.token_hex(32))').")
    return DashboardConfig(
        secret_key=secret,
        session_minutes=int(os.environ.get("BOT_DASHBOARD_SESSION_MINUTES") or 30),
        secure_cookies=os.environ.get("BOT_DASHBOARD_SECURE_COOKIES", "yes").lower() != "no",
        behind_proxy=os.environ.get("BOT_DASHBOARD_BEHIND_PROXY", "no").lower() == "yes",
    )


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no URLs (references) in logs
    settings = load_settings()
    config = config_from_env()
    migrate(settings.callback_db)
    store = CallbackStore(settings.callback_db, os.environ.get(CALLBACK_KEY_VARIABLE) or None)
    content = load_configured_content()
    titles = {topic_id: content.fill(topic.title) for topic_id, topic in content.topics.items()}
    app = create_app(store, config, titles)
    server = make_server(settings.host, settings.dashboard_port, app, threaded=True)
    logging.getLogger(__name__).info("Staff dashboard on http://%s:%d", settings.host,
                                     settings.dashboard_port)
    server.serve_forever()


if __name__ == "__main__":
    main()
