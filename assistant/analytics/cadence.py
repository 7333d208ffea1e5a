"""How regularly a brand publishes on each network: posts per week, the longest silence,
bursts (posts closer than the charter's spacing), weekdays never used, and the pace against
the charter's target (`review.posts_per_day`)."""

from __future__ import annotations

import calendar
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..core.charter import Charter
from .findings import Finding
from .post import Post
from .rules import analytics_rules

WEEK_S = 7 * 86400


@dataclass
class Cadence:
    """The publishing rhythm of one network."""

    network: str
    posts: int
    per_week: float | None
    longest_gap_days: float | None
    longest_gap_from: str = ""
    bursts: int = 0
    empty_weekdays: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"per_week": self.per_week, "longest_gap_days": self.longest_gap_days}


def network_cadence(network: str, posts: list[Post], spacing_minutes: float) -> Cadence:
    """Posts per week = posts / (last - first post time, in weeks); the longest gap is the
    largest difference between consecutive post times, in days."""
    times = sorted(p.published_at for p in posts if p.published_at is not None)
    # two posts of a day-only file share midnight: that is no burst
    timed = sorted(p.published_at for p in posts if p.published_at is not None and p.timed)
    if len(times) < 2:
        return Cadence(network, len(posts), None, None)
    span = (times[-1] - times[0]).total_seconds()
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    longest = max(range(len(gaps)), key=gaps.__getitem__)
    weeks = span / WEEK_S
    rules = analytics_rules()["cadence"]
    empty = []
    if weeks >= rules["min_weeks_for_weekdays"]:
        used = {t.weekday() for t in times}
        empty = [calendar.day_name[d] for d in range(7) if d not in used]
    return Cadence(
        network,
        len(posts),
        round(len(times) / weeks, 3) if span > 0 else None,
        round(gaps[longest] / 86400, 3),
        times[longest].isoformat(),
        sum((b - a).total_seconds() < spacing_minutes * 60 for a, b in itertools.pairwise(timed)),
        empty,
    )


def cadence(posts: list[Post], charter: Charter | None) -> dict[str, Cadence]:
    """The rhythm of each network, in the order networks first appear."""
    by_network: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        by_network[post.network].append(post)
    spacing = (
        charter.review.min_spacing_minutes
        if charter is not None and charter.review.min_spacing_minutes
        else analytics_rules()["cadence"]["burst_minutes"]
    )
    return {n: network_cadence(n, ps, spacing) for n, ps in by_network.items()}


def cadence_findings(rhythms: dict[str, Cadence], charter: Charter | None) -> list[Finding]:
    """Warnings a CM acts on: long silences, bursts, unused weekdays, a pace under target."""
    rules = analytics_rules()["cadence"]
    target = charter.review.posts_per_day * 7 if charter and charter.review.posts_per_day else None
    found = []
    for network, rhythm in rhythms.items():
        if rhythm.longest_gap_days and rhythm.longest_gap_days > rules["gap_warning_days"]:
            found.append(
                _finding(
                    network,
                    "cadence.gap",
                    f"no post for {rhythm.longest_gap_days:.1f} days after "
                    f"{rhythm.longest_gap_from[:16]}",
                )
            )
        if rhythm.bursts:
            spacing = charter.review.min_spacing_minutes if charter else rules["burst_minutes"]
            found.append(
                _finding(
                    network,
                    "cadence.burst",
                    f"{rhythm.bursts} post(s) less than {spacing} minutes after the previous one",
                )
            )
        if rhythm.empty_weekdays:
            found.append(
                _finding(
                    network,
                    "cadence.weekdays",
                    "never posted on " + ", ".join(rhythm.empty_weekdays),
                )
            )
        if (
            target
            and rhythm.per_week is not None
            and rhythm.per_week < target * rules["target_ratio"]
        ):
            found.append(
                _finding(
                    network,
                    "cadence.below_target",
                    f"{rhythm.per_week:.1f} posts a week; the charter aims at {target:g}",
                )
            )
    return found


def _finding(network: str, rule: str, message: str) -> Finding:
    return Finding(network, "", "cadence", "warning", message, rule)
