"""The command line's input rule and error boundary, run through `main()` as a user runs it."""

from __future__ import annotations

import json

import pytest

import assistant.cli.check as check_module
from assistant.cli import EXIT_SOFTWARE
from assistant.core.limits import limits

from .command_line import run
from .conftest import use_env


@pytest.mark.parametrize(
    "args",
    [
        ["check", "posts/typo.txt"],
        ["check", "typo.txt"],
        ["count", "-p", "x", "posts/typo.txt"],
        ["draft", "--brand", "maison-lemoine", "--provider", "none", "brief-missing.txt"],
    ],
)
def test_a_missing_file_is_refused_not_read_as_text(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(args)
    assert code == 2, (out, err)
    assert "no such file" in err and args[-1] in err
    assert "no problem found" not in out


def test_check_takes_a_file_or_stdin_only(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["check", "--lang", "en", "Hello"])
    assert code == 2 and "no such file: Hello" in err
    (tmp_path / "post.txt").write_text("Hello world.", encoding="utf-8")
    assert run(["check", "--lang", "en", "post.txt"])[0] == 0
    assert run(["check", "--lang", "en", "-"], stdin="Hello world.\n")[0] == 0


def test_text_is_text_and_text_flag_forces_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["count", "-p", "x", "Bonjour tout le monde"])
    assert code == 0 and "21 / 280" in out
    code, out, _ = run(["count", "-p", "x", "--text", "notes.txt"])
    assert code == 0 and "9 / 280" in out
    code, out, _ = run(["count", "-p", "x", "https://www.example.com/hiver"])
    assert code == 0 and "23 / 280" in out  # a URL is text, counted as t.co


@pytest.mark.parametrize("where", ["file", "stdin"])
def test_invalid_utf8_is_exit_2_with_a_clear_message(where, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = b"Caf\xe9 cr\xe8me"
    if where == "file":
        (tmp_path / "latin1.txt").write_bytes(data)
        code, _, err = run(["count", "-p", "x", "latin1.txt"])
    else:
        code, _, err = run(["count", "-p", "x", "-"], stdin=data)
    assert code == 2
    assert "not UTF-8" in err and "Traceback" not in err


def test_sizes_are_bounded(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "big.txt").write_text("a" * (limits().check_chars + 1), encoding="utf-8")
    code, _, err = run(["check", "--lang", "en", "big.txt"])
    assert code == 2 and "limit" in err
    code, _, err = run(["count", "-p", "x", "-"], stdin="a" * (limits().count_chars + 1))
    assert code == 2 and "limit" in err


@pytest.mark.parametrize("networks", [",", "x,myspace", " , "])
def test_an_empty_or_unknown_network_list_is_exit_2(networks):
    code, out, err = run(
        ["draft", "--brand", "maison-lemoine", "--provider", "none", "-p", networks, "Promo."]
    )
    assert code == 2 and out == ""
    assert "network" in err


def test_a_domain_error_is_one_line_and_exit_2():
    code, _, err = run(["count", "-p", "myspace", "Bonjour"])
    assert code == 2
    assert err.startswith("Error: unknown network 'myspace'") and err.count("\n") == 1


def test_an_unexpected_error_is_logged_with_its_traceback_and_exit_70(tmp_path, monkeypatch):
    use_env(monkeypatch, ASSISTANT_DATA_DIR=str(tmp_path / "data"))

    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom in the checker")

    monkeypatch.setattr(check_module, "check_text", broken)
    (tmp_path / "post.txt").write_text("Hello.", encoding="utf-8")
    code, _, err = run(["check", "--lang", "en", str(tmp_path / "post.txt")])
    log = tmp_path / "data" / "logs" / "assistant.log"
    assert code == EXIT_SOFTWARE == 70
    assert str(log) in err and "Traceback" not in err and "boom" not in err
    written = log.read_text(encoding="utf-8")
    assert "Traceback" in written and "ZeroDivisionError: boom in the checker" in written


def test_draft_lang_help_names_the_brief_language_as_default():
    _, out, _ = run(["draft", "--help"])
    # the words as read, whatever line of the help box they wrap onto
    assert "brief's own language" in " ".join(out.replace("│", " ").split())


def test_campaign_add_refuses_a_missing_brief_file_and_takes_text_with_the_flag(tmp_path):
    """`campaign add brief-missing.txt` used to store the file name as the brief."""
    from typer.testing import CliRunner

    from assistant.cli import app
    from assistant.core.errors import InputError

    runner = CliRunner()
    made = runner.invoke(app, ["campaign", "new", "Hiver", "--brand", "maison-lemoine"])
    assert made.exit_code == 0, made.output
    add = ["campaign", "add", "--campaign", "1", "-p", "x"]
    missing = runner.invoke(app, [*add, "brief-missing.txt"])
    assert isinstance(missing.exception, InputError), missing.output
    assert "no such file: brief-missing.txt" in str(missing.exception)
    listed = runner.invoke(app, ["campaign", "list", "--format", "json"])
    assert '"briefs": 0' in listed.output  # nothing stored
    forced = runner.invoke(app, [*add, "--text", "Nouveautés.sur.lemoine.example"])
    assert forced.exit_code == 0, forced.output
    listed = runner.invoke(app, ["campaign", "list", "--format", "json"])
    assert '"briefs": 1' in listed.output
    shown = json.loads(listed.output)[0]
    assert list(shown) == ["id", "name", "brand", "briefs", "starts_on", "ends_on"]


def test_check_never_lists_the_same_suggestion_twice(tmp_path):
    """A suggestion that differs only by a trailing space is one suggestion to the reader."""
    post = tmp_path / "post.txt"
    post.write_text("Their going to the store tomorrow morning.\n", encoding="utf-8")
    code, out, _err = run(["check", "--lang", "en", str(post)])
    assert code == 1, out
    hints = [line.rsplit("(", 1)[-1].rstrip(")") for line in out.splitlines() if "error" in line]
    assert hints
    for hint in hints:
        shown = [h.strip() for h in hint.split(",")]
        assert len(shown) == len(set(shown)), out
