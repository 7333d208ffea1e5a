"""The proofing evaluation set (tests/data/proofing_eval.yaml): recall and false alarms.

Prints the figures; fails when detection drops under 90 %, the right fix under 80 %, or when
any social token or charter word is flagged.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import regex
import yaml

from assistant.charter import load_brand
from assistant.proofing import check

from .conftest import ROOT

EVAL = yaml.safe_load((Path(__file__).parent / "data" / "proofing_eval.yaml").read_text())
ENGINES = {"grammalecte", "hunspell", "languagetool"}


@pytest.fixture(scope="module")
def charters():
    return {
        "fr": load_brand("maison-lemoine", ROOT / "brand_guides"),
        "en": load_brand("trailforge", ROOT / "brand_guides"),
    }


def test_recall_on_annotated_mistakes(charters):
    detected, fixed, missed = 0, 0, []
    for item in EVAL["mistakes"]:
        text, word = item["text"], item["word"]
        start = regex.search(rf"(?<!\w){regex.escape(word)}(?!\w)", text).start()
        hits = [
            m
            for m in check(text, item["lang"], charters[item["lang"]])
            if m.source in ENGINES and m.offset < start + len(word) and start < m.end
        ]
        detected += bool(hits)
        right = any(item["fix"].lower() in (r.lower() for r in m.replacements) for m in hits)
        fixed += right
        if not right:
            missed.append(f"{text} ({word} → {item['fix']})")
    total = len(EVAL["mistakes"])
    print(f"\nproofing eval: {detected}/{total} detected, {fixed}/{total} with the right fix")
    for line in missed:
        print("  missed fix:", line)
    assert detected / total >= 0.9
    assert fixed / total >= 0.8


def test_no_false_alarm_on_social_tokens_or_charter_words(charters):
    alarms = []
    for item in EVAL["silent"]:
        text = item["text"]
        alarms += [
            (text[m.offset : m.end], m.message)
            for m in check(text, item["lang"], charters[item["lang"]])
            if m.source in ENGINES
        ]
    print(f"\nproofing eval: {len(alarms)} false alarms on {len(EVAL['silent'])} posts")
    assert alarms == []
