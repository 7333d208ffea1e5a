"""Per-brand heads: the labels a brand's team corrected teach the triage of that brand only.

The shipped triage (rules and learned heads) stays the prior: each label's logit starts
from the base triage's answer (the base label gets most of the weight) and a small
logistic regression learns, on the brand's reviewed comments, how far to move it: per label
a bias, a weight for each of the shipped heads' probabilities and weights for the words and
letter pieces of the reviewed texts (L2-penalised, so a handful of corrections moves the
comments they resemble and little else). A reviewed comment is one whose label a person
corrected, or one closed (answered, hidden, no reply) with the label left as it was.

Stored per brand and label in the `brand_heads` table; rebuilt after each correction and by
`assistant inbox learn --brand SLUG`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from ..core.store import Store
from . import triage_heads
from .charter_section import INTENTS
from .inbox_tables import BrandHead
from .triage import SENTIMENTS
from .triage_heads import Example  # a reviewed comment, as the heads read it

FIELDS = {"intent": INTENTS, "sentiment": SENTIMENTS}
BASE_SHARE = 0.5  # the prior's belief in the base label; the rest is spread over the others
# L2 penalties: light on the words of the reviewed texts (a correction moves the comments
# that resemble it), heavy on the per-label bias and the shipped heads' weights (a correction
# does not move every other comment of the brand)
TEXT_PENALTY = 0.1
SHARED_PENALTY = 0.5
HEAD_FEATURES = ("offensive", "complaint", "negative", "neutral", "positive")


@dataclass(frozen=True)
class Adjustment:
    """A fitted per-brand head: labels, per-label bias and weights by feature name."""

    field: str
    labels: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    rows: int

    def to_dict(self) -> dict[str, Any]:
        return {"labels": list(self.labels), "bias": list(self.bias),
                "weights": {k: list(v) for k, v in self.weights.items()}}  # fmt: skip

    @classmethod
    def from_dict(cls, field: str, data: dict[str, Any], rows: int) -> Adjustment:
        return cls(field, tuple(data["labels"]), tuple(data["bias"]),
                   {k: tuple(v) for k, v in data["weights"].items()}, rows)  # fmt: skip

    def predict(self, example: Example) -> str:
        """The label with the highest adjusted logit for one comment."""
        logits = list(_prior(example.base, self.labels))
        for name, value in _features(example).items():
            weights = self.weights.get(name)
            if weights is not None:
                for i, w in enumerate(weights):
                    logits[i] += w * value
        for i, b in enumerate(self.bias):
            logits[i] += b
        return self.labels[max(range(len(logits)), key=logits.__getitem__)]


def _prior(base: str, labels: tuple[str, ...]) -> tuple[float, ...]:
    """Log-probabilities of the labels with the base label holding `BASE_SHARE`."""
    rest = (1 - BASE_SHARE) / (len(labels) - 1)
    return tuple(math.log(BASE_SHARE if label == base else rest) for label in labels)


def _features(example: Example) -> dict[str, float]:
    """The comment's TF-IDF features (language-qualified) and the shipped heads' readings."""
    found: dict[str, float] = {}
    heads = triage_heads.available()
    if heads is not None and example.language in heads.languages:
        vectoriser = heads.languages[example.language].vectoriser
        index, values = vectoriser.transform(example.plain)
        found.update(
            (f"{example.language}:{i}", float(v)) for i, v in zip(index, values, strict=True)
        )
    found[f"b:{example.base}"] = 1.0  # the base label, whose trust the brand's rows set
    if example.reading is not None:
        r = example.reading
        found["h:complaint_logit"] = math.log(max(r.complaint, 1e-4) / max(1 - r.complaint, 1e-4))
        found["h:offensive_logit"] = math.log(max(r.offensive, 1e-4) / max(1 - r.offensive, 1e-4))
        found.update({"h:offensive": r.offensive, "h:complaint": r.complaint,
                      "h:negative": r.sentiment[0], "h:neutral": r.sentiment[1],
                      "h:positive": r.sentiment[2]})  # fmt: skip
    return found


def fit(field: str, examples: list[Example]) -> Adjustment:
    """The per-brand head fitted on reviewed comments (L-BFGS on the penalised log-loss,
    the prior as a fixed offset): with no example it changes nothing."""
    import numpy as np
    from scipy.optimize import minimize
    from scipy.sparse import csr_matrix

    labels = FIELDS[field]
    rows = [_features(e) for e in examples]
    names = sorted({name for row in rows for name in row})
    column = {name: i for i, name in enumerate(names)}
    data, indices, pointers = [], [], [0]
    for row in rows:
        for name, value in row.items():
            indices.append(column[name])
            data.append(value)
        pointers.append(len(indices))
    x = csr_matrix((data, indices, pointers), shape=(len(rows), len(names)))
    offset = np.array([_prior(e.base, labels) for e in examples])
    gold = np.zeros((len(examples), len(labels)))
    for i, e in enumerate(examples):
        gold[i, labels.index(e.gold)] = 1.0
    size = (len(names) + 1) * len(labels)
    shared = np.array([name[:2] in ("h:", "b:") for name in names], dtype=bool)
    penalty = np.concatenate([
        np.repeat(np.where(shared, SHARED_PENALTY, TEXT_PENALTY), len(labels)),
        np.full(len(labels), SHARED_PENALTY),
    ])  # fmt: skip

    def loss(flat: Any) -> tuple[float, Any]:
        weights = flat[: len(names) * len(labels)].reshape(len(names), len(labels))
        bias = flat[len(names) * len(labels) :]
        logits = offset + x @ weights + bias
        logits -= logits.max(axis=1, keepdims=True)
        log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        error = np.exp(log_p) - gold
        value = -(gold * log_p).sum() + (penalty * flat) @ flat / 2
        gradient = np.concatenate([(x.T @ error).ravel(), error.sum(axis=0)]) + penalty * flat
        return float(value), gradient

    if not examples:
        return Adjustment(field, labels, (0.0,) * len(labels), {}, 0)
    found = minimize(loss, np.zeros(size), jac=True, method="L-BFGS-B", options={"maxiter": 300})
    weights = found.x[: len(names) * len(labels)].reshape(len(names), len(labels))
    kept = {n: tuple(float(w) for w in weights[i]) for i, n in enumerate(names)
            if np.abs(weights[i]).max() > 1e-6}  # fmt: skip
    bias = tuple(float(b) for b in found.x[len(names) * len(labels) :])
    return Adjustment(field, labels, bias, kept, len(examples))


def example_of(text: str, gold: str, field: str, base_labels: Any, charter: Any) -> Example:
    """A reviewed comment read the way the triage reads it (without any brand head)."""
    from .triage import heads_reading, intent_scores, normalise, sentiment_score

    plain = normalise(text)
    language = base_labels.language
    reading = heads_reading(
        plain, language, sentiment_score(text, language), intent_scores(plain, language)
    )
    return Example(plain, language, reading, getattr(base_labels, field), gold)


def reviewed(store: Store, brand: str, field: str, limit: int) -> list[tuple[str, str, str]]:
    """(text, language, right label) of the brand's reviewed comments, newest first."""
    from .inbox_tables import CLOSED, InboxItem

    with store.session() as session:
        items = session.scalars(
            select(InboxItem).where(InboxItem.brand == brand).order_by(InboxItem.id.desc())
        )
        found = [(i.text, i.language, getattr(i, field)) for i in items
                 if field in (i.corrected or []) or i.status in CLOSED]  # fmt: skip
    return found[:limit]


