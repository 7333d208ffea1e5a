"""Comment files as the inbox reads them: a pasted comment, a CSV or an XLSX workbook (columns
by name, extra ones ignored) or the JSON that the networks' APIs return (Facebook Graph
comments, YouTube commentThreads, Mastodon statuses or a status context, Bluesky
getPostThread). A file is read whole and checked whole: one bad row is one error naming the
file, the row and the field, and no comment of it reaches the store.
"""

from __future__ import annotations

import csv
import io
from collections import deque
from datetime import datetime
from pathlib import Path
from typing import Any

from ..core.archives import is_zip, workbook_sheets
from ..core.errors import InputError
from ..core.html import html_text
from ..core.limits import decode_utf8, limits, read_bounded, too_large
from ..core.network_json import (
    BlueskyThread,
    BlueskyThreadNode,
    FacebookComments,
    JsonProblem,
    MastodonContext,
    MastodonStatus,
    ShapeError,
    YouTubeComment,
    YouTubeThreads,
    load_json,
    validated,
)
from .comment_rows import CSV_COLUMNS, REQUIRED, Incoming, bad_row, checked_row

SPLIT_IT = "Split it: nothing was imported."


def read_file(path: str | Path, name: str | None = None) -> tuple[str, bytes]:
    """The file's bytes within the import bound (refused before reading it whole). `name` is
    how messages call the file (the name the person chose, not where an upload was kept)."""
    path = Path(path)
    where = name or str(path)
    return where, read_bounded(path, limits().inbox_bytes, "an inbox file", SPLIT_IT, where)


def parse(data: bytes, where: str) -> list[Incoming]:
    """Every comment of a file, CSV, JSON (decided by its first character) or an XLSX
    workbook with the CSV's columns, all checked; at most `inbox_rows` of them."""
    bound = limits()
    if len(data) > bound.inbox_bytes:
        raise too_large(where, len(data), bound.inbox_bytes, "an inbox file", SPLIT_IT)
    try:
        rows = _rows(data, where)
    except TooMany as exc:
        raise _too_many(where, exc.args[0]) from None
    if len(rows) > bound.inbox_rows:
        raise _too_many(where, len(rows))
    return [checked_row(row, where, number) for number, row in enumerate(rows, 1)]


def _rows(data: bytes, where: str) -> list[dict[str, Any]]:
    if is_zip(data):
        return _sheet_rows(data, where)
    text = decode_utf8(data, where).lstrip("\ufeff")
    head = text.lstrip()[:1]
    return _json_rows(text, where) if head in ("[", "{") else _csv_rows(text, where)


def _too_many(where: str, count: int) -> InputError:
    bound = limits().inbox_rows
    return InputError(
        f"{where} holds {count:,} comments; at most {bound:,} at once.",
        key="too_many_rows",
        path=where,
        rows=count,
        limit=bound,
    )


def _sheet_rows(data: bytes, where: str) -> list[dict[str, Any]]:
    """The comments of a workbook's first sheet, its first row naming the CSV's columns;
    the workbook passes the archive bounds first and is read one row at a time, stopping
    past `inbox_rows`."""
    sheets = workbook_sheets(data, where)
    try:
        rows = next(sheets, iter([]))
        columns = [str(c or "").strip().lower() for c in next(rows, [])]
        _require_columns(columns, where)
        found = []
        for cells in rows:
            if len(found) >= limits().inbox_rows:
                raise TooMany(len(found) + 1)
            row = {c: v for c, v in zip(columns, cells, strict=False) if c in CSV_COLUMNS}
            found.append({k: _sheet_value(v) for k, v in row.items()})
        return found
    finally:
        sheets.close()


