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
    # our own message in each language (an engine's own words have none): the reader's
    # language words it, whatever language the checked text is in
    messages: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

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
            **({"messages": dict(self.messages)} if self.messages else {}),
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Match:
        """The inverse of `to_dict`: a match read back from JSON (a stored version, the UI)."""
        rule = raw.get("rule") or {}
        category = rule.get("category") or {}
        urls = rule.get("urls") or []
        name = str(category.get("name", ""))
        return cls(
            offset=int(raw["offset"]),
            length=int(raw["length"]),
            message=str(raw.get("message", "")),
            rule_id=str(rule.get("id", "")),
            category=str(category.get("id", "")),
            severity=raw.get("severity", "info"),
            source=str(raw.get("source", "")),
            replacements=tuple(
                r["value"] if isinstance(r, dict) else str(r) for r in raw.get("replacements", [])
            ),
            short_message=str(raw.get("shortMessage", "")),
            category_name="" if name == category.get("id") else name,
            url=str(urls[0]["value"]) if urls else "",
            messages={str(k): str(v) for k, v in (raw.get("messages") or {}).items()},
        )


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a `str` offset."""
    before = text[:offset]
    line = before.count("\n") + 1
    return line, offset - (before.rfind("\n") + 1) + 1


def worded(match: dict[str, Any], lang: str) -> str:
    """A stored match's message in the reader's language when it is one of ours, else as its
    engine wrote it (LanguageTool, Grammalecte and Harper word their own findings)."""
    return (match.get("messages") or {}).get(lang) or str(match.get("message", ""))


SPELLING = {"fr": "Mot inconnu : « {word} ».", "en": "Possible spelling mistake: “{word}”."}


def spelling_messages(word: str) -> dict[str, str]:
    """Our message for a word the dictionary does not know, in each language."""
    return {lang: text.format(word=word) for lang, text in SPELLING.items()}
