"""Signals of abuse from maintained offline libraries, read beside the triage's own cues.

- English: alt-profanity-check's linear model (TF-IDF and a calibrated linear SVM, trained on
  tens of thousands of labelled comments). Its own `predict_prob` goes through scikit-learn's
  checks at about 4 ms a comment; the same figures are computed here from the model's own
  vocabulary, weights and calibration (about 30 µs), so 10,000 comments triage in seconds.
- French (and English): safetext's insult lists (`data/insults/`), matched on whole words and phrases of the
  normalised comment. Those lists also hold everyday words (chat, moule, bosser, veuve...)
  and a few harmless phrases: `data/triage.yaml` (`insults.not_insults`) lists what is never
  counted, so the team can correct them without touching the package.

Both are loaded on first use only: importing scikit-learn takes two seconds.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from typing import Any

import regex

from .normal_form import normalise

WORD = regex.compile(r"\w+")
LEET = regex.compile(r"[0-9@$]")  # the lists' obfuscated spellings: the comment is not


@dataclass(frozen=True)
class _Linear:
    """The profanity model in plain numbers: per word its IDF and one weight per fold."""

    analyse: Any  # the vectorizer's own tokeniser (lower case, stop words)
    words: dict[str, tuple[float, tuple[float, ...]]]
    intercepts: tuple[float, ...]
    calibration: tuple[tuple[float, float], ...]  # (a, b) of each fold's sigmoid


@cache
def _model() -> _Linear:
    """The model alt-profanity-check ships, unpacked once into word weights."""
    import profanity_check.profanity_check as shipped

    vectorizer, model = shipped.vectorizer, shipped.model
    folds = model.calibrated_classifiers_
    coefs = [fold.estimator.coef_[0] for fold in folds]
    idf = vectorizer.idf_
    words = {
        word: (float(idf[i]), tuple(float(c[i]) for c in coefs))
        for word, i in vectorizer.vocabulary_.items()
    }
    return _Linear(
        analyse=vectorizer.build_analyzer(),
        words=words,
        intercepts=tuple(float(fold.estimator.intercept_[0]) for fold in folds),
        calibration=tuple(
            (float(fold.calibrators[0].a_), float(fold.calibrators[0].b_)) for fold in folds
        ),
    )


@lru_cache(maxsize=4096)
def profanity(text: str) -> float:
    """The probability (0 … 1) that the comment is profane or offensive, as the shipped model
    gives it: TF-IDF with L2 norm, each fold's decision through its sigmoid, averaged."""
    model = _model()
    counts = Counter(t for t in model.analyse(text) if t in model.words)
    folds = len(model.intercepts)
    sums = [0.0] * folds
    norm = 0.0
    for word, count in counts.items():
        idf, weights = model.words[word]
        value = count * idf
        norm += value * value
        for k in range(folds):
            sums[k] += value * weights[k]
    scale = 1 / math.sqrt(norm) if norm else 0.0
    total = 0.0
    for k in range(folds):
        decision = sums[k] * scale + model.intercepts[k]
        a, b = model.calibration[k]
        total += 1 / (1 + math.exp(a * decision + b))
    return total / folds


@cache
def _insult_lists(language: str, excluded: frozenset[str]) -> tuple:
    """safetext's list of one language (shipped in data/insults, MIT), normalised like the
    comments: single words in a set, phrases by their number of words. A language it has no list for has no insults."""
    single: set[str] = set()
    phrases: dict[int, set[tuple[str, ...]]] = {}
    listed = files("assistant").joinpath(f"data/insults/{language}.txt")
    lines = listed.read_text(encoding="utf-8").splitlines() if listed.is_file() else []
    for line in lines:
        entry = normalise(line.strip())
        if not entry or LEET.search(entry) or entry in excluded:
            continue
        tokens = tuple(WORD.findall(entry))
        if len(tokens) == 1:
            single.add(tokens[0])
        elif tokens:
            phrases.setdefault(len(tokens), set()).add(tokens)
    return frozenset(single), {n: frozenset(p) for n, p in phrases.items()}


def insults(
    plain: str, language: str, excluded: frozenset[str], endings: regex.Pattern | None = None
) -> list[str]:
    """The listed insults and swear words the (normalised) comment holds, in order; a word
    also counts in a plural form (`endings` stripped: "connards", "tocards")."""
    return list(_insults(plain, language, excluded, endings))


@lru_cache(maxsize=4096)  # the triage's rules and its heads both read them, one after the other
def _insults(
    plain: str, language: str, excluded: frozenset[str], endings: regex.Pattern | None
) -> tuple[str, ...]:
    single, phrases = _insult_lists(language, excluded)
    tokens = WORD.findall(plain)
    found = [t for t in tokens if t in single or _singular(t, endings) in single]
    for size, listed in phrases.items():
        for i in range(len(tokens) - size + 1):
            if tuple(tokens[i : i + size]) in listed:
                found.append(" ".join(tokens[i : i + size]))
    return tuple(found)


def _singular(word: str, endings: regex.Pattern | None) -> str:
    return endings.sub("", word, count=1) if endings is not None and len(word) > 4 else word
