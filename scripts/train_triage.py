"""Train the triage heads shipped in `assistant/data/models/` from declared training splits.

    python scripts/train_triage.py --data PATH/TO/triage-training [--out assistant/data/models]

The data folder holds `offensive-en.csv` (OLID), `hate-en.csv` (HatEval), `sentiment-en.csv`
and `sentiment-fr.csv` (UMSAB), each `text,label,split` with split `train` or `val`; the
complaint examples written for this project ship beside the weights
(`complaints-written.csv`). Text heads learn on `train` rows only; stacking weights and
thresholds are fitted on `val` rows only (the complaint stacker, on the written examples:
its threshold from 5-fold out-of-fold probabilities). No benchmark row is read here.

Needs scikit-learn (a dependency of alt-profanity-check, so installed with the project).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.community import triage_heads  # noqa: E402
from assistant.community.triage import intent_scores, normalise, sentiment_score  # noqa: E402

FEATURES_CAP = {"en": 60_000, "fr": 30_000}
TEXT_C = 4.0  # inverse regularisation of the text heads
SENTIMENT_STACK = ["text_negative", "text_neutral", "text_positive", "vader"]
OFFENSIVE_STACK = ["text_offensive", "text_hate", "profanity", "insults", "vader",
                   "p_negative"]  # fmt: skip
# the French abuse stacker reads only what both languages have (transfer from English)
TRANSFER_STACK = ["insults", "vader", "p_negative", "p_positive", "xl_offensive", "xl_hate"]
COMPLAINT_STACK = ["p_negative", "p_positive", "vader", "cue_complaint", "cue_question",
                   "cue_praise", "cue_crisis", "cue_suggestion", "asks"]  # fmt: skip


class Row:
    """One labelled text with what the stackers read beside the text heads."""

    def __init__(self, text: str, label: str, split: str, language: str) -> None:
        self.text, self.label, self.split, self.language = text, label, split, language
        self.plain = normalise(text)
        self.compound = sentiment_score(text, language)
        cues = intent_scores(self.plain)
        self.cues = {k: v for k, v in cues.items() if k != "abuse"}


def read(path: Path, language: str) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Row(r["text"], r["label"], r["split"], r.get("language") or language)
            for r in csv.DictReader(handle)
        ]


def best_threshold(scores: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    """The cut on `scores` with the best macro-F1 on these (validation) rows."""
    best = (0.5, 0.0)
    for cut in np.unique(np.round(scores, 3)):
        found = f1_score(gold, scores >= cut, average="macro")
        if found > best[1]:
            best = (float(cut), float(found))
    return best


def stacker(model: LogisticRegression, names: list[str]) -> dict:
    return {"features": names, "coef": model.coef_.tolist(),
            "intercept": model.intercept_.tolist()}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the triage-training folder")
    parser.add_argument("--out", type=Path, default=ROOT / "assistant" / "data" / "models")
    args = parser.parse_args()

    offensive = read(args.data / "offensive-en.csv", "en")
    hate = read(args.data / "hate-en.csv", "en")
    sentiment = {lang: read(args.data / f"sentiment-{lang}.csv", lang) for lang in ("en", "fr")}
    written = read(args.out / "complaints-written.csv", "en")

    arrays, languages, report = {}, {}, {}
    tasks = {
        "en": {"offensive": (offensive, "offensive"), "hate": (hate, "hate")},
        "fr": {},
    }
    for lang in ("en", "fr"):
        train = [r for group in (*tasks[lang].values(), (sentiment[lang], None))
                 for r in group[0] if r.split == "train"]  # fmt: skip
        vectoriser = TfidfVectorizer(analyzer=triage_heads.analyse, sublinear_tf=True,
                                     min_df=2, max_features=FEATURES_CAP[lang])  # fmt: skip
        vectoriser.fit([r.plain for r in train])
        heads, coefs, intercepts = [], [], []
        for name, (rows, positive) in tasks[lang].items():
            fit = [r for r in rows if r.split == "train"]
            model = LogisticRegression(C=TEXT_C, max_iter=2000, class_weight="balanced")
            model.fit(vectoriser.transform([r.plain for r in fit]),
                      [r.label == positive for r in fit])  # fmt: skip
            heads.append(name)
            coefs.append(model.coef_[0])
            intercepts.append(model.intercept_[0])
        fit = [r for r in sentiment[lang] if r.split == "train"]
        for label in triage_heads.SENTIMENTS:
            model = LogisticRegression(C=TEXT_C, max_iter=2000, class_weight="balanced")
            model.fit(vectoriser.transform([r.plain for r in fit]),
                      [r.label == label for r in fit])  # fmt: skip
            heads.append(label)
            coefs.append(model.coef_[0])
            intercepts.append(model.intercept_[0])
        vocabulary = sorted(vectoriser.vocabulary_, key=vectoriser.vocabulary_.get)
        keys = [triage_heads.feature_key(f) for f in vocabulary]
        assert len(set(keys)) == len(keys), f"two {lang} features share a key"
        arrays[f"{lang}_keys"] = np.array(keys, dtype=np.uint64)
        arrays[f"{lang}_idf"] = vectoriser.idf_.astype(np.float32)
        arrays[f"{lang}_coef"] = np.vstack(coefs).astype(np.float32)
        arrays[f"{lang}_intercept"] = np.array(intercepts, dtype=np.float32)
        languages[lang] = {"heads": heads}

    partial = triage_heads.Heads(
        {lang: _language(arrays, languages, lang) for lang in languages}, {}, {}
    )
    stackers, thresholds = {}, {}

    def table(rows: list[Row], names: list[str]) -> np.ndarray:
        return np.array([[r.features[n] for n in names] for r in rows])

    def text_features(rows: list[Row]) -> None:
        for r in rows:
            r.features = triage_heads.base_features(
                partial, r.plain, r.language, r.compound, r.cues
            )

    for lang in ("en", "fr"):
        rows = sentiment[lang]
        text_features(rows)
        val = [r for r in rows if r.split == "val"]
        model = LogisticRegression(C=1.0, max_iter=2000)
        model.fit(table(val, SENTIMENT_STACK), [r.label for r in val])
        assert list(model.classes_) == list(triage_heads.SENTIMENTS)
        stackers[f"sentiment_{lang}"] = stacker(model, SENTIMENT_STACK)
    partial = triage_heads.Heads(partial.languages, stackers, {})

    def probabilities(rows: list[Row]) -> None:
        text_features(rows)
        for r in rows:
            p = partial.stacked(f"sentiment_{r.language}", r.features)
            r.features.update(p_negative=p[0], p_neutral=p[1], p_positive=p[2])

    probabilities(offensive)
    val = [r for r in offensive if r.split == "val"]
    gold = np.array([r.label == "offensive" for r in val])
    for name, names in (("offensive_en", OFFENSIVE_STACK), ("offensive_fr", TRANSFER_STACK)):
        model = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
        model.fit(table(val, names), gold)
        thresholds[name], report[name] = best_threshold(
            model.predict_proba(table(val, names))[:, 1], gold
        )
        stackers[name] = stacker(model, names)

    # the written examples are few: the threshold is read on out-of-fold probabilities of
    # all of them (5-fold), then the stacker is fitted on all of them
    probabilities(written)
    gold = np.array([r.label == "complaint" for r in written])
    model = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
    folds = StratifiedKFold(5, shuffle=True, random_state=20261207)
    held_out = cross_val_predict(model, table(written, COMPLAINT_STACK), gold, cv=folds,
                                 method="predict_proba")[:, 1]  # fmt: skip
    thresholds["complaint"], report["complaint"] = best_threshold(held_out, gold)
    model.fit(table(written, COMPLAINT_STACK), gold)
    stackers["complaint"] = stacker(model, COMPLAINT_STACK)

    for lang in ("en", "fr"):
        rows = [r for r in sentiment[lang] if r.split == "val"]
        found = [partial.stacked(f"sentiment_{lang}", r.features) for r in rows]
        predicted = [triage_heads.SENTIMENTS[int(np.argmax(p))] for p in found]
        report[f"sentiment_{lang}"] = float(
            f1_score([r.label for r in rows], predicted, average="macro")
        )  # fitted on these rows: an optimistic figure, printed for orientation only

    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    data = buffer.getvalue()
    (args.out / "triage_heads.npz").write_bytes(data)
    card = {
        "format": triage_heads.FORMAT,
        "sha256": hashlib.sha256(data).hexdigest(),
        "shapes": {name: list(a.shape) for name, a in arrays.items()},
        "languages": languages,
        "stackers": stackers,
        "thresholds": thresholds,
        "validation_macro_f1": report,
    }
    text = json.dumps(card, ensure_ascii=False, separators=(",", ":"))
    (args.out / "triage_heads.json").write_text(text, encoding="utf-8")
    print(json.dumps({"thresholds": thresholds, "validation_macro_f1": report}, indent=1))
    print(f"weights {len(data):,} bytes, card {len(text.encode()):,} bytes")


def _language(arrays: dict, languages: dict, lang: str) -> triage_heads._Language:
    return triage_heads._Language(
        vectoriser=triage_heads.vectoriser(arrays[f"{lang}_keys"], arrays[f"{lang}_idf"]),
        coef=arrays[f"{lang}_coef"],
        intercept=arrays[f"{lang}_intercept"],
        heads=tuple(languages[lang]["heads"]),
    )


if __name__ == "__main__":
    main()
