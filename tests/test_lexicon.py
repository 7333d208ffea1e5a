"""Adding a word to a brand's accepted words: charter kept as written, change logged."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.core.charter import load_brand
from assistant.core.errors import CharterError, InputError
from assistant.proofing import Checker
from assistant.publishing.lexicon import accept_word, history

from .conftest import ROOT


@pytest.fixture()
def brand_dir(tmp_path):
    folder = tmp_path / "brands"
    shutil.copytree(ROOT / "brand_guides", folder)
    return folder


def _flagged(text, charter):
    report = Checker(languagetool_url="").check(text, "fr", charter)
    return [text[m.offset : m.end] for m in report.matches if m.source == "grammalecte"]


def test_accepted_word_is_no_longer_flagged_and_the_file_keeps_its_comments(brand_dir):
    path = brand_dir / "maison-lemoine.yaml"
    before = path.read_text(encoding="utf-8").splitlines()
    assert "Kerbriz" in _flagged(
        "Kerbriz : nos nouveaux palets.", load_brand("maison-lemoine", brand_dir)
    )

    change = accept_word("maison-lemoine", "Kerbriz", "alice", brand_dir)

    after = path.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [
        (
            "  accepted: [Lemoine, kouign-amann, palets, galettes, Pont-Aven]",
            "  accepted: [Lemoine, kouign-amann, palets, galettes, Pont-Aven, Kerbriz]",
        )
    ]
    assert after[0].startswith("# Maison Lemoine")
    charter = load_brand("maison-lemoine", brand_dir)
    assert "Kerbriz" not in _flagged("Kerbriz : nos nouveaux palets.", charter)
    assert change.added and change.actor == "alice"
    [logged] = history(charter)
    assert (logged.word, logged.actor, logged.brand) == ("Kerbriz", "alice", "maison-lemoine")
    assert logged.at.endswith("+00:00")


def test_a_word_already_accepted_changes_nothing(brand_dir):
    path = brand_dir / "maison-lemoine.yaml"
    before = path.read_bytes()
    change = accept_word("maison-lemoine", "pont-aven", "bob", brand_dir)
    assert not change.added
    assert path.read_bytes() == before
    assert history(load_brand("maison-lemoine", brand_dir)) == []


@pytest.mark.parametrize(
    ("word", "key"),
    [
        ("", "empty_word"),
        ("   ", "empty_word"),
        ("deux mots", "word_has_space"),
        ("x" * 101, "too_long"),
        ("Ker\x00briz", "control_character"),
        ("Ker\tbriz", "word_has_space"),
        ("Ker\x07briz", "control_character"),
        ("<b>", "not_a_word"),
    ],
)
def test_bad_words_are_refused_and_the_charter_is_untouched(brand_dir, word, key):
    path = brand_dir / "maison-lemoine.yaml"
    before = path.read_bytes()
    with pytest.raises(InputError) as refused:
        accept_word("maison-lemoine", word, "alice", brand_dir)
    assert refused.value.key == key
    assert path.read_bytes() == before


@pytest.mark.parametrize("word", ["yes", "No", "ON", "off", "True", "1.5", "2024-05-01"])
def test_words_yaml_1_1_reads_as_something_else_are_added_as_words(brand_dir, word):
    path = brand_dir / "maison-lemoine.yaml"
    change = accept_word("maison-lemoine", word, "alice", brand_dir)
    assert change.added
    assert load_brand("maison-lemoine", brand_dir).vocabulary.accepted[-1] == word
    assert f'Pont-Aven, "{word}"]' in path.read_text(encoding="utf-8")
    assert not accept_word("maison-lemoine", word.upper(), "bob", brand_dir).added


def test_a_refused_addition_names_the_charter_not_a_temporary_file(brand_dir):
    from assistant.core.limits import limits
    from assistant.ui.i18n import error_text

    path = brand_dir / "maison-lemoine.yaml"
    text = path.read_text(encoding="utf-8")
    room = limits().charter_bytes - len(text.encode("utf-8")) - len("#\n")
    path.write_text(text + "#" + "x" * room + "\n", encoding="utf-8")  # one byte to spare
    before = path.read_bytes()
    with pytest.raises(CharterError) as refused:
        accept_word("maison-lemoine", "Kerbriz", "alice", brand_dir)
    for shown in (str(refused.value), error_text(refused.value, "fr")):
        assert shown.startswith("maison-lemoine.yaml: ")
        assert str(brand_dir) not in shown and ".maison-lemoine." not in shown
    assert "dépasse" in error_text(refused.value, "fr")
    assert path.read_bytes() == before
    assert sorted(p.name for p in brand_dir.glob(".maison-lemoine.*")) == []


def test_a_charter_without_an_accepted_list_gets_one(brand_dir):
    path = brand_dir / "trailforge.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("  accepted: [Trailforge, Gore-Tex, ultralight, trailhead]\n", ""),
        encoding="utf-8",
    )
    accept_word("trailforge", "CloudRest", "alice", brand_dir)
    assert load_brand("trailforge", brand_dir).vocabulary.accepted == ["CloudRest"]


def test_cli_accept_word_and_the_listing_still_works(brand_dir, monkeypatch):
    monkeypatch.setenv("ASSISTANT_BRAND_DIR", str(brand_dir))
    runner = CliRunner()
    added = runner.invoke(
        app, ["brands", "accept-word", "maison-lemoine", "Kerbriz", "--as", "zoé"]
    )
    assert added.exit_code == 0, added.output
    assert "Kerbriz" in added.output
    assert history(load_brand("maison-lemoine", brand_dir))[0].actor == "zoé"
    listing = runner.invoke(app, ["brands", "--format", "json"])
    assert listing.exit_code == 0 and "maison-lemoine" in listing.output
    refused = runner.invoke(app, ["brands", "accept-word", "maison-lemoine", "deux mots"])
    assert refused.exit_code != 0


def test_two_reviewers_adding_at_once_lose_neither_word(brand_dir):
    import threading

    words = [f"Kerbriz{n}" for n in range(6)]
    threads = [
        threading.Thread(target=accept_word, args=("maison-lemoine", w, "alice", brand_dir))
        for w in words
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    charter = load_brand("maison-lemoine", brand_dir)
    assert set(words) <= set(charter.vocabulary.accepted)
    assert sorted(c.word for c in history(charter)) == words


def test_a_reviewer_accepts_a_word_from_a_variant_and_its_checks_follow(brand_dir, monkeypatch):
    """From a variant: an author is refused; a reviewer's word leaves the stored checks, so
    it no longer counts as an error blocking approval."""
    from assistant.core.actors import Actor
    from assistant.core.errors import WorkflowError
    from assistant.core.settings import get_settings
    from assistant.core.store import open_store
    from assistant.publishing.lexicon import accept_in_variant
    from assistant.publishing.review_queue import describe

    from .test_facts_review import _variant

    monkeypatch.setenv("ASSISTANT_BRAND_DIR", str(brand_dir))
    get_settings.cache_clear()
    store = open_store()
    variant = _variant(store, "Kerbriz : nos nouveaux palets sont arrivés.")
    kerbriz = {"offset": 0, "length": len("Kerbriz")}
    flagged = [m for m in describe(store, variant)["matches"] if kerbriz.items() <= m.items()]
    assert [m["severity"] for m in flagged] == ["error"]

    with pytest.raises(WorkflowError) as refused:
        accept_in_variant(store, variant, "Kerbriz", Actor("alice", "author"))
    assert refused.value.key == "lexicon_reviewers_only"
    assert history(load_brand("maison-lemoine", brand_dir)) == []

    accept_in_variant(store, variant, "Kerbriz", Actor("bob", "reviewer"))
    info = describe(store, variant)
    assert not [m for m in info["matches"] if kerbriz.items() <= m.items()]
    assert [c.actor for c in history(load_brand("maison-lemoine", brand_dir))] == ["bob"]
