"""Spelling suggestions do not depend on the machine's load: every flagged word of a check gets
them (bounded by count in limits.yaml, never by the clock), from an index kept on disk."""

from __future__ import annotations

import json
import time

from typer.testing import CliRunner

from assistant import proofing
from assistant.cli import app
from assistant.core.limits import limits
from assistant.proofing import suggestions
from assistant.proofing.hunspell import HunspellEngine

WORDS = [
    "because",
    "people",
    "different",
    "government",
    "environment",
    "beginning",
    "business",
    "separate",
    "necessary",
    "believe",
    "received",
    "weather",
    "tomorrow",
    "together",
    "important",
    "interesting",
    "beautiful",
    "language",
    "knowledge",
    "restaurant",
    "calendar",
    "definitely",
    "occasion",
    "surprise",
    "neighbour",
    "february",
    "professional",
    "recommend",
    "available",
    "apparently",
]


def misspelled(word: str, variant: int) -> str:
    """One of ten typing slips on `word`: a letter dropped, doubled, swapped or replaced."""
    i = 1 + variant % (len(word) - 2)
    slips = (
        word[:i] + word[i + 1 :],
        word[:i] + word[i] + word[i:],
        word[:i] + word[i + 1] + word[i] + word[i + 2 :],
        word[:i] + "x" + word[i + 1 :],
    )
    return slips[variant % len(slips)]


def typo_text() -> str:
    """300 misspellings in sentences of ten words."""
    slips = [misspelled(w, v) for v in range(10) for w in WORDS]
    sentences = [" ".join(slips[i : i + 10]).capitalize() + "." for i in range(0, 300, 10)]
    return "\n".join(sentences)


def check_json(path) -> dict:
    run = CliRunner().invoke(app, ["check", "--lang", "en", "--format", "json", str(path)])
    assert run.exit_code == 1, run.output
    return json.loads(run.stdout)


class SlowClock:
    """A clock that advances one second at each reading, as on a very busy machine."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def test_a_busy_machine_gives_the_same_suggestions_as_an_idle_one(tmp_path, monkeypatch):
    path = tmp_path / "typos.txt"
    path.write_text(typo_text(), encoding="utf-8")
    idle = check_json(path)
    spelling = [m for m in idle["matches"] if m["rule"]["category"]["id"] == "TYPOS"]
    assert len(spelling) >= 250
    assert all(m["replacements"] for m in spelling)  # every flagged word, not the first few
    clock = SlowClock()
    for name in ("monotonic", "perf_counter", "time"):
        monkeypatch.setattr(time, name, clock)
    busy = check_json(path)
    assert busy == idle


def test_suggestions_stop_at_the_count_in_limits(tmp_path, monkeypatch):
    path = tmp_path / "typos.txt"
    path.write_text(typo_text(), encoding="utf-8")
    fewer = limits().model_copy(update={"suggested_words": 10})
    monkeypatch.setattr(proofing, "limits", lambda: fewer)
    found = check_json(path)["matches"]
    spelling = [m for m in found if m["source"] == "hunspell"]
    assert len(spelling) >= 250  # all flagged ...
    assert 5 <= sum(1 for m in spelling if m["replacements"]) <= 10  # ... the first ones fixed


def test_the_index_finds_the_word_meant():
    engine = HunspellEngine()
    expected = {
        ("developement", "fr"): "développement",
        ("Bonjoure", "fr"): "Bonjour",
        ("magazin", "fr"): "magasin",
        ("l'ecole", "fr"): "l'école",
        ("recieve", "en"): "receive",
        ("teh", "en"): "the",
        ("Frnace", "en"): "France",
        ("goverment", "en"): "government",
    }
    for (word, lang), meant in expected.items():
        assert engine.suggest(word, lang)[:3].count(meant) == 1, (word, engine.suggest(word, lang))


def test_the_index_is_kept_on_disk_and_read_back(tmp_path, monkeypatch):
    suggestions._built.clear()
    HunspellEngine().index("en")  # built, and saved in the data folder
    cached = list((tmp_path / "data" / "cache").glob("suggest-en-*"))
    assert len(cached) == 1
    suggestions._built.clear()
    monkeypatch.setattr(suggestions, "word_forms", lambda *a: (_ for _ in ()).throw(AssertionError))
    assert "receive" in HunspellEngine().suggest("recieve", "en")  # read back, not rebuilt
