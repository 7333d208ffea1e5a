"""The learned triage heads: the shipped weights load and read sentences written here in the
expected direction, in English and French; a corrupt or swapped weights file is refused with
a worded error and the triage goes on with its rules; a brand's corrections change its next
triage, and only its own."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.community import triage_heads
from assistant.community.corrections import correct
from assistant.community.inbox import import_text, list_items
from assistant.community.triage import intent_scores, normalise, sentiment_score, triage
from assistant.core.charter import load_brand
from assistant.core.store import open_store

from .command_line import run as cli
from .conftest import ROOT


def _read(text: str, language: str) -> triage_heads.Reading:
    plain = normalise(text)
    found = triage_heads.read(plain, language, sentiment_score(text, language),
                              intent_scores(plain))  # fmt: skip
    assert found is not None
    return found


@pytest.mark.parametrize(
    "language, insult, complaint, happy, question",
    [
        ("en", "Shut up you pathetic moron, nobody wants your trash here",
         "I ordered three weeks ago, still no parcel and your support never answers",
         "Absolutely love it, best purchase of the year, thank you!",
         "What time does the shop open on Saturday?"),
        ("fr", "Bande de connards, fermez-la, vous êtes des ordures",
         "Commande payée il y a trois semaines, toujours rien reçu et aucune réponse du SAV",
         "Trop contente, c'est génial, merci beaucoup !",
         "Vous ouvrez à quelle heure samedi ?"),
    ],
)  # fmt: skip
def test_the_shipped_heads_read_written_sentences_the_expected_way(
    language, insult, complaint, happy, question
):
    cuts = triage_heads.shipped().thresholds
    assert _read(insult, language).offensive >= cuts[f"offensive_{language}"]
    assert _read(happy, language).offensive < cuts[f"offensive_{language}"]
    assert _read(complaint, language).complaint >= cuts["complaint"]
    assert _read(happy, language).complaint < cuts["complaint"]
    assert _read(question, language).complaint < cuts["complaint"]
    assert _read(happy, language).sentiment_label == "positive"
    assert _read(insult, language).sentiment_label == "negative"


def test_the_triage_labels_follow_the_heads():
    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    assert triage("Vous êtes des ordures, bande de minables", charter).intent == "abuse"
    assert triage("Colis jamais reçu et aucune réponse", charter).intent == "complaint"
    assert triage("Merci pour ce super moment", charter).sentiment == "positive"


def _copy_model(tmp_path):
    card = tmp_path / "triage_heads.json"
    weights = tmp_path / "triage_heads.npz"
    shutil.copy(triage_heads.CARD_FILE, card)
    shutil.copy(triage_heads.WEIGHTS_FILE, weights)
    return card, weights


def test_a_corrupt_weights_file_is_refused_with_its_name(tmp_path):
    card, weights = _copy_model(tmp_path)
    assert triage_heads.load(card, weights).thresholds  # the copy itself is sound
    weights.write_bytes(weights.read_bytes()[:-100])
    with pytest.raises(triage_heads.ModelError, match=r"triage_heads\.npz.*SHA-256"):
        triage_heads.load(card, weights)


def test_weights_of_the_wrong_shape_are_refused_with_the_array_named(tmp_path):
    card, weights = _copy_model(tmp_path)
    described = json.loads(card.read_text(encoding="utf-8"))
    described["shapes"]["en_coef"][0] += 1
    card.write_text(json.dumps(described), encoding="utf-8")
    with pytest.raises(triage_heads.ModelError, match=r"en_coef.*expected"):
        triage_heads.load(card, weights)


def test_without_usable_weights_the_triage_keeps_its_rules(tmp_path, monkeypatch, caplog):
    card, weights = _copy_model(tmp_path)
    weights.write_bytes(b"not a weights file")
    monkeypatch.setattr(triage_heads, "CARD_FILE", card)
    monkeypatch.setattr(triage_heads, "WEIGHTS_FILE", weights)
    triage_heads.shipped.cache_clear()
    triage_heads.available.cache_clear()
    try:
        charter = load_brand("maison-lemoine", ROOT / "brand_guides")
        labels = triage("Bande de connards", charter)
        assert labels.intent == "abuse"  # the rules' insult cue still reads it
        assert "triage_heads.npz cannot be used" in caplog.text
    finally:
        triage_heads.shipped.cache_clear()
        triage_heads.available.cache_clear()


TEXT = "The trail map in the app still shows the old route to the summit"


def test_a_correction_changes_the_next_triage_of_that_brand_only():
    store = open_store()
    trailforge = load_brand("trailforge", ROOT / "brand_guides")
    lemoine = load_brand("maison-lemoine", ROOT / "brand_guides")
    import_text(store, trailforge, TEXT, "facebook", external_id="a-1")
    import_text(store, lemoine, TEXT, "facebook", external_id="b-1")
    first = next(i for i in list_items(store, "trailforge") if i.external_id == "a-1")
    wanted = "suggestion" if first.intent != "suggestion" else "complaint"
    correct(store, first.id, "intent", wanted, "anne")

    import_text(store, trailforge, TEXT, "facebook", external_id="a-2")
    import_text(store, lemoine, TEXT, "facebook", external_id="b-2")
    again = next(i for i in list_items(store, "trailforge") if i.external_id == "a-2")
    other = next(i for i in list_items(store, "maison-lemoine") if i.external_id == "b-2")
    assert again.intent == wanted
    assert other.intent == first.intent  # the other brand learned nothing


def test_inbox_learn_reports_what_each_label_learned_from():
    store = open_store()
    trailforge = load_brand("trailforge", ROOT / "brand_guides")
    import_text(store, trailforge, TEXT, "facebook", external_id="a-1")
    item = list_items(store, "trailforge")[0]
    correct(store, item.id, "sentiment", "positive" if item.sentiment != "positive" else "neutral",
            "anne")  # fmt: skip
    result = CliRunner().invoke(app, ["inbox", "learn", "--brand", "trailforge",
                                      "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"brand": "trailforge",
                                         "reviewed": {"intent": 0, "sentiment": 1}}  # fmt: skip
    code, _out, err = cli(["inbox", "learn", "--brand", "trailforge", "--label", "mood"])
    assert code == 2 and "expected intent, sentiment or all" in err


def test_the_features_are_keyed_as_the_training_keyed_its_vocabulary():
    plain = normalise("Worst service ever!!! @shop refund me now https://x.co/1 2024 😡")
    assert triage_heads.feature_keys(plain) == [
        triage_heads.feature_key(f) for f in triage_heads.analyse(plain)
    ]


def test_the_shipped_card_holds_keys_not_the_training_tweets_words():
    card = (triage_heads.MODEL_DIR / "triage_heads.json").read_text(encoding="utf-8")
    assert json.loads(card)["format"] == triage_heads.FORMAT
    assert "vocabulary" not in card and "w:" not in card and "b:" not in card
    assert triage_heads.shipped().languages["en"].vectoriser.columns  # keys were loaded


def test_the_words_that_move_a_head_are_named_for_any_comment():
    plain = normalise("Shut up you pathetic moron")
    found = triage_heads.contributions(plain, "en", "offensive")
    assert found, "no feature of the comment is in the vocabulary"
    top_features = [feature for feature, _ in found[:8]]
    assert any("moron" in f or "pathetic" in f for f in top_features), top_features
    assert sum(weight for _, weight in found) > 0  # the insults push towards offensive


@pytest.mark.parametrize(
    "language, text",
    [("en", "Worst service ever!!! still no refund, three weeks later 😡"),
     ("fr", "Colis jamais reçu, toujours aucune réponse du SAV, c'est honteux"),
     ("fr", "mot_inconnu_xyz")],
)  # fmt: skip
def test_the_vectoriser_weighs_exactly_the_features_its_vocabulary_knows(language, text):
    import numpy as np

    vectoriser = triage_heads.shipped().languages[language].vectoriser
    plain = normalise(text)
    counts: dict[int, int] = {}
    for key in triage_heads.feature_keys(plain):
        counts[key] = counts.get(key, 0) + 1
    known = {vectoriser.columns[k]: c for k, c in counts.items() if k in vectoriser.columns}
    index, values = vectoriser.transform(plain)
    assert sorted(index.tolist()) == sorted(known)
    expected = {i: (np.log(c) + 1.0) * float(vectoriser.idf[i]) for i, c in known.items()}
    norm = np.sqrt(sum(v * v for v in expected.values())) or 1.0
    found = dict(zip(index.tolist(), values.tolist(), strict=True))
    assert all(abs(found[i] - v / norm) < 1e-9 for i, v in expected.items())


def test_a_corrupt_word_vector_table_is_refused_in_words():
    import io

    import numpy as np

    from assistant.community import word_vectors

    table = word_vectors.WordVectors(
        {lang: np.array([3, 7], dtype=np.uint64) for lang in word_vectors.LANGUAGES},
        {lang: np.array([0, 1], dtype=np.int32) for lang in word_vectors.LANGUAGES},
        np.eye(2, 4, dtype=np.float32),
    )
    stored = io.BytesIO()
    np.savez_compressed(stored, **word_vectors.arrays(table))
    data = stored.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    shapes = {n: list(a.shape) for n, a in word_vectors.arrays(table).items()}
    sound = word_vectors.from_bytes(data, digest, shapes)
    found = sound.embed(np.array([1, 7, 9], dtype=np.uint64), np.array([1.0, 2.0, 1.0]), "fr")
    assert found.tolist() == [0.0, 1.0, 0.0, 0.0]  # only the known word, normalised
    broken = bytearray(data)
    broken[len(broken) // 2] ^= 0xFF
    with pytest.raises(ValueError, match="SHA-256"):
        word_vectors.from_bytes(bytes(broken), digest, shapes)
    with pytest.raises(ValueError, match=r"array vectors is \[2, 4\], expected \[2, 8\]"):
        word_vectors.from_bytes(data, digest, {**shapes, "vectors": [2, 8]})
