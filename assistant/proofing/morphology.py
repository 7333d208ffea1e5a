"""French word classes from Grammalecte's lexicon, for the confused-word rules.

A rule such as "a participle after « de vous » is an infinitive" needs to know what a word can
be: Grammalecte's dictionary gives every reading of a word as a tag string (`>fermer/:V1_…:Q:A:
1ŝ:m:s/*`: lemma, verb of the first group, past participle, masculine singular), and its
conjugation tables give the forms a fix needs (infinitive, participle agreeing in gender and
number). Without Grammalecte there is no morphology, and the rules that need it stay silent.
"""

from __future__ import annotations

import importlib
import threading
from functools import lru_cache
from typing import Any

from .engine import EngineUnavailable
from .grammalecte import _load_module

_lock = threading.Lock()
_spell: list[Any] = []


def _spellchecker() -> Any:
    """Grammalecte's spell checker, shared with its grammar engine when that one is loaded."""
    with _lock:
        if not _spell:
            _load_module()
            engine = importlib.import_module("grammalecte.fr.gc_engine")
            if engine.getSpellChecker() is None:
                engine.load("Python")
            _spell.append(engine.getSpellChecker())
        return _spell[0]


def available() -> bool:
    """Whether word classes can be looked up (Grammalecte is installed)."""
    try:
        return _spellchecker() is not None
    except EngineUnavailable:
        return False


@lru_cache(maxsize=65536)
def analyses(word: str) -> tuple[str, ...]:
    """Every reading of a word, as Grammalecte's tag strings (empty when unknown)."""
    spell = _spellchecker()
    found = spell.getMorph(word.replace("'", "’"))
    if not found and word[:1].isupper():
        found = spell.getMorph(word.lower())
    return tuple(found)


def lemma(word: str, tags: str) -> str | None:
    """The lemma of the first reading whose tags contain `tags` (":V" for a verb)."""
    for reading in analyses(word):
        head, _, rest = reading.partition("/")
        if tags in rest:
            return head.lstrip(">")
    return None


def gender_number(word: str, plural: bool | None = None) -> tuple[str, str] | None:
    """Gender (m, f or e for either) and number (s or p) of a noun; `plural` when the
    determiner already says it (« les », « nos »), since many nouns are invariable."""
    for reading in analyses(word):
        tags = reading.split("/")[1] if "/" in reading else reading
        if ":N" not in tags and ":A" not in tags:
            continue
        gender = next((g for g in ("m", "f", "e") if f":{g}" in tags), "e")
        if plural is not None:
            return gender, "p" if plural else "s"
        number = "p" if ":p" in tags else "s"
        return gender, number
    return None


def participles(verb: str, gender: str, number: str) -> list[str]:
    """The past participle of `verb` agreeing with gender and number ("e": either gender)."""
    conj = importlib.import_module("grammalecte.fr.conj")
    genders = ("m", "f") if gender == "e" else (gender,)
    forms = []
    for g in genders:
        form = conj.getConj(verb, ":Q", f":{g}:{number}") or conj.getConj(verb, ":Q", f":{g}:s")
        if not form:
            form = conj.getConj(verb, ":Q", ":m:s")
        if form and form not in forms:
            forms.append(form)
    return forms
