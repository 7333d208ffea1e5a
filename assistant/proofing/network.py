"""Network rules: length by the network's own counting, hashtags, links, fold, characters."""

from __future__ import annotations

import regex

from ..core.charter import Charter
from ..core.platforms import Platform, fold_index, measure
from ..core.tokens import SpanIndex, hashtags, overlaps, urls, word_spans
from .match import Match
from .rules import rule_match

BIDI_CONTROLS = regex.compile(r"[\u202a-\u202e\u2066-\u2069]+")


def network_matches(
    text: str, lang: str, platform: Platform, charter: Charter | None = None
) -> list[Match]:
    """Every network-rule finding in the text."""
    found = _length(text, lang, platform) + _hashtag_count(text, lang, platform, charter)
    found += _links(text, lang, platform, charter) + _fold(text, lang, platform, charter)
    found += _characters(text, lang, platform) + _bidi_controls(text, lang)
    return found


def _length(text, lang, platform) -> list[Match]:
    result = measure(text, platform)
    if result.fits or result.length <= platform.max_length:
        return []
    cut = _cut_index(text, platform)
    return [
        rule_match(
            "platform.too_long",
            lang,
            cut,
            len(text) - cut,
            network=platform.name,
            count=result.length,
            max=platform.max_length,
            overflow=result.overflow,
        )
    ]


def _cut_index(text: str, platform: Platform) -> int:
    """The first `str` index past the limit, by binary search over the network's counting."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle], platform).length <= platform.max_length:
            low = middle
        else:
            high = middle - 1
    return low


def _hashtag_count(text, lang, platform, charter) -> list[Match]:
    tags = hashtags(text)
    caps = [("platform.too_many_hashtags", platform.max_hashtags)]
    if charter is not None:
        caps.append(("platform.charter_hashtags", charter.hashtag_cap(platform.id)))
    for rule_id, cap in caps:
        if len(tags) > cap:
            extra = tags[cap]
            return [
                rule_match(
                    rule_id,
                    lang,
                    extra.start,
                    len(extra.text),
                    count=len(tags),
                    network=platform.name,
                    max=cap,
                )
            ]
    return []


def _links(text, lang, platform, charter) -> list[Match]:
    """URLs that will not be clickable; a legal mention's own URL must stay, so it is not one."""
    if platform.links_clickable:
        return []
    required = SpanIndex(word_spans(text, [m.text for m in charter.legal]) if charter else [])
    return [
        rule_match(
            "platform.link_not_clickable", lang, u.start, u.end - u.start, network=platform.name
        )
        for u in urls(text)
        if not overlaps(u.start, u.end, required)
    ]


def _fold(text, lang, platform, charter) -> list[Match]:
    fold = fold_index(text, platform)
    cta = charter.cta_for(platform.id) if charter else ""
    if fold is None or not cta:
        return []
    spans = word_spans(text, [cta])
    if spans and spans[0].start >= fold:
        return [
            rule_match(
                "platform.cta_after_fold",
                lang,
                spans[0].start,
                spans[0].end - spans[0].start,
                network=platform.name,
                fold=fold,
            )
        ]
    return []


def _bidi_controls(text: str, lang: str) -> list[Match]:
    """Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) reorder what
    a reader sees ("Trojan Source"); each run is an error whose one fix removes it."""
    return [
        rule_match(
            "platform.bidi_control",
            lang,
            found.start(),
            len(found.group()),
            ("",),
            code=", ".join(f"U+{ord(ch):04X}" for ch in found.group()),
        )
        for found in BIDI_CONTROLS.finditer(text)
    ]


def _characters(text, lang, platform) -> list[Match]:
    return [
        rule_match("platform.forbidden_character", lang, i, 1, network=platform.name, char=ch)
        for i, ch in enumerate(text)
        if ch in platform.forbidden_characters
    ]
