"""The language of a post: clear cases by function words (no model load, which was most of
`assistant check`'s start-up), the rest by py3langid."""

from __future__ import annotations

import pytest

from assistant import language


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


def test_a_mixed_post_goes_to_the_model():
    text = "Brunch du weekend: pancakes, eggs benedict and fresh orange juice au menu."
    assert language._clear_vote(text) is None
    assert language.detect(text, "fr") in ("fr", "en")
