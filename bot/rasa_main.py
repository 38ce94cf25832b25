"""`rasa` with log redaction: `python -m bot.rasa_main run ...` (see log_privacy)."""

from __future__ import annotations

import rasa.__main__ as rasa_cli

from bot import log_privacy


def main() -> None:
    rasa_cli.configure_structlog = log_privacy.configure_structlog
    log_privacy.redact_python_warnings()
    rasa_cli.main()


if __name__ == "__main__":
    main()
