"""Which supported language a message is in, or None when it cannot be told safely.

1. The script tells Arabic-script from Ge'ez from Han from Latin.
2. Letters only one language uses decide between Arabic-script languages (Sorani's ە ێ ۆ ڵ ڕ,
   Persian's پ چ ژ گ, Arabic's ة ى ي ك); otherwise Lingua decides Arabic or Persian.
3. Lingua (an offline detector whose models ship inside its wheel) decides among the
   Latin-script languages it knows. It knows neither Tigrinya nor Amharic, nor how people
   type Arabic, Persian, Kurdish, Tigrinya or Amharic in Latin letters; for those, a linear
   classifier over character n-grams (scikit-learn), trained on the bot's own NLU examples
   in every language (which include such Latin-letter typing), gives the language. For the
   Latin-script languages the two must not disagree.

A guess that is not clearly ahead returns None: the bot then asks (the language list)
rather than answering in the wrong language.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.text import scripts_of

NLU_DIR = Path(__file__).resolve().parent / "assistant" / "data" / "nlu"
LATIN_LANGUAGES = frozenset({"en", "sq", "vi", "ro", "es", "pt", "fr", "pl"})
# Languages written in another script that people also type in Latin letters.
ROMANISED_LANGUAGES = frozenset({"ar", "fa", "ckb", "ti", "am"})
_SORANI = set("ەێۆڵڕڤ")
_PERSIAN = set("پچژگ")
# Letters Persian and Sorani do not use. (Arabic ي and ك are not among them: Persian typed
# on an Arabic keyboard has them.)
_ARABIC_ONLY = set("ةىؤإ")
# Lingua's names for the languages it decides between.
_LINGUA = {
    "ENGLISH": "en", "ALBANIAN": "sq", "VIETNAMESE": "vi", "ROMANIAN": "ro", "SPANISH": "es",
    "PORTUGUESE": "pt", "FRENCH": "fr", "POLISH": "pl", "ARABIC": "ar", "PERSIAN": "fa",
}
# How far ahead of the second guess Lingua's first must be (0..1).
MIN_RELATIVE_DISTANCE = 0.2
# How far the examples model's first language must be ahead of its second (SVM decision
# values): at 0.3 it answered 93% of held-back examples and was wrong on 2.9%.
MIN_MARGIN = 0.3


@lru_cache(maxsize=1)
def _lingua() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    return (
        LanguageDetectorBuilder.from_languages(*(getattr(Language, n) for n in _LINGUA))
        .with_minimum_relative_distance(MIN_RELATIVE_DISTANCE)
        .build()
    )


def _by_lingua(text: str, allowed: frozenset[str]) -> str | None:
    found = _lingua().detect_language_of(text)
    code = _LINGUA.get(found.name) if found is not None else None
    return code if code in allowed else None


def _training_examples(nlu_dir: Path) -> tuple[list[str], list[str]]:
    texts, langs = [], []
    for path in sorted(nlu_dir.glob("*/*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or ():
            for line in str(block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    texts.append(line.strip()[2:])
                    langs.append(path.parent.name)
    return texts, langs


@lru_cache(maxsize=1)
def _examples_model() -> tuple[Any, Any]:
    """Trained once per process on the NLU examples (about a second for 11,000 lines).
    Chosen by measurement on a held-back fifth of the examples: a linear SVM on TF-IDF
    character 1-4-grams was right on 93% (naive Bayes: 87-89%) and trains in a second."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    texts, langs = _training_examples(NLU_DIR)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True)
    model = LinearSVC(C=1.0, random_state=0).fit(vectorizer.fit_transform(texts), langs)
    return vectorizer, model


def _by_examples(text: str, allowed: frozenset[str]) -> str | None:
    """The examples model's language among `allowed`, if clearly ahead of the next one."""
    vectorizer, model = _examples_model()
    scores = model.decision_function(vectorizer.transform([text]))[0]
    ranked = sorted(
        ((float(score), str(lang)) for score, lang in zip(scores, model.classes_, strict=True)
         if lang in allowed),
        reverse=True,
    )
    if len(ranked) < 2:
        return ranked[0][1] if ranked else None
    (best, lang), (second, _) = ranked[:2]
    return lang if best - second >= MIN_MARGIN else None


def _arabic_script(text: str) -> str | None:
    letters = set(text)
    if letters & _SORANI:
        return "ckb"
    persian, arabic = bool(letters & _PERSIAN), bool(letters & _ARABIC_ONLY)
    if persian != arabic:
        return "fa" if persian else "ar"
    guess = _by_examples(text, frozenset({"ar", "fa", "ckb"}))
    by_lingua = _by_lingua(text, frozenset({"ar", "fa"}))
    if guess is None or by_lingua is None:
        return guess or by_lingua
    return guess if guess == by_lingua else None


def _latin_script(text: str) -> str | None:
    """The examples model (which knows Latin-letter Arabic, Persian, Kurdish, Tigrinya and
    Amharic, and this bot's short questions), checked by Lingua for the Latin-script
    languages: when both have an opinion and they differ, nobody knows."""
    guess = _by_examples(text, LATIN_LANGUAGES | ROMANISED_LANGUAGES)
    if guess in ROMANISED_LANGUAGES:
        return guess
    by_lingua = _by_lingua(text, LATIN_LANGUAGES)
    if guess is None or by_lingua is None:
        return guess or by_lingua
    return guess if guess == by_lingua else None


def detect_language(text: str) -> str | None:
    """The language code of text (see bot.languages), or None if unsure."""
    scripts = scripts_of(text)
    if len(scripts - {"LATIN"}) > 1:
        return None  # several non-Latin scripts: ask
    if "CJK" in scripts:
        return "zh_Hans"
    if "ETHIOPIC" in scripts:
        return _by_examples(text, frozenset({"ti", "am"}))
    if "ARABIC" in scripts:
        return _arabic_script(text)
    if scripts == {"LATIN"}:
        return _latin_script(text)
    return None



def warm_up() -> None:
    """Loads Lingua's models and trains the examples model now, not on the first message."""
    detect_language("warm up")
    detect_language("ما هو")
