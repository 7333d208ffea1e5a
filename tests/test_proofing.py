"""Proofing: real Grammalecte and Hunspell, brand and network rules, LanguageTool adapter.

LanguageTool's own server cannot be downloaded here: its adapter is tested against the real
LanguageTool 4.7 response recorded in tests/data/languagetool/ (from YaLafi's tests) and
against a loopback HTTP server replaying it.
"""

from __future__ import annotations

import http.server
import json
import threading

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.core.charter import load_brand
from assistant.proofing import Checker, apply, check, check_text
from assistant.proofing.languagetool import matches_from_response

from .conftest import DATA, ROOT

ACCEPTANCE_FR = (
    "Les offres sont limités, rendez-vous sur lemoine.example/promo #SoldesDHiver @Lemoine 🎉"
)

# (text, lang, the word that must be flagged, a replacement that must be offered)
MISTAKES = [
    ("Les offres sont limités.", "fr", "limités", "limitées"),
    ("Il a manger une galette.", "fr", "manger", "mangé"),
    ("On ont goûté les palets.", "fr", "ont", "a"),
    ("Il est allé a la boutique.", "fr", "a", "à"),
    ("Ou est la boutique ?", "fr", "Ou", "Où"),
    ("Nous avons des galletes fraîches.", "fr", "galletes", "galettes"),
    ("Les biscuit sont prêts.", "fr", "biscuit", "biscuits"),
    ("Our new jaket is waterproof.", "en", "jaket", "jacket"),
    ("This trail is realy steep.", "en", "realy", "really"),
    ("Pack your bootz for the hike.", "en", "bootz", "boots"),
]
# texts that must produce no match at all
SILENT = [
    ("Rendez-vous sur lemoine.example/promo #SoldesDHiver @Lemoine 🎉 👍🏽 👨‍👩‍👧", "fr"),
    ("Écrivez à contact@lemoine.example ou appelez le 02 98 00 00 00.", "fr"),
    ("Code B12\u00a0: 49,90 € au lieu de 60 €, dès 10h30.", "fr"),
    ("Visit https://trailforge.example/sale?x=1 #HikeMore @trailforge 🥾⛰️", "en"),
    ("Our Gore-Tex ultralight shell is ready for the trailhead.", "en"),
]


@pytest.mark.parametrize(("text", "lang", "word", "fix"), MISTAKES, ids=lambda x: str(x)[:25])
def test_real_mistakes_are_found_with_a_fix(text, lang, word, fix):
    trail = load_brand("trailforge", ROOT / "brand_guides")
    found = check(text, lang, trail if lang == "en" else None)
    spans = {text[m.offset : m.end]: m for m in found}
    assert word in spans, [(text[m.offset : m.end], m.message) for m in found]
    assert fix in spans[word].replacements


@pytest.mark.parametrize(("text", "lang"), SILENT, ids=lambda x: str(x)[:25])
def test_social_tokens_and_charter_words_stay_silent(text, lang):
    trail = load_brand("trailforge", ROOT / "brand_guides")
    found = [
        m
        for m in check(text, lang, trail if lang == "en" else None)
        if m.source in ("grammalecte", "hunspell", "languagetool")
    ]
    assert found == [], [(text[m.offset : m.end], m.message) for m in found]


def test_check_cli_acceptance_french():
    result = CliRunner().invoke(
        app, ["check", "--lang", "fr", "--format", "json", "-"], input=ACCEPTANCE_FR + "\n"
    )
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    flagged = {ACCEPTANCE_FR[m["offset"] : m["offset"] + m["length"]]: m for m in report["matches"]}
    assert "limitées" in [r["value"] for r in flagged["limités"]["replacements"]]
    assert set(flagged) == {"limités"}
    assert report["engines"] == ["grammalecte", "confusions"]


def test_check_cli_english_and_clean_text():
    text = "Our new jaket is here #HikeMore @trailforge https://trailforge.example 🥾"
    result = CliRunner().invoke(app, ["check", "--lang", "en", "--format", "json", "-"], input=text)
    flagged = [
        text[m["offset"] : m["offset"] + m["length"]] for m in json.loads(result.stdout)["matches"]
    ]
    assert flagged == ["jaket"] and result.exit_code == 1
    clean = CliRunner().invoke(
        app, ["check", "--lang", "fr", "-"], input="Les offres sont limitées."
    )
    assert clean.exit_code == 0 and "error" not in clean.stdout


def test_text_format_is_line_col_severity_rule():
    result = CliRunner().invoke(
        app, ["check", "--lang", "fr", "-"], input="Bonjour.\nLes offres sont limités."
    )
    line = next(ln for ln in result.stdout.splitlines() if "limitées" in ln)
    assert line.startswith("2:17 error grammalecte.")


