"""Benchmark: the cost of spelling suggestions per flagged word, and how often the word meant
is in the top 3, for Hunspell's own `suggest` (the previous path) and the symmetric-delete
index (`assistant/proofing/suggestions.py`).

The evaluation set is synthetic and made here: common words of each Hunspell dictionary
(wordfreq's Zipf >= 2.5, 4-12 letters), each given one or two slips (a letter dropped,
inserted, replaced or two swapped) with a fixed seed; slips that are words themselves are
left out. Run: `python benchmarks/suggestions.py [--words N]` from the project root.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wordfreq import zipf_frequency  # noqa: E402

from assistant.proofing.hunspell import HunspellEngine, _find_dictionary  # noqa: E402
from assistant.proofing.wordforms import word_forms  # noqa: E402

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def slipped(word: str, rng: random.Random) -> str:
    for _ in range(rng.choice((1, 1, 2))):
        i = rng.randrange(len(word))
        kind = rng.choice("disT")
        if kind == "d" and len(word) > 3:
            word = word[:i] + word[i + 1 :]
        elif kind == "i":
            word = word[:i] + rng.choice(LETTERS) + word[i:]
        elif kind == "s":
            word = word[:i] + rng.choice(LETTERS) + word[i + 1 :]
        elif kind == "T" and i < len(word) - 1:
            word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word


def evaluation_set(lang: str, count: int, seed: int = 7) -> list[tuple[str, str]]:
    engine = HunspellEngine()
    dictionary = engine.dictionary(lang)
    name, folder = _find_dictionary(lang)
    words = word_forms(folder / f"{name}.aff", folder / f"{name}.dic")
    pool = sorted(
        w
        for w in words
        if w.isalpha() and w.islower() and 4 <= len(w) <= 12 and zipf_frequency(w, lang) >= 2.5
    )
    rng, rows = random.Random(seed), []
    while len(rows) < count:
        meant = rng.choice(pool)
        typo = slipped(meant, rng)
        if typo != meant and not dictionary.spell(typo):
            rows.append((typo, meant))
    return rows


def bench(lang: str, count: int) -> None:
    engine = HunspellEngine()
    dictionary = engine.dictionary(lang)
    started = time.perf_counter()
    index = engine.index(lang)
    ready = time.perf_counter() - started
    rows = evaluation_set(lang, count)
    for name, suggest in (
        ("hunspell suggest (before)", lambda w: list(dictionary.suggest(w))),
        ("index (after)", index.lookup),
        ("check's list (after)", lambda w: list(engine.suggest(w, lang))),
    ):
        costs, hits = [], 0
        for typo, meant in rows:
            began = time.perf_counter()
            found = suggest(typo)
            costs.append(time.perf_counter() - began)
            hits += meant in found[:3]
        print(
            f"suggestions {lang}: {name}: median {statistics.median(costs) * 1000:.2f} ms per "
            f"flagged word, right fix in top 3 {hits / len(rows):.2f} ({len(rows)} words)"
        )
    print(f"suggestions {lang}: index ready (read from the data folder or built) in {ready:.1f}s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", type=int, default=200)
    for language in ("en", "fr"):
        bench(language, parser.parse_args().words)
