"""Bursts: several comments on one topic in a short time, the first sign of a bad buzz.

Five comments about the same injury, the same scam or the same late deliveries within an
hour are one alert at the top of the inbox, listing them, rather than five rows a person
has to notice are alike. The threshold and the window are the charter's
(`community.alerts`, default 5 within 60 minutes). The topic of a comment is its safety
topic, else its escalation rule, else for a complaint what it is about (delivery, price…).
A burst is shown while at least one of its comments is still open.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ..core.charter import Charter, load_brand
from ..core.settings import get_settings
from ..core.store import Store
from .inbox_tables import CLOSED, InboxItem
from .safety import complaint_topic, data


@dataclass
class Alert:
    """One burst: `assistant inbox alerts --format json` shows it as `to_dict` says."""

    brand: str
    topic: str  # a safety topic, an escalation rule, or complaint:<what>
    kind: str  # safety | escalation | complaint
    titles: dict[str, str]
    ids: list[int] = field(default_factory=list)
    first_at: datetime | None = None
    last_at: datetime | None = None

    def title_in(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.topic

    def to_dict(self) -> dict[str, Any]:
        """The fields as they are, the titles as `title`, the count, the times in ISO 8601."""
        shown = {name: getattr(self, name) for name in ("brand", "topic", "kind")}
        first, last = (t.isoformat() if t else None for t in (self.first_at, self.last_at))
        return shown | {
            "title": self.titles,
            "count": len(self.ids),
            "first_at": first,
            "last_at": last,
            "ids": self.ids,
        }


def topic_of(item: InboxItem, charter: Charter) -> tuple[str, str, dict[str, str]] | None:
    """The topic a comment counts for in bursts, its kind and its titles; None when it
    counts for none (a question, a praise…)."""
    name = item.topic or item.escalation
    if name:
        rule = charter.community.rule(name)
        titles = {lang: rule.title_in(lang) for lang in ("fr", "en")} if rule else {}
        return name, "safety" if item.topic else "escalation", titles
    if item.intent == "complaint":
        what = complaint_topic(item.text)
        return f"complaint:{what}", "complaint", dict(data()["complaint_topics"][what]["title"])
    return None


def bursts(
    moments: list[tuple[datetime, int]], threshold: int, window: timedelta
) -> list[list[int]]:
    """The ids of each burst: `threshold` or more moments within `window` of each other;
    overlapping windows make one burst (six comments in an hour are one alert, not two)."""
    ordered = sorted(moments)
    found: list[list[int]] = []
    covered_until = -1
    start = 0
    for end in range(len(ordered)):
        while ordered[end][0] - ordered[start][0] > window:
            start += 1
        if end - start + 1 < threshold:
            continue
        if found and start <= covered_until:
            found[-1].extend(i for _, i in ordered[covered_until + 1 : end + 1])
        else:
            found.append([i for _, i in ordered[start : end + 1]])
        covered_until = end
    return found


def alerts_for(items: Iterable[InboxItem], charter: Charter) -> list[Alert]:
    """The bursts among one brand's comments, most recent first."""
    groups: dict[str, tuple[str, dict[str, str], list[InboxItem]]] = {}
    for item in items:
        found = topic_of(item, charter)
        if found is None:
            continue
        name, kind, titles = found
        groups.setdefault(name, (kind, titles, []))[2].append(item)
    rules = charter.community.alerts
    window = timedelta(minutes=rules.window_minutes)
    raised = []
    for name, (kind, titles, members) in groups.items():
        if len(members) < rules.threshold:
            continue
        by_id = {m.id: m for m in members}
        for ids in bursts([(_utc(m.created_at), m.id) for m in members], rules.threshold, window):
            burst = [by_id[i] for i in ids]
            if all(m.status in CLOSED for m in burst):
                continue
            times = [_utc(m.created_at) for m in burst]
            raised.append(
                Alert(charter.slug, name, kind, titles, sorted(ids), min(times), max(times))
            )
    return sorted(raised, key=lambda a: a.last_at or datetime.min.replace(tzinfo=UTC), reverse=True)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def alerts(store: Store, brand: str | None = None) -> list[Alert]:
    """Every burst in the inbox (of one brand, or of every brand), most recent first."""
    from sqlalchemy import select

    query = select(InboxItem).order_by(InboxItem.created_at)
    if brand:
        query = query.where(InboxItem.brand == brand)
    with store.session() as session:
        items = list(session.scalars(query))
    by_brand: dict[str, list[InboxItem]] = {}
    for item in items:
        by_brand.setdefault(item.brand, []).append(item)
    found = []
    for slug, members in sorted(by_brand.items()):
        found.extend(alerts_for(members, load_brand(slug, get_settings().brand_dir)))
    return found
