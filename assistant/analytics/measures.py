"""What worked: engagement rates under a named formula, the best and worst posts of each
network, and rates by format, hashtag, length and weekday × hour. Every group carries its
sample size; a group under `min_sample` posts is flagged and never recommended."""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from statistics import median
from typing import Any

from ..core.clock import tz_from_name
from ..core.errors import InputError
from ..core.tokens import hashtags
from .post import Post
from .rules import analytics_rules


@dataclass(frozen=True)
class Formula:
    """An engagement-rate formula: sum of `numerator` fields over `denominator`."""

    name: str
    label: str
    numerator: tuple[str, ...]
    denominator: str


def formula_names() -> list[str]:
    return list(analytics_rules()["formulas"])


def get_formula(name: str | None = None) -> Formula:
    """A formula by name (default: the rules' default); an unknown name is an InputError."""
    rules = analytics_rules()
    name = name or rules["default_formula"]
    spec = rules["formulas"].get(name)
    if spec is None:
        raise InputError(
            f"unknown engagement-rate formula {name!r}; use one of {', '.join(rules['formulas'])}.",
            key="analytics_formula",
            name=name,
        )
    return Formula(name, spec["label"], tuple(spec["numerator"]), spec["denominator"])


def engagements(post: Post) -> float | None:
    """The file's engagements, else the sum of the interactions it gives (Instagram has no
    engagements column); None when it gives none."""
    if "engagements" in post.metrics:
        return post.metrics["engagements"]
    parts = [post.metrics[m] for m in analytics_rules()["interactions"] if m in post.metrics]
    return sum(parts) if parts else None


def _field(post: Post, name: str) -> float | None:
    if name == "engagements":
        return engagements(post)
    if name == "impressions" and "impressions" not in post.metrics:
        return post.metrics.get("views")  # Meta renamed Impressions to Views in 2025
    return post.metrics.get(name)


def parts(post: Post, formula: Formula) -> tuple[float, float] | None:
    """(numerator, denominator) of one post, or None when the file lacks either or the
    denominator is zero."""
    found = [v for n in formula.numerator if (v := _field(post, n)) is not None]
    below = _field(post, formula.denominator)
    if not found or below is None or below <= 0:
        return None
    return sum(found), below


def post_rate(post: Post, formula: Formula) -> float | None:
    pair = parts(post, formula)
    return None if pair is None else pair[0] / pair[1]


@dataclass
class Group:
    """A set of posts sharing one trait, with the size the figure rests on."""

    label: str
    posts: int
    rated: int
    median_rate: float | None
    total_rate: float | None  # sum of numerators / sum of denominators, as for a network
    small_sample: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def total_rate(pairs: list[tuple[float, float]]) -> float | None:
    """Sum of numerators over sum of denominators: the one "rate" of a set of posts, so a
    group's figure and its network's are read the same way (a mean of per-post rates lets a
    post seen by five people weigh as much as one seen by fifty thousand)."""
    below = sum(b for _a, b in pairs)
    return sum(a for a, _b in pairs) / below if below else None


def group(label: str, posts: list[Post], formula: Formula) -> Group:
    pairs = [pr for p in posts if (pr := parts(p, formula)) is not None]
    rates = [a / b for a, b in pairs]
    return Group(
        label,
        len(posts),
        len(rates),
        median(rates) if rates else None,
        total_rate(pairs),
        len(rates) < analytics_rules()["min_sample"],
    )


def grouped(
    posts: Iterable[Post], keys: Callable[[Post], Iterable[str]], formula: Formula
) -> list[Group]:
    """Groups by trait, best median first (unrated groups last), sample sizes kept."""
    buckets: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        for key in keys(post):
            buckets[key].append(post)
    groups = [group(k, ps, formula) for k, ps in buckets.items()]
    return sorted(groups, key=lambda g: (g.median_rate is None, -(g.median_rate or 0), g.label))


def length_bucket(post: Post) -> list[str]:
    bounds = analytics_rules()["length_buckets"]
    size = len(post.text)
    low = 0
    for high in bounds:
        if size <= high:
            return [f"{low}–{high}"]
        low = high + 1
    return [f"over {bounds[-1]}"]


def post_hashtags(post: Post) -> list[str]:
    return list(dict.fromkeys(h.text.casefold() for h in hashtags(post.text))) or ["(none)"]


def post_format(post: Post) -> list[str]:
    return [post.format.strip().casefold() or "(unknown)"]


@dataclass
class Heatmap:
    """Weekday (Monday = 0) × hour cells on the brand's clock (each post's time converted to
    the brand's zone): posts, rated posts and median rate. Posts whose file gives the day only are counted per weekday in
    `untimed_by_weekday`, never in an hour they were not published at."""

    counts: list[list[int]]
    median_rates: list[list[float | None]]
    rated: list[list[int]] = field(default_factory=lambda: [[0] * 24 for _ in range(7)])
    untimed_by_weekday: list[int] = field(default_factory=lambda: [0] * 7)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def on_clock(moment: datetime, zone: str | None) -> datetime:
    """A timed post's moment where the brand is: X's 00:00 UTC is 01:00 in Paris, and a slot
    read on the export's clock would move a Paris brief to midnight."""
    if zone is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(tz_from_name(zone))


