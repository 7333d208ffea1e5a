"""Which language a brief or post is written in (French or English), with py3langid.

A community manager may write in English for a French brand: the checks must follow the
text, not the charter, or every word becomes a spelling mistake.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

SUPPORTED = ("fr", "en")
CONFIDENT = 0.9
_lock = threading.Lock()


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
    with _lock:
        language, probability = _identifier().classify(text)
    return language if probability >= CONFIDENT else default
