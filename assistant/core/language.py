"""Which language a brief or post is written in (French or English), with py3langid.

A community manager may write in English for a French brand: the checks must follow the
text, not the charter, or every word becomes a spelling mistake. Loading py3langid's model
costs about 0.4 s, most of a short command's time; a text that uses several function words
of one language and none of the other's (`data/function_words.yaml`) is decided without it.
"""

from __future__ import annotations

import os
import threading
from array import array
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import regex
import yaml

SUPPORTED = ("fr", "en")
CONFIDENT = 0.9
CLEAR_VOTE = 3  # function words of one language, with none of the other's
WORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "function_words.yaml"
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
    """The langid model restricted to our languages, loaded once. The model ships
    xz-compressed: decompressing it takes 0.3 s, most of a short command's time, so the
    restricted model is kept uncompressed in the data folder's cache after the first load."""
    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    source = (MODEL_DIR / MODEL_FILE).stat()
    cached = (
        _cache_dir() / f"langid-{'-'.join(SUPPORTED)}-{source.st_size}-{source.st_mtime_ns}.npz"
    )
    try:
        with np.load(cached, allow_pickle=False) as model:
            return LanguageIdentifier(
                model["ptc"],
                model["pc"],
                model["classes"].tolist(),
                _stdlib_array(model["nextmove"]),
                model["out_feat"].tolist(),
                norm_probs=True,
                tk_row=_stdlib_array(model["nextmove_row"]),
            )
    except (OSError, ValueError, KeyError):
        pass  # not cached yet, or unreadable: load the shipped model and cache it
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(SUPPORTED))
    _save_quietly(identifier, cached)
    return identifier


def _cache_dir() -> Path:
    from .settings import get_settings

    return get_settings().data_dir / "cache"


def _stdlib_array(values: Any) -> array:
    """The automaton tables as py3langid keeps them: stdlib arrays, read item by item."""
    out = array({2: "H", 4: "I", 8: "Q"}[values.dtype.itemsize])
    out.frombytes(values.tobytes())
    return out


def _save_quietly(identifier: Any, cached: Path) -> None:
    """Write the cache atomically; a read-only data folder only costs the next load its time."""
    import numpy as np

    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(
            partial,
            ptc=identifier.nb_ptc,
            pc=identifier.nb_pc,
            classes=np.array(identifier.nb_classes),
            nextmove=np.frombuffer(
                identifier.tk_nextmove, dtype=f"u{identifier.tk_nextmove.itemsize}"
            ),
            nextmove_row=np.frombuffer(identifier.tk_row, dtype=f"u{identifier.tk_row.itemsize}"),
            out_feat=np.array(identifier.tk_output, dtype=np.int32),
        )
        os.replace(partial, cached)
    except OSError:
        return


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
