"""Spelling suggestions from a symmetric-delete index (SymSpell's method) over the words of a
Hunspell dictionary: a lookup costs a fraction of a millisecond, so every flagged word of a
check gets its suggestions, on a busy machine as on an idle one.

Hunspell's own `suggest` costs 100-300 ms a word; a check of a text with hundreds of mistakes
used to stop suggesting after a one-second budget, so the answer depended on the machine's
load. symspellpy was measured too: its index (edit distance 2, prefix 7) of the French
dictionary takes 280 MB and 23 s to build; this one keeps deletes of distance 1 on the
dictionary side and makes those of distance 2 on the word's side (one-fifth of the memory),
which finds every word within one edit and most within two.

Words are compared without case or accents ("developement" is one edit from
"développement"), then ranked by that distance, the distance with accents, how common the
word is (wordfreq's Zipf scale) and alphabetically, so the order never depends on the clock
or on the order the index was built in. The index is a SQLite file in the data folder
(`cache/`), named after the dictionary files' version: built once (a few seconds), then read
from disk by the app and its workers alike, without holding it in each one's memory.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
import unicodedata
from contextlib import closing
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import OSA

from .wordforms import word_forms

PREFIX = 7  # SymSpell's prefix length: longer words are indexed by their first letters
MAX_EDITS = 2
ELISIONS = ("l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu")
FORMAT = 2  # bump when the saved layout changes
log = logging.getLogger(__name__)


def fold(word: str) -> str:
    """Lower case without accents: the key under which a word is looked up."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _deletes(text: str, depth: int) -> set[str]:
    """`text` and every string made by deleting up to `depth` of its characters."""
    found, frontier = {text}, {text}
    for _ in range(depth):
        frontier = {f[:i] + f[i + 1 :] for f in frontier for i in range(len(f))}
        found |= frontier
    return found


class SuggestionIndex:
    """Each delete of a folded prefix -> the folded words, and folded word -> its spellings
    (only those that differ from it), in a SQLite file: looked up on disk through the page
    cache the app and its workers share, instead of 130-270 MB of dictionaries in each."""

    def __init__(self, lang: str, path: Path | str) -> None:
        self.lang = lang
        uri = f"file:{path}?mode=ro" if path != ":memory:" else path
        self._db = sqlite3.connect(uri, uri=path != ":memory:", check_same_thread=False)
        self._lock = threading.Lock()

    @staticmethod
    def write(words: set[str], lang: str, db: sqlite3.Connection) -> None:
        """Fill `db` with the index of `words`."""
        spellings: dict[str, list[str]] = {}
        for word in sorted(words):
            if lang == "fr" and "'" in word:
                continue  # elided forms are a prefix and a word: looked up as such
            spellings.setdefault(fold(word), []).append(word)
        deletes: dict[str, list[str]] = {}
        for folded in spellings:
            for key in _deletes(folded[:PREFIX], 1):
                deletes.setdefault(key, []).append(folded)
        db.execute("CREATE TABLE deletes (key TEXT PRIMARY KEY, words TEXT) WITHOUT ROWID")
        db.execute("CREATE TABLE spellings (folded TEXT PRIMARY KEY, words TEXT) WITHOUT ROWID")
        db.executemany("INSERT INTO deletes VALUES (?, ?)", _joined(deletes))
        own = {k: v for k, v in spellings.items() if v != [k]}
        db.executemany("INSERT INTO spellings VALUES (?, ?)", _joined(own))
        db.commit()

    def _rows(self, table: str, column: str, keys: list[str]) -> dict[str, list[str]]:
        marks = ",".join("?" * len(keys))
        query = f"SELECT {column}, words FROM {table} WHERE {column} IN ({marks})"
        with self._lock:
            return {k: v.split("\n") for k, v in self._db.execute(query, keys)}

    def lookup(self, word: str, count: int = 6) -> list[str]:
        """The `count` nearest words of the dictionary, best first; [] when none is within
        two edits."""
        head, tail = _elision(word, self.lang)
        if tail != word:
            return [head + w for w in self.lookup(tail, count)]
        folded = fold(word)
        keys = sorted(_deletes(folded[:PREFIX], MAX_EDITS))
        near = {w for words in self._rows("deletes", "key", keys).values() for w in words}
        close = {}
        for candidate in near:
            if abs(len(candidate) - len(folded)) > MAX_EDITS:
                continue
            edits = OSA.distance(folded, candidate, score_cutoff=MAX_EDITS)
            if edits <= MAX_EDITS:
                close[candidate] = edits
        spelled = self._rows("spellings", "folded", sorted(close)) if close else {}
        lower = word.lower()
        ranked = []
        for candidate, edits in close.items():
            for spelling in spelled.get(candidate, [candidate]):
                if spelling == word:
                    continue
                exact = OSA.distance(lower, spelling.lower())
                ranked.append((edits, exact, -_frequency(spelling, self.lang), spelling))
        ranked.sort()
        return [_same_case(word, r[-1]) for r in ranked[:count]]