def _sheet_value(value: Any) -> Any:
    """A cell as the CSV would have it: a time in ISO 8601, a whole float as its digits."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _require_columns(columns: list[str], where: str) -> None:
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise InputError(
            f"{where}: the column {missing[0]!r} is missing; a CSV needs the columns "
            f"{', '.join(CSV_COLUMNS)} (by name, in any order; others are ignored). "
            "Nothing was imported.",
            key="import_missing_column",
            file=where,
            column=missing[0],
        )


def _csv_rows(text: str, where: str) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    _require_columns(columns, where)
    reader.fieldnames = columns
    rows = []
    try:
        for raw in reader:
            if None in raw:
                raise bad_row(where, reader.line_num - 1, "-", "more values than columns")
            rows.append({k: v for k, v in raw.items() if k in CSV_COLUMNS})
    except csv.Error as exc:
        raise bad_row(where, reader.line_num - 1, "-", f"not valid CSV ({exc})") from None
    return rows


def _json_rows(text: str, where: str) -> list[dict[str, Any]]:
    """The comments of a network's JSON as rows with the CSV's keys; the shape is told by
    its keys, then checked whole against its model (`network_json.py`)."""
    try:
        data = load_json(text)
    except JsonProblem as exc:
        raise InputError(
            f"{where}: not valid JSON (line {exc.line}, column {exc.column}: {exc.problem}); "
            "nothing was imported.",
            key="import_bad_json",
            file=where,
            line=exc.line,
            column=exc.column,
        ) from None
    for shape, reader in SHAPES:
        if shape(data):
            try:
                return reader(data)
            except ShapeError as exc:
                raise bad_row(where, exc.item, exc.field, exc.problem) from None
    raise InputError(
        f"{where}: this JSON is not a shape the inbox reads (Facebook Graph comments, YouTube "
        "commentThreads, Mastodon statuses, Bluesky getPostThread, or a list of objects with "
        f"{', '.join(REQUIRED)}); nothing was imported.",
        key="import_unknown_shape",
        file=where,
    )


def _is_facebook(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("data"), list)


def _facebook(data: Any) -> list[dict[str, Any]]:
    comments = validated(FacebookComments, _bounded(data, "data")).data
    return [
        {
            "network": "facebook",
            "id": item.id,
            "text": item.message,
            "author": (item.author.name if item.author else None) or "",
            "created_at": item.created_time,
            "permalink": item.permalink_url,
            "parent": item.parent.id if item.parent else None,
            "post": item.id.split("_")[0] or None,
        }
        for item in comments
    ]


def _bounded(data: Any, key: str | None = None) -> Any:
    """`data` whose list of comments (`data[key]`, or `data` itself) is within the import
    bound: refused before any item is read past it."""
    items = data.get(key) if key is not None and isinstance(data, dict) else data
    bound = limits().inbox_rows
    if isinstance(items, list) and len(items) > bound:
        raise TooMany(len(items))
    return data


class TooMany(Exception):
    """More comments than `inbox_rows`: the count found."""


def _is_youtube(data: Any) -> bool:
    return isinstance(data, dict) and str(data.get("kind", "")).startswith("youtube#commentThread")


def _youtube_comment(comment: YouTubeComment, parent: str | None) -> dict[str, Any]:
    snippet = comment.snippet
    return {
        "network": "youtube",
        "id": comment.id,
        "text": snippet.textOriginal or html_text(snippet.textDisplay or ""),
        "author": snippet.authorDisplayName or "",
        "created_at": snippet.publishedAt,
        "post": snippet.videoId,
        "parent": snippet.parentId or parent,
        "permalink": None,
    }


def _youtube(data: Any) -> list[dict[str, Any]]:
    rows = []
    for thread in validated(YouTubeThreads, _bounded(data, "items")).items:
        top = thread.snippet.topLevelComment
        rows.append(_youtube_comment(top, None))
        for reply in thread.replies.comments if thread.replies else []:
            rows.append(_youtube_comment(reply, top.id))
    return rows


def _is_mastodon(data: Any) -> bool:
    if isinstance(data, dict) and {"ancestors", "descendants"} <= set(data):
        return True
    return (
        isinstance(data, list)
        and bool(data)
        and isinstance(data[0], dict)
        and {"content", "account"} <= set(data[0])
    )


def _mastodon(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, dict):
        statuses = validated(MastodonContext, _bounded(data, "descendants")).descendants
    else:
        statuses = [validated(MastodonStatus, s, i) for i, s in enumerate(_bounded(data), 1)]
    return [
        {
            "network": "mastodon",
            "id": status.id,
            "text": html_text(status.content or ""),
            "author": (status.account.acct if status.account else None) or "",
            "created_at": status.created_at,
            "permalink": status.url,
            "parent": status.in_reply_to_id,
            "post": None,
        }
        for status in statuses
    ]


def _is_bluesky(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("thread"), dict)


def _bluesky(data: Any) -> list[dict[str, Any]]:
    """Every reply of a thread, breadth first; each node is checked as it is reached (the
    item is the reply's place in that order), so a deep thread is walked, not recursed."""
    root = validated(BlueskyThread, data).thread
    root_uri = root.post.uri if root.post else None
    rows: list[dict[str, Any]] = []
    pending = deque(root.replies or [])
    reached = 0
    while pending:
        reached += 1
        if reached > limits().inbox_rows:
            raise TooMany(reached)
        node = validated(BlueskyThreadNode, pending.popleft(), reached)
        pending.extend(node.replies or [])
        if node.post is None:
            continue  # blocked or deleted replies carry no post
        post, record = node.post, node.post.record
        reply = record.reply if record else None
        rows.append(
            {
                "network": "bluesky",
                "id": post.uri,
                "text": record.text if record else None,
                "author": (post.author.handle if post.author else None) or "",
                "created_at": (record.createdAt if record else None) or post.indexedAt,
                "permalink": None,
                "parent": reply.parent.uri if reply and reply.parent else None,
                "post": root_uri,
            }
        )
    return rows


def _is_plain(data: Any) -> bool:
    return isinstance(data, list) and all(isinstance(r, dict) for r in data)


def _plain(data: Any) -> list[dict[str, Any]]:
    return [{k: r.get(k) for k in CSV_COLUMNS if k in r} for r in _bounded(data)]


SHAPES = (
    (_is_facebook, _facebook),
    (_is_youtube, _youtube),
    (_is_bluesky, _bluesky),
    (_is_mastodon, _mastodon),
    (_is_plain, _plain),
)
