"""Abuse read by the outside libraries (alt-profanity-check's model, safetext's insult lists)
beside the triage's own cues: insults no cue holds are hidden as abuse, everyday words that
the lists also hold are not, and the fast scoring gives the model's own figures."""

from __future__ import annotations

import pytest
from profanity_check import predict_prob

from assistant.community.abuse import profanity
from assistant.community.triage import normalise, triage
from assistant.core.charter import load_brand

from .conftest import ROOT


@pytest.fixture(scope="module")
def charters():
    return {
        slug: load_brand(slug, ROOT / "brand_guides") for slug in ("trailforge", "maison-lemoine")
    }


@pytest.mark.parametrize(
    "brand, text",
    [
        ("trailforge", "Your CEO is a pathetic little weasel"),  # the English model
        ("trailforge", "Nobody cares about your opinion, you ugly cow"),
        ("maison-lemoine", "Vous êtes vraiment des crevards"),  # the French list, plural
        ("maison-lemoine", "Espèce de tocards, vous savez même pas faire un biscuit"),
        ("maison-lemoine", "Foutez le camp avec vos galettes de bobos, tas de branleurs"),
    ],
)
def test_an_insult_no_cue_holds_is_read_as_abuse(charters, brand, text):
    found = triage(text, charters[brand])
    assert (found.intent, found.sentiment) == ("abuse", "negative")


@pytest.mark.parametrize(
    "brand, text, intent",
    [
        ("maison-lemoine", "Je dois bosser samedi, la boutique est ouverte le dimanche ?", "question"),
        ("maison-lemoine", "Ma grand-mère est veuve, vous livrez un coffret chez elle ?", "question"),
        ("maison-lemoine", "Un reportage sur le beurre salé, seriez-vous disponibles ?", "question"),
        ("maison-lemoine", "Livraison en retard et colis abîmé", "complaint"),
        ("trailforge", "When is the winter sale starting?", "question"),
        ("trailforge", "Does the strap on the pack come off?", "question"),
    ],
)  # fmt: skip
def test_everyday_words_the_lists_hold_are_not_abuse(charters, brand, text, intent):
    assert triage(text, charters[brand]).intent == intent


def test_the_fast_scoring_gives_the_shipped_model_figures():
    texts = [
        "You're all idiots, stfu",
        "Love the new colours! Will the pack come in a 30L version too?",
        "delivery was late and the courier was rude",
        "",
        "Trop bons ces palets",
        "go to hell go to hell go to hell",
    ]
    expected = predict_prob([normalise(t) for t in texts])
    assert [round(profanity(normalise(t)), 9) for t in texts] == [round(p, 9) for p in expected]
