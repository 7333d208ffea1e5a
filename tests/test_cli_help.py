"""The help names what to type (`ID…`, `TEXT`, `PATH`), never a Python type (`<list[int]>`)."""

from __future__ import annotations

import re

import click
import typer

from .command_line import run

PYTHON_TYPE = re.compile(r"<(?:str|int|bool|float|path|datetime|list\[[^\]]*\])>|\{\w+\}")


def _commands(command: click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, sub in getattr(command, "commands", {}).items():
        found += _commands(sub, (*path, name))
    return found


def test_every_help_shows_metavars_not_python_types(monkeypatch):
    from assistant.cli import app

    monkeypatch.setenv("COLUMNS", "120")
    shown = {}
    for path in _commands(typer.main.get_command(app)):
        code, out, err = run([*path, "--help"])
        assert code == 0, (path, err)
        shown[" ".join(path)] = out
    assert len(shown) > 30
    typed = {name: PYTHON_TYPE.findall(out) for name, out in shown.items()}
    assert {name: found for name, found in typed.items() if found} == {}


def test_ids_read_as_id_and_options_as_words(monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    _code, out, _err = run(["review", "approve", "--help"])
    assert "Usage: assistant review approve [OPTIONS] [ID…]" in out  # or --import ID
    assert re.search(r"--as\s+TEXT\s", out) and re.search(r"--version\s+INTEGER\s", out)
    _code, out, _err = run(["reply", "hide", "--help"])
    assert "ID…" in out and re.search(r"--yes\s+Confirm", out)  # a flag takes no value
