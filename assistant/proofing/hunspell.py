"""Hunspell engine: spelling from Debian's dictionaries through chunspell (native Hunspell).

Suggestions cost 0.1-0.3 s a word in Hunspell itself: they come from a symmetric-delete index
over the dictionary's words (`suggestions.py`, under a millisecond), with Hunspell's own
list first for the few words the caller asks it for (`thorough`), and are cached.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex

from ..core.settings import get_settings
from .engine import EngineUnavailable
from .match import Match, spelling_messages
from .suggestions import SuggestionIndex, index_for

DICTIONARY_DIRS = [Path("/usr/share/hunspell"), Path("/usr/share/myspell/dicts")]
DICTIONARIES = {"fr": ["fr_FR", "fr"], "en": ["en_US", "en_GB"]}
WORD = regex.compile(r"\p{L}[\p{L}\p{M}'’-]*\p{L}|\p{L}", regex.UNICODE)


def _find_dictionary(lang: str, dialect: str | None = None) -> tuple[str, Path]:
    """The dialect's own dictionary first (en_GB for a British brand), then the language's."""
    preferred = [dialect.replace("-", "_")] if dialect and dialect.startswith(lang) else []
    for name in [*preferred, *DICTIONARIES.get(lang, [])]:
        for folder in DICTIONARY_DIRS:
            if (folder / f"{name}.dic").is_file():
                return name, folder
    package = "hunspell-fr" if lang == "fr" else "hunspell-en-us"
    raise EngineUnavailable(f"no Hunspell dictionary for {lang}: install Debian's {package}")


class HunspellEngine:
    """One dictionary per language, loaded on first use and kept."""

    name = "hunspell"

    def __init__(self) -> None:
        self._dictionaries: dict[str, Any] = {}
        self._indexes: dict[str, SuggestionIndex] = {}
        self._lock = threading.Lock()

    def dictionary(self, lang: str, dialect: str | None = None) -> Any:
        key = dialect if dialect and dialect.startswith(lang) else lang
        with self._lock:
            if key not in self._dictionaries:
                try:
                    from hunspell import Hunspell
                except ImportError as exc:
                    raise EngineUnavailable("chunspell is not installed") from exc
                name, folder = _find_dictionary(lang, dialect)
                self._dictionaries[key] = Hunspell(name, hunspell_data_dir=str(folder))
            return self._dictionaries[key]

    def check(self, text: str, lang: str, dialect: str | None = None) -> list[Match]:
        dictionary = self.dictionary(lang, dialect)
        found = []
        for word in WORD.finditer(text):
            candidate = word.group().replace("’", "'")
            if _known(dictionary, candidate):
                continue
            found.append(
                Match(
                    offset=word.start(),
                    length=len(word.group()),
                    message=spelling_messages(word.group())[lang],
                    rule_id=f"hunspell.{lang}.spelling",
                    category="TYPOS",
                    category_name="Spelling",
                    severity="error",
                    source="hunspell",
                    messages=spelling_messages(word.group()),
                    extra={
                        "type": "spelling",
                        "word": word.group(),
                        "lang": lang,
                        "dialect": dialect,
                    },
                )
            )
        return found

    def knows(self, word: str, lang: str) -> bool:
        """Whether the dictionary has the word (as is, in lower case, or each compound part)."""
        return _known(self.dictionary(lang), word.replace("’", "'"))

    def index(self, lang: str, dialect: str | None = None) -> SuggestionIndex:
        """The suggestion index of the dictionary `dictionary(lang, dialect)` uses."""
        key = dialect if dialect and dialect.startswith(lang) else lang
        if key not in self._indexes:
            name, folder = _find_dictionary(lang, dialect)
            cache = get_settings().data_dir / "cache"
            found = index_for(folder / f"{name}.aff", folder / f"{name}.dic", lang, cache)
            self._indexes[key] = found
        return self._indexes[key]

    def suggest(
        self, word: str, lang: str, dialect: str | None = None, thorough: bool = False
    ) -> tuple[str, ...]:
        """Fixes for `word`, best first: the word with its missing apostrophe, then the index's
        nearest words; `thorough` puts Hunspell's own (slow) list before the index's."""
        dictionary = self.dictionary(lang, dialect)
        own = _suggest(dictionary, word) if thorough else ()
        return _ranked(dictionary, self.index(lang, dialect), word, own)


@lru_cache(maxsize=65536)
def _known(dictionary: Any, word: str) -> bool:
    """A word is known as is, in lower case, or as each part of a hyphenated compound.
    Cached: a long text repeats its words, and one lookup costs a quarter of a millisecond."""
    if dictionary.spell(word) or dictionary.spell(word.lower()):
        return True
    parts = [p for p in regex.split(r"[-']", word) if p]
    return len(parts) > 1 and all(dictionary.spell(p) or dictionary.spell(p.lower()) for p in parts)


@lru_cache(maxsize=4096)
def _suggest(dictionary: Any, word: str) -> tuple[str, ...]:
    """Hunspell's own suggestions (100-300 ms a word)."""
    return tuple(dictionary.suggest(word))


@lru_cache(maxsize=16384)
def _ranked(
    dictionary: Any, index: SuggestionIndex, word: str, own: tuple[str, ...]
) -> tuple[str, ...]:
    """The word with its missing apostrophe when that is a word of the dictionary ("dont" is
    "don't" far more often than "font", "cest" is "c'est"), then Hunspell's own list when
    asked for, then the index's nearest words."""
    restored = _with_apostrophe(dictionary, word)
    ranked = dict.fromkeys([*restored, *own, *index.lookup(word)])
    return tuple(ranked)[:6]


def _with_apostrophe(dictionary: Any, word: str) -> list[str]:
    """Known words made by putting one apostrophe back inside `word` (the one-click fix a
    reader expects for a contraction or an elision typed without it)."""
    if len(word) < 3 or "'" in word:
        return []
    candidates = (f"{word[:i]}'{word[i:]}" for i in range(1, len(word)))
    return [c for c in candidates if dictionary.spell(c)]
