"""The normal form comments and word lists are compared in: lower case, no accents, plain
apostrophes. Triage's cues, the insult lists and reply checks all use it, so it lives apart
from each of them (none imports another just for it)."""

from __future__ import annotations

import unicodedata


def normalise(text: str) -> str:
    """Lower case, accents and typographic apostrophes removed: the form cues are written in."""
    text = text.replace("’", "'").replace("ʼ", "'").lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c) or ord(c) > 0x2000)
