"""Real words an engine does not know: acronyms (AOP, IGP, SNCF, B2B), product and brand
names in CamelCase (CloudRest), and capitalised words inside a sentence (proper nouns:
Cornouaille, Colissimo, Tomás). Brand posts are full of them; flagging them as errors teaches
writers to ignore the checker, and a one-click fix "AOP → OP" damages the text. They stay
visible as `info`, and an acronym never gets a replacement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import cache
from pathlib import Path

import regex
import yaml

from ..core.charter import Charter
from ..core.tokens import word_spans
from .match import Match

ACRONYM = regex.compile(r"^(?=(?:\p{Lu}.*){2})[\p{Lu}\d&'’-]+$")
# A capital letter alone is a name too (a B Corp, plan B), except words that are one letter.
LETTER = regex.compile(r"^(?![AIÀY]$)\p{Lu}$")
ELISION = regex.compile(r"^(?:[ldjmnst]|qu|jusqu|lorsqu|puisqu)['’]", regex.IGNORECASE)
CAMEL_CASE = regex.compile(r"^\p{Lu}\p{Ll}+\p{Lu}")
CAPITALISED = regex.compile(r"^\p{Lu}")
SENTENCE_END = regex.compile(r"(?:^|[.!?…]|\n)[\s\"'«»“”()\[\]]*$")
SOCIAL_WORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "social_words.yaml"


@cache
def social_words(lang: str) -> frozenset[str]:
    """Everyday social-media words of a language that dictionaries lack (`data/social_words.yaml`)."""
    table = yaml.safe_load(SOCIAL_WORDS_FILE.read_text(encoding="utf-8"))
    return frozenset(word.lower() for word in table.get(lang, []))


def social_words_known(text: str, found: list[Match], lang: str) -> list[Match]:
    """Spelling matches on words like "collab" or "repost" are dropped: they are the words of
    the trade, and an error on them in every post teaches writers to ignore the checker."""
    known = social_words(lang)
    return [
        m
        for m in found
        if not (_is_spelling(m) and ELISION.sub("", text[m.offset : m.end]).lower() in known)
    ]


def quiet_real_words(text: str, found: list[Match], charter: Charter | None) -> list[Match]:
    """Spelling matches on acronyms, charter words, names and proper nouns become hints; so
    does any other engine match whose whole span is an acronym (Harper's "B" → "byte")."""
    accepted = charter.own_words if charter is not None else []
    return [
        _quieted(text, m, accepted) if _is_spelling(m) else _acronym_kept(text, m) for m in found
    ]


def _acronym_kept(text: str, match: Match) -> Match:
    word = text[match.offset : match.end]
    if ACRONYM.match(word) or LETTER.match(word):
        return _hint(match, "acronym", keep_fixes=False)
    return match


def _is_spelling(match: Match) -> bool:
    return match.extra.get("type") == "spelling" or match.category == "TYPOS"


def _quieted(text: str, match: Match, accepted: list[str]) -> Match:
    word = ELISION.sub("", text[match.offset : match.end])
    if ACRONYM.match(word):
        return _hint(match, "acronym", keep_fixes=False)
    if word_spans(word, accepted):
        return _hint(match, "accepted", keep_fixes=False)
    if CAMEL_CASE.match(word) or (CAPITALISED.match(word) and not _starts_sentence(text, match)):
        return _hint(match, "name", keep_fixes=True)
    return match


SENTENCE_WINDOW = 300


def _starts_sentence(text: str, match: Match) -> bool:
    """First word of the text, of a line, or after . ! ? … (emoji and tokens count as blanks).
    Only the last few hundred characters are looked at: blanking the whole text before every
    capitalised word made a long text quadratic (two minutes for 200,000 characters)."""
    start = max(0, match.offset - SENTENCE_WINDOW)
    return bool(SENTENCE_END.search(_blank_symbols(text[start : match.offset])))


def _blank_symbols(before: str) -> str:
    return regex.sub(r"[^\p{L}\p{N}\p{P}\n]", " ", before)


def _hint(match: Match, why: str, keep_fixes: bool) -> Match:
    """An `info` match; the word goes in `extra` so suggestions are asked only if kept."""
    extra = {**match.extra, "type": "spelling" if keep_fixes else why, "real_word": why}
    fixes = match.replacements if keep_fixes else ()
    return replace(match, severity="info", replacements=fixes, extra=extra)


def acronyms_not_shouting(
    text: str, found: list[Match], is_word: Callable[[str], bool]
) -> list[Match]:
    """The brand's ALL-CAPS rule is about shouting ("SOLDES" is a word in lower case); an
    acronym (AOP, SNCF, IGP) is not, so its warning and its harmful fix ("Aop") are dropped."""
    return [
        m for m in found if m.rule_id != "brand.all_caps" or is_word(text[m.offset : m.end].lower())
    ]
