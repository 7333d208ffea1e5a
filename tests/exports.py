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
