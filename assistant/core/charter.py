"""Brand charter: the YAML file every prompt, guardrail, check and visual is grounded in.

Validation is strict (unknown fields are errors) because a misspelt key silently ignored is
a brand rule silently not applied.
"""

from __future__ import annotations

from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..community.charter_section import Community
from .charter_errors import (
    explain_validation,
    field_problem,
    quoted_value,
    yaml_position,
    yaml_problem,
)
from .errors import CharterError, UnknownBrand
from .limits import Limits, limits
from .platforms import platform_ids

HEX_COLOUR = r"^#[0-9A-Fa-f]{6}$"
GUIDE = "See brand_guides/README.md for every field."


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Voice(_Strict):
    """How the brand speaks."""

    tone: list[str] = Field(min_length=1)
    address: Literal["tu", "vous", "you"]
    do: list[str] = []
    dont: list[str] = []


class Vocabulary(_Strict):
    """Words to replace, to ban, and to accept as correctly spelt."""

    substitutions: dict[str, str] = {}
    forbidden: list[str] = []
    accepted: list[str] = []


class Hashtags(_Strict):
    """Brand hashtags and how many a post may carry."""

    brand: list[str] = []
    max: int = Field(default=3, ge=0)
    per_platform: dict[str, int] = {}

    @field_validator("brand")
    @classmethod
    def _hash_prefixed(cls, tags: list[str]) -> list[str]:
        for tag in tags:
            if not tag.startswith("#") or len(tag) < 2 or " " in tag:
                raise ValueError(f"hashtag {tag!r} must start with '#' and contain no space")
        return tags


class EmojiPolicy(_Strict):
    """Whether and how much emoji the brand uses."""

    allowed: bool = True
    max: int = Field(default=3, ge=0)
    preferred: list[str] = []


class LegalMention(_Strict):
    """A mention that must appear, on every network or on the listed ones."""

    text: str = Field(min_length=1)
    platforms: list[str] = []


class Colours(_Strict):
    """Brand colours as #RRGGBB; text_light and text_dark are the two text choices."""

    primary: str = Field(pattern=HEX_COLOUR)
    secondary: str = Field(pattern=HEX_COLOUR)
    background: str = Field(pattern=HEX_COLOUR)
    text_light: str = Field(pattern=HEX_COLOUR)
    text_dark: str = Field(pattern=HEX_COLOUR)


class VisualIdentity(_Strict):
    """Colours, font and logo; file paths are relative to the charter."""

    colors: Colours
    font: str
    font_license: str
    logo: str
    layout: Literal["text_card", "photo_card"] = "text_card"


class PlatformOverride(_Strict):
    """What changes for one network."""

    hashtags_max: int | None = Field(default=None, ge=0)
    cta: str | None = None
    signature: str | None = None


class Rules(_Strict):
    """Limits checked by the brand rules."""

    exclamation_max: int = Field(default=2, ge=0)
    caps_words_max: int = Field(default=0, ge=0)


class ReviewPolicy(_Strict):
    """Review and calendar policy."""

    allow_self_approval: bool = False
    min_spacing_minutes: int = Field(default=120, ge=0)
    posts_per_day: int | None = Field(default=None, ge=1)
    # a client's approve through a review link: beside the team's (advisory) or the approval
    client_approval: Literal["final", "advisory"] = "advisory"


FactKind = Literal[
    "date", "time", "price", "percent", "code", "url", "handle", "email", "phone", "number"
]


class FactPolicy(_Strict):
    """Facts of a brief that every variant must carry: a missing one is an error, not a
    warning (a promo code, the date of an offer's legal mention). A promo code is kept by
    default: a post that lost its code sells something the reader cannot get; a charter
    that really wants codes optional says `must_keep: []`."""

    must_keep: list[FactKind] = ["code"]


