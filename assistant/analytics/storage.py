"""Imported posts in the store: one row per brand, network and post id, so importing the
same export twice (or an overlapping later one) updates the counts and never duplicates a
post, and auditing a file under another brand never touches the first brand's rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import JSON, Integer, String, Text, UniqueConstraint, select, tuple_
from sqlalchemy.orm import Mapped, mapped_column

from ..core.rows import commit_or_conflict
from ..core.store import Base, FromNetwork, Store, UTCDateTime, now
from .post import Post

CHUNK = 500  # ids per lookup: well under SQLite's bound on query parameters
# a stored post's columns that a Post holds as they are (the time and figures are converted)
AS_READ = ("network", "post_id", "text", "format", "permalink", "source")


class AnalyticsPost(FromNetwork, Base):
    __tablename__ = "analytics_posts"
    __table_args__ = (
        UniqueConstraint("brand", "network", "post_id", name="uq_analytics_brand_network_post"),
    )
    post_id: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    utc_offset_minutes: Mapped[int | None] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(64), default="")
    permalink: Mapped[str] = mapped_column(Text, default="")
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(300), default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


def _offset(moment: datetime | None) -> int | None:
    if moment is None or moment.utcoffset() is None:
        return None
    return int(moment.utcoffset().total_seconds() // 60)


def _fill(row: AnalyticsPost, brand: str, post: Post) -> None:
    row.brand = brand
    row.text = post.text
    row.published_at = post.published_at
    row.utc_offset_minutes = _offset(post.published_at)
    row.format = post.format[:64]
    row.permalink = post.permalink
    row.metrics = dict(post.metrics)
    row.source = post.source[:300]
    row.imported_at = now()


def save_posts(store: Store, brand: str, posts: list[Post]) -> tuple[int, int]:
    """Store posts for a brand; (added, updated). Only the brand's own rows are updated; the
    same network and post id twice in one import keeps the last row read."""
    latest = {(p.network, p.post_id): p for p in posts}
    added = updated = 0
    with store.session() as session:
        keys = list(latest)
        existing: dict[tuple[str, str], AnalyticsPost] = {}
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
            rows = session.scalars(
                select(AnalyticsPost).where(
                    AnalyticsPost.brand == brand,
                    tuple_(AnalyticsPost.network, AnalyticsPost.post_id).in_(chunk),
                )
            )
            existing.update({(r.network, r.post_id): r for r in rows})
        for key, post in latest.items():
            row = existing.get(key)
            if row is None:
                row = AnalyticsPost(brand=brand, network=post.network, post_id=post.post_id)
                session.add(row)
                added += 1
            else:
                updated += 1
            _fill(row, brand, post)
        commit_or_conflict(session, "the imported posts")
    return added, updated


def load_posts(store: Store, brand: str, network: str | None = None) -> list[Post]:
    """A brand's stored posts, oldest first, each on the clock it was exported with."""
    query = select(AnalyticsPost).where(AnalyticsPost.brand == brand)
    if network:
        query = query.where(AnalyticsPost.network == network)
    with store.session() as session:
        rows = session.scalars(query.order_by(AnalyticsPost.published_at, AnalyticsPost.id))
        return [_post(r) for r in rows]


def _post(row: AnalyticsPost) -> Post:
    moment = row.published_at
    if moment is not None and row.utc_offset_minutes is not None:
        moment = moment.astimezone(timezone(timedelta(minutes=row.utc_offset_minutes)))
    elif moment is not None:
        moment = moment.astimezone(UTC)
    metrics = {k: float(v) for k, v in (row.metrics or {}).items()}
    return Post(**{n: getattr(row, n) for n in AS_READ}, published_at=moment, metrics=metrics)
