"""The confused-word rules (data/confusions.yaml): every example the file gives holds."""

from __future__ import annotations

import pytest

from assistant.proofing import check
from assistant.proofing.confusions import ConfusionsEngine, rules

CASES = [
    (rule, text, wrong)
    for rule in rules()
    for wrong, texts in ((True, rule["examples"]["wrong"]), (False, rule["examples"]["right"]))
    for text in texts
]


@pytest.mark.parametrize(
    ("rule", "text", "wrong"), CASES, ids=[f"{r['id']}:{t}" for r, t, _ in CASES]
)
def test_rule_examples(rule, text, wrong):
    found = [
        m
        for m in ConfusionsEngine().check(text, rule["lang"])
        if m.rule_id == f"confusions.{rule['id']}"
    ]
    assert bool(found) is wrong
    for match in found:
        assert match.replacements and match.replacements[0] != text[match.offset : match.end]


def test_fix_keeps_the_capital_and_reaches_the_user():
    matches = [m for m in check("Your going to love it 🎒", "en") if m.source == "confusions"]
    assert [(m.offset, m.length, m.replacements) for m in matches] == [(0, 4, ("You're",))]


def test_french_fix_is_computed_from_the_verb():
    """A rule over word classes finds a verb it was never given and offers its infinitive."""
    text = "Merci de nous photographié devant la boutique 📸"
    found = ConfusionsEngine().check(text, "fr")
    assert [(text[m.offset : m.end], m.replacements) for m in found] == [
        ("photographié", ("photographier",))
    ]


def test_rules_needing_word_classes_stay_silent_without_them(monkeypatch):
    """Without Grammalecte's lexicon the word-class rules raise nothing rather than guess."""
    monkeypatch.setattr("assistant.proofing.morphology.available", lambda: False)
    found = ConfusionsEngine().check("Quel plaisir de vous retrouvez samedi.", "fr")
    assert found == []