def _joined(table: dict[str, list[str]]):
    return ((key, "\n".join(words)) for key, words in table.items())


def _elision(word: str, lang: str) -> tuple[str, str]:
    """ "l'ecole" -> ("l'", "ecole"): French elided words are looked up without their prefix."""
    if lang != "fr":
        return "", word
    head, mark, tail = word.replace("’", "'").partition("'")
    if mark and head.lower() in ELISIONS and tail:
        return word[: len(head) + 1], tail
    return "", word


def _same_case(typed: str, word: str) -> str:
    """ "Bonjoure" -> "Bonjour": a capitalised or upper-case word gets a suggestion like it."""
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    if typed[:1].isupper() and word[:1].islower():
        return word[:1].upper() + word[1:]
    return word


@lru_cache(maxsize=200_000)
def _frequency(word: str, lang: str) -> float:
    """How common a word is (Zipf scale, 0 when unknown), to break ties between equal edits."""
    try:
        from wordfreq import zipf_frequency
    except ImportError:
        return 0.0
    return zipf_frequency(word, lang)


_built: dict[tuple[str, str], SuggestionIndex] = {}
_lock = threading.Lock()


def index_for(aff: Path, dic: Path, lang: str, cache_dir: Path | None) -> SuggestionIndex:
    """The index of one dictionary: kept in memory, read from `cache_dir` when a copy for the
    same dictionary files is there, built (a few seconds) and saved there otherwise."""
    key = (str(dic), lang)
    with _lock:
        if key not in _built:
            _built[key] = _load_or_build(aff, dic, lang, cache_dir)
        return _built[key]


def _load_or_build(aff: Path, dic: Path, lang: str, cache_dir: Path | None) -> SuggestionIndex:
    """The index file for these dictionary files, built first when it is not there yet; in
    memory when the data folder cannot be written."""
    name = f"suggest-{lang}-{dic.stem}-{_stamp(aff, dic)}.sqlite"
    saved = cache_dir / name if cache_dir else None
    if saved is not None and saved.is_file():
        return SuggestionIndex(lang, saved)
    words = word_forms(aff, dic)
    if saved is not None:
        partial = saved.with_name(f"{saved.name}.{os.getpid()}.tmp")
        try:
            saved.parent.mkdir(parents=True, exist_ok=True)
            partial.unlink(missing_ok=True)
            with closing(sqlite3.connect(partial)) as db:
                SuggestionIndex.write(words, lang, db)
            partial.replace(saved)
            return SuggestionIndex(lang, saved)
        except (OSError, sqlite3.Error) as exc:
            log.warning("suggestion index not saved to %s (%s): kept in memory", saved, exc)
            partial.unlink(missing_ok=True)
    index = SuggestionIndex(lang, ":memory:")
    SuggestionIndex.write(words, lang, index._db)
    return index


def _stamp(aff: Path, dic: Path) -> str:
    """Names the dictionary files' version: a changed dictionary gets a new index."""
    stamp = hashlib.sha256(str(FORMAT).encode())
    for path in (aff, dic):
        stat = path.stat()
        stamp.update(f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return stamp.hexdigest()[:16]
