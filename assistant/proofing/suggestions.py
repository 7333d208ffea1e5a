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
or on the order the index was built in. The index is kept on disk in the data folder
(`cache/`), keyed on the dictionary files, and rebuilt when they change.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import OSA

from .wordforms import word_forms

PREFIX = 7  # SymSpell's prefix length: longer words are indexed by their first letters
MAX_EDITS = 2
ELISIONS = ("l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu")
FORMAT = 1  # bump when the saved layout changes
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
    """Folded word -> its spellings, and each delete of a folded prefix -> the folded words."""

    def __init__(
        self, lang: str, spellings: dict[str, list[str]], deletes: dict[str, list[str]]
    ) -> None:
        self.lang, self.spellings, self.deletes = lang, spellings, deletes

    @classmethod
    def of_words(cls, words: set[str], lang: str) -> SuggestionIndex:
        spellings: dict[str, list[str]] = {}
        for word in sorted(words):
            if lang == "fr" and "'" in word:
                continue  # elided forms are a prefix and a word: looked up as such
            spellings.setdefault(fold(word), []).append(word)
        deletes: dict[str, list[str]] = {}
        for folded in spellings:
            for key in _deletes(folded[:PREFIX], 1):
                deletes.setdefault(key, []).append(folded)
        return cls(lang, spellings, deletes)

    def lookup(self, word: str, count: int = 6) -> list[str]:
        """The `count` nearest words of the dictionary, best first; [] when none is within
        two edits."""
        head, tail = _elision(word, self.lang)
        if tail != word:
            return [head + w for w in self.lookup(tail, count)]
        folded = fold(word)
        near: set[str] = set()
        for key in _deletes(folded[:PREFIX], MAX_EDITS):
            near.update(self.deletes.get(key, ()))
        lower = word.lower()
        ranked = []
        for candidate in near:
            if abs(len(candidate) - len(folded)) > MAX_EDITS:
                continue
            edits = OSA.distance(folded, candidate, score_cutoff=MAX_EDITS)
            if edits > MAX_EDITS:
                continue
            for spelling in self.spellings[candidate]:
                if spelling == word:
                    continue
                exact = OSA.distance(lower, spelling.lower())
                ranked.append((edits, exact, -_frequency(spelling, self.lang), spelling))
        ranked.sort()
        return [_same_case(word, r[-1]) for r in ranked[: count * 2]][:count]


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
    saved = (
        cache_dir / f"suggest-{lang}-{dic.stem}-{_stamp(aff, dic)}.marshal" if cache_dir else None
    )
    if saved is not None and saved.is_file():
        try:
            spellings, deletes = marshal.loads(saved.read_bytes())
            return SuggestionIndex(lang, spellings, deletes)
        except (OSError, EOFError, ValueError, TypeError) as exc:
            log.warning("suggestion index %s unreadable (%s): rebuilt", saved, exc)
    index = SuggestionIndex.of_words(word_forms(aff, dic), lang)
    if saved is not None:
        try:
            saved.parent.mkdir(parents=True, exist_ok=True)
            partial = saved.with_name(f"{saved.name}.{os.getpid()}.tmp")
            partial.write_bytes(marshal.dumps((index.spellings, index.deletes)))
            partial.replace(saved)
        except OSError as exc:
            log.warning("suggestion index not saved to %s (%s)", saved, exc)
    return index


def _stamp(aff: Path, dic: Path) -> str:
    """Names the dictionary files' version: a changed dictionary gets a new index."""
    stamp = hashlib.sha256(str(FORMAT).encode())
    for path in (aff, dic):
        stat = path.stat()
        stamp.update(f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return stamp.hexdigest()[:16]
