"""Commonly confused words, as data (`data/confusions.yaml`): context patterns that close the
gaps the offline engines leave (your/you're, then/than, its/it's, plural subject with a
singular verb, French où/à, infinitive after a preposition, participle agreement after « que
j'ai », imperative hyphens). Each rule carries examples its test runs, and a rule is kept
only if it raises nothing on the clean posts of the evaluation set.

A French rule may also say what its words must be (`when`: tags of Grammalecte's lexicon, see
`morphology.py`) and compute its fix from them (`fix: {infinitive: w}`), so one rule covers
every verb instead of a list of words.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import regex
import yaml

from . import morphology
from .match import Match

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "confusions.yaml"
PLURAL_DETERMINERS = {"les", "des", "ces", "nos", "vos", "mes", "tes", "ses", "leurs"}


@cache
def rules() -> list[dict[str, Any]]:
    """The rules, each with its pattern compiled (case-insensitive, `w` = the wrong words)
    and its word conditions compiled."""
    table = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    return [
        {
            **rule,
            "regex": regex.compile(rule["pattern"], regex.IGNORECASE | regex.VERBOSE),
            "conditions": {
                group: {test: regex.compile(tags) for test, tags in tests.items()}
                for group, tests in (rule.get("when") or {}).items()
            },
        }
        for rule in table
    ]


class ConfusionsEngine:
    """Offline, instant, French and English; runs beside the grammar engine of the language."""

    name = "confusions"

    def check(self, text: str, lang: str) -> list[Match]:
        found = []
        for rule in rules():
            if rule["lang"] != lang:
                continue
            if rule["conditions"] and not morphology.available():
                continue
            for hit in rule["regex"].finditer(text, overlapped=bool(rule["conditions"])):
                if not all(_holds(hit, g, tests) for g, tests in rule["conditions"].items()):
                    continue
                fixes = _fixes(rule, hit)
                if fixes:
                    found.append(_match(rule, hit, lang, fixes))
        return _one_per_span(found)


def _holds(hit: regex.Match, group: str, tests: dict[str, regex.Pattern]) -> bool:
    """Whether the word in `group` has the readings the rule asks for: `any` (one reading
    matches), `all` (every reading does, and the word is known), `none` (no reading does).
    A group the pattern left empty (an optional word) passes."""
    word = hit.group(group)
    if not word:
        return True
    readings = morphology.analyses(word)
    for test, tags in tests.items():
        matched = [bool(tags.search(r)) for r in readings]
        if test == "any" and not any(matched):
            return False
        if test == "all" and not (matched and all(matched)):
            return False
        if test == "none" and any(matched):
            return False
    return True


def _fixes(rule: dict[str, Any], hit: regex.Match) -> tuple[str, ...]:
    """The replacements: a word, a table from the wrong word, or computed from the words
    (an infinitive, hyphens, a participle agreeing with its noun, « quel » agreeing)."""
    wrong = hit.group("w")
    fix = rule["fix"]
    if isinstance(fix, str):
        fixes = [fix]
    elif "infinitive" in fix:
        verb = morphology.lemma(hit.group(fix["infinitive"]), ":V")
        fixes = [verb] if verb else []
    elif "hyphens" in fix:
        fixes = [regex.sub(r"\s+", "-", wrong)]
    elif "agree" in fix:
        fixes = _agreeing(hit, fix["agree"])
    elif "quel" in fix:
        fixes = _quel(hit.group(fix["quel"]))
    else:
        fixes = [fix[wrong.lower().replace("’", "'")]]
    if wrong[:1].isupper():
        fixes = [f[:1].upper() + f[1:] for f in fixes]
    return tuple(f for f in fixes if f and f != wrong)


def _agreeing(hit: regex.Match, how: dict[str, str]) -> list[str]:
    """Participle forms agreeing with the noun; none when the written one already agrees."""
    wrong = hit.group("w")
    determiner = (hit.group(how["det"]) or "").lower() if "det" in how else ""
    plural = determiner in PLURAL_DETERMINERS if determiner else None
    noun = morphology.gender_number(hit.group(how["noun"]), plural)
    verb = morphology.lemma(wrong, ":Q")
    if noun is None or verb is None:
        return []
    forms = morphology.participles(verb, *noun)
    return [] if wrong.lower() in forms else forms


def _quel(word: str) -> list[str]:
    found = morphology.gender_number(word)
    gender, number = found or ("f", "s")
    base = "quel" if gender == "m" else "quelle"
    return [base + ("s" if number == "p" else "")]


def _one_per_span(found: list[Match]) -> list[Match]:
    """Overlapped search may find one mistake through several contexts: keep it once."""
    seen, kept = set(), []
    for match in found:
        key = (match.offset, match.length, match.rule_id)
        if key not in seen:
            seen.add(key)
            kept.append(match)
    return kept


def _match(rule: dict[str, Any], found: regex.Match, lang: str, fixes: tuple[str, ...]) -> Match:
    wrong = found.group("w")
    return Match(
        offset=found.start("w"),
        length=len(wrong),
        message=rule["message"].get(lang) or rule["message"]["en"],
        messages=dict(rule["message"]),
        rule_id=f"confusions.{rule['id']}",
        category="CONFUSED_WORDS",
        category_name="Confused words" if lang == "en" else "Confusions",
        severity=rule.get("severity", "error"),
        source="confusions",
        replacements=fixes,
        extra={"type": "grammar"},
    )