def test_broken_languagetool_url_falls_back_and_says_so():
    checker = Checker(languagetool_url="http://127.0.0.1:9")
    report = checker.check(ACCEPTANCE_FR, "fr")
    assert report.engines == ["grammalecte", "confusions"]
    assert any("LanguageTool unreachable" in n for n in report.notices)
    assert any(m.replacements and "limitées" in m.replacements for m in report.matches)


def test_recorded_languagetool_response_converts_to_match_shape():
    response = json.loads((DATA / "languagetool" / "check-response-en-GB-4.7.json").read_text())
    text = "This is a testx."
    (match,) = matches_from_response(text, response)
    assert text[match.offset : match.end] == "testx"
    assert match.source == "languagetool" and match.severity == "error"
    assert "test" in match.replacements


def test_utf16_offsets_are_converted_after_emoji():
    """LanguageTool counts 🎉 as two UTF-16 units; our offsets are Python indices."""
    text = "🎉 This is a testx."
    raw = {
        "matches": [
            {
                "message": "typo",
                "offset": 13,
                "length": 5,
                "replacements": [],
                "rule": {
                    "id": "X",
                    "issueType": "misspelling",
                    "category": {"id": "TYPOS", "name": "Typos"},
                },
            }
        ]
    }
    (match,) = matches_from_response(text, raw)
    assert text[match.offset : match.end] == "testx"


def test_languagetool_server_is_preferred_when_reachable():
    recorded = (DATA / "languagetool" / "check-response-en-GB-4.7.json").read_bytes()

    class Replay(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(recorded)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Replay)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        report = Checker(f"http://127.0.0.1:{server.server_port}").check("This is a testx.", "en")
    finally:
        server.shutdown()
    assert report.engines == ["languagetool"]
    assert [m.rule_id for m in report.matches] == [json.loads(recorded)["matches"][0]["rule"]["id"]]


def test_brand_and_network_rules():
    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    text = "Nos cookies pas cher ! Tu vas adorer ! maison lemoine " + "x" * 300
    found = check_text(text, "fr", charter, "x").matches
    rules = {m.rule_id for m in found}
    assert {
        "brand.substitution",
        "brand.address",
        "brand.name_case",
        "brand.legal_missing",
        "platform.too_long",
    } <= rules
    too_long = next(m for m in found if m.rule_id == "platform.too_long")
    assert "de trop" in too_long.message and too_long.severity == "error"
    sub = next(m for m in found if m.rule_id == "brand.substitution")
    assert sub.replacements in (("biscuits",), ("à petit prix",))


def test_apply_shifts_remaining_offsets():
    text = "Les offres sont limités et les biscuit sont là."
    found = check(text, "fr")
    first = next(m for m in found if text[m.offset : m.end] == "limités")
    fixed, rest = apply(text, first, "limitées", found)
    assert fixed.startswith("Les offres sont limitées et")
    for m in rest:
        assert fixed[m.offset : m.end] == text[m.offset - 1 : m.end - 1]


def test_language_follows_the_text_not_the_brand():
    """An English post for the French brand is checked in English, not flagged word by word."""
    text = "Our autumn trail sale is on this weekend, with a new jaket for everyone."
    result = CliRunner().invoke(
        app, ["check", "--brand", "maison-lemoine", "--format", "json", "-"], input=text
    )
    spelling = [
        text[m["offset"] : m["offset"] + m["length"]]
        for m in json.loads(result.stdout)["matches"]
        if m["source"] == "hunspell"
    ]
    assert spelling == ["jaket"]


def test_charter_imposed_texts_are_not_flagged():
    """The signature, calls to action and legal mentions are the brand's own words."""
    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    text = (
        f"Les palets sont là.\n\n{charter.signature}\n\n{charter.legal[0].text}\n\n"
        f"{charter.cta_for('instagram')}"
    )
    found = check_text(text, "fr", charter, "instagram").matches
    # only the real finding remains: the call to action sits after Instagram's fold
    assert [m.rule_id for m in found] == ["platform.cta_after_fold"]
    # the same URL outside the legal mention is still reported on Instagram
    with_link = text + " Voir www.mangerbouger.fr"
    rules = {m.rule_id for m in check_text(with_link, "fr", charter, "instagram").matches}
    assert rules == {"platform.cta_after_fold", "platform.link_not_clickable"}


@pytest.mark.parametrize(
    ("text", "lang", "typo"),
    [
        ("New: our collab with Patagonia drops Friday, repost to win 🔥 realy", "en", "realy"),
        (
            "Notre collab arrive en story ce soir, restez dispo ! Les galletes aussi.",
            "fr",
            "galletes",
        ),
    ],
)
def test_social_media_words_are_not_spelling_errors(text, lang, typo):
    """ "collab", "repost", "story" are the trade's words; a real typo beside them still shows."""
    errors = [text[m.offset : m.end] for m in check(text, lang) if m.severity == "error"]
    assert errors == [typo]
