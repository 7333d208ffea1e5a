"""English grammar offline through Harper (harper-py), behind the same `check()`."""

from __future__ import annotations

from assistant.core.charter import load_brand
from assistant.proofing import Checker, check_text
from assistant.proofing.harper import HarperEngine, english_dialect

from .conftest import ROOT


def _trailforge(**changes):
    return load_brand("trailforge", ROOT / "brand_guides").model_copy(update=changes)


def test_english_grammar_is_found_without_languagetool():
    report = Checker(languagetool_url="").check("We has a new store in Denver.", "en")
    assert "harper" in report.engines and "hunspell" in report.engines
    [match] = [m for m in report.matches if m.source == "harper"]
    assert (match.offset, match.length, match.severity) == (3, 3, "error")
    assert "have" in match.replacements
    assert match.to_dict()["rule"]["id"].startswith("harper.")


def test_offsets_hold_after_accents_and_emoji():
    text = "Café ☕ naïve 😍👨‍👩‍👧 hikers love there new packs"
    [match] = [
        m for m in Checker(languagetool_url="").check(text, "en").matches if m.source == "harper"
    ]
    assert text[match.offset : match.end] == "there"
    assert match.replacements[0] == "their"


def test_social_tokens_are_masked_and_not_reported():
    text = "Visit trailforge.example/sale   #HikeMore   @trailforge 🥾 ⛰️ for our new packs."
    report = Checker(languagetool_url="").check(text, "en", _trailforge())
    assert [m for m in report.matches if m.source == "harper"] == []


def test_dialect_comes_from_the_language_tag_then_the_charter():
    assert english_dialect("en", None) == "en-US"
    assert english_dialect("en", _trailforge()) == "en-US"
    assert english_dialect("en", _trailforge(dialect="en-GB")) == "en-GB"
    assert english_dialect("en-GB", _trailforge()) == "en-GB"


def test_a_british_brand_is_not_told_colour_is_misspelt():
    text = "The colour of our new jacket is stunning."
    us = check_text(text, "en", _trailforge()).matches
    gb = check_text(text, "en", _trailforge(dialect="en-GB")).matches
    assert any(text[m.offset : m.end] == "colour" and m.severity == "error" for m in us)
    assert not any(text[m.offset : m.end] == "colour" for m in gb)


def test_one_problem_reported_once_when_harper_and_the_rules_agree():
    matches = check_text("Its the best time of year for a hike.", "en").matches
    on_its = [m for m in matches if m.offset == 0]
    assert len(on_its) == 1
    assert "It's" in on_its[0].replacements


def test_harper_ignores_other_languages():
    assert HarperEngine().check("Les offres sont limités.", "fr") == []


def test_offsets_hold_across_paragraphs_and_a_re_check_after_an_edit():
    checker = Checker(languagetool_url="")
    text = "New in store 🎉\n\nCafé stop, then we has a new trail for you."
    [match] = [m for m in checker.check(text, "en").matches if m.source == "harper"]
    assert text[match.offset : match.end] == "has"
    edited = "New in store today 🎉🎉\n\nCafé stop, then we has a new trail for you."
    [again] = [m for m in checker.check(edited, "en").matches if m.source == "harper"]
    assert edited[again.offset : again.end] == "has"
