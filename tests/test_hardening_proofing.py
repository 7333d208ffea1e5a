"""Proofing: bidi controls flagged with a one-click removal, matches read back from JSON,
one `suggest` signature for every engine, and the Grammalecte path taken from the settings."""

from __future__ import annotations

import inspect

import pytest

from assistant.core.charter import load_brand
from assistant.proofing import Checker, Match, apply, check_text
from assistant.proofing.engine import Engine
from assistant.proofing.grammalecte import GrammalecteEngine, grammalecte_folder
from assistant.proofing.hunspell import HunspellEngine
from assistant.proofing.languagetool import LanguageToolEngine

from .conftest import ROOT

LEMOINE = ROOT / "brand_guides"


@pytest.mark.parametrize("control", ["\u202e", "\u202a", "\u2066", "\u2069", "\u202d\u202c"])
def test_a_bidi_control_is_an_error_removed_in_one_click(control):
    text = f"Promo sur nos galettes {control}!srevuoC ici."
    report = check_text(text, "fr", None, "x")
    found = [m for m in report.matches if m.rule_id == "platform.bidi_control"]
    assert len(found) == 1 and found[0].severity == "error"
    assert found[0].replacements == ("",)
    fixed, _rest = apply(text, found[0], found[0].replacements[0], report.matches)
    assert fixed == "Promo sur nos galettes !srevuoC ici."
    assert "U+" in found[0].message


def test_match_from_dict_is_the_inverse_of_to_dict():
    charter = load_brand("maison-lemoine", LEMOINE)
    text = "Nos biscuits industriel sont tres bon !!! #maisonlemoine https://x.example \u202e"
    matches = check_text(text, "fr", charter, "instagram").matches
    assert len(matches) >= 4
    for match in matches:
        raw = match.to_dict()
        assert Match.from_dict(raw) == match
        assert Match.from_dict(raw).to_dict() == raw


def test_every_engine_suggests_with_one_signature():
    assert "suggest" in Engine.__dict__ and "supports" not in Engine.__dict__
    for engine in (GrammalecteEngine(), HunspellEngine(), LanguageToolEngine("")):
        assert list(inspect.signature(engine.suggest).parameters)[:2] == ["word", "lang"]
    assert "France" in HunspellEngine().suggest("Frnace", "fr")
    assert GrammalecteEngine().suggest("biscuitt", "fr")
    assert not hasattr(Checker(), "reset")


def test_grammalecte_path_is_read_from_a_dotenv_file(tmp_path, monkeypatch):
    from assistant.core.settings import get_settings

    monkeypatch.delenv("GRAMMALECTE_PATH", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("GRAMMALECTE_PATH=/opt/grammar\n", encoding="utf-8")
    get_settings.cache_clear()
    assert str(grammalecte_folder()) == "/opt/grammar/grammalecte"


RULES_RACE = """
import importlib, re, sys, threading, time
from assistant.proofing import grammalecte

engine = grammalecte.GrammalecteEngine()
grammalecte._load_module()
gc_engine = importlib.import_module("grammalecte.fr.gc_engine")
compiling = threading.Event()


class SlowRe:  # Grammalecte's rules compiled slowly: the window another thread may fall in
    def __getattr__(self, name):
        return getattr(re, name)

    @staticmethod
    def compile(pattern, *flags):
        compiling.set()
        time.sleep(0.0002)
        return re.compile(pattern, *flags)


gc_engine.re = SlowRe()
errors = []


def check(text):
    try:
        engine.check(text, "fr")
    except Exception as exc:
        errors.append(repr(exc))


first = threading.Thread(target=check, args=("Les enfant sont parti hier.",))
first.start()
compiling.wait(60)
check("Nos galette sont bonne.")
first.join()
print("errors:", errors)
"""


def test_two_threads_checking_french_first_at_once_both_get_an_answer():
    """Grammalecte compiles its rules on its first check, after publishing them: a second
    check meanwhile (a worker drafting two units at once) read rules still text and failed
    ('str' object has no attribute 'finditer'). The engine compiles them before sharing."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", RULES_RACE], cwd=ROOT, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "errors: []", done.stdout[-2000:]
