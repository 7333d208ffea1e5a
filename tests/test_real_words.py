"""Acronyms, product names and proper nouns are real words: never spelling errors."""

from __future__ import annotations

from assistant.core.charter import load_brand
from assistant.proofing import Checker

from .conftest import ROOT

ENGINES = {"grammalecte", "hunspell", "harper", "languagetool", "confusions"}


def _lemoine(**vocabulary):
    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    # validated afresh: model_copy would carry the cached word lists of the shared charter
    data = charter.model_dump()
    data["vocabulary"].update(vocabulary)
    return type(charter).model_validate(data)


def _engine_matches(text, lang, charter=None):
    report = Checker(languagetool_url="").check(text, lang, charter)
    return {text[m.offset : m.end]: m for m in report.matches if m.source in ENGINES}


def test_acronyms_and_a_product_name_are_not_errors_in_a_french_post():
    charter = _lemoine(accepted=["Lemoine", "Kerbriz"])
    text = "Beurre AOP, sel IGP, grève SNCF : nos palets Kerbriz arrivent quand même, offre B2B."
    found = _engine_matches(text, "fr", charter)
    assert all(m.severity != "error" for m in found.values()), found
    assert "Kerbriz" not in found
    for acronym in ("AOP", "IGP", "SNCF"):
        if acronym in found:
            assert found[acronym].severity == "info"
            assert found[acronym].replacements == ()


def test_a_proper_noun_inside_a_sentence_is_a_hint_with_its_suggestions():
    found = _engine_matches("Le cidre de Cornouaille accompagne nos crêpes.", "fr")
    assert found["Cornouaille"].severity == "info"


def test_a_misspelt_word_opening_a_sentence_is_still_an_error():
    found = _engine_matches("Merci ! Galletes et palets sont prêts.", "fr")
    assert found["Galletes"].severity == "error"
    assert "Galettes" in found["Galletes"].replacements


def test_a_lowercase_misspelling_stays_an_error():
    found = _engine_matches("Our new jaket from Trailforge is here.", "en")
    assert found["jaket"].severity == "error"
    assert "Trailforge" not in found or found["Trailforge"].severity == "info"


def test_no_engine_proposes_to_change_an_english_acronym():
    found = _engine_matches(
        "We're proud to be a B Corp, and our NASA-grade PFC-free shell ships today.", "en"
    )
    for word, match in found.items():
        if word.isupper():
            assert match.severity == "info" and match.replacements == (), match


def test_the_all_caps_rule_flags_shouting_but_never_rewrites_an_acronym():
    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    text = "Beurre AOP et sel IGP : SOLDES sur les palets, même pendant la grève SNCF."
    found = Checker(languagetool_url="").check(text, "fr", charter).matches
    fixes = {text[m.offset : m.end]: m.replacements for m in found if m.replacements}
    assert fixes.get("SOLDES") == ("Soldes",)
    for acronym in ("AOP", "IGP", "SNCF"):
        assert acronym not in fixes


def test_a_word_typed_without_its_apostrophe_gets_it_back_as_the_first_fix():
    """'dont' offered as 'font' would turn a contraction into nonsense in one click."""
    from assistant.proofing.hunspell import HunspellEngine

    engine = HunspellEngine()
    for word, lang, fixed in [
        ("dont", "en", "don't"),
        ("isnt", "en", "isn't"),
        ("cest", "fr", "c'est"),
        ("jai", "fr", "j'ai"),
    ]:
        assert engine.suggest(word, lang)[0] == fixed, word
    assert "'" not in engine.suggest("recieve", "en")[0]  # other mistakes keep Hunspell's order
