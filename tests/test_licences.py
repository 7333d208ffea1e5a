"""The core install is MIT-compatible: what `pip install .` pulls in is listed with its
licence in THIRD_PARTY_LICENSES.md, and no copyleft package comes in unnoticed."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _licences():
    spec = importlib.util.spec_from_file_location("licences", ROOT / "scripts" / "licences.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_core_pulls_no_copyleft_package_and_the_list_is_current():
    licences = _licences()
    table = licences.rows()
    names = {name for name, _, _ in table}
    assert {"pydantic", "gradio", "sqlalchemy"} <= names  # the walk reached the core's deps
    assert not names & {"fuzzywuzzy", "unidecode", "pysrt", "language-tool-python"}
    assert licences.problems(table) == []


def test_copyleft_is_told_from_a_choice_and_from_the_lgpl():
    copyleft = _licences().is_copyleft
    assert copyleft("GPL-3.0-only")
    assert copyleft("GNU General Public License v2 or later (GPLv2+)")
    assert copyleft("AGPL-3.0-or-later")
    assert not copyleft("LGPL-3.0-only")
    assert not copyleft("MIT + MPL 1.1/GPL 2.0/LGPL 2.1")  # Hunspell's: MPL may be chosen
    assert not copyleft("MIT")


def test_a_package_missing_from_the_list_is_named(tmp_path):
    licences = _licences()
    listing = tmp_path / "THIRD_PARTY_LICENSES.md"
    listing.write_text(licences.render([("pydantic", "2", "MIT")]), encoding="utf-8")
    found = licences.problems([("pydantic", "2", "MIT"), ("newdep", "1", "GPL-2.0")], listing)
    assert found == [
        "newdep 1 is copyleft: GPL-2.0",
        "newdep is installed by the core but not listed in THIRD_PARTY_LICENSES.md",
    ]


def test_vendored_french_sentiment_reads_french_without_its_gpl_helpers():
    from assistant.community.triage import sentiment_score

    assert sentiment_score("Je suis très déçue, c'est nul", "fr") < -0.3
    assert sentiment_score("Génial, merci, c'est parfait !", "fr") > 0.3
    assert sentiment_score("Ce n'est pas génial", "fr") < sentiment_score("C'est génial", "fr")
