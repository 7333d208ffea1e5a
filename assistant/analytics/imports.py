# Longer than 400 lines: every export format (X and Meta CSV, LinkedIn and Facebook workbooks, saved API JSON) ends in the one row-to-post mapping here.
"""Reading post-level exports: X CSV (legacy and current), Meta Business Suite CSV (Facebook,
Instagram), LinkedIn XLS/XLSX (title row above the header), legacy Facebook Insights
workbooks, saved Mastodon and Bluesky API JSON, and the assistant's own posts.csv/posts.json.

Spreadsheets are read row by row (openpyxl; xlrd for old XLS), every cell as written, so a
19-digit post id stays exact, after the workbook passed the bounds of `archives.py`; columns
are found by name (`columns.py`). A table is read one row at a time and refused at the row
past `analytics_rows`; JSON items are checked against their network's model
(`network_json.py`). What cannot be read stops the import with one InputError naming the
file, row (or item) and column (or field), before anything is stored."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain, islice
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..core.archives import is_zip, workbook_sheets
from ..core.errors import InputError
from ..core.html import html_text
from ..core.limits import decode_utf8, limits, read_bounded, too_large
from ..core.network_json import (
    BlueskyFeedItem,
    JsonProblem,
    MastodonStatus,
    OwnPost,
    ShapeError,
    describe,
    load_json,
    validated,
)
from ..core.platforms import platform_ids
from .columns import ColumnMap, column_rules, header_row, map_columns, network_of
from .post import Post
from .values import CellError, cell_error, has_clock, is_empty, parse_number, parse_time
from .words import Note

METRICS = (
    "impressions",
    "views",
    "reach",
    "engagements",
    "likes",
    "comments",
    "shares",
    "clicks",
    "follows",
    "saves",
)
SPREADSHEETS = {".xlsx", ".xlsm", ".xls"}
SPLIT_BY_PERIOD = "Split it by period and import the parts."
# the counters of each network's own export, under the names the analysis uses
BLUESKY_COUNTS = {
    "likes": "likeCount",
    "shares": "repostCount",
    "comments": "replyCount",
    "quotes": "quoteCount",
}
MASTODON_COUNTS = {
    "likes": "favourites_count",
    "shares": "reblogs_count",
    "comments": "replies_count",
}


@dataclass
class Export:
    """The posts of one file, and what the reader had to assume or leave out."""

    source: str
    posts: list[Post]
    networks: list[str]
    notes: list[str] = field(default_factory=list)
    missing: dict[str, list[str]] = field(default_factory=dict)  # network -> absent metrics


def read_export(path: str | Path, zone: str = "UTC", network: str | None = None) -> Export:
    """The posts of one export file. `zone` is the clock of times written without an offset
    (legacy Facebook); `network` names the network when the headers do not tell."""
    path = Path(path)
    clock(zone)
    raw = read_bounded(path, limits().analytics_bytes, "an export", SPLIT_BY_PERIOD)
    return export_of(raw, path.name, zone, network)


def export_of(raw: bytes, name: str, zone: str = "UTC", network: str | None = None) -> Export:
    """The posts of an export's bytes, named as the person's file (an upload a worker reads
    from the store): bounded and read exactly as `read_export` reads that file."""
    path = Path(Path(name).name)
    clock(zone)
    if len(raw) > limits().analytics_bytes:
        raise too_large(path.name, len(raw), limits().analytics_bytes, "an export", SPLIT_BY_PERIOD)
    suffix = path.suffix.lower()
    if suffix in SPREADSHEETS or is_zip(raw):
        rows = _sheet_rows(path, raw)
    elif suffix == ".json" or raw.lstrip()[:1] in (b"[", b"{"):
        return _json_export(path, raw, zone, network)
    else:
        rows = _csv_rows(path, raw)
    return _table_export(path.name, rows, zone, network)


def clock(zone: str) -> ZoneInfo:
    """The zone times without an offset are read in; an unknown name is an InputError."""
    try:
        return ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"unknown time zone {zone[:64]!r}; write an IANA name such as Europe/Paris.",
            key="unknown_zone",
            zone=zone[:64],
        ) from None


def _csv_rows(path: Path, raw: bytes) -> Iterator[list[Any]]:
    """Rows of a CSV as strings, one at a time (quoted line breaks kept, blank lines
    skipped); `;` or tab when the file uses them (French spreadsheets write `;`)."""
    text = decode_utf8(raw.removeprefix(b"\xef\xbb\xbf"), path.name)
    if not text.strip():
        raise InputError(f"{path.name} is empty.", key="analytics_empty", file=path.name)
    try:
        delimiter = csv.Sniffer().sniff(text[:20000], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            if cells:
                yield cells
    except csv.Error as exc:
        raise InputError(
            f"{path.name} is not a readable CSV file (line {reader.line_num}: {exc}).",
            key="analytics_unreadable",
            file=path.name,
        ) from None


def _sheet_rows(path: Path, raw: bytes) -> Iterator[list[Any]]:
    """Rows of the workbook's first sheet holding posts (legacy Facebook puts them in the
    first of seven; LinkedIn's posts sheet may come second), read one at a time. An XLSX
    is checked as a bounded archive before it is opened (`archives.py`)."""
    if not is_zip(raw):
        yield from _legacy_sheet_rows(path, raw)
        return
    scan = column_rules()["header_scan_rows"]
    first: list[list[Any]] | None = None
    for rows in workbook_sheets(raw, path.name):
        head = list(islice(rows, scan))
        if header_row(head) is not None:
            yield from chain(head, rows)
            return
        first = head if first is None else first
    yield from first or []


def _legacy_sheet_rows(path: Path, raw: bytes) -> Iterator[list[Any]]:
    """Rows of an old binary workbook (XLS: not compressed, so bounded by its size), at
    most one past the row bound and the title rows."""
    import pandas as pd

    most = limits().analytics_rows + 1 + column_rules()["header_scan_rows"]
    try:
        sheets = pd.read_excel(
            io.BytesIO(raw), sheet_name=None, header=None, dtype=object, nrows=most
        )
    except Exception as exc:  # the Excel readers raise many types for a damaged file
        raise InputError(
            f"{path.name} is not a readable spreadsheet ({type(exc).__name__}); export it "
            "again as XLSX or CSV.",
            key="analytics_unreadable",
            file=path.name,
        ) from None
    for frame in sheets.values():
        rows = frame.values.tolist()
        if header_row(rows) is not None:
            yield from rows
            return
    yield from next(iter(sheets.values())).values.tolist() if sheets else []


def _table_export(source: str, rows: Iterable[list[Any]], zone: str, network: str | None) -> Export:
    """The posts of a table read row by row: the header among the first rows, then at most
    `analytics_rows` posts; the row past the bound stops the reading with a worded error."""
    rows = iter(rows)
    head = list(islice(rows, column_rules()["header_scan_rows"]))
    at = header_row(head)
    if at is None:
        raise InputError(
            f"{source}: no header row with a post id or link and at least "
            "3 known columns in its first rows; is it a post-level export?",
            key="analytics_no_header",
            file=source,
        )
    mapped = map_columns(head[at])
    file_network = network or network_of(head[at])
    if file_network is None and "network" not in mapped.columns:
        raise InputError(
            f"{source}: the network that wrote this file is not recognised from its columns; "
            "rename it after its network or use a supported export.",
            key="analytics_network",
            file=source,
        )
    tz = ZoneInfo(zone)
    bound = limits().analytics_rows
    posts, skipped = [], 0
    for count, cells in enumerate(chain(head[at + 1 :], rows), start=1):
        if count > bound:
            raise too_many_posts(source, bound)
        post = _row_post(source, at + 1 + count, cells, mapped, file_network, tz)
        if post is None:
            skipped += 1
        else:
            posts.append(post)
    return _export(source, posts, mapped, skipped, zone)


def too_many_posts(source: str, bound: int) -> InputError:
    """The refusal of an export holding more rows than the bound (found at row bound + 1)."""
    return InputError(
        f"{source} holds more than {bound:,} posts; at most {bound:,} are read from one file. "
        f"{SPLIT_BY_PERIOD}",
        key="analytics_too_many_rows",
        file=source,
        limit=bound,
    )


def _cell(cells: list[Any], mapped: ColumnMap, field: str) -> Any:
    index = mapped.columns.get(field)
    return None if index is None or index >= len(cells) else cells[index]


def _text(value: Any) -> str:
    return "" if is_empty(value) and not isinstance(value, str) else str(value).strip()


def _row_post(
    source: str, row: int, cells: list[Any], mapped: ColumnMap, network: str | None, tz: Any
) -> Post | None:
    """One row as a Post; None for a row without id nor link (legacy Facebook's row of
    column descriptions, blank lines)."""
    post_id = _text(_cell(cells, mapped, "post_id"))
    link = _text(_cell(cells, mapped, "permalink"))
    if not post_id and not link:
        return None
    if post_id.endswith(".0") and post_id[:-2].isdigit():
        post_id = post_id[:-2]  # an id cell Excel stored as a number
    row_network = network or _text(_cell(cells, mapped, "network")).casefold()
    if row_network not in platform_ids():
        raise cell_error(
            source,
            row,
            mapped.header_of("network") if "network" in mapped.columns else "",
            "a network (" + ", ".join(platform_ids()) + ")",
            row_network,
        )
    metrics = {}
    for name in METRICS:
        value = _cell(cells, mapped, name)
        try:
            number = parse_number(value)
        except CellError:
            raise cell_error(source, row, mapped.header_of(name), "a number", value) from None
        if number is not None:
            metrics[name] = number
    when = _cell(cells, mapped, "published_at")
    try:
        published = parse_time(when, tz, day_first=mapped.french)
    except CellError:
        raise cell_error(
            source, row, mapped.header_of("published_at"), "a date and time", when
        ) from None
    text = _cell(cells, mapped, "text")
    text = "" if is_empty(text) else str(text)
    if row_network == "x":
        text = html.unescape(text)  # X's CSV writes & < > as &amp; &lt; &gt;
    return Post(
        network=row_network,
        post_id=post_id or link,
        text=text,
        published_at=published,
        format=_text(_cell(cells, mapped, "format")),
        permalink=link,
        metrics=metrics,
        source=source,
        row=row,
        timed=published is not None and has_clock(when),
    )


def _export(
    source: str, posts: list[Post], mapped: ColumnMap | None, skipped: int, zone: str
) -> Export:
    networks = list(dict.fromkeys(p.network for p in posts))
    notes = []
    if skipped:
        notes.append(Note("note_skipped", source=source, count=skipped))
    naive = mapped is not None and any(
        p.published_at is not None and p.published_at.tzinfo == ZoneInfo(zone) for p in posts
    )
    if naive:
        notes.append(Note("note_naive_zone", source=source, zone=zone))
    dated = [p for p in posts if p.published_at is not None]
    if mapped is not None and len(dated) > 1 and all(_midnight(p.published_at) for p in dated):
        for post in dated:
            post.timed = False  # date cells: every post at 00:00 is a day without its hour
    untimed = sum(not p.timed for p in dated)
    if untimed:
        notes.append(Note("note_untimed", source=source, count=untimed))
    missing = {
        n: [m for m in METRICS if not any(m in p.metrics for p in posts if p.network == n)]
        for n in networks
    }
    return Export(source, posts, networks, notes, missing)


def _midnight(moment: datetime) -> bool:
    return (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)


def _json_export(path: Path, raw: bytes, zone: str, network: str | None) -> Export:
    """Saved API responses: Mastodon statuses (a list), Bluesky getAuthorFeed (`feed`), or
    the assistant's posts.json (a list with `platform`); each item checked against its
    network's model (`network_json.py`), at most `analytics_rows` of them."""
    try:
        data = load_json(decode_utf8(raw.removeprefix(b"\xef\xbb\xbf"), path.name))
    except JsonProblem as exc:
        at = f" (line {exc.line}, column {exc.column})" if exc.line else ""
        raise InputError(
            f"{path.name}: not valid JSON{at}: {exc.problem}.",
            key="analytics_unreadable",
            file=path.name,
        ) from None
    items = data.get("feed") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InputError(
            f"{path.name}: expected a list of posts (Mastodon statuses, a Bluesky feed or "
            "posts.json).",
            key="analytics_unreadable",
            file=path.name,
        )
    bound = limits().analytics_rows
    if len(items) > bound:
        raise too_many_posts(path.name, bound)
    tz = ZoneInfo(zone)
    posts = [_json_post(path.name, i, item, tz, network) for i, item in enumerate(items, 1)]
    return _export(path.name, posts, None, 0, zone)


