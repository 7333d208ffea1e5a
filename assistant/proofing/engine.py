"""What every proofing engine offers, and the error that makes the checker fall back."""

from __future__ import annotations

from typing import Protocol

from .match import Match


class EngineUnavailable(Exception):
    """The engine cannot run here (not installed, server down); the checker falls back."""


class Engine(Protocol):
    """A spelling or grammar engine: `check` returns matches in `str` offsets."""

    name: str

    def supports(self, lang: str) -> bool: ...

    def check(self, text: str, lang: str) -> list[Match]: ...
