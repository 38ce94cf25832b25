"""Trains the Rasa model only when its inputs changed (model file named by their hash)."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from bot.settings import ASSISTANT_DIR

NLU_CODE_DIR = Path(__file__).resolve().parent / "nlu"


def training_inputs() -> list[Path]:
    files = [ASSISTANT_DIR / "config.yml", ASSISTANT_DIR / "domain.yml"]
    files += [ASSISTANT_DIR / "commands.yml"]
    files += sorted((ASSISTANT_DIR / "data").rglob("*.yml"))
    files += sorted(NLU_CODE_DIR.glob("*.py"))
    return files


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in training_inputs():
        digest.update(path.relative_to(ASSISTANT_DIR.parent).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(models_dir: Path) -> Path:
    return models_dir / f"bot-{fingerprint()}.tar.gz"


def ensure_model(models_dir: Path, force: bool = False) -> tuple[Path, float | None]:
    """Returns the model for the current data and the seconds spent training (None: cached)."""
    target = model_path(models_dir)
    if target.exists() and not force:
        return target, None
    from rasa.api import train  # heavy import (TensorFlow); only when training

    models_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    result = train(
        domain=str(ASSISTANT_DIR / "domain.yml"),
        config=str(ASSISTANT_DIR / "config.yml"),
        training_files=str(ASSISTANT_DIR / "data"),
        output=str(models_dir),
        fixed_model_name=target.name.removesuffix(".tar.gz"),
        force_training=True,
    )
    if result.code != 0 or not target.exists():
        raise SystemExit(f"Training failed (code {result.code}); see the messages above.")
    return target, time.monotonic() - started
