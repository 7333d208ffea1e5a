"""Network profiles (data in `data/platforms.yaml`) and length as each network counts it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import grapheme
import regex
import yaml
from pydantic import BaseModel, ConfigDict

from .errors import UnknownPlatform
from .limits import clean_text, limits

PROFILES_FILE = Path(__file__).parent.parent / "data" / "platforms.yaml"
Counting = Literal["x_weighted", "graphemes", "characters", "utf8_bytes"]
LONG_TEXT = 4000  # past this length no text fits any network: counted in bulk, in C
GRAPHEME = regex.compile(r"\X")
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
        text = shorten_urls(text, platform.url_length)
    if platform.id == "mastodon":
        text = MASTODON_REMOTE_MENTION.sub(r"\1", text)
    if platform.counting == "graphemes":
        return grapheme_count(text)
    return len(text)


def grapheme_count(text: str) -> int:
    """User-perceived characters. The `grapheme` package walks the text in Python (about
    1 µs a character); past LONG_TEXT characters, far over any grapheme-counted limit, the
    regex module's clusters (same UAX #29 rules, newer Unicode data) count it in C."""
    if len(text) <= LONG_TEXT:
        return grapheme.length(text)
    return len(GRAPHEME.findall(text))


def x_weighted(text: str) -> tuple[int, bool]:
    """X's weighted length and validity (twitter-text's patterns take 0.3 s to load, so
    commands that never measure for X do not pay for them)."""
    from .x_text import x_weighted as weighted

    return weighted(text)


def shorten_urls(text: str, url_length: int) -> str:
    """The text with each URL as long as the network charges for it."""
    from .x_text import shorten_urls as shorten

    return shorten(text, url_length)


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
