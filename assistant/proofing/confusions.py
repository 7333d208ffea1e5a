"""Commonly confused words, as data (`data/confusions.yaml`): context patterns that close the
gaps the offline engines leave (your/you're, then/than, its/it's, plural subject with a
singular verb, French où/à in fixed contexts). Each rule carries examples its test runs, and a
rule is kept only if it raises nothing on the clean posts of the evaluation set.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import regex
import yaml

from .match import Match

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "confusions.yaml"


@cache
def rules() -> list[dict[str, Any]]:
    """The rules, each with its pattern compiled (case-insensitive, `w` = the wrong words)."""
    table = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    return [
        {**rule, "regex": regex.compile(rule["pattern"], regex.IGNORECASE | regex.VERBOSE)}
        for rule in table
    ]


class ConfusionsEngine:
    """Offline, instant, French and English; runs beside the grammar engine of the language."""

    name = "confusions"

    def check(self, text: str, lang: str) -> list[Match]:
        return [
            _match(rule, found, lang)
            for rule in rules()
            if rule["lang"] == lang
            for found in rule["regex"].finditer(text)
        ]


def _match(rule: dict[str, Any], found: regex.Match, lang: str) -> Match:
    wrong = found.group("w")
    fix = rule["fix"]
    if isinstance(fix, dict):
        fix = fix[wrong.lower().replace("’", "'")]
    if wrong[:1].isupper():
        fix = fix[:1].upper() + fix[1:]
    return Match(
        offset=found.start("w"),
        length=len(wrong),
        message=rule["message"].get(lang) or rule["message"]["en"],
        rule_id=f"confusions.{rule['id']}",
        category="CONFUSED_WORDS",
        category_name="Confused words" if lang == "en" else "Confusions",
        severity="error",
        source="confusions",
        replacements=(fix,),
        extra={"type": "grammar"},
    )
