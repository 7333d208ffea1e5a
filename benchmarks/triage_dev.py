"""The whole triage against its learned heads alone, on development data only: the declared
**val** splits of `triage-training/` (`--data DIR` or `$ASSISTANT_BENCH_DATA`, see
`bench_data.py`) and the project's own labelled comments (tests/data/replies_eval.yaml,
assistant/data/models/complaints-written.csv). It shows where the rules' decisions (intent
precedence, the sentiment an intent fixes, thresholds) lose what the heads read, so those
decisions can be set here, never on the outside benchmark (`replies_bench.py`).

The stackers were fitted on these same val rows: the heads-alone figures are optimistic;
what this measures is the gap the triage's own decisions add or remove.

    python benchmarks/triage_dev.py [--data DIR]
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.community import triage_heads  # noqa: E402
from assistant.community.triage import (  # noqa: E402
    heads_reading,
    intent_scores,
    normalise,
    sentiment_score,
    triage,
)
from assistant.core.charter import load_brand  # noqa: E402
from benchmarks.bench_data import bench_folder  # noqa: E402
from benchmarks.replies_bench import macro  # noqa: E402

BRANDS = {"en": "trailforge", "fr": "maison-lemoine"}


def _charters() -> dict:
    return {lang: load_brand(slug, ROOT / "brand_guides") for lang, slug in BRANDS.items()}


def _rows(path: Path, language: str | None = None) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            {**row, "language": row.get("language") or language}
            for row in csv.DictReader(handle)
            if row["split"] == "val" or language is None
        ]


def _reading(text: str, language: str) -> triage_heads.Reading | None:
    plain = normalise(text)
    return heads_reading(
        plain, language, sentiment_score(text, language), intent_scores(plain, language)
    )


def binary(name: str, rows: list[dict], positive: str, wanted: tuple[str, ...], head: str) -> None:
    """Macro-F1 of the whole triage (intent in `wanted`) and of one head over its threshold."""
    charters = _charters()
    cuts = triage_heads.shipped().thresholds
    pairs, alone, lost = [], [], Counter()
    for row in rows:
        lang = row["language"]
        gold = "1" if row["label"] == positive else "0"
        labels = triage(row["text"], charters[lang], language=lang)
        found = "1" if labels.intent in wanted else "0"
        reading = _reading(row["text"], lang)
        cut = cuts[head if head == "complaint" else f"{head}_{lang}"]
        said = "1" if getattr(reading, head) >= cut else "0"
        pairs.append((gold, found))
        alone.append((gold, said))
        if said == "1" and found == "0":
            lost[f"head yes, triage {labels.intent}"] += 1
        if said == "0" and found == "1":
            lost[f"head no, triage {labels.intent}"] += 1
    print(f"{name} ({len(rows)} rows): triage {macro(pairs, ('0', '1')):.3f}, "
          f"heads alone {macro(alone, ('0', '1')):.3f}; disagreements {dict(lost)}")  # fmt: skip


def sentiment(name: str, rows: list[dict]) -> None:
    charters = _charters()
    pairs, alone, forced = [], [], Counter()
    for row in rows:
        lang = row["language"]
        labels = triage(row["text"], charters[lang], language=lang)
        reading = _reading(row["text"], lang)
        pairs.append((row["label"], labels.sentiment))
        alone.append((row["label"], reading.sentiment_label))
        if labels.sentiment != reading.sentiment_label:
            right = (
                "right"
                if labels.sentiment == row["label"]
                else ("wrong" if reading.sentiment_label == row["label"] else "both wrong")
            )
            forced[f"{labels.intent}: {right}"] += 1  # fmt: skip
    labels3 = ("negative", "neutral", "positive")
    print(f"{name} ({len(rows)} rows): triage {macro(pairs, labels3):.3f}, heads alone "
          f"{macro(alone, labels3):.3f}; triage overrides by intent {dict(forced)}")  # fmt: skip


def project_sets() -> None:
    charters = {s: load_brand(s, ROOT / "brand_guides") for s in BRANDS.values()}
    rows = yaml.safe_load((ROOT / "tests/data/replies_eval.yaml").read_text("utf-8"))
    intents, complaints, sentiments = [], [], []
    for row in rows:
        found = triage(row["text"], charters[row["brand"]])
        intents.append((row["intent"], found.intent))
        sentiments.append((row["sentiment"], found.sentiment))
        is_c = ("complaint", "crisis")
        complaints.append(("1" if row["intent"] in is_c else "0",
                           "1" if found.intent in is_c else "0"))  # fmt: skip
    accuracy = sum(g == f for g, f in intents) / len(intents)
    print(f"replies_eval ({len(rows)} rows): intent accuracy {accuracy:.3f}, complaint-or-crisis "
          f"macro-F1 {macro(complaints, ('0', '1')):.3f}, sentiment macro-F1 "
          f"{macro(sentiments, ('negative', 'neutral', 'positive')):.3f}")  # fmt: skip
    written = _rows(ROOT / "assistant/data/models/complaints-written.csv")
    binary("complaints-written (stacker fitted on them)", written, "complaint",
           ("complaint", "crisis"), "complaint")  # fmt: skip


def main() -> None:
    data = bench_folder("triage-training")
    project_sets()
    binary("OLID val", _rows(data / "offensive-en.csv", "en"), "offensive", ("abuse",),
           "offensive")  # fmt: skip
    binary("HatEval val (hate as abuse)", _rows(data / "hate-en.csv", "en"), "hate",
           ("abuse",), "offensive")  # fmt: skip
    for lang in ("en", "fr"):
        sentiment(f"UMSAB {lang} val", _rows(data / f"sentiment-{lang}.csv", lang))


if __name__ == "__main__":
    main()
