"""The language of a post: clear cases by function words (no model load, which was most of
`assistant check`'s start-up), the rest by py3langid."""

from __future__ import annotations

import pytest

from assistant.core import language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nos palets sont prêts : passez les chercher à la boutique avec vos amis !", "fr"),
        ("Our winter sale is on: grab your boots with 20% off at the shop this week.", "en"),
    ],
)
def test_a_clear_post_is_decided_without_the_model(text, expected, monkeypatch):
    monkeypatch.setattr(language, "_identifier", lambda: pytest.fail("model loaded"))
    assert language.detect(text, "fr" if expected == "en" else "en") == expected


class _Model:
    """A language model that gives one answer and keeps the texts it was asked about."""

    def __init__(self, answer: str, probability: float):
        self.answer, self.probability, self.asked = answer, probability, []

    def classify(self, text: str) -> tuple[str, float]:
        self.asked.append(text)
        return self.answer, self.probability


def test_a_mixed_post_goes_to_the_model_and_its_confident_answer_is_used(monkeypatch):
    text = "Brunch du weekend: pancakes, eggs benedict and fresh orange juice au menu."
    assert language._clear_vote(text) is None
    for default, answer in (("fr", "en"), ("en", "fr")):
        model = _Model(answer, language.CONFIDENT + 0.01)
        monkeypatch.setattr(language, "_identifier", lambda model=model: model)
        assert language.detect(text, default) == answer
        assert model.asked == [text]


def test_an_unsure_model_leaves_the_posts_default_language(monkeypatch):
    text = "Brunch du weekend: pancakes, eggs benedict and fresh orange juice au menu."
    model = _Model("en", language.CONFIDENT - 0.01)
    monkeypatch.setattr(language, "_identifier", lambda: model)
    assert language.detect(text, "fr") == "fr"
    assert model.asked == [text]


def test_the_cached_model_answers_as_the_shipped_one(tmp_path, monkeypatch):
    """The second load reads the restricted model from the data folder's cache (0.3 s of
    decompression saved per command); it must classify exactly as the shipped model."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from assistant.core.settings import get_settings

    monkeypatch.setattr(get_settings(), "data_dir", tmp_path)
    shipped = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    shipped.set_languages(list(language.SUPPORTED))
    texts = [
        "Brunch du weekend: pancakes, eggs benedict and fresh orange juice au menu.",
        "Nos biscuit sont prêts",
        "Sale ends tonight!",
        "Rendez-vous demain",
    ]
    language._identifier.cache_clear()
    first = language._identifier()  # loads the shipped model and writes the cache
    assert list((tmp_path / "cache").glob("langid-fr-en-*.npz"))
    language._identifier.cache_clear()
    cached = language._identifier()
    language._identifier.cache_clear()
    assert cached is not first
    for text in texts:
        assert cached.classify(text) == pytest.approx(shipped.classify(text))