def learn(store: Store, charter: Any, field: str) -> Adjustment:
    """Refit and store the brand's head for one label from its newest reviewed comments
    (`brand_head_rows` of limits.yaml: a bound on the work each correction triggers)."""
    from ..core.limits import limits
    from .triage import triage

    examples = []
    for text, language, gold in reviewed(store, charter.slug, field, limits().brand_head_rows):
        if gold in FIELDS[field]:
            base = triage(text, charter, language=language)
            examples.append(example_of(text, gold, field, base, charter))
    adjustment = fit(field, examples)
    with store.session() as session:
        row = session.scalars(
            select(BrandHead).where(BrandHead.brand == charter.slug, BrandHead.field == field)
        ).first() or BrandHead(brand=charter.slug, field=field)
        row.rows, row.weights = adjustment.rows, adjustment.to_dict()
        row.trained_at = datetime.now(UTC)
        session.add(row)
        session.commit()
    return adjustment


def load(store: Store, brand: str) -> dict[str, Adjustment]:
    """The brand's stored heads by label (none until a label was reviewed)."""
    with store.session() as session:
        rows = session.scalars(select(BrandHead).where(BrandHead.brand == brand)).all()
        return {r.field: Adjustment.from_dict(r.field, r.weights, r.rows) for r in rows if r.rows}
