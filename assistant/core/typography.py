"""French typography, the same for a drafted post (the guardrails) and a reply to a comment:
a narrow no-break space before ; ! ?, a no-break space before : and inside « »."""

from __future__ import annotations

import regex

from .tokens import emails, mentions
from .tokens import urls as find_urls

FRENCH_MARK = regex.compile(r"(?<=[\p{L}\p{N})”'’%€])[ \u00a0\u202f]?([;:!?»])")


def french_spacing(text: str) -> str:
    """French typography: narrow no-break space before ; ! ?, no-break space before : and
    inside « », leaving links, e-mail addresses and handles (a space before the `?` of a
    query string breaks the link) and times (10:30) alone."""
    verbatim = [(s.start, s.end) for s in [*find_urls(text), *emails(text), *mentions(text)]]

    def space(match: regex.Match) -> str:
        mark, following = match.group(1), text[match.end() : match.end() + 1]
        if any(start <= match.start(1) < end for start, end in verbatim):
            return match.group(0)
        if mark == ":" and (following == "/" or following.isdigit()):
            return match.group(0)
        return ("\u00a0" if mark in ":»" else "\u202f") + mark

    spaced = FRENCH_MARK.sub(space, text)
    return regex.sub(r"«[ \u00a0\u202f]?", "«\u00a0", spaced)
