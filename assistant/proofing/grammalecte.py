"""Grammalecte engine: French grammar, agreement, conjugation, homophones, spelling, offline.

Debian ships it as `python3-grammalecte` in its own dist-packages; the module is loaded from
that one folder (or `GRAMMALECTE_PATH`) so the rest of Debian's packages stay off `sys.path`.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

from ..core.settings import get_settings
from .engine import EngineUnavailable
from .match import Match, spelling_messages

DEBIAN_LOCATION = Path("/usr/lib/python3/dist-packages/grammalecte")
TYPOGRAPHY_TYPES = {"nbsp", "esp", "typo", "apos", "num", "eif"}
STYLE_TYPES = {"style", "bs", "pleo", "redon1", "redon2", "mc", "date", "maj", "tu", "elv"}
SUGGESTION_LIMIT = 6


def grammalecte_folder() -> Path:
    """Where Grammalecte is loaded from: the `GRAMMALECTE_PATH` setting (environment or
    `.env`), else Debian's location; either the package folder or its parent."""
    folder = Path(get_settings().grammalecte_path or DEBIAN_LOCATION)
    return folder if folder.name == "grammalecte" else folder / "grammalecte"


def _load_module() -> ModuleType:
    if "grammalecte" in sys.modules:
        return sys.modules["grammalecte"]
    folder = grammalecte_folder()
    init = folder / "__init__.py"
    if not init.is_file():
        raise EngineUnavailable(
            f"Grammalecte not found at {folder}: install Debian's python3-grammalecte "
            "or set GRAMMALECTE_PATH"
        )
    spec = importlib.util.spec_from_file_location(
        "grammalecte", init, submodule_search_locations=[str(folder)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["grammalecte"] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules["grammalecte"]
        raise EngineUnavailable(f"Grammalecte failed to load: {exc}") from exc
    return module


class GrammalecteEngine:
    """One Grammalecte checker per process, with a per-paragraph cache for re-checks."""

    name = "grammalecte"

    def __init__(self) -> None:
        self._checker: Any = None
        self._lock = threading.Lock()

    def _ready(self) -> Any:
        with self._lock:
            if self._checker is None:
                checker = _load_module().GrammarChecker("fr")
                # its rules are compiled on its first check, in place, after being published:
                # another thread checking meanwhile would read rules still text. Compile them
                # here, before any other thread can have the checker.
                checker.getParagraphErrors("Bonjour.", bSpellSugg=False)
                self._checker = checker
        return self._checker

    def check(self, text: str, lang: str) -> list[Match]:
        self._ready()
        matches, offset = [], 0
        for paragraph in text.split("\n"):
            for match in self._paragraph(paragraph):
                matches.append(match.shifted(offset))
            offset += len(paragraph) + 1
        return matches

    def _paragraph(self, paragraph: str) -> tuple[Match, ...]:
        if not paragraph.strip():
            return ()
        return _check_paragraph(self._ready(), paragraph)

    def suggest(self, word: str, lang: str = "fr") -> tuple[str, ...]:
        """Spelling suggestions (French only), asked only for the errors that survive filtering."""
        return _suggest(self._ready(), word) if lang == "fr" else ()


@lru_cache(maxsize=2048)
def _check_paragraph(checker: Any, paragraph: str) -> tuple[Match, ...]:
    grammar, spelling = checker.getParagraphErrors(paragraph, bSpellSugg=False)
    found = [_grammar_match(g) for g in grammar]
    found += [_spelling_match(s) for s in spelling]
    return tuple(found)


@lru_cache(maxsize=4096)
def _suggest(checker: Any, word: str) -> tuple[str, ...]:
    flat = [s for group in checker.getSpellChecker().suggest(word) for s in group]
    return tuple(dict.fromkeys(s for s in flat if s != word))[:SUGGESTION_LIMIT]


def _grammar_match(raw: dict[str, Any]) -> Match:
    kind = raw.get("sType", "")
    if kind in TYPOGRAPHY_TYPES:
        severity, category = "info", "TYPOGRAPHY"
    elif kind in STYLE_TYPES:
        severity, category = "warning", "STYLE"
    else:
        severity, category = "error", "GRAMMAR"
    return Match(
        offset=raw["nStart"],
        length=raw["nEnd"] - raw["nStart"],
        message=raw.get("sMessage", ""),
        replacements=tuple(raw.get("aSuggestions", [])[:8]),
        rule_id=f"grammalecte.{raw.get('sRuleId', kind)}",
        category=category,
        severity=severity,
        source="grammalecte",
        url=raw.get("URL", ""),
        extra={"type": kind},
    )


def _spelling_match(raw: dict[str, Any]) -> Match:
    word = raw.get("sValue", "")
    return Match(
        offset=raw["nStart"],
        length=raw["nEnd"] - raw["nStart"],
        message=spelling_messages(word)["fr"],
        rule_id="grammalecte.spelling",
        category="TYPOS",
        category_name="Orthographe",
        severity="error",
        source="grammalecte",
        extra={"type": "spelling", "word": word},
        messages=spelling_messages(word),
    )
