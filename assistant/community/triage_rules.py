"""The triage's data file (`data/triage.yaml`), read once, and the settings of the insult
lists it holds: apart from `triage` so the modules that `triage` itself uses (the learned
heads) can read them without importing it back."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import regex
import yaml

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "triage.yaml"


@cache
def rules() -> dict[str, Any]:
    """The triage data file, read once."""
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))


@cache
def insult_settings() -> tuple[dict[str, frozenset[str]], regex.Pattern | None]:
    """Per language, the listed words never counted as insults; the plural endings stripped
    before a word is looked up."""
    table = rules()
    excluded = {lang: frozenset(words) for lang, words in table["not_insults"].items()}
    endings = table["signals"]["insults"].get("endings")
    return excluded, regex.compile(f"(?:{endings})$") if endings else None
