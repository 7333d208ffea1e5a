"""Harper engine: English grammar offline (their/there, your/you're, then/than, its/it's,
subject-verb agreement), in-process through the `harper-py` bindings, no Java, no server.

One linter per dialect, built on first use (about a second) and kept; a linter is not
thread-safe, so calls are serialised. Harper reports spans in code points, which are Python
`str` indices: no offset conversion is needed (a test with emoji and accents holds it).
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ..core.charter import Charter
from .engine import EngineUnavailable
from .match import Match

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "data" / "harper.yaml"
DIALECTS = ("en-US", "en-GB")
DEFAULT_DIALECT = "en-US"
CACHE_SIZE = 2048


@cache
def settings() -> dict[str, Any]:
    return yaml.safe_load(SETTINGS_FILE.read_text(encoding="utf-8"))


def english_dialect(lang: str | None, charter: Charter | None) -> str:
    """The dialect asked for in the language tag ("en-GB"), else the charter's, else en-US."""
    tag = (lang or "").replace("_", "-")
    for dialect in DIALECTS:
        if tag.lower() == dialect.lower():
            return dialect
    return getattr(charter, "dialect", None) or DEFAULT_DIALECT


class HarperEngine:
    """English only; one `harper.Linter` per dialect, loaded once."""

    name = "harper"

    def __init__(self) -> None:
        self._linters: dict[str, Any] = {}
        self._cache: dict[tuple[str, str], tuple[Match, ...]] = {}
        self._lock = threading.Lock()

    def check(self, text: str, lang: str, dialect: str = DEFAULT_DIALECT) -> list[Match]:
        """Paragraph by paragraph, each kept in a small cache: a live re-check after an edit
        lints only the paragraph that changed."""
        if lang != "en":
            return []
        matches, offset = [], 0
        for paragraph in text.split("\n"):
            if paragraph.strip():
                matches += [m.shifted(offset) for m in self._paragraph(paragraph, dialect)]
            offset += len(paragraph) + 1
        return matches

    def _paragraph(self, paragraph: str, dialect: str) -> tuple[Match, ...]:
        key = (dialect, paragraph)
        with self._lock:
            if key not in self._cache:
                linter = self._linter(dialect)
                try:
                    lints = linter.lint(paragraph, language="plaintext")
                except Exception as exc:  # a native engine's failure must not stop proofing
                    raise EngineUnavailable(f"Harper failed: {exc}") from exc
                if len(self._cache) >= CACHE_SIZE:
                    self._cache.pop(next(iter(self._cache)))
                self._cache[key] = tuple(_match(lint) for lint in lints if not lint.span.is_empty())
            return self._cache[key]

    def _linter(self, dialect: str) -> Any:
        if dialect not in self._linters:
            try:
                import harper
            except ImportError as exc:
                raise EngineUnavailable(
                    "harper-py is not installed: pip install harper-py"
                ) from exc
            british = dialect == "en-GB"
            linter = harper.Linter(harper.Dialect.BRITISH if british else harper.Dialect.AMERICAN)
            config = {rule: None for rule in linter.get_lint_config()}
            config.update({rule: False for rule in settings()["disabled"] if rule in config})
            linter.set_lint_config(config)
            self._linters[dialect] = linter
        return self._linters[dialect]


def _match(lint: Any) -> Match:
    """A Harper lint in the LanguageTool match shape; removals become empty replacements."""
    table = settings()
    kind = lint.lint_kind
    return Match(
        offset=lint.span.start,
        length=lint.span.end - lint.span.start,
        message=lint.message,
        rule_id=f"harper.{kind}",
        category=table["category"].get(kind, table["default_category"]),
        category_name=lint.lint_kind_pretty,
        severity=table["severity"].get(kind, table["default_severity"]),
        source="harper",
        replacements=tuple(dict.fromkeys(_replacement(lint, s) for s in lint.suggestions))[:6],
        extra={"type": "grammar", "kind": kind},
    )


def _replacement(lint: Any, suggestion: Any) -> str:
    """What the span becomes: Harper's REPLACE text, nothing for REMOVE, or the span plus
    the inserted text for INSERT_AFTER (a match replaces its whole span)."""
    kind = int(suggestion.kind)
    if kind == 1:
        return ""
    if kind == 2:
        return lint.problem_text + suggestion.replacement_text
    return suggestion.replacement_text
