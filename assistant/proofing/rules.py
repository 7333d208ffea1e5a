"""Rule texts and severities read from `data/rules.yaml`; builds brand and platform matches."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import regex
import yaml

from .match import Match

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "rules.yaml"


@cache
def rule_table() -> dict[str, dict]:
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))


ELIDED = regex.compile(r"\b([Dd]e|[Ll]e|[Ll]a|[Qq]ue) \{(\w+)\}")
VOWEL_START = regex.compile(r"^[aeiouyàâäéèêëîïôöùûüœæ]", regex.IGNORECASE)


def fill(template: str, lang: str, **values: object) -> str:
    """A template filled in; in French "de {network}" before a vowel reads "d’Instagram"
    (and "le", "la", "que" likewise), as a person would write it."""
    if lang == "fr":

        def elide(found: regex.Match) -> str:
            word, name = found.group(1), found.group(2)
            if VOWEL_START.match(str(values.get(name, ""))):
                return f"{word[0]}’{{{name}}}"
            return found.group(0)

        template = ELIDED.sub(elide, template)
    return template.format(**values)


def rule_match(
    rule_id: str,
    lang: str,
    offset: int,
    length: int,
    replacements: tuple[str, ...] = (),
    **values: object,
) -> Match:
    """A match for one of our own rules, worded in the checked language."""
    rule = rule_table()[rule_id]
    template = rule["message"].get(lang) or rule["message"]["en"]
    source, _, _ = rule_id.partition(".")
    return Match(
        offset=offset,
        length=length,
        message=fill(template, lang, **values),
        rule_id=rule_id,
        category=source.upper(),
        severity=rule["severity"],
        source=source,
        replacements=replacements,
        messages={code: fill(text, code, **values) for code, text in rule["message"].items()},
    )
