"""Which language a brief or post is written in (French or English), with py3langid.

A community manager may write in English for a French brand: the checks must follow the
text, not the charter, or every word becomes a spelling mistake. Loading py3langid's model
costs about 0.4 s, most of a short command's time; a text that uses several function words
of one language and none of the other's (`data/function_words.yaml`) is decided without it.
"""

from __future__ import annotations

import threading
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import regex
import yaml

SUPPORTED = ("fr", "en")
CONFIDENT = 0.9
CLEAR_VOTE = 3  # function words of one language, with none of the other's
WORDS_FILE = Path(__file__).resolve().parent / "data" / "function_words.yaml"
WORD = regex.compile(r"\p{L}+")
_lock = threading.Lock()


@cache
def _function_words() -> dict[str, frozenset[str]]:
    data = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
    return {lang: frozenset(words) for lang, words in data.items()}


def _clear_vote(text: str) -> str | None:
    """fr or en when the text's function words all belong to one language, else None."""
    words = [w.lower() for w in WORD.findall(text[:2000])]
    votes = {lang: sum(w in known for w in words) for lang, known in _function_words().items()}
    (first, most), (_second, other) = sorted(votes.items(), key=lambda v: -v[1])
    return first if most >= CLEAR_VOTE and other == 0 else None


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """The langid model, loaded once (about 0.8 s) and restricted to our languages."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(SUPPORTED))
    return identifier


def detect(text: str, default: str = "fr") -> str:
    """The text's language when the model is confident, else `default`."""
    if len(text.split()) < 3:
        return default
    clear = _clear_vote(text)
    if clear:
        return clear
    with _lock:
        language, probability = _identifier().classify(text)
    return language if probability >= CONFIDENT else default
