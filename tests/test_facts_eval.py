"""The fact comparison on the evaluation set: how often a changed or invented fact is caught,
and how often a faithful rewording is wrongly flagged."""

from __future__ import annotations

from pathlib import Path

import yaml

from assistant.publishing.fact_comparison import compare

EVAL = Path(__file__).parent / "data" / "facts_eval.yaml"
WRONG = ("changed", "invented")


def evaluate() -> dict:
    """Row-level figures: a changed/invented row is caught when a finding of its kind says
    changed or invented; any such finding on another row is a false alarm."""
    data = yaml.safe_load(EVAL.read_text(encoding="utf-8"))
    briefs = data["briefs"]
    caught = flagged = true_flags = positives = clean = false_alarms = 0
    missing_rows = missing_seen = 0
    misses, alarms = [], []
    for row in data["cases"]:
        brief = briefs[row["brief"]]
        findings = compare(brief["text"], row["text"], brief["lang"], row.get("allowed", ()))
        wrong = [f for f in findings if f.status in WRONG]
        positive = row["expect"] in WRONG
        hit = positive and any(f.kind == row["kind"] for f in wrong)
        flagged += bool(wrong)
        true_flags += hit
        if positive:
            positives += 1
            caught += hit
            if not hit:
                misses.append((row, findings))
        else:
            clean += 1
            if wrong:
                false_alarms += 1
                alarms.append((row, wrong))
        if row["expect"] == "missing":
            missing_rows += 1
            missing_seen += any(f.status == "missing" and f.kind == row["kind"] for f in findings)
    return {
        "rows": len(data["cases"]),
        "recall": caught / positives,
        "precision": true_flags / flagged if flagged else 1.0,
        "false_alarm_rate": false_alarms / clean,
        "missing_recall": missing_seen / missing_rows if missing_rows else 1.0,
        "misses": misses,
        "alarms": alarms,
    }


def test_fact_detection_recall_and_false_alarms():
    result = evaluate()
    print(
        f"\nfacts evaluation: {result['rows']} pairs; changed/invented recall "
        f"{result['recall']:.3f}, precision {result['precision']:.3f}; false alarms on "
        f"faithful pairs {result['false_alarm_rate']:.1%}; dropped facts reported "
        f"{result['missing_recall']:.3f}"
    )
    for row, _findings in result["misses"]:
        print("MISSED", row["expect"], row["kind"], row["text"][:90])
    for row, wrong in result["alarms"]:
        print(
            "FALSE ALARM", [(f.kind, f.value, f.found, f.status) for f in wrong], row["text"][:90]
        )
    assert result["rows"] >= 150
    assert result["recall"] >= 0.95
    assert result["false_alarm_rate"] <= 0.02