class Charter(_Strict):
    """A validated brand charter."""

    name: str = Field(min_length=1)
    description: str = ""
    languages: list[Literal["fr", "en"]] = Field(min_length=1)
    voice: Voice
    vocabulary: Vocabulary = Vocabulary()
    hashtags: Hashtags = Hashtags()
    emoji: EmojiPolicy = EmojiPolicy()
    signature: str = ""
    cta: str = ""
    legal: list[LegalMention] = []
    visual: VisualIdentity
    platforms: dict[str, PlatformOverride] = Field(min_length=1)
    typography: Literal["relaxed", "strict"] = "relaxed"
    dialect: Literal["en-US", "en-GB"] = "en-US"
    rules: Rules = Rules()
    review: ReviewPolicy = ReviewPolicy()
    facts: FactPolicy = FactPolicy()
    community: Community = Community()
    timezone: str = ""  # IANA name the brand plans in; empty: the Settings default
    slug: str = ""
    source: str = ""

    @field_validator("platforms")
    @classmethod
    def _known_platforms(cls, value: dict[str, PlatformOverride]) -> dict[str, PlatformOverride]:
        known = platform_ids()
        for name in value:
            if name not in known:
                raise ValueError(f"unknown network {name!r}; expected one of {', '.join(known)}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        if value:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    f"unknown time zone {value[:64]!r}; write an IANA name such as Europe/Paris"
                ) from None
        return value

    @property
    def language(self) -> str:
        """The default language (the first listed)."""
        return self.languages[0]

    @property
    def networks(self) -> list[str]:
        """The networks the brand is on, in charter order."""
        return list(self.platforms)

    @property
    def folder(self) -> Path:
        """The folder the charter's asset paths are relative to."""
        return Path(self.source).parent

    @property
    def font_path(self) -> Path:
        return (self.folder / self.visual.font).resolve()

    @property
    def logo_path(self) -> Path:
        return (self.folder / self.visual.logo).resolve()

    def hashtag_cap(self, platform: str) -> int:
        """How many hashtags this brand allows on one network (override, then per-platform)."""
        override = self.platforms.get(platform)
        if override and override.hashtags_max is not None:
            return override.hashtags_max
        return self.hashtags.per_platform.get(platform, self.hashtags.max)

    def legal_for(self, platform: str) -> list[str]:
        """The legal mentions that must appear on one network."""
        return [m.text for m in self.legal if not m.platforms or platform in m.platforms]

    def cta_for(self, platform: str) -> str:
        override = self.platforms.get(platform)
        return override.cta if override and override.cta is not None else self.cta

    def signature_for(self, platform: str) -> str:
        override = self.platforms.get(platform)
        return override.signature if override and override.signature is not None else self.signature

    @cached_property
    def own_words(self) -> list[str]:
        """Words the charter itself uses: never spelling mistakes."""
        words = [self.name, *self.vocabulary.accepted, *self.vocabulary.substitutions.values()]
        return [w for w in words if w]

    @cached_property
    def own_phrases(self) -> list[str]:
        """Texts the charter imposes word for word (signatures, calls to action, legal
        mentions): checkers must not ask to rewrite what the brand requires."""
        overrides = [t for o in self.platforms.values() for t in (o.cta, o.signature) if t]
        phrases = [self.signature, self.cta, *overrides, *(m.text for m in self.legal)]
        return list(dict.fromkeys(p for p in phrases if p))


def load_charter(path: str | Path, brand_root: str | Path | None = None) -> Charter:
    """Load and validate one charter; any problem raises a CharterError naming file and field.

    Parsed charters are kept per file and modification time: every check, edit and card
    needs its brand, and parsing and validating the YAML costs about 20 ms.
    """
    try:
        stamp = Path(path).stat().st_mtime_ns
    except OSError:
        stamp = None
    return _load_charter(str(path), None if brand_root is None else str(brand_root), stamp)


@lru_cache(maxsize=64)
def _load_charter(path: str | Path, brand_root: str | None, _stamp: int | None) -> Charter:
    path = Path(path)
    shown = str(path)
    raw = _yaml_mapping(path, shown)
    raw = {**raw, "slug": path.stem, "source": str(path.resolve())}
    try:
        charter = Charter.model_validate(raw)
    except ValidationError as exc:
        raise explain_validation(shown, exc) from None
    _check_assets(charter, shown, Path(brand_root) if brand_root else path.parent)
    return charter


