"""Serves the web chat page and passes its messages to Rasa's REST channel.

Rasa stays on loopback; the browser only talks to this server. The page makes a random
sender id per browser tab session, so nothing identifies the person.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from aiohttp import ClientError, ClientSession, ClientTimeout, web

from bot.settings import load_settings

STATIC = Path(__file__).resolve().parent / "static"
SENDER = re.compile(r"^[A-Za-z0-9-]{8,64}$")
MAX_BODY_BYTES = 64 * 1024
log = logging.getLogger("bot.webchat")


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def message(request: web.Request) -> web.Response:
    try:
        body = await request.json()
    except ValueError:
        return web.json_response({"error": "The request was not JSON."}, status=400)
    if not isinstance(body, dict):
        return web.json_response({"error": "Send an object."}, status=400)
    sender, text = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not SENDER.match(sender):
        return web.json_response({"error": "Missing or invalid sender id."}, status=400)
    if not isinstance(text, str):
        return web.json_response({"error": "Missing message text."}, status=400)
    url = request.app["rasa_url"]
    try:
        async with request.app["client"].post(url, json={"sender": sender, "message": text}) as r:
            if r.status != 200:
                log.warning("Rasa answered HTTP %s", r.status)
                return web.json_response({"error": "The bot is not available."}, status=502)
            return web.json_response(await r.json())
    except (ClientError, TimeoutError):
        log.warning("Rasa could not be reached")
        return web.json_response({"error": "The bot is not available."}, status=502)


def make_app(rasa_port: int) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app["rasa_url"] = f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook"

    async def client_context(app: web.Application):
        app["client"] = ClientSession(timeout=ClientTimeout(total=60))
        yield
        await app["client"].close()

    app.cleanup_ctx.append(client_context)
    app.router.add_get("/", index)
    app.router.add_get("/health", health)
    app.router.add_post("/api/message", message)
    app.router.add_static("/static/", STATIC)
    return app


def main() -> None:
    settings = load_settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # aiohttp's access log would record paths and addresses, not bodies; keep it off anyway.
    web.run_app(
        make_app(settings.rasa_port),
        host=settings.host,
        port=settings.webchat_port,
        access_log=None,
        print=None,
    )


if __name__ == "__main__":
    main()
