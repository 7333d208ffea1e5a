"""Learning curve of a brand's own heads on the complaints set of the outside benchmark
(`../shared/data/replies-bench/complaints-en.csv`), simulating a brand's reviewed history.

THE ONE PLACE WHERE BENCHMARK ROWS TRAIN A MODEL: for each k (50, 100, 200, 400) and each of
`FOLDS` random draws, k rows play the comments a team reviewed (a wrong intent corrected to
the gold: `complaint` for a complaint, `question` for a comment the triage wrongly read as a
complaint, the triage's label kept otherwise), the brand head is fitted on them exactly as
`assistant inbox learn` does, and the other rows are scored. These figures are never mixed
with the zero-shot figures of `replies_bench.py`, where no benchmark row trains anything.

    python benchmarks/replies_learning.py [--folds 5]
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.community import brand_heads  # noqa: E402
from assistant.community.triage import triage  # noqa: E402
from assistant.core.charter import load_brand  # noqa: E402
from benchmarks.replies_bench import BENCH, macro  # noqa: E402

SIZES = (50, 100, 200, 400)
COMPLAINT = ("complaint", "crisis")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    path = BENCH / "complaints-en.csv"
    if not path.is_file():
        print(f"no benchmark data at {path}: skipped")
        return
    charter = load_brand("trailforge", ROOT / "brand_guides")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    examples = []
    for row in rows:
        base = triage(row["text"], charter)
        complaint = row["label_complaint"] == "1"
        if complaint:
            gold = base.intent if base.intent in COMPLAINT else "complaint"
        else:
            gold = "question" if base.intent in COMPLAINT else base.intent
        examples.append(brand_heads.example_of(row["text"], gold, "intent", base, charter))
    print("learning curve, complaints-en (benchmark rows train here: NOT a zero-shot figure)")
    print(f"{len(rows)} rows; per k, {args.folds} random draws of k reviewed comments, "
          "scored on the other rows (macro-F1 complaint / not)")  # fmt: skip
    for k in SIZES:
        learned, base_only = [], []
        for fold in range(args.folds):
            order = list(range(len(rows)))
            random.Random(1000 * k + fold).shuffle(order)
            train, test = order[:k], order[k:]
            head = brand_heads.fit("intent", [examples[i] for i in train])
            gold = ["1" if rows[i]["label_complaint"] == "1" else "0" for i in test]

            def read(intent: str) -> str:
                return "1" if intent in COMPLAINT else "0"

            found = [read(head.predict(examples[i])) for i in test]
            before = [read(examples[i].base) for i in test]
            learned.append(macro(list(zip(gold, found, strict=True)), ("0", "1")))
            base_only.append(macro(list(zip(gold, before, strict=True)), ("0", "1")))
        print(f"  k={k:4}: with the brand head {statistics.mean(learned):.3f} "
              f"± {statistics.stdev(learned):.3f}; the shipped triage on the same rows "
              f"{statistics.mean(base_only):.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