def _yaml_mapping(path: Path, shown: str) -> dict[str, Any]:
    """The charter's YAML as a mapping, refusing before any parsing a file over the size
    bound, and while parsing more aliases or deeper nesting than the bounds allow: a small
    file must not expand into gigabytes (billion laughs) or exhaust the stack."""
    bound = limits()
    try:
        with path.open("rb") as handle:
            data = handle.read(bound.charter_bytes + 1)
    except FileNotFoundError:
        raise field_problem(shown, "", "not_found") from None
    except OSError as exc:
        raise field_problem(shown, "", "unreadable", reason=exc.strerror) from None
    if len(data) > bound.charter_bytes:
        raise field_problem(shown, "", "too_big", "fix_short", limit=f"{bound.charter_bytes:,}")
    try:
        raw = yaml.load(data.decode("utf-8"), Loader=_yaml_loader(bound))
    except UnicodeDecodeError:
        raise field_problem(shown, "", "not_utf8", "fix_utf8") from None
    except _YamlBound as exc:
        where = ("line_column", exc.where)
        raise field_problem(shown, where, exc.key, "fix_guide", limit=exc.limit) from None
    except yaml.YAMLError as exc:
        raise field_problem(
            shown, yaml_position(exc), "yaml_syntax", "fix_yaml", problem=yaml_problem(exc)
        ) from None
    if not isinstance(raw, dict):
        raise field_problem(shown, "", "not_mapping")
    return raw


class _YamlBound(Exception):
    """A bound on aliases or nesting crossed while composing the YAML."""

    def __init__(self, where: dict[str, int], key: str, limit: int) -> None:
        super().__init__(key)
        self.where, self.key, self.limit = where, key, limit


def _yaml_loader(bound: Limits) -> type:
    """A SafeLoader that counts aliases and nesting as it composes the document."""

    class BoundedLoader(yaml.SafeLoader):
        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self._aliases = 0
            self._depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.peek_event()
            where = {"line": event.start_mark.line + 1, "column": event.start_mark.column + 1}
            if isinstance(event, yaml.AliasEvent):
                self._aliases += 1
                if self._aliases > bound.charter_aliases:
                    raise _YamlBound(where, "too_many_aliases", bound.charter_aliases)
            self._depth += 1
            try:
                if self._depth > bound.charter_depth:
                    raise _YamlBound(where, "too_deep", bound.charter_depth)
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1

    return BoundedLoader


def _check_assets(charter: Charter, shown: str, root: Path) -> None:
    """Asset paths must exist and stay inside the brand folder, so a charter cannot read /etc."""
    root = root.resolve()
    for field, relative in (
        ("visual.font", charter.visual.font),
        ("visual.logo", charter.visual.logo),
    ):
        resolved = (charter.folder / relative).resolve()
        if Path(relative).is_absolute() or not resolved.is_relative_to(root):
            raise field_problem(
                shown,
                field,
                "path_leaves",
                "fix_relative",
                value=quoted_value(relative),
                root=root.name,
            )
        if not resolved.is_file():
            raise field_problem(
                shown, field, "no_such_asset", "fix_asset", value=quoted_value(relative)
            )


def brand_files(brand_dir: str | Path) -> list[Path]:
    """Every charter file in a brand folder, sorted by slug."""
    return sorted(Path(brand_dir).glob("*.yaml"))


def load_brand(slug: str, brand_dir: str | Path) -> Charter:
    """Load a brand by slug from the brand folder."""
    path = Path(brand_dir) / f"{slug}.yaml"
    if not path.is_file():
        known = ", ".join(p.stem for p in brand_files(brand_dir)) or "none"
        raise UnknownBrand(f"no brand {slug!r} in {brand_dir} (known: {known}).")
    return load_charter(path, brand_dir)


def load_all(brand_dir: str | Path) -> tuple[list[Charter], list[CharterError]]:
    """Every valid brand and every broken one's error: one bad file does not hide the others."""
    good, bad = [], []
    for path in brand_files(brand_dir):
        try:
            good.append(load_charter(path, brand_dir))
        except CharterError as exc:
            bad.append(exc)
    return good, bad


def charter_summary(charter: Charter) -> dict[str, Any]:
    """The fields a listing shows."""
    return {
        "slug": charter.slug,
        "name": charter.name,
        "languages": charter.languages,
        "address": charter.voice.address,
        "platforms": charter.networks,
    }
