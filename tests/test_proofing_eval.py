"""The proofing evaluation: annotated mistakes and clean posts, scored by the merged pipeline.

Two development files written for this project: tests/data/proofing_eval.yaml and
tests/data/proofing_eval_dev2.yaml. Rules and filters were written while reading both, so
their floors are a regression guard, not a measure of posts the rules have not seen (that is
the outside benchmark, benchmarks/proofing_bench.py; the per-engine figures are printed by
benchmarks/proofing_engines.py). Recall is counted per language and category ("detected": an
engine match touches the mistake; "fixed": one of its replacements is the annotated
correction), false alarms per 100 clean posts. LanguageTool is switched off: the figures are
what a user without a Java server gets. The merged pipeline must keep French recall ≥ 0.92,
English grammar ≥ 0.70, English spelling ≥ 0.95 and raise no error on a clean post.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
import regex
import yaml

from assistant import proofing
from assistant.core.charter import load_brand
from assistant.proofing import Checker, Match

from .conftest import ROOT

DATA = Path(__file__).parent / "data"
SETS = {
    "dev": yaml.safe_load((DATA / "proofing_eval.yaml").read_text(encoding="utf-8")),
    "dev2": yaml.safe_load((DATA / "proofing_eval_dev2.yaml").read_text(encoding="utf-8")),
}
ENGINES = {"grammalecte", "hunspell", "languagetool", "harper", "confusions"}
SPELLING = {"spelling", "orthographe"}


@dataclass
class Score:
    """Detected and fixed counts for one group of mistakes."""

    total: int = 0
    detected: int = 0
    fixed: int = 0

    def add(self, detected: bool, fixed: bool) -> None:
        self.total += 1
        self.detected += detected
        self.fixed += fixed

    @property
    def recall(self) -> float:
        return self.detected / self.total if self.total else 1.0

    def __str__(self) -> str:
        return f"{self.detected:3d}/{self.total:<3d} ({self.recall:4.0%}) fix {self.fixed:3d}"


@pytest.fixture(scope="module")
def charters():
    return {
        "fr": load_brand("maison-lemoine", ROOT / "brand_guides"),
        "en": load_brand("trailforge", ROOT / "brand_guides"),
    }


def _mistake_span(item: dict) -> tuple[int, int]:
    word = item["word"]
    found = list(regex.finditer(rf"(?<!\w){regex.escape(word)}(?!\w)", item["text"]))
    at = found[item.get("n", 1) - 1]
    return at.start(), at.end()


def _engine_matches(checker: Checker, text: str, lang: str, charter) -> list[Match]:
    return [m for m in checker.check(text, lang, charter).matches if m.source in ENGINES]


def _score(checker: Checker, charters, items: list[dict]) -> tuple[dict, list[str]]:
    """Scores keyed by (lang, category) and (lang, "all"), and the mistakes left unfixed."""
    scores: dict[tuple[str, str], Score] = defaultdict(Score)
    missed = []
    for item in items:
        lang, start_end = item["lang"], _mistake_span(item)
        hits = [
            m
            for m in _engine_matches(checker, item["text"], lang, charters[lang])
            if m.offset < start_end[1] and start_end[0] < max(m.end, m.offset + 1)
        ]
        fixed = any(item["fix"].lower() in (r.lower() for r in m.replacements) for m in hits)
        for key in ((lang, item["cat"]), (lang, "all"), (lang, _kind(item))):
            scores[key].add(bool(hits), fixed)
        if not hits:
            missed.append(f"{lang} {item['cat']}: {item['text']} ({item['word']} → {item['fix']})")
    return scores, missed


def _kind(item: dict) -> str:
    return "=spelling" if item["cat"] in SPELLING else "=grammar"


def _alarms(checker: Checker, charters, items: list[dict]) -> list[tuple[str, Match, str]]:
    return [
        (item["lang"], m, item["text"])
        for item in items
        for m in _engine_matches(checker, item["text"], item["lang"], charters[item["lang"]])
    ]


def _checker_for(engine: str | None, lang: str, monkeypatch) -> Checker:
    """A checker without LanguageTool; `engine` alone when given, else the normal pipeline."""
    if engine is not None:
        monkeypatch.setitem(proofing.ENGINE_ORDER, lang, [engine])
    return Checker(languagetool_url="")


def _report(name: str, scores: dict, alarms: list, clean: list[dict]) -> None:
    print(f"\n== {name}")
    for key in sorted(scores):
        print(f"  {key[0]} {key[1]:<16} {scores[key]}")
    for lang in sorted({c["lang"] for c in clean}):
        posts = sum(c["lang"] == lang for c in clean)
        mine = [a for a in alarms if a[0] == lang]
        errors = [a for a in mine if a[1].severity == "error"]
        print(
            f"  {lang} false alarms per 100 clean posts: {100 * len(errors) / posts:.1f} errors, "
            f"{100 * len(mine) / posts:.1f} any severity ({posts} posts)"
        )
        for _, match, text in errors:
            print(f"    error: {text[match.offset : match.end]!r} ({match.source}) in {text}")


# Floors: the acceptance figures, on both development files alike (a fall is a regression;
# a rise on them says nothing about other posts).
ACCEPTANCE = {("fr", "all"): 0.92, ("en", "=grammar"): 0.70, ("en", "=spelling"): 0.95}
FLOORS = {name: ACCEPTANCE for name in SETS}
ERROR_ALARMS = dict.fromkeys(SETS, 0)


@pytest.mark.parametrize("set_name", list(SETS))
def test_merged_recall_and_false_alarms(set_name, charters, monkeypatch):
    """What a user without LanguageTool gets: every mistake category, and silence on clean posts."""
    checker = _checker_for(None, "fr", monkeypatch)
    data = SETS[set_name]
    scores, missed = _score(checker, charters, data["mistakes"])
    alarms = _alarms(checker, charters, data["clean"])
    _report(f"merged, {set_name}", scores, alarms, data["clean"])
    for line in missed:
        print("  missed:", line)
    assert len([a for a in alarms if a[1].severity == "error"]) <= ERROR_ALARMS[set_name]
    for key, floor in FLOORS[set_name].items():
        assert scores[key].recall >= floor - 1e-9, (key, scores[key])


def test_eval_set_is_large_and_well_formed():
    """Enough annotated mistakes and clean posts to tell progress from tuning."""
    mistakes = [m for data in SETS.values() for m in data["mistakes"]]
    clean = [c for data in SETS.values() for c in data["clean"]]
    assert sum(m["lang"] == "fr" for m in mistakes) >= 90
    assert sum(m["lang"] == "en" for m in mistakes) >= 60
    assert len(clean) >= 80
    for item in mistakes:
        start, end = _mistake_span(item)
        assert item["text"][start:end] == item["word"]
        assert item["fix"] != item["word"]
