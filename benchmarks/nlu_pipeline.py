"""Compare candidate NLU configs by accuracy and training time, to choose one by measurement.

Each candidate is a few overrides applied to a copy of bot/assistant/config.yml. The project's
NLU examples (every language) are split per language and intent 80% train / 20% validation
(fixed seed); each candidate is trained on the 80% in its own process (so every training pays
the same start-up cost) and scored on the 20%, overall and per language (the worst language is
shown). Choose on the validation columns: the held-out files tests/data/classify_topics_*.jsonl
are scored too, as a check, but tuning to them would make them no longer held out.
A wrong topic is the dangerous error (wrong legal information); a fallback only asks the
user to rephrase. Training and temp files stay in a temp dir.

    .venv/bin/python benchmarks/nlu_pipeline.py                      # all, ~1 min each
    .venv/bin/python benchmarks/nlu_pipeline.py --configs current,char1-5_e100
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ASSISTANT = ROOT / "bot" / "assistant"
HELD_OUT = sorted((ROOT / "tests" / "data").glob("classify_topics_*.jsonl"))
SEED = 42
VALIDATION_SHARE = 0.2
QUIET_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "RASA_TELEMETRY_ENABLED": "false",
    "LOG_LEVEL": "WARNING",
    "RASA_MAX_CACHE_SIZE": "0",  # no ~/.rasa/cache: every run trains fully, nothing left behind
}

# name -> {selector: {parameter: value}}. A selector is a component name
# ("DIETClassifier") or a CountVectorsFeaturizer analyzer ("word", "char_wb").
_FEATURES = [
    {"name": "WhitespaceTokenizer"},
    {"name": "CountVectorsFeaturizer", "analyzer": "word", "min_ngram": 1, "max_ngram": 2,
     "max_features": 20000},
    {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 2, "max_ngram": 4,
     "max_features": 20000},
]
_TAIL = [
    {"name": "bot.nlu.commands.CommandClassifier"},
    {"name": "FallbackClassifier", "threshold": 0.6, "ambiguity_threshold": 0.1},
]
# name -> {selector: {parameter: value}}. A selector is a component name
# ("FallbackClassifier") or a CountVectorsFeaturizer analyzer ("word", "char_wb");
# "pipeline" replaces the whole pipeline (for the earlier candidates).
CONFIGS: dict[str, dict[str, Any]] = {
    "current": {},
    "linear_t0.2": {"FallbackClassifier": {"threshold": 0.2}},
    "linear_t0.4": {"FallbackClassifier": {"threshold": 0.4}},
    "linear_1-5": {"bot.nlu.linear.LinearIntentClassifier": {"max_ngram": 5}},
    "linear_C0.5": {"bot.nlu.linear.LinearIntentClassifier": {"C": 0.5}},
    "linear_1-5_C2": {"bot.nlu.linear.LinearIntentClassifier": {"max_ngram": 5, "C": 2.0}},
    # Earlier candidates: DIET (the English-only choice) and Rasa's logistic regression.
    "diet": {"pipeline": [*_FEATURES, {"name": "DIETClassifier", "epochs": 60,
                                       "number_of_transformer_layers": 0,
                                       "entity_recognition": False,
                                       "constrain_similarities": True, "random_seed": 42},
                          *_TAIL]},
    "logreg": {"pipeline": [*_FEATURES, {"name": "LogisticRegressionClassifier",
                                         "max_iter": 500}, *_TAIL[:1],
                            {"name": "FallbackClassifier", "threshold": 0.3,
                             "ambiguity_threshold": 0.1}]},
}


def build_config(overrides: dict[str, dict[str, Any]]) -> dict[str, Any]:
    config = yaml.safe_load((ASSISTANT / "config.yml").read_text(encoding="utf-8"))  # a copy
    if "pipeline" in overrides:
        config["pipeline"] = overrides["pipeline"]
        return config
    for selector, params in overrides.items():
        matches = [c for c in config["pipeline"]
                   if selector in (c["name"], c.get("analyzer"))]
        if not matches:
            raise SystemExit(f"override {selector!r} matches no pipeline component")
        for component in matches:
            component.update(params)
    return config


def write_split(workdir: Path, seed: int) -> tuple[Path, Path, int, int]:
    """Training data (80% of each intent's examples + rules) and validation lines."""
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData

    by_intent: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for lang_dir in sorted(p for p in (ASSISTANT / "data" / "nlu").iterdir() if p.is_dir()):
        for message in load_data(str(lang_dir)).intent_examples:
            by_intent[lang_dir.name, message.get("intent")].append(message)
    rng = random.Random(seed)
    train, validation = [], []
    for lang, intent in sorted(by_intent):
        messages = sorted(by_intent[lang, intent], key=lambda m: m.get("text"))
        rng.shuffle(messages)
        n_val = round(len(messages) * VALIDATION_SHARE) if len(messages) > 1 else 0
        validation += [
            {"text": m.get("text"), "intent": intent, "lang": lang} for m in messages[:n_val]
        ]
        train += messages[n_val:]
    data_dir = workdir / "data"
    (data_dir / "nlu").mkdir(parents=True)
    nlu_yaml = TrainingData(training_examples=train).nlu_as_yaml()
    (data_dir / "nlu" / "train.yml").write_text(nlu_yaml, encoding="utf-8")
    shutil.copytree(ASSISTANT / "data" / "rules", data_dir / "rules")
    shutil.copy(ASSISTANT / "domain.yml", workdir / "domain.yml")
    validation_file = workdir / "validation.jsonl"
    validation_file.write_text("".join(json.dumps(v) + "\n" for v in validation), "utf-8")
    return data_dir, validation_file, len(train), len(validation)


# --- worker: one config, in its own process -----------------------------------------------

def decision(intent: str | None) -> str:
    """What the bot does for an intent: a topic id, menu/callback/..., fallback; navigation
    commands (more, back, next) stay themselves so they are not scored as fallbacks."""
    from bot.content import REQUIRED_TOPICS
    from bot.dialogue import NAVIGATION_INTENTS, answer_for

    if intent in NAVIGATION_INTENTS:
        return str(intent)
    return answer_for(intent, REQUIRED_TOPICS)


async def score(
    agent: Any, cases: list[tuple[str, str, str]]
) -> tuple[dict[str, Any], list[float]]:
    """Overall accuracy, wrong-topic and fallback shares, and the worst language's accuracy."""
    from bot.content import REQUIRED_TOPICS
    from bot.dialogue import FALLBACK

    topics = set(REQUIRED_TOPICS)
    right = wrong_topic = fallback = 0
    per_lang: dict[str, list[bool]] = defaultdict(list)
    latencies = []
    for text, expected, lang in cases:
        started = time.perf_counter()
        parsed = await agent.parse_message(text)
        latencies.append((time.perf_counter() - started) * 1000)
        answer = decision((parsed.get("intent") or {}).get("name"))
        right += answer == expected
        wrong_topic += answer in topics and answer != expected
        fallback += answer == FALLBACK
        per_lang[lang].append(answer == expected)
    n = len(cases)
    accuracy = {lang: sum(v) / len(v) for lang, v in per_lang.items()}
    worst = min(accuracy, key=accuracy.__getitem__)
    return {"acc": right / n, "wrong": wrong_topic / n, "fallback": fallback / n,
            "worst": f"{worst} {accuracy[worst]:.0%}", "per_lang": accuracy}, latencies


def worker(run_dir: Path) -> None:
    import asyncio
    import logging

    from bot import log_privacy

    log_privacy.quiet(logging.WARNING)
    logging.getLogger("rasa").setLevel(logging.WARNING)
    from rasa.api import train
    from rasa.core.agent import Agent

    workdir = run_dir.parent
    started = time.perf_counter()
    result = train(
        domain=str(workdir / "domain.yml"),
        config=str(run_dir / "config.yml"),
        training_files=str(workdir / "data"),
        output=str(run_dir / "models"),
        force_training=True,
    )
    train_s = time.perf_counter() - started
    if result.code != 0 or not result.model:
        raise SystemExit(f"training failed (code {result.code})")
    agent = Agent.load(result.model)

    lines = (workdir / "validation.jsonl").read_text(encoding="utf-8").splitlines()
    validation = [(v["text"], decision(v["intent"]), v["lang"]) for v in map(json.loads, lines)]
    lines = [line for path in HELD_OUT for line in path.read_text("utf-8").splitlines()]
    held_out = [
        (h["text"], h["expect"], h.get("lang", "en"))
        for h in map(json.loads, filter(str.strip, lines))
    ]

    async def run() -> dict[str, Any]:
        await agent.parse_message("warm up")  # first parse builds the graph; not timed
        val, val_ms = await score(agent, validation)
        held, held_ms = await score(agent, held_out)
        return {"train_s": train_s, "val": val, "held": held,
                "p50_ms": statistics.median(val_ms + held_ms)}

    (run_dir / "result.json").write_text(json.dumps(asyncio.run(run())), encoding="utf-8")


# --- driver ---------------------------------------------------------------------------------

def run_config(name: str, workdir: Path) -> dict[str, Any]:
    run_dir = workdir / name
    run_dir.mkdir()
    config = build_config(CONFIGS[name])
    (run_dir / "config.yml").write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
    log = run_dir / "output.log"
    with log.open("w", encoding="utf-8") as out:
        # Rasa's progress bars and start-up notices go to the log, shown only on failure.
        code = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--worker", str(run_dir)],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, check=False,
        ).returncode
    if code != 0:
        tail = "\n".join(log.read_text(encoding="utf-8").splitlines()[-30:])
        raise SystemExit(f"config {name!r} failed (exit {code}):\n{tail}")
    return json.loads((run_dir / "result.json").read_text(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", default=",".join(CONFIGS),
                        help=f"comma-separated subset of: {', '.join(CONFIGS)}")
    parser.add_argument("--seed", type=int, default=SEED, help="train/validation split seed")
    parser.add_argument("--per-language", action="store_true",
                        help="also print each language's accuracy per config")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.update(QUIET_ENV)  # before Rasa or TensorFlow is imported (all imports are lazy)
    if args.worker:
        worker(args.worker)
        return
    names = [n.strip() for n in args.configs.split(",") if n.strip()]
    unknown = [n for n in names if n not in CONFIGS]
    if unknown or not names:
        parser.error(f"unknown config(s) {unknown}; choose from {', '.join(CONFIGS)}")

    with tempfile.TemporaryDirectory(prefix="nlu_pipeline_") as tmp:
        workdir = Path(tmp)
        _, _, n_train, n_val = write_split(workdir, args.seed)
        held_n = sum(1 for path in HELD_OUT for line in path.read_text("utf-8").splitlines()
                     if line.strip())
        print(f"split seed {args.seed}: {n_train} train / {n_val} validation examples; "
              f"held-out {held_n} lines (reported, not for choosing)")
        header = (f"{'config':<16} {'train s':>8} {'val acc':>8} {'val wrong':>10} "
                  f"{'val fb':>7} {'val worst':>12} {'held acc':>9} {'held wrong':>11} "
                  f"{'held fb':>8} {'held worst':>12} {'p50 ms':>7}")
        print(header)
        print("-" * len(header))
        for name in names:
            r = run_config(name, workdir)
            val, held = r["val"], r["held"]
            print(f"{name:<16} {r['train_s']:>8.1f} {val['acc']:>8.1%} {val['wrong']:>10.1%} "
                  f"{val['fallback']:>7.1%} {val['worst']:>12} {held['acc']:>9.1%} "
                  f"{held['wrong']:>11.1%} {held['fallback']:>8.1%} {held['worst']:>12} "
                  f"{r['p50_ms']:>7.1f}", flush=True)
            if args.per_language:
                for lang in sorted(val["per_lang"]):
                    print(f"    {lang:<8} val {val['per_lang'][lang]:.1%}  held "
                          f"{held['per_lang'].get(lang, float('nan')):.1%}")
    print("wrong = answered a topic other than the expected one (worse than a fallback); "
          "fb = answered fallback.")


if __name__ == "__main__":
    main()
