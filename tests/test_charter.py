"""Brand charters: the examples load; broken ones name the file, the field and the fix."""

from __future__ import annotations

import shutil

import pytest
import yaml
from typer.testing import CliRunner

from assistant.cli import app
from assistant.core.charter import load_brand

from .conftest import ROOT, use_env

BRANDS = ROOT / "brand_guides"


@pytest.mark.parametrize("slug", ["maison-lemoine", "trailforge"])
def test_examples_are_valid(slug):
    result = CliRunner().invoke(app, ["brands", "--validate", str(BRANDS / f"{slug}.yaml")])
    assert result.exit_code == 0, result.output
    charter = load_brand(slug, BRANDS)
    assert charter.font_path.is_file() and charter.logo_path.is_file()
    assert "License" in charter.visual.font_license


def _broken(tmp_path, change):
    folder = tmp_path / "brand_guides"
    shutil.copytree(BRANDS, folder)
    path = folder / "maison-lemoine.yaml"
    data = yaml.safe_load(path.read_text())
    text = change(data)
    path.write_text(text if isinstance(text, str) else yaml.safe_dump(data, allow_unicode=True))
    return path


def _colour(d):
    d["visual"]["colors"]["primary"] = "brick red"


def _unknown(d):
    d["voice"]["tonality"] = ["warm"]


def _logo(d):
    d["visual"]["logo"] = "../../etc/passwd"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (_colour, "visual.colors.primary", "'#1A2B3C'"),
        (_unknown, "voice.tonality", "unknown field"),
        (_logo, "visual.logo", "leaves"),
        (lambda d: "name: [unclosed\nvoice: {", "line", "YAML syntax error"),
        (lambda d: d["voice"].update(address="tutoiement"), "voice.address", "tu"),
    ],
    ids=["colour", "unknown-field", "logo-escape", "yaml-syntax", "address"],
)
def test_broken_charter_names_file_and_field(tmp_path, change, field, words):
    path = _broken(tmp_path, change)
    result = CliRunner().invoke(app, ["brands", "--validate", str(path)])
    assert result.exit_code == 1
    message = result.stderr
    assert str(path) in message and field in message and words in message
    assert "Traceback" not in message and message.count("\n") <= 2


def test_broken_charter_does_not_hide_the_others(tmp_path, monkeypatch):
    path = _broken(tmp_path, _colour)
    use_env(monkeypatch, ASSISTANT_BRAND_DIR=str(path.parent))
    result = CliRunner().invoke(app, ["brands", "--format", "json"])
    assert "trailforge" in result.stdout and "visual.colors.primary" in result.stdout
    assert result.exit_code == 1
