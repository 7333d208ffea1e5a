"""The audit in the reader's language: the report's words, its notes and its numbers
("3.37 %" in English, "3,37 %" in French), from `data/audit_words.yaml`. A note is a `Note`:
the English text (for the CLI, the logs and the JSON) that still knows its key, so a page in
another language words it again."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

WORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "audit_words.yaml"


@cache
def _data() -> dict[str, Any]:
    return yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))


def languages() -> list[str]:
    return list(_data()["languages"])


def report_language(lang: str | None) -> str:
    """A language the report is written in: `lang` when known ('fr-FR' -> 'fr'), else the
    first one (English)."""
    short = (lang or "").split("-")[0].split("_")[0].casefold()
    return short if short in languages() else languages()[0]


def word(key: str, lang: str = "en", **params: Any) -> str:
    texts = _data()["words"][key]
    return (texts.get(report_language(lang)) or texts[languages()[0]]).format(**params)


def pct(rate: float | None, lang: str = "en", digits: int = 2) -> str:
    """A fraction as a percentage in the reader's writing: 0.0337 -> '3.37 %' / '3,37 %'."""
    if rate is None:
        return "–"
    if report_language(lang) == "fr":
        return f"{rate * 100:.{digits}f}".replace(".", ",") + "\u00a0%"
    return f"{rate * 100:.{digits}f} %"


def number(value: float, lang: str = "en", digits: int = 1) -> str:
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if report_language(lang) == "fr" else text


class Note(str):
    """A note in English that keeps its key and values, to be worded again in `in_language`."""

    key: str
    params: dict[str, Any]

    def __new__(cls, key: str, **params: Any) -> Note:
        made = super().__new__(cls, word(key, "en", **params))
        made.key, made.params = key, params
        return made

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, Any]]:
        """Copied (a dataclass's `asdict`, a UI state) as a Note, not as its English text."""
        return (self.key,), self.params

    def in_language(self, lang: str) -> str:
        return word(self.key, lang, **self.params)


class Worded(str):
    """A checker's message that is one of ours, in the post's language, keeping its wording in
    every language: a finding reads in the reader's language, not the post's."""

    messages: dict[str, str]

    def __new__(cls, text: str, messages: dict[str, str] | None = None) -> Worded:
        made = super().__new__(cls, text)
        made.messages = dict(messages or {})
        return made

    def __getnewargs_ex__(self) -> tuple[tuple[str, dict[str, str]], dict[str, Any]]:
        return (str(self), self.messages), {}

    def in_language(self, lang: str) -> str:
        return self.messages.get(report_language(lang)) or str(self)


def worded(note: str, lang: str) -> str:
    return note.in_language(lang) if isinstance(note, Note | Worded) else note
