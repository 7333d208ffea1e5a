"""Brand rules from the charter: substitutions, forbidden terms, legal mentions, name case,
address form, emoji and exclamation caps, ALL-CAPS words, CamelCase hashtags."""

from __future__ import annotations

import regex

from ..core.charter import Charter
from ..core.tokens import SpanIndex, emojis, hashtags, overlaps, social_spans, word_spans
from .match import Match
from .rules import rule_match

TU_WORDS = {"fr": r"tu|te|toi|ton|ta|tes|t'|t’"}
VOUS_WORDS = {"fr": r"vous|votre|vos"}
CAPS_WORD = regex.compile(r"(?<![\w#@])\p{Lu}{3,}(?![\w])")


def brand_matches(
    text: str, lang: str, charter: Charter, platform: str | None = None
) -> list[Match]:
    """Every brand-rule finding in the text."""
    social = SpanIndex(social_spans(text))
    found = _substitutions(text, lang, charter, social) + _forbidden(text, lang, charter)
    found += _legal(text, lang, charter, platform) + _name_case(text, lang, charter, social)
    found += _address(text, lang, charter) + _emoji(text, lang, charter)
    found += _exclamations(text, lang, charter) + _caps(text, lang, charter, social)
    found += _hashtag_case(text, lang)
    return found


def _substitutions(text, lang, charter, social) -> list[Match]:
    found = []
    for avoid, use in charter.vocabulary.substitutions.items():
        for span in word_spans(text, [avoid]):
            if not overlaps(span.start, span.end, social):
                found.append(
                    rule_match(
                        "brand.substitution",
                        lang,
                        span.start,
                        span.end - span.start,
                        (use,),
                        avoid=span.text,
                        use=use,
                    )
                )
    return found


def _forbidden(text, lang, charter) -> list[Match]:
    return [
        rule_match("brand.forbidden", lang, s.start, s.end - s.start, term=s.text)
        for s in word_spans(text, charter.vocabulary.forbidden)
    ]


def _legal(text, lang, charter, platform) -> list[Match]:
    mentions = charter.legal_for(platform) if platform else [m.text for m in charter.legal]
    flat = " ".join(text.split()).casefold()
    return [
        rule_match(
            "brand.legal_missing",
            lang,
            len(text),
            0,
            (("\n\n" if text else "") + mention,),
            mention=mention,
        )
        for mention in mentions
        if " ".join(mention.split()).casefold() not in flat
    ]


def _name_case(text, lang, charter, social) -> list[Match]:
    return [
        rule_match(
            "brand.name_case", lang, s.start, s.end - s.start, (charter.name,), name=charter.name
        )
        for s in word_spans(text, [charter.name])
        if s.text != charter.name and not overlaps(s.start, s.end, social)
    ]


def _address(text, lang, charter) -> list[Match]:
    if lang != "fr" or charter.voice.address == "you":
        return []
    wrong = TU_WORDS["fr"] if charter.voice.address == "vous" else VOUS_WORDS["fr"]
    rule = "brand.address" if charter.voice.address == "vous" else "brand.address_tu"
    pattern = regex.compile(rf"(?<![\w])(?:{wrong})(?![\w])", regex.IGNORECASE)
    return [
        rule_match(
            rule, lang, m.start(), len(m.group()), word=m.group(), address=charter.voice.address
        )
        for m in pattern.finditer(text)
    ]


def _emoji(text, lang, charter) -> list[Match]:
    found = emojis(text)
    if found and not charter.emoji.allowed:
        return [rule_match("brand.emoji_forbidden", lang, found[0].start, len(found[0].text))]
    if len(found) > charter.emoji.max:
        extra = found[charter.emoji.max]
        return [
            rule_match(
                "brand.emoji_max",
                lang,
                extra.start,
                len(extra.text),
                count=len(found),
                max=charter.emoji.max,
            )
        ]
    return []


def _exclamations(text, lang, charter) -> list[Match]:
    marks = [m.start() for m in regex.finditer("!", text)]
    if len(marks) <= charter.rules.exclamation_max:
        return []
    at = marks[charter.rules.exclamation_max]
    return [
        rule_match(
            "brand.exclamation_max",
            lang,
            at,
            1,
            count=len(marks),
            max=charter.rules.exclamation_max,
        )
    ]


def _caps(text, lang, charter, social) -> list[Match]:
    own = {w.casefold() for w in charter.own_words}
    words = [
        m
        for m in CAPS_WORD.finditer(text)
        if m.group().casefold() not in own and not overlaps(m.start(), m.end(), social)
    ]
    return [
        rule_match(
            "brand.all_caps",
            lang,
            m.start(),
            len(m.group()),
            (m.group().capitalize(),),
            word=m.group(),
        )
        for m in words[charter.rules.caps_words_max :]
    ]


def _hashtag_case(text, lang) -> list[Match]:
    return [
        rule_match(
            "brand.hashtag_camelcase",
            lang,
            s.start,
            len(s.text),
            suggestion="#" + s.text[1:].capitalize(),
        )
        for s in hashtags(text)
        if len(s.text) > 9 and s.text[1:].islower()
    ]
