"""What every proofing engine offers, and the error that makes the checker fall back."""

from __future__ import annotations

from typing import Protocol

from .match import Match


class EngineUnavailable(Exception):
    """The engine cannot run here (not installed, server down); the checker falls back."""


class Engine(Protocol):
    """A spelling or grammar engine: `check` returns matches in `str` offsets; `suggest`
    gives spelling fixes for one word, asked only for the mistakes that survive filtering."""

    name: str

    def check(self, text: str, lang: str) -> list[Match]: ...

    def suggest(self, word: str, lang: str) -> tuple[str, ...]: ...
