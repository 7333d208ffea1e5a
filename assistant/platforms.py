"""Network profiles (data in `data/platforms.yaml`) and length as each network counts it."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import grapheme
import regex
import yaml
from pydantic import BaseModel, ConfigDict
from twitter_text import parse_tweet
from twitter_text.config import config as twitter_config
from twitter_text.extract_urls import extract_urls_with_indices
from twitter_text.regexp.emoji import emoji_list as twitter_emoji_list
from twitter_text.regexp.invalid_chars import invalid_chars

from .errors import UnknownPlatform
from .limits import clean_text, limits

PROFILES_FILE = Path(__file__).parent / "data" / "platforms.yaml"
Counting = Literal["x_weighted", "graphemes", "characters", "utf8_bytes"]
X_CONFIG = twitter_config["version3"]
X_PIECE = 4000  # up to this length twitter-text itself measures the whole text
X_WORD = regex.compile(r"\S*\s*")
GRAPHEME = regex.compile(r"\X")
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
MASTODON_REMOTE_MENTION = regex.compile(r"(?<![\w@])(@\w+)@[\w.-]+\.\w+")


class ImageSize(BaseModel):
    """One recommended image size of a network."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    width: int
    height: int


class Platform(BaseModel):
    """A network's rules: limits, counting, fold, hashtags, links and images."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    name: str
    max_length: int
    counting: Counting
    see_more: int | None = None
    max_hashtags: int
    links_clickable: bool
    url_length: int | None = None
    max_bytes: int | None = None
    title_max_length: int | None = None
    forbidden_characters: str = ""
    max_image_bytes: int
    image_sizes: list[ImageSize]

    def public(self) -> dict:
        """The documented JSON shape of `assistant platforms --format json`."""
        return self.model_dump(exclude_none=False)


@dataclass(frozen=True)
class Measure:
    """A text's length on a network and whether it fits."""

    platform: str
    length: int
    max_length: int
    fits: bool

    @property
    def overflow(self) -> int:
        return max(0, self.length - self.max_length)

    def as_dict(self) -> dict:
        return {
            "platform": self.platform,
            "length": self.length,
            "max_length": self.max_length,
            "fits": self.fits,
        }


@cache
def all_platforms() -> dict[str, Platform]:
    """Every profile, keyed by id, in file order."""
    raw = yaml.safe_load(PROFILES_FILE.read_text(encoding="utf-8"))
    return {key: Platform(id=key, **value) for key, value in raw.items()}


def platform_ids() -> list[str]:
    return list(all_platforms())


def get_platform(platform_id: str) -> Platform:
    """One profile by id; an unknown id lists the known ones."""
    try:
        return all_platforms()[platform_id.strip().lower()]
    except KeyError:
        raise UnknownPlatform(
            f"unknown network {platform_id!r}; expected one of {', '.join(platform_ids())}"
        ) from None


def parse_platform_list(value: str) -> list[str]:
    """'x, LinkedIn' -> ['x', 'linkedin'], each checked; a list naming no network (`,`) is
    refused rather than drafting nothing and reporting success."""
    found = [get_platform(p).id for p in value.split(",") if p.strip()]
    if not found:
        raise UnknownPlatform(
            f"no network in {value!r}; give one or more of {', '.join(platform_ids())}, "
            "separated by commas",
            key="no_network",
        )
    return list(dict.fromkeys(found))


def length_on(text: str, platform: Platform) -> int:
    """The text's length as the network counts it."""
    if platform.counting == "x_weighted":
        return x_weighted(text)[0]
    if platform.counting == "utf8_bytes":
        return len(text.encode("utf-8"))
    if platform.url_length is not None:
        text = _shorten_urls(text, platform.url_length)
    if platform.id == "mastodon":
        text = MASTODON_REMOTE_MENTION.sub(r"\1", text)
    if platform.counting == "graphemes":
        return grapheme_count(text)
    return len(text)


def grapheme_count(text: str) -> int:
    """User-perceived characters. The `grapheme` package walks the text in Python (about
    1 µs a character); past X_PIECE characters, far over any grapheme-counted limit, the
    regex module's clusters (same UAX #29 rules, newer Unicode data) count it in C."""
    if len(text) <= X_PIECE:
        return grapheme.length(text)
    return len(GRAPHEME.findall(text))


def x_weighted(text: str) -> tuple[int, bool]:
    """twitter-text v3's weighted length and validity, in time linear in the text.

    twitter-text scans every character with its emoji pattern (about 10 µs each), so a long
    text is measured here: emoji through a lookup of the same list, the URL extractor only
    over the words with a dot (no URL straddles whitespace, and weights add up), and every
    other code point by its range in one pass. The result equals twitter-text's, which the
    tests check."""
    if len(text) <= X_PIECE:
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
        tokens += [(*u["indices"], 0, url_weight) for u in extract_urls_with_indices(normal)]
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


def _shorten_urls(text: str, url_length: int) -> str:
    """Replace each URL by a placeholder of the length the network charges for it (in a
    long text, word by word: only a word with a dot can hold a URL, and the extractor is slow)."""
    if len(text) > X_PIECE:
        return "".join(
            _shorten_urls(word, url_length) if X_DOT.search(word) else word
            for word in X_WORD.findall(text)
        )
    pieces, last = [], 0
    for found in extract_urls_with_indices(text):
        start, end = found["indices"]
        pieces += [text[last:start], "x" * url_length]
        last = end
    return "".join(pieces) + text[last:]


def measure(text: str, platform: Platform | str) -> Measure:
    """Length, limit and fit of a text on one network (bytes and forbidden characters too);
    a text over the `count_chars` bound is refused at once."""
    if len(text) > limits().count_chars:
        clean_text(
            text, "the text to count", limits().count_chars
        )  # raises its too_long InputError
    profile = platform if isinstance(platform, Platform) else get_platform(platform)
    if profile.counting == "x_weighted":
        length, fits = x_weighted(text)
    else:
        length = length_on(text, profile)
        fits = length <= profile.max_length
    if profile.max_bytes is not None and len(text.encode("utf-8")) > profile.max_bytes:
        fits = False
    if any(ch in text for ch in profile.forbidden_characters):
        fits = False
    return Measure(profile.id, length, profile.max_length, fits)


def fold_index(text: str, platform: Platform) -> int | None:
    """Where the feed's "see more" cut falls, as a `str` index (None: no cut)."""
    if platform.see_more is None or len(text) <= platform.see_more:
        return None
    return platform.see_more
