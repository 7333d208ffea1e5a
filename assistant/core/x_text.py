"""X's weighted length by twitter-text's own rules, measured in linear time on long texts,
and URLs shortened as networks count them (twitter-text's URL extractor)."""

from __future__ import annotations

import unicodedata
from functools import cache

import regex
from twitter_text import parse_tweet
from twitter_text.config import config as twitter_config
from twitter_text.regexp.emoji import emoji_list as twitter_emoji_list
from twitter_text.regexp.invalid_chars import invalid_chars

from .web_addresses import has_long_run, url_matches

X_CONFIG = twitter_config["version3"]
X_PIECE = 4000  # up to this length twitter-text itself measures the whole text
X_WORD = regex.compile(r"\S*\s*")
X_LINE_END = regex.compile(r"\r\n|\r")
X_DOT = regex.compile(r"\.[^\W_]")  # a URL needs a dot before a letter or digit
X_DOT_WORD = regex.compile(r"(?<!\S)\S*?\.[^\W_]\S*\s*")
X_LIGHT = regex.compile(
    "["
    + "".join(
        f"{regex.escape(chr(r['start']))}-{regex.escape(chr(r['end']))}" for r in X_CONFIG["ranges"]
    )
    + "]"
)
X_LIGHT_WEIGHT = next(iter({r["weight"] for r in X_CONFIG["ranges"]}))


def x_weighted(text: str) -> tuple[int, bool]:
    """twitter-text v3's weighted length and validity, in time linear in the text.

    twitter-text scans every character with its emoji pattern (about 10 µs each), so a long
    text is measured here: emoji through a lookup of the same list, the URL extractor only
    over the words with a dot (no URL straddles whitespace, and weights add up), and every
    other code point by its range in one pass. The result equals twitter-text's, which the
    tests check. A text with a run of dots twitter-text's parser would take minutes over
    (`web_addresses`) is measured here too, whatever its length."""
    if len(text) <= X_PIECE and not has_long_run(text):
        parsed = parse_tweet(text, X_CONFIG)
        return parsed.weightedLength, parsed.valid
    units = _units("".join(X_DOT_WORD.findall(text)), urls=True)
    units += _units(X_DOT_WORD.sub("", text), urls=False)
    total = units // X_CONFIG["scale"]
    valid = 0 < total <= X_CONFIG["max_weighted_tweet_length"]
    return total, valid and not invalid_chars.search(unicodedata.normalize("NFC", text))


def _units(text: str, urls: bool) -> int:
    """twitter-text's weight of a text in its units: a URL counts its fixed length, an emoji
    sequence the default weight, a URL first when both start at one place, others by range."""
    normal = X_LINE_END.sub("\n", unicodedata.normalize("NFC", text))
    tokens = []
    if urls:
        url_weight = X_CONFIG["transformed_url_length"] * X_CONFIG["scale"]
        tokens += [(*u["indices"], 0, url_weight) for u in url_matches(normal)]
    weight = X_CONFIG["default_weight"]
    tokens += [(start, end, 1, weight) for start, end in _emoji_spans(normal)]
    units, at = 0, 0
    for start, end, _, weight in sorted(tokens):
        if start < at:
            continue  # inside a token already counted
        units += _plain_units(normal[at:start]) + weight
        at = end
    return units + _plain_units(normal[at:])


@cache
def _emoji_table() -> tuple[regex.Pattern, dict[str, list[int]], frozenset[str]]:
    """twitter-text's own emoji list as lookups: the characters that start a sequence worth
    finding (multi-code-point ones, and single emoji in a light range, which weigh more as
    emoji than as characters), the lengths to try at each (longest first, as its pattern
    does), and every such sequence."""
    sequences = {"".join(chr(int(c, 16)) for c in e.codepoint.split()) for e in twitter_emoji_list}
    wanted = frozenset(s for s in sequences if len(s) > 1 or X_LIGHT.match(s))
    lengths: dict[str, set[int]] = {}
    for seq in wanted:
        lengths.setdefault(seq[0], set()).add(len(seq))
    starts = regex.compile("[" + "".join(regex.escape(c) for c in lengths) + "]")
    return starts, {c: sorted(found, reverse=True) for c, found in lengths.items()}, wanted


def _emoji_spans(text: str) -> list[tuple[int, int]]:
    """The emoji twitter-text's pattern finds whose weight differs from their characters'
    weight, by the same scan (the longest sequence at a place, then on after it), with a
    dictionary lookup where its pattern tries thousands of alternatives."""
    starts, lengths, wanted = _emoji_table()
    spans, at = [], 0
    while found := starts.search(text, at):
        at = found.start()
        end = next((at + n for n in lengths[text[at]] if text[at : at + n] in wanted), None)
        if end is None:
            at += 1
            continue
        spans.append((at, end))
        at = end
    return spans


def _plain_units(text: str) -> int:
    light = len(text) - len(X_LIGHT.sub("", text))
    return light * X_LIGHT_WEIGHT + (len(text) - light) * X_CONFIG["default_weight"]


def shorten_urls(text: str, url_length: int) -> str:
    """Replace each URL by a placeholder of the length the network charges for it (in a
    long text, word by word: only a word with a dot can hold a URL, and the extractor is slow).

    One pass over the words, each handed to the extractor once: a single word longer than
    X_PIECE is measured whole (it cannot be split any further), never split again."""
    if len(text) <= X_PIECE:
        return _shortened(text, url_length)
    return "".join(
        _shortened(word, url_length) if X_DOT.search(word) else word
        for word in X_WORD.findall(text)
    )


def _shortened(text: str, url_length: int) -> str:
    """The text with each URL twitter-text's extractor finds as `url_length` x's."""
    pieces, last = [], 0
    for found in url_matches(text):
        start, end = found["indices"]
        pieces += [text[last:start], "x" * url_length]
        last = end
    return "".join(pieces) + text[last:]
