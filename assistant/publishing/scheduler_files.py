"""The files each scheduler takes, made from exported posts (`export._posts`): Hootsuite's
bulk CSV per network, Buffer's post shape; and what keeps a spreadsheet from running a
cell as a formula."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from ..core.clock import tz_from_name

HOOTSUITE_MAX_ROWS = 350
HOOTSUITE_DATE = "%m/%d/%Y %H:%M"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _local(post: dict[str, Any]) -> datetime:
    return post["publish_at"].astimezone(tz_from_name(post["timezone"] or "UTC"))


def hootsuite_files(posts: list[dict[str, Any]]) -> dict[str, str]:
    """One CSV per network profile: date (mm/dd/yyyy HH:mm, local), message, link; no header.
    Hootsuite's bulk composer takes 350 rows a file: a network with more gets
    `hootsuite-<network>-1.csv`, `-2.csv`, … in time order, each within the bound."""
    by_network: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for post in sorted(posts, key=lambda p: p["publish_at"]):
        by_network[post["platform"]].append(post)
    files = {}
    for network, rows in by_network.items():
        parts = [rows[i : i + HOOTSUITE_MAX_ROWS] for i in range(0, len(rows), HOOTSUITE_MAX_ROWS)]
        for number, part in enumerate(parts, 1):
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            for post in part:
                writer.writerow(
                    [_local(post).strftime(HOOTSUITE_DATE), post["text"], post["link"] or ""]
                )
            name = (
                f"hootsuite-{network}-{number}.csv"
                if len(parts) > 1
                else f"hootsuite-{network}.csv"
            )
            files[name] = buffer.getvalue()
    return files


def buffer_posts(posts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Buffer's API post shape; `channelId` holds the network until mapped to a channel."""
    return [
        {
            "text": p["text"],
            "channelId": p["platform"],
            "schedulingType": "automatic",
            "mode": "customScheduled",
            "dueAt": p["publish_at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        }
        for p in sorted(posts, key=lambda p: p["publish_at"])
    ]


def neutralised(value: Any) -> Any:
    """A spreadsheet cell that cannot run as a formula (OWASP CSV injection): text starting
    with = + - @ tab or carriage return gets a leading single quote, shown but not run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def formula_warnings(posts: list[dict[str, Any]]) -> list[str]:
    """The scheduler's CSV keeps each post word for word (a quote would be published), so a
    post starting like a formula is only named, for whoever opens the file in a spreadsheet."""
    return [
        f"variant {p['id']} ({p['platform']}) starts with {p['text'][0]!r}: a spreadsheet "
        "opening the Hootsuite CSV may run it as a formula; the scheduler publishes it as text"
        for p in posts
        if p["text"].startswith(FORMULA_STARTS)
    ]