def heatmap(posts: list[Post], formula: Formula, zone: str | None = None) -> Heatmap:
    cells: dict[tuple[int, int], list[float]] = defaultdict(list)
    counts = [[0] * 24 for _ in range(7)]
    untimed = [0] * 7
    for post in posts:
        if post.published_at is None:
            continue
        if not post.timed:  # a day without its hour is that day wherever the brand is
            untimed[post.published_at.weekday()] += 1
            continue
        local = on_clock(post.published_at, zone)
        day, hour = local.weekday(), local.hour
        counts[day][hour] += 1
        rate = post_rate(post, formula)
        if rate is not None:
            cells[(day, hour)].append(rate)
    medians = [
        [median(cells[(d, h)]) if cells[(d, h)] else None for h in range(24)] for d in range(7)
    ]
    rated = [[len(cells[(d, h)]) for h in range(24)] for d in range(7)]
    return Heatmap(counts, medians, rated, untimed)


@dataclass(frozen=True)
class Slot:
    """A recommended publishing slot: weekday and hour on the brand's clock."""

    network: str
    weekday: int
    hour: int
    median_rate: float
    posts: int

    @property
    def weekday_name(self) -> str:
        return calendar.day_name[self.weekday]

    def to_dict(self) -> dict[str, Any]:
        return {"network": self.network, "weekday": self.weekday, "hour": self.hour}


def best_slots(
    network: str, posts: list[Post], formula: Formula, zone: str | None = None
) -> list[Slot]:
    """The weekday × hour cells with the highest median rate among those holding at least
    `slot_min_posts` rated posts; none when no cell has enough (never over-read). Posts
    without a time of day never make a slot: their hour is not known."""
    rules = analytics_rules()
    cells: dict[tuple[int, int], list[float]] = defaultdict(list)
    for post in posts:
        rate = post_rate(post, formula)
        if post.published_at is not None and post.timed and rate is not None:
            local = on_clock(post.published_at, zone)
            cells[(local.weekday(), local.hour)].append(rate)
    ranked = sorted(
        (
            Slot(network, d, h, median(rates), len(rates))
            for (d, h), rates in cells.items()
            if len(rates) >= rules["slot_min_posts"]
        ),
        key=lambda s: (-s.median_rate, s.weekday, s.hour),
    )
    return ranked[: rules["slots_per_network"]]


@dataclass
class NetworkFigures:
    """Everything measured for one network."""

    network: str
    formula: Formula
    posts: int
    rated: int
    engagement_rate: float | None  # total numerator / total denominator over rated posts
    median_rate: float | None
    missing: list[str]
    top: list[tuple[Post, float]]
    bottom: list[tuple[Post, float]]
    by_format: list[Group]
    by_hashtag: list[Group]
    by_length: list[Group]
    heatmap: Heatmap
    slots: list[Slot] = field(default_factory=list)
    unranked: int = 0  # rated posts seen by too few people to be ranked

    def to_dict(self) -> dict[str, Any]:
        return {
            "posts": self.posts,
            "engagement_rate": self.engagement_rate,
            "formula": self.formula.label,
        }


def network_figures(
    network: str, posts: list[Post], formula: Formula, zone: str | None = None
) -> NetworkFigures:
    rules = analytics_rules()
    pairs = [(p, pr) for p in posts if (pr := parts(p, formula)) is not None]
    rated = sorted(((p, a / b) for p, (a, b) in pairs), key=lambda pr: (-pr[1], pr[0].post_id))
    seen_by = {id(p): b for p, (_a, b) in pairs}
    ranked = [(p, r) for p, r in rated if seen_by[id(p)] >= rules["rank_min_denominator"]]
    total_num = sum(a for _, (a, _b) in pairs)
    total_den = sum(b for _, (_a, b) in pairs)
    count = rules["top_posts"]
    fields = {*formula.numerator, formula.denominator}
    missing = [f for f in sorted(fields) if not any(_field(p, f) is not None for p in posts)]
    return NetworkFigures(
        network=network,
        formula=formula,
        posts=len(posts),
        rated=len(rated),
        engagement_rate=total_num / total_den if total_den else None,
        median_rate=median(r for _, r in rated) if rated else None,
        missing=missing,
        top=ranked[:count],
        bottom=list(reversed(ranked[-count:])) if len(ranked) > count else [],
        by_format=grouped(posts, post_format, formula),
        by_hashtag=grouped(posts, post_hashtags, formula),
        by_length=grouped(posts, length_bucket, formula),
        heatmap=heatmap(posts, formula, zone),
        slots=best_slots(network, posts, formula, zone),
        unranked=len(rated) - len(ranked),
    )


def measure(
    posts: list[Post], formula: Formula, zone: str | None = None
) -> dict[str, NetworkFigures]:
    """Figures per network, in the order networks first appear; hours and weekdays on the
    clock of `zone` (the brand's), each post's own time converted."""
    by_network: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        by_network[post.network].append(post)
    return {n: network_figures(n, ps, formula, zone) for n, ps in by_network.items()}
