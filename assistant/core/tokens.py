"""Social tokens: hashtags, mentions, URLs, e-mails, emoji, numbers and codes in a post.

Checkers must stay silent on them and guardrails must move or count them, so both read
their spans from here. URLs come from twitter-text's extractor; a second pattern catches bare
domains on TLDs twitter-text does not list (reserved ones like `.example`, new gTLDs).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from itertools import accumulate

import emoji
import regex

DOT_BEFORE_WORD = regex.compile(r"\.[^\W_]")
HASHTAG = regex.compile(r"(?<![\w&/])#(\w+)", regex.UNICODE)
MENTION = regex.compile(r"(?<![\w@/])@\w+(?:@[\w-]+(?:\.[\w-]+)+)?", regex.UNICODE)
EMAIL = regex.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", regex.UNICODE)
# possessive labels: a label holds no dot, so there is one way to split a run into labels
# and nothing to backtrack into ("lemoine.example." ends a sentence: a dot followed by no
# label is not a label's), and a name starts only where a run of labels does
# (else "ab.c-ab.c-…" cost seconds per 10,000 characters: every label tried as a start)
BARE_DOMAIN = regex.compile(
    r"(?<![\w@.-])(?:https?://)?(?:[\w-]++\.(?=[\w-]))++\p{Ll}{2,24}(?::\d+)?(?:/[^\s]*[^\s.,;:!?)\]»\"'])?(?![\w@])",
    regex.UNICODE,
)
NUMBER_OR_CODE = regex.compile(
    r"(?<![\w])(?:[\d][\d\s\u202f\u00a0.,:]*\d|\d)(?:\s?[%€$£]|\s?(?:h|min|km|kg|g|m|cm|mm|ml|l|°C))?(?![\w])"
    r"|(?<![\w])\d{1,2}[hH]\d{2}(?![\w])|(?<![\w])[\p{L}]{1,4}\d[\w-]*|(?<![\w])\d+[\p{L}]{1,3}(?![\w])",
    regex.UNICODE,
)


@dataclass(frozen=True)
class Span:
    """A token's place in the text, in Python `str` indices."""

    start: int
    end: int
    kind: str
    text: str


def urls(text: str) -> list[Span]:
    """URLs with or without a scheme, including bare domains on any TLD; never the domain of
    an e-mail address (moving it out as a link left "contact@maison-" behind). A text with
    no dot before a letter or digit holds no URL, and twitter-text (0.2 s to load) is not
    needed for it."""
    if not DOT_BEFORE_WORD.search(text):
        return []
    from .web_addresses import url_matches

    spans = [
        Span(s, e, "url", text[s:e])
        for s, e in (u["indices"] for u in url_matches(text))
        if not (s > 0 and text[s - 1] == "@")
    ]
    taken = SpanIndex(spans + emails(text))
    for found in BARE_DOMAIN.finditer(text):
        if not taken.touches(found.start(), found.end()):
            spans.append(Span(found.start(), found.end(), "url", found.group()))
    return sorted(spans, key=lambda s: s.start)


def hashtags(text: str) -> list[Span]:
    return [Span(m.start(), m.end(), "hashtag", m.group()) for m in HASHTAG.finditer(text)]


def mentions(text: str) -> list[Span]:
    return [
        Span(m.start(), m.end(), "mention", m.group())
        for m in MENTION.finditer(text)
        if not _inside_email(text, m.start())
    ]


def _inside_email(text: str, at: int) -> bool:
    return at > 0 and (text[at - 1].isalnum() or text[at - 1] in "._+-")


def emails(text: str) -> list[Span]:
    return [Span(m.start(), m.end(), "email", m.group()) for m in EMAIL.finditer(text)]


def _cached_spans(scan: Callable[[str], tuple[Span, ...]]) -> Callable[[str], list[Span]]:
    """A scan run once per recent text (several checks ask for the same spans), each caller
    getting its own list to sort or extend."""
    cached = lru_cache(maxsize=64)(scan)

    @wraps(scan)
    def spans(text: str) -> list[Span]:
        return list(cached(text))

    return spans


@_cached_spans
def emojis(text: str) -> tuple[Span, ...]:
    """Emoji, with skin tones and ZWJ sequences as one token (the `emoji` package's data);
    cached: the emoji scan is the slowest token scan, and masking and brand rules both ask."""
    return tuple(
        Span(e["match_start"], e["match_end"], "emoji", e["emoji"]) for e in emoji.emoji_list(text)
    )


def numbers(text: str) -> list[Span]:
    return [Span(m.start(), m.end(), "number", m.group()) for m in NUMBER_OR_CODE.finditer(text)]


@_cached_spans
def social_spans(text: str) -> tuple[Span, ...]:
    """Every span a spell or grammar checker must not flag, sorted by start; cached: one
    check asks three times (masking, filtering, brand rules). Spans found first win; the kept spans never overlap, so each new one is tested against its two
    neighbours in start order (n log n, not n²)."""
    kept = sorted(urls(text), key=lambda s: s.start)
    starts = [s.start for s in kept]
    for extra in (mentions(text), emails(text), hashtags(text), emojis(text), numbers(text)):
        for span in extra:
            at = bisect_left(starts, span.end)
            if at and kept[at - 1].end > span.start:
                continue  # the span starting before its end reaches into it
            at = bisect_left(starts, span.start)
            starts.insert(at, span.start)
            kept.insert(at, span)
    return tuple(kept)


def word_spans(text: str, words: list[str]) -> list[Span]:
    """Occurrences of the given words (case-insensitive, whole words)."""
    if not words:
        return []
    alternatives = "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))
    pattern = regex.compile(rf"(?<![\w])(?:{alternatives})(?![\w])", regex.IGNORECASE)
    return [Span(m.start(), m.end(), "charter", m.group()) for m in pattern.finditer(text)]


class SpanIndex:
    """Spans prepared for many overlap questions: starts sorted, with the running maximum
    of their ends, so each question costs a binary search instead of a scan."""

    def __init__(self, spans: list[Span] | tuple[Span, ...]) -> None:
        ordered = sorted(spans, key=lambda s: s.start)
        self.starts = [s.start for s in ordered]
        self.reach = list(accumulate((s.end for s in ordered), max))

    def touches(self, start: int, end: int) -> bool:
        at = bisect_left(self.starts, end)
        return at > 0 and self.reach[at - 1] > start


def _overlaps_any(start: int, end: int, spans: list[Span]) -> bool:
    return any(start < s.end and s.start < end for s in spans)


def overlaps(start: int, end: int, spans: list[Span] | SpanIndex) -> bool:
    """Whether [start, end) touches any of the spans (pass a SpanIndex when asking often)."""
    if isinstance(spans, SpanIndex):
        return spans.touches(start, end)
    return _overlaps_any(start, end, spans)
