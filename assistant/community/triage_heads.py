"""Learned heads of the offline triage: offensive, complaint and sentiment probabilities
from small linear models, stacked with the lexicons the rules already read (VADER and its
French adaptation, alt-profanity-check, safetext's insult lists).

Why linear heads: on public, human-labelled sets the rules alone stay below simple trained
models; a TF-IDF vectoriser per language and logistic-regression heads close most of that
gap, load in a fraction of a second, cost tens of microseconds a comment and remain
inspectable (every feature is a word or a few letters with one weight).

The weights ship in `data/models/` (see its README, the model card): a JSON file holding the
stacking weights, the thresholds and the checksum and shape of the arrays in
`triage_heads.npz` (read with numpy, no pickle): per language the text heads' weights, the
IDF and the vocabulary as 64-bit BLAKE2b keys of the features. Keys, not the features: the
vocabulary is made of words and word pairs of third-party tweets, and the package ships no
fragment of them; `contributions` still shows which words of a given comment weigh how much. `scripts/train_triage.py` rebuilds both. The feature extraction below is the
one the training uses, so both always agree.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import regex

from ..core.errors import AssistantError
from . import word_vectors
from .word_vectors import WordVectors

MODEL_DIR = Path(__file__).resolve().parent.parent / "data" / "models"
CARD_FILE = MODEL_DIR / "triage_heads.json"
WEIGHTS_FILE = MODEL_DIR / "triage_heads.npz"
LANGUAGES = ("en", "fr")
SENTIMENTS = ("negative", "neutral", "positive")

URL = regex.compile(r"https?://\S+|www\.\S+|(?<!\w)@?url(?!\w)")
MENTION = regex.compile(r"@\w+")
DIGITS = regex.compile(r"\d+")
TOKEN = regex.compile(r"[#@]?\w+|[!?]+|\p{Extended_Pictographic}")
CHAR_SIZES = (2, 3, 4, 5)
FORMAT = 2  # the card's layout: 2 = vocabulary as keys in the weights
LONGEST_TEXT = 2000  # characters read: a comment longer than this says it in its start


class ModelError(AssistantError):
    """The shipped weights cannot be read: names the file and how to get a sound copy."""


def analyse(plain: str) -> list[str]:
    """The features of a normalised comment: words and word pairs, and the 2 to 5 letter
    pieces of each word (padded with spaces, so a piece knows where a word starts or ends):
    misspelt, inflected and run-together words still share pieces with known ones."""
    plain = URL.sub(" url ", plain[:LONGEST_TEXT])
    plain = DIGITS.sub("0", MENTION.sub("@user", plain))
    tokens = TOKEN.findall(plain)
    found = [f"w:{t}" for t in tokens]
    found.extend(f"b:{a} {b}" for a, b in pairwise(tokens))
    for token in tokens:
        found.extend(_pieces(token))
    return found


def feature_key(feature: str) -> int:
    """The vocabulary key of one feature: the first 64 bits of its BLAKE2b digest (60,000
    features a language: the odds that two share a key are about one in ten million)."""
    return int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "big")


def feature_keys(plain: str) -> list[int]:
    """`analyse`'s features as vocabulary keys, each word's pieces keyed once for all the
    comments it appears in."""
    plain = URL.sub(" url ", plain[:LONGEST_TEXT])
    plain = DIGITS.sub("0", MENTION.sub("@user", plain))
    tokens = TOKEN.findall(plain)
    found = [_key(f"w:{t}") for t in tokens]
    found.extend(_key(f"b:{a} {b}") for a, b in pairwise(tokens))
    for token in tokens:
        found.extend(_piece_keys(token))
    return found


@lru_cache(maxsize=400_000)
def _key(feature: str) -> int:
    return feature_key(feature)


@lru_cache(maxsize=200_000)
def _piece_keys(token: str) -> tuple[int, ...]:
    return tuple(feature_key(piece) for piece in _pieces(token))


def _pieces(token: str) -> tuple[str, ...]:
    """A word's letter pieces, kept for the words met again (most of them): the pieces are
    most of the work of reading a comment."""
    padded = f" {token} "
    return tuple(
        f"c:{padded[i : i + size]}" for size in CHAR_SIZES for i in range(len(padded) - size + 1)
    )


@dataclass(frozen=True)
class Reading:
    """What the heads read in one comment, each a probability (0 … 1)."""

    offensive: float
    complaint: float
    sentiment: tuple[float, float, float]  # negative, neutral, positive

    @property
    def sentiment_label(self) -> str:
        return SENTIMENTS[max(range(3), key=lambda i: self.sentiment[i])]


@dataclass(frozen=True)
class Example:
    """A reviewed comment: its text as the triage reads it, its base label and the right one."""

    plain: str
    language: str
    reading: Reading | None
    base: str
    gold: str


@dataclass(frozen=True)
class _Vectoriser:
    """One language's TF-IDF: feature key → column, each column's IDF; sublinear counts, L2.

    The keys are also kept sorted (`sorted_keys`, with each one's column in `sorted_columns`)
    so a comment's features are looked up all at once with numpy rather than one by one."""

    columns: dict[int, int]
    idf: Any  # numpy array
    sorted_keys: Any = None  # uint64, ascending
    sorted_columns: Any = None  # the column of each sorted key

    def transform(self, plain: str, analysed: list[int] | Counted | None = None) -> tuple[Any, Any]:
        """Column indices and TF-IDF values (L2-normalised) of one comment's features
        (`analysed`: its feature keys, or them counted, when already listed: a French
        comment is read by both languages' heads and counted once)."""
        import numpy as np

        if not isinstance(analysed, Counted):
            analysed = count(feature_keys(plain) if analysed is None else analysed)
        keys, counts = analysed
        found = np.searchsorted(self.sorted_keys, keys)
        found[found == len(self.sorted_keys)] = 0
        known = self.sorted_keys[found] == keys
        if not known.any():
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        index = self.sorted_columns[found[known]]
        values = np.log(counts[known]) + 1.0
        values *= self.idf[index]
        return index, values / np.sqrt(values @ values)


class Counted(tuple):
    """A comment's distinct feature keys (uint64, ascending) and how often each occurs."""


def count(keys: list[int]) -> Counted:
    """The distinct keys of a comment's features and their counts, as numpy arrays."""
    import numpy as np

    distinct, counts = np.unique(np.array(keys, dtype=np.uint64), return_counts=True)
    return Counted((distinct, counts.astype(float)))


@dataclass(frozen=True)
class _Language:
    vectoriser: _Vectoriser
    coef: Any  # heads × columns: the text heads' weights
    intercept: Any  # heads
    heads: tuple[str, ...]  # names of coef's rows
    # columns × heads, float64: one comment's columns read as whole rows (a few kB a
    # comment touches instead of one scattered value per head)
    by_column: Any = field(init=False, default=None)

    def __post_init__(self) -> None:
        import numpy as np

        object.__setattr__(self, "by_column", np.ascontiguousarray(self.coef.T, dtype=np.float64))


@dataclass(frozen=True)
class Heads:
    """The loaded model: per language a vectoriser and text heads, plus the stackers."""

    languages: dict[str, _Language]
    stackers: dict[str, dict[str, Any]]  # name → {"features": [...], "coef", "intercept"}
    thresholds: dict[str, float]
    # the word vectors and the heads read on them (`vector_scores`), None without a table
    vectors: WordVectors | None = None
    vector_heads: tuple[str, ...] = ()
    vector_coef: Any = None  # heads × dimensions
    vector_intercept: Any = None  # heads
    # per language, the mean vector of its training comments, taken away before the heads:
    # the two languages sit apart in the space, and an English-trained head would read that
    # offset (not the words) as "not offensive" in every French comment
    vector_centres: dict[str, Any] = field(default_factory=dict)

    def vector_scores(self, analysed: Counted, language: str) -> dict[str, float]:
        """Each vector head's decision value (log-odds) for the comment, as `vec_<head>`:
        the same heads for both languages (the space is shared), empty without a table."""
        if self.vectors is None:
            return {}
        embedded = self.vectors.embed(analysed[0], analysed[1], language)
        embedded = embedded - self.vector_centres[language]
        decisions = self.vector_coef @ embedded + self.vector_intercept
        return {f"vec_{n}": float(d) for n, d in zip(self.vector_heads, decisions, strict=True)}

    def text_scores(
        self, plain: str, language: str, analysed: list[int] | Counted | None = None
    ) -> dict[str, float]:
        """Each text head's decision value (log-odds) for the comment, by head name."""
        model = self.languages[language]
        index, values = model.vectoriser.transform(plain, analysed)
        decisions = values @ model.by_column[index] + model.intercept
        return dict(zip(model.heads, (float(d) for d in decisions), strict=True))

    def stacked(self, name: str, features: dict[str, float]) -> list[float]:
        """A stacker's probabilities: one for a binary stacker, one per class otherwise."""
        stacker = self.stackers[name]
        row = [features[f] for f in stacker["features"]]
        logits = [
            sum(w * x for w, x in zip(weights, row, strict=True)) + b
            for weights, b in zip(stacker["coef"], stacker["intercept"], strict=True)
        ]
        if len(logits) == 1:
            return [_sigmoid(logits[0])]
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        return [e / sum(exps) for e in exps]


def contributions(
    plain: str, language: str, head: str, heads: Heads | None = None
) -> list[tuple[str, float]]:
    """Which features of a comment move one text head, and by how much (TF-IDF value times
    weight), strongest first: the model stays inspectable on any text without shipping its
    vocabulary."""
    model = (heads or shipped()).languages[language]
    row = model.heads.index(head)
    vectoriser = model.vectoriser
    named = {feature_key(f): f for f in analyse(plain)}
    index, values = vectoriser.transform(plain)
    by_column = {int(c): float(v) for c, v in zip(index, values, strict=True)}
    found = [
        (
            feature,
            by_column[vectoriser.columns[key]] * float(model.coef[row, vectoriser.columns[key]]),
        )
        for key, feature in named.items()
        if key in vectoriser.columns
    ]
    return sorted(found, key=lambda pair: -abs(pair[1]))


def _sigmoid(value: float) -> float:
    return 1 / (1 + math.exp(-max(-60.0, min(60.0, value))))


def _corrupt(path: Path, problem: str) -> ModelError:
    return ModelError.keyed("model_corrupt", path=path.name, problem=problem)


def load(card_file: Path | None = None, weights_file: Path | None = None) -> Heads:
    """The heads from their card and weights (the shipped ones by default), checked: the
    weights' SHA-256 and every array's shape must be the card's, so a truncated or swapped
    file is refused with its name."""
    import numpy as np

    card_file, weights_file = card_file or CARD_FILE, weights_file or WEIGHTS_FILE

    try:
        card = json.loads(card_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _corrupt(card_file, str(exc)) from exc
    if card.get("format") != FORMAT:
        raise _corrupt(
            card_file, f"its format is {card.get('format')!r}, this version reads {FORMAT}"
        )
    try:
        data = weights_file.read_bytes()
    except OSError as exc:
        raise _corrupt(weights_file, str(exc)) from exc
    digest = hashlib.sha256(data).hexdigest()
    if digest != card.get("sha256"):
        raise _corrupt(weights_file, f"its SHA-256 is {digest[:12]}…, the card says "
                                     f"{str(card.get('sha256'))[:12]}…")  # fmt: skip
    import io

    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        loaded = {name: arrays[name] for name in arrays.files}
    for name, shape in card["shapes"].items():
        if name not in loaded or list(loaded[name].shape) != shape:
            found = list(loaded[name].shape) if name in loaded else "missing"
            raise _corrupt(weights_file, f"array {name} is {found}, expected {shape}")
    languages = {}
    for lang, spec in card["languages"].items():
        keys = loaded[f"{lang}_keys"]
        if keys.shape[0] != loaded[f"{lang}_idf"].shape[0]:
            raise _corrupt(weights_file, f"{lang} vocabulary has {keys.shape[0]} keys, "
                                         f"the IDF {loaded[f'{lang}_idf'].shape[0]}")  # fmt: skip
        languages[lang] = _Language(
            vectoriser=vectoriser(keys, loaded[f"{lang}_idf"]),
            coef=loaded[f"{lang}_coef"],
            intercept=loaded[f"{lang}_intercept"],
            heads=tuple(spec["heads"]),
        )
    spec = card.get("vectors")
    if not spec:
        return Heads(languages, card["stackers"], card["thresholds"])
    table_file = weights_file.parent / spec["file"]
    try:
        table = word_vectors.read(table_file, spec["sha256"], spec["shapes"])
    except (OSError, ValueError) as exc:
        raise _corrupt(table_file, str(exc)) from exc
    return Heads(
        languages, card["stackers"], card["thresholds"], table, tuple(spec["heads"]),
        loaded["vec_coef"].astype(np.float32), loaded["vec_intercept"].astype(np.float32),
        {lang: loaded[f"vec_centre_{lang}"].astype(np.float32) for lang in word_vectors.LANGUAGES},
    )  # fmt: skip


def vectoriser(keys: Any, idf: Any) -> _Vectoriser:
    """A vectoriser from its vocabulary keys (uint64, one a column) and its IDF."""
    import numpy as np

    keys = np.asarray(keys, dtype=np.uint64)
    order = np.argsort(keys, kind="stable")
    return _Vectoriser({int(k): i for i, k in enumerate(keys.tolist())}, idf, keys[order], order)


@cache
def shipped() -> Heads:
    """The heads shipped with the package, loaded once."""
    return load()


@cache
def available() -> Heads | None:
    """The shipped heads, or None when their files cannot be used: the worded reason is
    logged once and the triage keeps its rules (a broken model file does not stop the inbox)."""
    try:
        return shipped()
    except ModelError as exc:
        logging.getLogger(__name__).error("%s", exc)
        return None


def lexicon_features(plain: str, language: str, compound: float) -> dict[str, float]:
    """The lexicon scores stacked with the text heads: VADER's compound (given: the triage
    computed it already), the English profanity model, the count of listed insults."""
    from . import abuse
    from .triage_rules import insult_settings

    excluded, endings = insult_settings()
    insults = abuse.insults(plain, language, excluded.get(language, frozenset()), endings)
    return {
        "vader": compound,
        "profanity": abuse.profanity(plain) if language == "en" else 0.0,
        "insults": float(min(len(insults), 2)),
    }


def base_features(
    heads: Heads, plain: str, language: str, compound: float, cues: dict[str, float]
) -> dict[str, float]:
    """What the stackers read before the sentiment stacker: the language's text heads, the
    English abuse heads on any comment (`xl_`: their letter pieces carry across languages,
    "islam", "migrant", "connard"), the lexicons and the rules' cue scores."""
    analysed = count(feature_keys(plain))
    scores = heads.text_scores(plain, language, analysed)
    found = {f"text_{k}": v for k, v in scores.items()}
    english = scores if language == "en" else heads.text_scores(plain, "en", analysed)
    found.update(xl_offensive=english["offensive"], xl_hate=english["hate"])
    found.update(heads.vector_scores(analysed, language))
    found.update(lexicon_features(plain, language, compound))
    found.update({f"cue_{k}": min(v, 6.0) for k, v in cues.items()})
    found["asks"] = 1.0 if "?" in plain else 0.0
    return found


def features(
    heads: Heads, plain: str, language: str, compound: float, cues: dict[str, float]
) -> dict[str, float]:
    """Every number a stacker may read: `base_features` and the stacked sentiment."""
    found = base_features(heads, plain, language, compound, cues)
    negative, neutral, positive = heads.stacked(f"sentiment_{language}", found)
    found.update(p_negative=negative, p_neutral=neutral, p_positive=positive)
    return found


def read(
    plain: str, language: str, compound: float, cues: dict[str, float], heads: Heads | None = None
) -> Reading | None:
    """The heads' reading of a normalised comment, or None for a language they do not know."""
    heads = heads or shipped()
    if language not in heads.languages:
        return None
    found = features(heads, plain, language, compound, cues)
    return Reading(
        offensive=heads.stacked(f"offensive_{language}", found)[0],
        complaint=heads.stacked("complaint", found)[0],
        sentiment=(found["p_negative"], found["p_neutral"], found["p_positive"]),
    )
