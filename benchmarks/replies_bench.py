"""The outside replies benchmark (`replies-bench/`: public, human-labelled tweets; its folder
from `--data DIR` or `$ASSISTANT_BENCH_DATA`, see `bench_data.py`) through `inbox import`
and the offline triage, scored as the bench's README defines it, beside the published
anchors. The rules were written on the project's own evaluation set
(tests/data/replies_eval.yaml); nothing here feeds back into them."""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.community.inbox import import_file, list_items  # noqa: E402
from assistant.core.charter import load_brand  # noqa: E402
from assistant.core.store import Store  # noqa: E402
from benchmarks.bench_data import bench_folder  # noqa: E402

# file, brand, gold column, what counts as positive (None: three-class sentiment), anchors
SETS = (
    ("complaints-en", "trailforge", "label_complaint", ("complaint", "crisis"),
     "majority 0.39; keyword lexicon 0.65; LR 0.79; transformers 0.87-0.88"),
    ("olid-offensive-en", "trailforge", "label_offensive", ("abuse",),
     "majority 0.42; lexicon 0.71; SVM 0.523; RoBERTa 0.795; best 0.829"),
    ("mlma-hostility-fr", "maison-lemoine", "label_hostile", ("abuse",),
     "majority 0.44; lexicon 0.52; no published binary figure"),
    ("umsab-sentiment-fr", "maison-lemoine", "label_sentiment", None,
     "majority 0.17; lexicon 0.42; FastText 0.548; XLM-R 0.72"),
    ("umsab-sentiment-en", "trailforge", "label_sentiment", None,
     "majority 0.17; lexicon 0.53; FastText 0.509; XLM-Tw 0.706"),
)  # fmt: skip


def f1(pairs: list[tuple[str, str]], label: str) -> tuple[float, float, float]:
    tp = sum(g == label and f == label for g, f in pairs)
    found = sum(f == label for _, f in pairs)
    gold = sum(g == label for g, _ in pairs)
    p = tp / found if found else 0.0
    r = tp / gold if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def macro(pairs: list[tuple[str, str]], labels: tuple[str, ...]) -> float:
    return sum(f1(pairs, label)[2] for label in labels) / len(labels)


def run_set(
    bench: Path, name: str, brand: str, column: str, positive: tuple | None, anchors: str
) -> None:
    path = bench / f"{name}.csv"
    gold = {row["id"]: row for row in csv.DictReader(path.open(encoding="utf-8"))}
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{folder}/bench.db")
        charter = load_brand(brand, ROOT / "brand_guides")
        start = time.perf_counter()
        import_file(store, charter, path)
        seconds = time.perf_counter() - start
        items = {i.external_id: i for i in list_items(store, brand, limit=10**6)}
        store.dispose()
    language = sum(items[k].language == g["label_language"] for k, g in gold.items()) / len(gold)
    print(f"\n{name}: {len(gold)} rows imported and triaged in {seconds:.1f} s, "
          f"language accuracy {language:.3f}")  # fmt: skip
    if positive is None:
        pairs = [(g[column], items[k].sentiment) for k, g in gold.items()]
        labels = ("negative", "neutral", "positive")
        print(f"  sentiment macro-F1 {macro(pairs, labels):.3f}  ({anchors})")
        for label in labels:
            p, r, f = f1(pairs, label)
            print(f"    {label:9} P {p:.2f} R {r:.2f} F1 {f:.2f}")
        return

    def read(key: str) -> str:
        return "1" if items[key].intent in positive else "0"

    pairs = [(g[column], read(k)) for k, g in gold.items()]
    p, r, f = f1(pairs, "1")
    print(f"  macro-F1 {macro(pairs, ('0', '1')):.3f}; positive class P {p:.2f} R {r:.2f} "
          f"F1 {f:.2f}  ({anchors})")  # fmt: skip
    if name == "complaints-en":
        directed = [(g[column], read(k)) for k, g in gold.items()
                    if not g["label_domain"].startswith("random")]  # fmt: skip
        print(f"  brand-directed only ({len(directed)} rows): macro-F1 "
              f"{macro(directed, ('0', '1')):.3f}")  # fmt: skip
    crises = sum(items[k].intent == "crisis" for k in gold)
    print(f"  found as crisis: {crises}")


def main() -> None:
    bench = bench_folder("replies-bench")
    for spec in SETS:
        run_set(bench, *spec)


if __name__ == "__main__":
    main()
