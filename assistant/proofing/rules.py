"""Rule texts and severities read from `data/rules.yaml`; builds brand and platform matches."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from .match import Match

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "rules.yaml"


@cache
def rule_table() -> dict[str, dict]:
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))


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
        message=template.format(**values),
        rule_id=rule_id,
        category=source.upper(),
        severity=rule["severity"],
        source=source,
        replacements=replacements,
        messages={code: text.format(**values) for code, text in rule["message"].items()},
    )
