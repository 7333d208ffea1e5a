"""A broken charter is explained in the reader's language in the Brand tab (the CLI keeps
English), with the file name and field and no server path."""

from __future__ import annotations

import pytest

from assistant.ui.brand import validate_charter_file

BROKEN = {
    "fields.yaml": ("name: X\nlanguages: [de]\n", "champ obligatoire manquant", "required field"),
    "syntax.yaml": ("name: [X\n", "erreur de syntaxe YAML", "syntax error"),
    "aliases.yaml": (
        "a: &a [x, x]\n" + "".join(f"k{i}: *a\n" for i in range(60)),
        "alias YAML",
        "YAML aliases",
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_charter_is_explained_in_french_without_english(tmp_path, name):
    text, french, english = BROKEN[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    verdict = validate_charter_file(path, "fr")
    assert french in verdict and english not in verdict, verdict
    assert name in verdict and str(tmp_path) not in verdict
    assert english in validate_charter_file(path, "en")


def test_allowed_values_are_listed_in_the_readers_words(tmp_path):
    """ "attendu : 'relaxed' or 'strict'" put an English "or" in a French sentence."""
    from .conftest import ROOT

    charter = (ROOT / "brand_guides" / "maison-lemoine.yaml").read_text(encoding="utf-8")
    path = tmp_path / "maison-lemoine.yaml"
    path.write_text(charter.replace("typography: strict", "typography: loose"), encoding="utf-8")
    assert "typography: loose" in path.read_text(encoding="utf-8")
    french = validate_charter_file(path, "fr")
    assert "« relaxed » ou « strict »" in french and " or " not in french, french
    assert "&#39;relaxed&#39; or &#39;strict&#39;" in validate_charter_file(path, "en")