def _json_post(source: str, index: int, item: Any, tz: Any, network: str | None) -> Post:
    """One item as a Post, after its network's model; a wrong field names the item."""
    if not isinstance(item, dict):
        raise cell_error(source, index, "", "a post object", describe(item))
    try:
        if "post" in item:  # Bluesky feed item
            return _bluesky_post(source, index, validated(BlueskyFeedItem, item, index), tz)
        if "content" in item and "created_at" in item:  # Mastodon status
            return _mastodon_post(source, index, validated(MastodonStatus, item, index), tz)
        if "platform" in item and "text" in item:  # the assistant's posts.json
            return _own_post(source, index, validated(OwnPost, item, index), tz, network)
    except ShapeError as exc:
        raise cell_error(source, index, exc.field, exc.expected, exc.found) from None
    raise cell_error(
        source, index, "", "a Mastodon status, a Bluesky feed item or a post", sorted(item)[:6]
    )


def _timed(source: str, index: int, field: str, value: Any, tz: Any) -> datetime | None:
    try:
        return parse_time(value, tz)
    except CellError:
        raise cell_error(source, index, field, "a date and time", value) from None


def _bluesky_post(source: str, index: int, item: BlueskyFeedItem, tz: Any) -> Post:
    post = item.post
    record = post.record
    when = (record.createdAt if record else None) or post.indexedAt
    return Post(
        network="bluesky",
        post_id=post.uri,
        text=(record.text if record else None) or "",
        published_at=_timed(source, index, "post.record.createdAt", when, tz),
        format="repost" if item.reason else "post",
        permalink=post.uri,
        metrics=_counts(post, BLUESKY_COUNTS),
        source=source,
        row=index,
    )


