"""The offline triage on the shipped labelled comments (tests/data/replies_eval.yaml):
prints per-label precision and recall, fails under the targets a community manager relies
on (no crisis missed: crisis and escalation recall ≥ 0.95; intent accuracy ≥ 0.85)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from assistant.community.charter_section import INTENTS
from assistant.community.triage import SENTIMENTS, triage
from assistant.core.charter import load_brand

from .conftest import ROOT

EVAL = Path(__file__).parent / "data" / "replies_eval.yaml"
TARGETS = {"crisis_recall": 0.95, "escalation_recall": 0.95, "intent_accuracy": 0.85}


def _per_label(pairs: list[tuple[str, str]], labels: tuple[str, ...]) -> dict[str, tuple]:
    """precision, recall and support of each label from (gold, found) pairs."""
    table = {}
    for label in labels:
        tp = sum(g == label and f == label for g, f in pairs)
        found = sum(f == label for _, f in pairs)
        gold = sum(g == label for g, _ in pairs)
        table[label] = (tp / found if found else 0.0, tp / gold if gold else 0.0, gold)
    return table


def evaluate() -> dict:
    rows = yaml.safe_load(EVAL.read_text(encoding="utf-8"))
    charters = {
        slug: load_brand(slug, ROOT / "brand_guides") for slug in {r["brand"] for r in rows}
    }
    intents, sentiments, languages, misses = [], [], [], []
    escalations = []
    for row in rows:
        found = triage(row["text"], charters[row["brand"]])
        intents.append((row["intent"], found.intent))
        sentiments.append((row["sentiment"], found.sentiment))
        languages.append((row["language"], found.language))
        escalations.append((row["escalation"], found.escalation))
        if row["intent"] != found.intent or row["escalation"] != found.escalation:
            misses.append((row["intent"], found.intent, found.escalation, row["text"]))
    escalated = [(g, f) for g, f in escalations if g]
    return {
        "rows": len(rows),
        "intent": _per_label(intents, INTENTS),
        "sentiment": _per_label(sentiments, SENTIMENTS),
        "intent_accuracy": sum(g == f for g, f in intents) / len(intents),
        "sentiment_accuracy": sum(g == f for g, f in sentiments) / len(sentiments),
        "language_accuracy": sum(g == f for g, f in languages) / len(languages),
        "language_rows": Counter(g for g, _ in languages),
        "language_right": Counter(g for g, f in languages if g == f),
        "crisis_recall": _per_label(intents, ("crisis",))["crisis"][1],
        "escalation_recall": sum(g == f for g, f in escalated) / len(escalated),
        "escalation_false": sum(f is not None and g is None for g, f in escalations),
        "misses": misses,
    }


def test_triage_meets_its_targets_on_the_labelled_comments(capsys):
    result = evaluate()
    with capsys.disabled():
        print(f"\ntriage eval: {result['rows']} comments")
        for field in ("intent", "sentiment"):
            for label, (p, r, n) in result[field].items():
                print(f"  {field:9} {label:10} P {p:.2f}  R {r:.2f}  n={n}")
        for key in ("intent_accuracy", "sentiment_accuracy", "language_accuracy"):
            print(f"  {key}: {result[key]:.3f}")
        print(
            f"  crisis recall {result['crisis_recall']:.3f}, escalation recall "
            f"{result['escalation_recall']:.3f}, false escalations {result['escalation_false']}"
        )
        for gold, found, rule, text in result["misses"]:
            print(f"  miss: {gold} -> {found} ({rule}): {text}")
    assert result["rows"] >= 150
    # both languages are labelled, and each is read right on its own (one language read
    # well must not hide the other read badly)
    assert set(result["language_rows"]) == {"fr", "en"}
    for lang, rows in result["language_rows"].items():
        assert rows >= 30, f"only {rows} {lang} comments"
        assert result["language_right"][lang] / rows >= 0.9, (lang, result["language_right"])
    for key, target in TARGETS.items():
        assert result[key] >= target, f"{key} {result[key]:.3f} under {target}"
