"""Charters from outside are parsed within bounds: size, aliases and nesting are refused with
a CharterError naming the file, with bounded work (memory, no parse of an oversized file), and no message repeats an unbounded value."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

import assistant.core.charter as charter_module
from assistant.cli import app
from assistant.core.charter import load_charter
from assistant.core.errors import CharterError
from assistant.core.limits import limits

from .conftest import ROOT
from .work import peak_memory

BRANDS = ROOT / "brand_guides"


def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        refs = ",".join([f"*{previous}"] * 9)
        lines.append(f"{level}: &{level} [{refs}]")
    lines.append("name: Lol")
    lines.append("voice: {tone: *i, address: vous}")
    return "\n".join(lines) + "\n"


def in_brand_folder(tmp_path, text: str):
    folder = tmp_path / "brand_guides"
    shutil.copytree(BRANDS, folder)
    path = folder / "evil.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_billion_laughs_is_refused_at_once_naming_file_and_place(tmp_path):
    path = in_brand_folder(tmp_path, billion_laughs())
    assert path.stat().st_size < 2048
    with pytest.raises(CharterError) as caught, peak_memory() as peak:
        load_charter(path)
    assert peak() < 2_000_000  # bytes: refused while composing, nothing expanded
    message = str(caught.value)
    assert str(path) in message and "aliases" in message and "line " in message
    assert "brand_guides/README.md" in message
    assert len(message) < 400


def test_billion_laughs_through_brands_validate_exits_1_quickly(tmp_path):
    path = in_brand_folder(tmp_path, billion_laughs())
    with peak_memory() as peak:
        result = CliRunner().invoke(app, ["brands", "--validate", str(path)])
    assert peak() < 10_000_000
    assert result.exit_code == 1 and "aliases" in result.output


def test_aliases_under_the_bound_still_load_but_messages_stay_short(tmp_path):
    """Ten aliases to a 10,000-item list: within the alias bound; the error must not repr it."""
    big = "[" + ",".join(["x"] * 10000) + "]"
    text = f"big: &big {big}\nname: Lol\nlanguages: [fr]\nvoice: {{tone: [*big], address: 7}}\n"
    path = in_brand_folder(tmp_path, text)
    with pytest.raises(CharterError) as caught, peak_memory() as peak:
        load_charter(path)
    assert peak() < 40_000_000  # parsing 10,000 items once, not once per alias
    assert len(str(caught.value)) < 1500
    assert "x', 'x', 'x', 'x', 'x'" not in str(caught.value)


def test_deep_nesting_is_a_charter_error_not_a_recursion_error(tmp_path):
    depth = 5000
    path = in_brand_folder(tmp_path, "name: " + "[" * depth + "]" * depth + "\n")
    with pytest.raises(CharterError) as caught:
        load_charter(path)
    assert "nested deeper" in str(caught.value) and str(path) in str(caught.value)


def test_an_oversized_file_is_refused_before_parsing(tmp_path, monkeypatch):
    path = in_brand_folder(tmp_path, "name: Lol\n" + "# padding\n" * (limits().charter_bytes // 8))
    parsed = []
    monkeypatch.setattr(charter_module.yaml, "load", lambda *a, **k: parsed.append(a))
    with pytest.raises(CharterError) as caught:
        load_charter(path)
    assert parsed == []  # refused before parsing
    assert "bytes" in str(caught.value) and str(path) in str(caught.value)


def test_a_long_bad_value_is_shown_cut(tmp_path):
    source = (BRANDS / "maison-lemoine.yaml").read_text(encoding="utf-8")
    huge = "#" + "A" * 100_000
    path = in_brand_folder(tmp_path, source.replace("primary: ", f"primary: '{huge}' #", 1))
    with pytest.raises(CharterError) as caught:
        load_charter(path, tmp_path / "brand_guides")
    message = str(caught.value)
    assert "visual.colors.primary" in message
    assert len(message) < 400
