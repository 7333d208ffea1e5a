"""Reading post-level exports: X CSV (legacy and current), Meta Business Suite CSV (Facebook,
Instagram), LinkedIn XLS/XLSX (title row above the header), legacy Facebook Insights
workbooks, saved Mastodon and Bluesky API JSON, and the assistant's own posts.csv/posts.json.

Spreadsheets are read by pandas (openpyxl, xlrd), every cell as written, so a 19-digit post
id stays exact; columns are found by name (`columns.py`). What cannot be read stops the
import with one InputError naming the file, row and column, before anything is stored."""

from __future__ import annotations

import csv
import html
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import InputError
from ..html import html_text
from ..limits import decode_utf8, limits, read_bounded
from ..platforms import platform_ids
from .columns import ColumnMap, header_row, map_columns, network_of
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
    suffix = path.suffix.lower()
    if suffix in SPREADSHEETS:
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


def _csv_rows(path: Path, raw: bytes) -> list[list[Any]]:
    """Rows of a CSV as strings (quoted line breaks kept); `;` or tab when the file uses them
    (French spreadsheets write `;`)."""
    import pandas as pd

    text = decode_utf8(raw.removeprefix(b"\xef\xbb\xbf"), path.name)
    if not text.strip():
        raise InputError(f"{path.name} is empty.", key="analytics_empty", file=path.name)
    try:
        dialect = csv.Sniffer().sniff(text[:20000], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    from io import StringIO

    try:
        frame = pd.read_csv(
            StringIO(text),
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=True,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(
            f"{path.name} is not a readable CSV file: {str(exc)[:200]}",
            key="analytics_unreadable",
            file=path.name,
        ) from None
    return frame.values.tolist()


def _sheet_rows(path: Path, raw: bytes) -> list[list[Any]]:
    """Rows of the workbook's first sheet holding posts (legacy Facebook puts them in the
    first of seven; LinkedIn's posts sheet may come second)."""
    from io import BytesIO

    import pandas as pd

    try:
        sheets = pd.read_excel(BytesIO(raw), sheet_name=None, header=None, dtype=object)
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
            return rows
    return next(iter(sheets.values())).values.tolist() if sheets else []


def _table_export(source: str, rows: list[list[Any]], zone: str, network: str | None) -> Export:
    at = header_row(rows)
    if at is None:
        raise InputError(
            f"{source}: no header row with a post id or link and at least "
            "3 known columns in its first rows; is it a post-level export?",
            key="analytics_no_header",
            file=source,
        )
    mapped = map_columns(rows[at])
    file_network = network or network_of(rows[at])
    if file_network is None and "network" not in mapped.columns:
        raise InputError(
            f"{source}: the network that wrote this file is not recognised from its columns; "
            "rename it after its network or use a supported export.",
            key="analytics_network",
            file=source,
        )
    tz = ZoneInfo(zone)
    posts, skipped = [], 0
    for offset, cells in enumerate(rows[at + 1 :], start=at + 2):
        post = _row_post(source, offset, cells, mapped, file_network, tz)
        if post is None:
            skipped += 1
        else:
            posts.append(post)
    return _export(source, posts, mapped, skipped, zone)


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
    the assistant's posts.json (a list with `platform`)."""
    try:
        data = json.loads(decode_utf8(raw.removeprefix(b"\xef\xbb\xbf"), path.name))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path.name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).",
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
    tz = ZoneInfo(zone)
    posts = [_json_post(path.name, i, item, tz, network) for i, item in enumerate(items, 1)]
    return _export(path.name, posts, None, 0, zone)


def _json_post(source: str, index: int, item: Any, tz: Any, network: str | None) -> Post:
    if not isinstance(item, dict):
        raise cell_error(source, index, "", "a post object", item)
    try:
        if isinstance(item.get("post"), dict):  # Bluesky feed item
            post = item["post"]
            record = post.get("record") or {}
            return Post(
                network="bluesky",
                post_id=str(post["uri"]),
                text=str(record.get("text", "")),
                published_at=parse_time(record.get("createdAt") or post.get("indexedAt"), tz),
                format="repost" if item.get("reason") else "post",
                permalink=str(post["uri"]),
                metrics=_counts(
                    post,
                    {
                        "likeCount": "likes",
                        "repostCount": "shares",
                        "replyCount": "comments",
                        "quoteCount": "quotes",
                    },
                ),
                source=source,
                row=index,
            )
        if "content" in item and "created_at" in item:  # Mastodon status
            return Post(
                network="mastodon",
                post_id=str(item["id"]),
                text=html_text(str(item.get("content") or "")),
                published_at=parse_time(item["created_at"], tz),
                format="boost" if item.get("reblog") else "post",
                permalink=str(item.get("url") or item.get("uri") or ""),
                metrics=_counts(
                    item,
                    {
                        "favourites_count": "likes",
                        "reblogs_count": "shares",
                        "replies_count": "comments",
                    },
                ),
                source=source,
                row=index,
            )
        if "platform" in item and "text" in item:  # the assistant's posts.json
            own = network or str(item["platform"])
            if own not in platform_ids():
                raise cell_error(source, index, "platform", "a network", own)
            return Post(
                network=own,
                post_id=str(item.get("id") or item.get("post_id")),
                text=str(item["text"]),
                published_at=parse_time(item.get("publish_at"), tz),
                format="post",
                permalink=str(item.get("link") or ""),
                source=source,
                row=index,
            )
    except (KeyError, CellError) as exc:
        raise cell_error(
            source,
            index,
            str(exc).strip("'"),
            "a post with its id and time",
            "missing or unreadable",
        ) from None
    raise cell_error(
        source, index, "", "a Mastodon status, a Bluesky feed item or a post", sorted(item)[:6]
    )


def _counts(item: dict[str, Any], names: dict[str, str]) -> dict[str, float]:
    counts = {
        ours: float(item[theirs])
        for theirs, ours in names.items()
        if isinstance(item.get(theirs), int | float)
    }
    if counts:
        counts["engagements"] = sum(v for k, v in counts.items())
    return counts