def _mastodon_post(source: str, index: int, status: MastodonStatus, tz: Any) -> Post:
    if status.created_at is None:
        raise cell_error(source, index, "created_at", "a date and time", None)
    return Post(
        network="mastodon",
        post_id=status.id,
        text=html_text(status.content or ""),
        published_at=_timed(source, index, "created_at", status.created_at, tz),
        format="boost" if status.reblog else "post",
        permalink=status.url or status.uri or "",
        metrics=_counts(status, MASTODON_COUNTS),
        source=source,
        row=index,
    )


def _own_post(source: str, index: int, item: OwnPost, tz: Any, network: str | None) -> Post:
    own = network or item.platform
    if own not in platform_ids():
        raise cell_error(source, index, "platform", "a network", own)
    post_id = item.id or item.post_id
    if not post_id:
        raise cell_error(source, index, "id", "a post id", None)
    return Post(
        network=own,
        post_id=post_id,
        text=item.text,
        published_at=_timed(source, index, "publish_at", item.publish_at, tz),
        format="post",
        permalink=item.link or "",
        source=source,
        row=index,
    )


def _counts(post: Any, fields: dict[str, str]) -> dict[str, float]:
    """The counts a post gives (`fields`: our name → the network's), and their sum as its
    engagements."""
    found = {name: getattr(post, field) for name, field in fields.items()}
    counts = {name: value for name, value in found.items() if value is not None}
    if counts:
        counts["engagements"] = sum(counts.values())
    return counts
