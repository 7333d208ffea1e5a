"""Fact lock: a variant that changes, invents or drops a date, price, code or link is reported;
a variant that only rewords its facts is not."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.publishing.fact_comparison import compare, fact_matches
from assistant.publishing.facts import facts

from .conftest import ROOT

BRIEF_FR = (
    "Le mercredi 3 décembre, de 10 h à 18 h, la boutique de Pont-Aven fête l'hiver : 15 % de "
    "réduction avec le code SARRASIN15. Infos sur https://lemoine.example/hiver ou au "
    "02 98 06 00 00."
)
BRIEF_EN = (
    "The Ridge jacket is $129 until December 10. Details at trailforge.example/ridge, "
    "questions to help@trailforge.example or @trailforge."
)


def statuses(brief: str, text: str, lang: str) -> dict[tuple[str, str | None], str]:
    return {(f.kind, f.found): f.status for f in compare(brief, text, lang) if f.found}


@pytest.mark.parametrize(
    ("brief", "variant", "lang"),
    [
        ("le 3 décembre", "le 3 déc.", "fr"),
        ("le 3 décembre", "le 03/12", "fr"),
        ("jusqu'au 1er décembre", "jusqu'au 1/12", "fr"),
        ("until December 3", "until Dec 3rd", "en"),
        ("until December 3", "until 12/3", "en"),
        ("samedi 6 décembre", "samedi 6", "fr"),
        ("de 10 h à 18 h", "10h-18h", "fr"),
        ("de 9 h 30 à 19 h", "de 9:30 à 19:00", "fr"),
        ("from 10am to 4pm", "10–4pm", "en"),
        ("open at noon", "open at 12:00", "en"),
        ("129 $", "$129", "en"),
        ("30 €", "30,00 €", "fr"),
        ("30 €", "EUR 30", "fr"),
        ("30 euros", "trente euros", "fr"),
        ("1 299,50 €", "1299,50 €", "fr"),
        ("15 %", "-15%", "fr"),
        ("15 %", "quinze pour cent", "fr"),
        ("20 percent", "20%", "en"),
        ("code SARRASIN15", "avec sarrasin15", "fr"),
        ("https://www.lemoine.example/hiver/", "lemoine.example/hiver", "fr"),
        ("@MaisonLemoine", "@maisonlemoine", "fr"),
        ("Help@Trailforge.example", "help@trailforge.example", "en"),
        ("02 98 06 00 00", "+33 2 98 06 00 00", "fr"),
        ("(415) 555-0134", "415.555.0134", "en"),
        ("70 ans", "70 ans", "fr"),
        ("1.2 kg", "1.2 kilograms", "en"),
        # an ordinal in digits and in words is one fact
        ("la 1re édition du salon", "la première édition du salon", "fr"),
        ("la première édition du salon", "la 1re édition du salon", "fr"),
        ("notre 1ère boutique", "notre première boutique", "fr"),
        ("le 2e étage", "le deuxième étage", "fr"),
        ("la 2nde édition", "la seconde édition", "fr"),
        ("le 10e anniversaire", "le dixième anniversaire", "fr"),
        ("our 3rd store", "our third store", "en"),
        ("the 2nd edition", "the second edition", "en"),
        ("the tenth race", "the 10th race", "en"),
    ],
)
def test_reformatting_a_fact_is_never_a_change(brief, variant, lang):
    found = compare(brief, variant, lang)
    assert found, f"no fact read in {brief!r}"
    assert {f.status for f in found} == {"kept"}, found
    assert not fact_matches(brief, variant, lang)


@pytest.mark.parametrize(
    ("brief", "variant", "lang", "value", "changed_to"),
    [
        ("le 2e étage", "le 3e étage", "fr", "2e", "3e"),
        ("la 1re édition", "la deuxième édition", "fr", "1re", "deuxième"),
        ("our 3rd store", "our fourth store", "en", "3rd", "fourth"),
    ],
)
def test_another_ordinal_is_a_changed_fact(brief, variant, lang, value, changed_to):
    found = [(f.value, f.found, f.status) for f in compare(brief, variant, lang)]
    assert found == [(value, changed_to, "changed")]


def test_an_ordinal_word_alone_is_no_fact():
    """ "la première fois" or "wait a second" state nothing the brief must keep."""
    found = compare("Venez à 10 h.", "Pour la première fois, venez à 10 h.", "fr")
    assert [(f.kind, f.found, f.status) for f in found] == [("time", "10 h", "kept")]
    assert not fact_matches("Wait a second, the first drop is here.", "The drop is here.", "en")


def test_the_costly_french_mistakes_are_each_reported():
    variant = (
        "Le jeudi 4 décembre, de 9 h à 18 h : 25 % de réduction avec le code SARRASIN25, "
        "livraison offerte dès 30 €. Infos sur https://lemoine.example/hiver"
    )
    found = compare(BRIEF_FR, variant, "fr")
    wrong = {(f.kind, f.value, f.found, f.status) for f in found if f.status != "kept"}
    assert ("date", "mercredi 3 décembre", "jeudi 4 décembre", "changed") in wrong
    assert ("time", "10 h", "9 h", "changed") in wrong
    assert ("percent", "15 %", "25 %", "changed") in wrong
    assert ("code", "SARRASIN15", "SARRASIN25", "changed") in wrong
    assert ("price", None, "30 €", "invented") in wrong
    assert ("phone", "02 98 06 00 00", None, "missing") in wrong
    assert statuses(BRIEF_FR, variant, "fr")[("url", "https://lemoine.example/hiver")] == "kept"


def test_the_costly_english_mistakes_are_each_reported():
    variant = "The Ridge jacket is $119 until December 17. Details at trailforge.example/jackets"
    found = {(f.kind, f.status): f for f in compare(BRIEF_EN, variant, "en")}
    assert found[("price", "changed")].value == "$129"
    assert found[("date", "changed")].found == "December 17"
    assert found[("url", "changed")].value == "trailforge.example/ridge"
    assert found[("email", "missing")].value == "help@trailforge.example"


def test_fact_matches_point_at_the_variant_and_offer_the_brief_value():
    variant = "Le mercredi 3 décembre, 15 % avec le code SARRASIN25 sur lemoine.example/hiver"
    matches = fact_matches(BRIEF_FR, variant, "fr", must_keep=("phone",))
    by_rule = {}
    for m in matches:
        by_rule.setdefault(m.rule_id, []).append(m)
        assert m.source == "brief"
    changed = by_rule["FACT_CHANGED"][0]
    assert variant[changed.offset : changed.end] == "SARRASIN25"
    assert changed.severity == "error" and changed.replacements == ("SARRASIN15",)
    assert "SARRASIN15" in changed.message and changed.message.startswith("Fait modifié")
    missing = {m.extra["kind"]: m for m in by_rule["FACT_MISSING"]}
    assert missing["phone"].severity == "error"  # the charter wants it on every post
    assert missing["time"].severity == "warning"
    english = fact_matches(BRIEF_FR, variant, "en")
    assert any(m.message.startswith("Fact changed (promo code)") for m in english)
    assert all(m.to_dict()["rule"]["id"].startswith("FACT_") for m in matches)


def test_charter_texts_added_by_the_guardrails_are_not_invented_facts():
    legal = "Pour votre santé, évitez de manger trop gras. www.mangerbouger.fr"
    variant = f"Le 3 décembre, -15 % avec SARRASIN15.\n\n{legal}"
    assert statuses(BRIEF_FR, variant, "fr")[("url", "www.mangerbouger.fr")] == "changed"
    found = compare(BRIEF_FR, variant, "fr", allowed=[legal])
    assert not [f for f in found if f.status in ("changed", "invented")]


def test_days_inside_a_range_of_the_brief_are_kept_and_a_moved_end_is_not():
    brief = "Salon du 14 au 16 mars 2027."
    assert {f.status for f in compare(brief, "Les 14, 15 et 16 mars", "fr")} == {"kept"}
    moved = compare(brief, "Du 15 au 16 mars 2027", "fr")
    assert [(f.value, f.found) for f in moved if f.status == "changed"] == [("14", "15")]


def test_draft_json_lists_the_facts_of_every_variant():
    brief = (
        "Le samedi 6 décembre, de 10 h à 18 h, profitez de 15 % de réduction avec le code "
        "SARRASIN15 sur https://lemoine.example/atelier."
    )
    result = CliRunner().invoke(
        app,
        ["draft", "--brand", "maison-lemoine", "-p", "x,linkedin", "--format", "json", brief],
    )
    assert result.exit_code == 0, result.output
    for variant in json.loads(result.stdout):
        kinds = {f["kind"] for f in variant["facts"] if f["status"] == "kept"}
        assert {"date", "time", "percent", "code", "url"} <= kinds, variant["facts"]
        assert set(variant["facts"][0]) == {"kind", "value", "found", "status"}
        assert not [v for v in variant["violations"] if v.startswith("fact ")]


def test_check_with_a_brief_fails_on_a_changed_fact(tmp_path):
    brief = tmp_path / "brief.txt"
    brief.write_text(BRIEF_FR, encoding="utf-8")
    post = "Le mercredi 3 décembre, -20 % avec SARRASIN15 sur lemoine.example/hiver."
    post_file = tmp_path / "post.txt"
    post_file.write_text(post, encoding="utf-8")
    run = CliRunner().invoke(
        app, ["check", "--lang", "fr", "--brief", str(brief), "--format", "json", str(post_file)]
    )
    assert run.exit_code == 1, run.output
    matches = json.loads(run.stdout)["matches"]
    changed = [m for m in matches if m["rule"]["id"] == "FACT_CHANGED"]
    assert [(m["source"], m["replacements"]) for m in changed] == [("brief", [{"value": "15 %"}])]
    assert post[changed[0]["offset"] :].startswith("20 %")
    text = CliRunner().invoke(app, ["check", "--lang", "fr", "--brief", str(brief), str(post_file)])
    assert "FACT_CHANGED" in text.stdout and "FACT_MISSING" in text.stdout


def test_check_with_a_missing_brief_file_names_it(tmp_path):
    command = [sys.executable, "-c", "from assistant.cli import main; main()", "check"]
    command += ["--brief", str(tmp_path / "nope.txt"), "Bonjour"]
    run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 2
    assert "nope.txt" in run.stderr and "Traceback" not in run.stderr


def test_hostile_text_is_read_without_error_within_its_bound():
    numbers = " ".join(f"lot {i * 37 % 9973} à {i % 31} h, {i % 97} € le 31/02" for i in range(125))
    brief = (numbers + " ") * 3
    assert len(brief.encode()) >= 10_000 and sum(c.isdigit() for c in brief) > 500
    posts = [brief, "🎉" * 3000, "1234567890" * 1000, "31/02 29/02/2027 00/13 32 décembre", ""]
    for post in posts:
        for run in (compare, fact_matches):  # its speed: benchmarks/bounds.py
            found = run(brief, post, "fr")
        assert all(m.rule_id.startswith("FACT_") for m in found)
    assert [f.key[1:4] for f in facts("le 31/02", "fr")] == [(None, 2, 31)]


def test_a_post_comparison_reads_the_brief_once():
    """The brief's facts are read once for all its variants (the cost of one comparison, in
    milliseconds, is benchmarks/facts.py's figure)."""
    from assistant.publishing import facts as module

    variant = BRIEF_FR.replace("15 %", "-15%").replace("de 10 h à 18 h", "10h-18h")
    module._facts.cache_clear()
    for i in range(50):
        compare(BRIEF_FR, f"{variant} {i}", "fr")
    assert module._facts.cache_info().hits >= 49  # the brief, each time after the first
