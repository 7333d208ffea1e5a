"""The outside proofing benchmark (`proofing-bench/`: LanguageTool's own rule examples, 400
incorrect and 400 correct sentences per language; its folder from `--data DIR` or
`$ASSISTANT_BENCH_DATA`, see `bench_data.py`) through `check_text`, with no LanguageTool
server: recall (an error or warning overlapping the marked span), recall with the expected
correction, and false alarms (an error on a correct sentence), per language and category,
beside the raw engines' figures printed in the benchmark's README."""

from __future__ import annotations

import json
import os
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.proofing import Checker  # noqa: E402
from benchmarks.bench_data import bench_folder  # noqa: E402

ANCHORS = {"en": "Harper 0.258 / 11.0 %, Hunspell 0.015 / 5.0 %", "fr": "Grammalecte 0.745 / 2.8 %"}


def _score(checker: Checker, row: dict) -> tuple[bool, bool, bool]:
    """(caught, caught with a listed correction, error raised)."""
    matches = checker.check(row["text"], row["lang"]).matches
    errors = any(m.severity == "error" for m in matches)
    if row["kind"] != "incorrect":
        return False, False, errors
    start, end = row["marker_start"], row["marker_end"]
    hits = [
        m
        for m in matches
        if m.severity in ("error", "warning") and m.offset < end and start < m.end
    ]
    fixed = any(set(m.replacements) & set(row["correction"]) for m in hits)
    return bool(hits), fixed, errors


def main() -> None:
    # the benchmark's own folder variable, kept for those who set it
    own = os.environ.get("PROOFING_BENCH_DIR")
    bench = Path(own) if own else bench_folder("proofing-bench")
    checker = Checker(languagetool_url="")
    for lang in ("en", "fr"):
        rows = [json.loads(line) for line in (bench / f"{lang}.jsonl").open(encoding="utf-8")]
        tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
        for row in rows:
            caught, fixed, errors = _score(checker, row)
            for key in (row["category"], "all"):
                t = tally[key]
                if row["kind"] == "incorrect":
                    t[0] += 1
                    t[1] += caught
                    t[2] += fixed
                else:
                    t[3] += 1
                    t[4] += errors
        print(f"\n{lang.upper()} (anchors, recall / false alarms: {ANCHORS[lang]})")
        print(f"  {'category':28s} recall  with fix  false alarms")
        for key, (wrong, caught, fixed, right, alarms) in sorted(tally.items()):
            recall = caught / wrong if wrong else 0
            with_fix = fixed / wrong if wrong else 0
            false = alarms / right if right else 0
            print(f"  {key:28s} {recall:6.3f}  {with_fix:8.3f}  {false:10.1%}")


if __name__ == "__main__":
    main()
