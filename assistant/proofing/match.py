"""The one Match shape every checker returns: LanguageTool's fields plus severity and source."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Match:
    """A problem in a text; offsets are Python `str` indices of the checked text."""

    offset: int
    length: int
    message: str
    rule_id: str
    category: str
    severity: Severity
    source: str
    replacements: tuple[str, ...] = ()
    short_message: str = ""
    category_name: str = ""
    url: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def end(self) -> int:
        return self.offset + self.length

    def shifted(self, delta: int) -> Match:
        return replace(self, offset=self.offset + delta)

    def to_dict(self) -> dict[str, Any]:
        """LanguageTool's JSON shape (`replacements` as `{value}` objects), plus our two fields."""
        return {
            "offset": self.offset,
            "length": self.length,
            "message": self.message,
            "shortMessage": self.short_message,
            "replacements": [{"value": r} for r in self.replacements],
            "rule": {
                "id": self.rule_id,
                "category": {"id": self.category, "name": self.category_name or self.category},
                **({"urls": [{"value": self.url}]} if self.url else {}),
            },
            "severity": self.severity,
            "source": self.source,
        }


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a `str` offset."""
    before = text[:offset]
    line = before.count("\n") + 1
    return line, offset - (before.rfind("\n") + 1) + 1
