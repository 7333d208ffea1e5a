"""Generated analytics exports, for the import tests and the audit benchmark: the layout is
the one X's legacy "tweet activity" CSV uses, every cell quoted as X writes it."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

X_LEGACY_COLUMNS = (
    "Tweet id",
    "Tweet permalink",
    "Tweet text",
    "time",
    "impressions",
    "engagements",
    "likes",
    "retweets",
    "replies",
)


def write_x_legacy(path: Path, rows: Iterable[Sequence[str]]) -> None:
    """A legacy X export of `rows`, with as many of X's columns as the rows have cells."""
    rows = iter(rows)
    first = next(rows, None)
    width = len(first) if first is not None else len(X_LEGACY_COLUMNS)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(X_LEGACY_COLUMNS[:width])
        if first is not None:
            writer.writerow(first)
        writer.writerows(rows)


# X's legacy "tweet activity" export in full: 22 organic columns, then 18 promoted ones that
# hold "-" for an account that never paid for a post.
X_ACTIVITY_ORGANIC = (
    *X_LEGACY_COLUMNS[:6],
    "engagement rate",
    "retweets",
    "replies",
    "likes",
    "user profile clicks",
    "url clicks",
    "hashtag clicks",
    "detail expands",
    "permalink clicks",
    "app opens",
    "app installs",
    "follows",
    "email tweet",
    "dial phone",
    "media views",
    "media engagements",
)
X_ACTIVITY_COLUMNS = (
    *X_ACTIVITY_ORGANIC,
    *(f"promoted {name}" for name in X_ACTIVITY_ORGANIC[4:]),
)
X_ACTIVITY_POSTS = 120
_ANNOUNCEMENTS = (
    "New on the trail: our {n}th route guide is out 🥾 https://trailforge.example/routes",
    "Ridge run at dawn, who's in? 🌄 #trailrunning #{n}km",
    "Weekly gear tip #{n}: dry your boots away from the fire.\nYour soles will thank you.",
    "Thank you for {n}k followers! 🎉🏔️\nHere's to the next climb.",
    "Workshop: map and compass basics, Saturday 10:00, {n} places left",
    "Full route notes, elevation and water points: https://trailforge.example/routes/2024/"
    "ridge-loop-at-dawn-with-the-whole-club?utm_source=x&utm_medium=social&utm_campaign={n}",
)
_REPLIES = (
    "@hiker{n} Glad you liked it! See you on the ridge 🙌",
    "@trail_{n} Yes, the route is open again since Monday.",
    "@runner{n} Thanks for the photo 😍\nMay we share it?",
)


def x_activity_rows(posts: int = X_ACTIVITY_POSTS, seed: int = 7) -> list[dict[str, str]]:
    """A month of one account's posts as X's legacy export writes them, newest first: every
    cell quoted, numbers as floats, 19-digit ids, texts with emoji and line breaks, replies,
    a post nobody saw (rate "Infinity"), one with more engagements than impressions, a few
    seen by fewer than 100 people, and three weekly slots that gather most posts (so some
    weekday-hour cells hold 5 posts or more and many hold fewer)."""
    import random
    from datetime import UTC, datetime, timedelta

    rng = random.Random(seed)
    monday = datetime(2024, 5, 6, tzinfo=UTC)
    slots = ((0, 9), (2, 12), (4, 17))  # Monday 09h, Wednesday 12h, Friday 17h
    rows = []
    for i in range(posts):
        reply = i % 3 == 2
        if reply:
            at = monday + timedelta(days=rng.randrange(30), hours=rng.randrange(7, 22))
            text = rng.choice(_REPLIES).format(n=i)
            impressions = rng.randrange(20, 400)
        else:
            weekday, hour = slots[i % 3]
            at = monday + timedelta(weeks=(i // 3) % 5, days=weekday, hours=hour)
            text = rng.choice(_ANNOUNCEMENTS).format(n=i)
            impressions = rng.randrange(300, 6000)
        at += timedelta(minutes=rng.randrange(60))
        engagements = round(impressions * rng.uniform(0.004, 0.06))
        if i == 10:
            impressions, engagements = 0, 0
        if i == 20:
            impressions, engagements = 5, 11
        rows.append(_x_activity_row(i, at, text, impressions, engagements, rng))
    return sorted(rows, key=lambda r: r["time"], reverse=True)


def _x_activity_row(i, at, text, impressions, engagements, rng) -> dict[str, str]:
    likes = rng.randrange(engagements + 1)
    retweets = rng.randrange(engagements - likes + 1)
    replies = engagements - likes - retweets
    rate = "Infinity" if impressions == 0 else repr(engagements / impressions)
    post_id = str(1790000000000000000 + int(at.timestamp()) * 1000 + i)
    counts = [impressions, engagements]
    row = dict.fromkeys(X_ACTIVITY_COLUMNS, "-")
    row |= dict(zip(X_ACTIVITY_ORGANIC, ["0.0"] * len(X_ACTIVITY_ORGANIC), strict=True))
    row |= {
        "Tweet id": post_id,
        "Tweet permalink": f"https://twitter.com/trailforge/status/{post_id}",
        "Tweet text": text,
        "time": at.strftime("%Y-%m-%d %H:%M +0000"),
        "impressions": f"{counts[0]:.1f}",
        "engagements": f"{counts[1]:.1f}",
        "engagement rate": rate,
        "retweets": f"{retweets:.1f}",
        "replies": f"{replies:.1f}",
        "likes": f"{likes:.1f}",
    }
    return row


def write_x_activity(path: Path, rows: list[dict[str, str]] | None = None) -> Path:
    """`rows` (by default `x_activity_rows()`) as X's legacy export file: UTF-8 without a BOM,
    LF line endings, every field quoted."""
    rows = x_activity_rows() if rows is None else rows
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, X_ACTIVITY_COLUMNS, quoting=csv.QUOTE_ALL, lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)
    return path
