"""The inbox: comments brought in from the networks, triaged, listed, corrected, counted.

Import reads a pasted comment, a CSV or an XLSX workbook (columns by name, extra ones
ignored) or the JSON that the networks' APIs return (Facebook Graph comments, YouTube commentThreads, Mastodon
statuses or a status context, Bluesky getPostThread). A file is read whole and checked whole
before anything is stored: one bad row is one error naming the file, the row and the field,
and nothing of the file is imported. Importing the same comments again adds nothing.
"""

from __future__ import annotations

import csv
import io
from collections import deque
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from typing import Any

import regex
from sqlalchemy import select

from ..core.archives import is_zip, workbook_sheets
from ..core.charter import Charter
from ..core.errors import InputError
from ..core.html import html_text
from ..core.limits import CONTROL, decode_utf8, limits, read_bounded, too_large
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
    describe,
    load_json,
    validated,
)
from ..core.store import Store, commit_or_conflict, conflicts_refused, get_or_404, now
from . import brand_heads
from .charter_section import INTENTS
from .inbox_tables import CLOSED, InboxEvent, InboxItem, LabelCorrection, Reply
from .triage import SENTIMENTS, ModelReading, due_at, priority_of, read_with_model, time_left

CSV_COLUMNS = ("network", "id", "author", "text", "created_at", "permalink", "post", "parent")
REQUIRED = ("network", "id", "text")
SPLIT_IT = "Split it: nothing was imported."
NETWORK_NAMES = {
    "twitter": "x",
    "x": "x",
    "facebook": "facebook",
    "fb": "facebook",
    "instagram": "instagram",
    "youtube": "youtube",
    "mastodon": "mastodon",
    "bluesky": "bluesky",
    "bsky": "bluesky",
    "linkedin": "linkedin",
    "tiktok": "tiktok",
    "threads": "threads",
    "pinterest": "pinterest",
}
LABELS = {"intent": INTENTS, "sentiment": SENTIMENTS, "language": ("fr", "en")}
LIST_KEYS = (
    "id",
    "network",
    "external_id",
    "author",
    "text",
    "language",
    "sentiment",
    "intent",
    "escalation",
    "topic",
    "faq",
    "priority",
    "due_at",
    "status",
)


@dataclass
class Incoming:
    """One comment as read from a file, before it is stored."""

    network: str
    external_id: str
    text: str
    author: str = ""
    created_at: datetime | None = None
    permalink: str | None = None
    post: str | None = None
    parent: str | None = None


@dataclass
class ImportResult:
    """What an import did: the JSON of `assistant inbox import`."""

    file: str
    read: int = 0
    added: int = 0
    already: int = 0
    ids: list[int] = field(default_factory=list)
    # with a model: what it said of each comment it was asked about, by (network, id)
    readings: dict[tuple[str, str], ModelReading] = field(default_factory=dict)
    model: bool = False
    model_errors: list[str] = field(default_factory=list)  # comments the model gave no opinion on

    def model_counts(self) -> dict[str, int]:
        """Comments the model was asked about; those whose answer was used (one of the
        intents), unclear (something else: the rules' label stands) or failed (no answer)."""
        found = self.readings.values()
        used = sum(r.used for r in found)
        unclear = sum(r.intent is None and r.error is None for r in found)
        failed = sum(r.error is not None for r in found)
        return {
            "asked": len(self.readings),
            "used": used,
            "kept": len(self.readings) - used - unclear - failed,  # would have lowered
            "unclear": unclear,
            "failed": failed,
        }

    def notices(self) -> list[str]:
        """What a user must know about the model's part: a model that failed is reported
        (the rules' labels stand for those comments), never passed over in silence."""
        counts = self.model_counts()
        if not counts["failed"]:
            return []
        first = next(r.error for r in self.readings.values() if r.error)
        return [
            f"the model could not read {counts['failed']} of {counts['asked']} comment(s) "
            f"({first}); the rules' labels stand for them"
        ]

    def to_dict(self) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "file": self.file,
            "read": self.read,
            "added": self.added,
            "already": self.already,
        }
        if self.model:
            shown["model"] = self.model_counts()
        if self.model_errors:  # failed or unreadable: the rules' labels stand for them
            shown["model_failed"] = len(self.model_errors)
            shown["model_error"] = self.model_errors[0]
        shown["notices"] = self.notices()
        return shown


def _bad(
    where: str,
    row: int | None,
    column: str,
    problem: str,
    key: str = "import_bad_field",
    **params: Any,
) -> InputError:
    """One import error naming the file, the row (1 = first data row) and the field; `key`
    words a known problem in the reader's language."""
    at = f"{where}, row {row}, field {column!r}" if row else f"{where}, field {column!r}"
    return InputError(
        f"{at}: {problem}; nothing was imported.",
        key=key,
        file=where,
        row=row or 0,
        column=column,
        problem=problem,
        **params,
    )


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
    return [_checked(row, where, number) for number, row in enumerate(rows, 1)]


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
                raise _bad(where, reader.line_num - 1, "-", "more values than columns")
            rows.append({k: v for k, v in raw.items() if k in CSV_COLUMNS})
    except csv.Error as exc:
        raise _bad(where, reader.line_num - 1, "-", f"not valid CSV ({exc})") from None
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
                raise _bad(where, exc.item, exc.field, exc.problem) from None
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


def _field(row: dict[str, Any], name: str, where: str, number: int, limit: int) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise _bad(where, number, name, f"expected text, found {describe(value)}")
    value = str(value).strip()
    if len(value) > limit:
        raise _bad(
            where,
            number,
            name,
            f"{len(value):,} characters; at most {limit:,}",
            key="import_field_too_long",
            size=len(value),
            limit=limit,
        )
    return CONTROL.sub(_repaired, value).strip()


def _repaired(found: regex.Match) -> str:
    """A control character in a comment someone else wrote: a C1 code that is really a
    Windows-1252 character decoded wrongly (U+0092 for ’) is put right, any other is
    dropped. Refusing a whole export for one invisible character would help nobody."""
    char = found.group()
    if 0x80 <= ord(char) <= 0x9F:
        try:
            return bytes([ord(char)]).decode("cp1252")
        except UnicodeDecodeError:
            return ""
    return ""


def _checked(row: dict[str, Any], where: str, number: int) -> Incoming:
    """One row as an Incoming comment, or the error naming its first bad field."""
    bound = limits()
    values = {
        name: _field(row, name, where, number, bound.post_chars if name == "text" else 2000)
        for name in CSV_COLUMNS
    }
    for name in REQUIRED:
        if not values[name]:
            raise _bad(where, number, name, "empty or missing", key="import_empty_field")
    network = NETWORK_NAMES.get(values["network"].lower())
    if network is None:
        known = ", ".join(sorted(set(NETWORK_NAMES.values())))
        raise _bad(
            where, number, "network", f"unknown network {values['network'][:32]!r} ({known})"
        )
    return Incoming(
        network=network,
        external_id=values["id"][:200],
        text=values["text"],
        author=values["author"][:200],
        created_at=_when(values["created_at"], where, number),
        permalink=values["permalink"] or None,
        post=values["post"] or None,
        parent=values["parent"][:200] or None,
    )


def _when(value: str, where: str, number: int) -> datetime | None:
    if not value:
        return None
    from dateutil.parser import isoparse

    try:
        moment = isoparse(value)
    except (ValueError, OverflowError):
        raise _bad(
            where,
            number,
            "created_at",
            f"{value[:40]!r} is not an ISO 8601 time",
            key="import_bad_time",
            value=value[:40],
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def import_comments(
    store: Store,
    charter: Charter,
    comments: list[Incoming],
    where: str = "",
    actor: str = "",
    provider: Any = None,
) -> ImportResult:
    """Triage and store the comments not stored yet, in one transaction (idempotent by
    network and id: the same file imported twice adds nothing)."""
    result = ImportResult(file=where, read=len(comments), model=provider is not None)
    unique = {(c.network, c.external_id): c for c in comments}
    # the same file imported twice at once: the second one's rows are refused at the flush
    with store.session() as session, conflicts_refused(session, "the inbox"):
        known = _known_ids(session, charter.slug, list(unique))
        learned = brand_heads.load(store, charter.slug)
        made = [
            _new_item(charter, c, provider, result.readings, learned)
            for key, c in unique.items()
            if key not in known
        ]
        created = [item for item, _error in made]
        result.model_errors = [error for _item, error in made if error]
        session.add_all(created)
        session.flush()
        for item in created:
            session.add(InboxEvent(item_id=item.id, actor=actor or "import", action="import"))
        commit_or_conflict(session, "the inbox")
    result.added = len(created)
    result.ids = sorted(item.id for item in created)
    result.already = result.read - result.added
    result.ids.sort()
    return result


def _known_ids(session: Any, brand: str, keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    by_network: dict[str, list[str]] = {}
    for network, external in keys:
        by_network.setdefault(network, []).append(external)
    for network, ids in by_network.items():
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = session.execute(
                select(InboxItem.network, InboxItem.external_id).where(
                    InboxItem.brand == brand,
                    InboxItem.network == network,
                    InboxItem.external_id.in_(chunk),
                )
            )
            found.update((r.network, r.external_id) for r in rows)
    return found


def _new_item(
    charter: Charter,
    comment: Incoming,
    provider: Any = None,
    readings: dict[tuple[str, str], ModelReading] | None = None,
    learned: dict | None = None,
) -> tuple[InboxItem, str | None]:
    """The row of a new comment: what the file gave and the labels, under the same names as
    the columns; the escalation's role is not stored (the charter names it again when shown).
    What the model said, when it was asked, goes to `readings`; returned with the row, why
    the model gave no opinion (None when it gave one or was not asked)."""
    comment = replace(comment, created_at=comment.created_at or now())
    labels, reading = read_with_model(
        comment.text, charter, provider, comment.network, comment.created_at, brand_heads=learned
    )
    if reading is not None and readings is not None:
        readings[(comment.network, comment.external_id)] = reading
    stored = {k: v for k, v in asdict(labels).items() if k not in ("role", "model_error")}
    item = InboxItem(brand=charter.slug, **asdict(comment), **stored, status="new", corrected=[])
    return item, labels.model_error


def import_file(
    store: Store,
    charter: Charter,
    path: str | Path,
    actor: str = "",
    provider: Any = None,
    name: str | None = None,
) -> ImportResult:
    """Read, check and import one file (see the module's docstring); with a model provider
    the intent of each comment the rules do not escalate is asked of the model. `name` is
    the file's name in messages (an upload's own name rather than the server's copy)."""
    where, data = read_file(path, name)
    return import_comments(store, charter, parse(data, where), where, actor, provider)


def import_text(
    store: Store,
    charter: Charter,
    text: str,
    network: str,
    author: str = "",
    external_id: str | None = None,
    actor: str = "",
) -> ImportResult:
    """One pasted comment (its id, when not given, is made from the time it was pasted)."""
    row = {
        "network": network,
        "id": external_id or f"pasted-{now().strftime('%Y%m%dT%H%M%S%f')}",
        "text": text,
        "author": author,
    }
    return import_comments(store, charter, [_checked(row, "the pasted comment", 1)], "", actor)


def to_dict(item: InboxItem) -> dict[str, Any]:
    """A comment as `assistant inbox list --format json` shows it."""
    return {
        "id": item.id,
        "network": item.network,
        "external_id": item.external_id,
        "author": item.author,
        "text": item.text,
        "language": item.language,
        "sentiment": item.sentiment,
        "intent": item.intent,
        "escalation": item.escalation,
        "topic": item.topic,
        "faq": item.faq,
        "priority": item.priority,
        "due_at": item.due_at.isoformat() if item.due_at else None,
        "status": item.status,
    }


def list_items(
    store: Store,
    brand: str | None = None,
    status: str | None = None,
    intent: str | None = None,
    network: str | None = None,
    open_only: bool = False,
    limit: int = 500,
    offset: int = 0,
) -> list[InboxItem]:
    """The inbox, most urgent first: priority, then the time it is due, then age."""
    query = select(InboxItem)
    if brand:
        query = query.where(InboxItem.brand == brand)
    if status:
        query = query.where(InboxItem.status == status)
    if intent:
        query = query.where(InboxItem.intent == intent)
    if network:
        query = query.where(InboxItem.network == network)
    if open_only:
        query = query.where(InboxItem.status.not_in(CLOSED))
    query = query.order_by(
        InboxItem.priority, InboxItem.due_at.asc().nulls_last(), InboxItem.created_at, InboxItem.id
    )
    with store.session() as session:
        return list(session.scalars(query.limit(max(0, limit)).offset(max(0, offset))))


def get_item(store: Store, item_id: int) -> InboxItem:
    with store.session() as session:
        return get_or_404(session, InboxItem, item_id)


def thread(store: Store, item_id: int) -> dict[str, Any]:
    """A comment in its thread: the post it answers, its parent comment, the replies to it."""
    with store.session() as session:
        item = get_or_404(session, InboxItem, item_id)
        parent = None
        if item.parent:
            parent = session.scalar(
                select(InboxItem).where(
                    InboxItem.brand == item.brand,
                    InboxItem.network == item.network,
                    InboxItem.external_id == item.parent,
                )
            )
        children = session.scalars(
            select(InboxItem)
            .where(
                InboxItem.brand == item.brand,
                InboxItem.network == item.network,
                InboxItem.parent == item.external_id,
            )
            .order_by(InboxItem.created_at)
        ).all()
        return {
            "item": to_dict(item),
            "post": item.post,
            "permalink": item.permalink,
            "parent": to_dict(parent) if parent else None,
            "children": [to_dict(c) for c in children],
        }


def correct(store: Store, item_id: int, label: str, value: str | None, actor: str) -> InboxItem:
    """A person's correction of one label, kept (and the priority and due time follow)."""
    if label not in (*LABELS, "escalation", "faq"):
        raise InputError(
            f"no label {label[:32]!r}; correct one of {', '.join([*LABELS, 'escalation', 'faq'])}.",
            key="unknown_label",
            label=label[:32],
        )
    if label in LABELS and value not in LABELS[label]:
        raise InputError(
            f"{label} cannot be {str(value)[:32]!r}; expected one of {', '.join(LABELS[label])}.",
            key="bad_label_value",
            label=label,
            value=str(value)[:32],
        )
    from ..core.charter import load_brand
    from ..core.settings import get_settings

    with store.session() as session:
        item = get_or_404(session, InboxItem, item_id)
        charter = load_brand(item.brand, get_settings().brand_dir)
        _check_named(label, value, charter)
        old = getattr(item, label)
        if old == (value or None):
            return item
        setattr(item, label, value or None)
        item.priority = priority_of(item.intent, item.escalation)
        item.due_at = due_at(item.created_at, item.intent, charter)
        item.corrected = sorted({*item.corrected, label})
        session.add(
            LabelCorrection(
                item_id=item.id, field=label, old_value=old, new_value=value or None, actor=actor
            )
        )
        session.add(
            InboxEvent(
                item_id=item.id, actor=actor, action="relabel", reason=f"{label}: {old} → {value}"
            )
        )
        commit_or_conflict(session, f"comment {item_id}")
    if label in brand_heads.FIELDS:  # the brand's head learns from it at once
        brand_heads.learn(store, charter, label)
    return item


def _check_named(label: str, value: str | None, charter: Charter) -> None:
    names = {
        "escalation": [r.name for r in charter.community.escalation]
        + list(charter.community.safety_rules),
        "faq": [f.id for f in charter.community.faq],
    }.get(label)
    if names is not None and value and value not in names:
        raise InputError(
            f"{charter.name} has no {label} {value[:32]!r}; expected one of {', '.join(names)}.",
            key="bad_label_value",
            label=label,
            value=value[:32],
        )


def corrections(store: Store, brand: str | None = None) -> list[dict[str, Any]]:
    """Every label a person corrected: what the triage said and what was right."""
    query = select(
        LabelCorrection.item_id.label("id"),
        LabelCorrection.field,
        LabelCorrection.old_value.label("was"),
        LabelCorrection.new_value.label("now"),
        LabelCorrection.actor.label("by"),
        InboxItem.text,
    ).join(InboxItem, InboxItem.id == LabelCorrection.item_id)
    if brand:
        query = query.where(InboxItem.brand == brand)
    with store.session() as session:
        rows = session.execute(query.order_by(LabelCorrection.id)).mappings()
        return [dict(row) for row in rows]


def stats(store: Store, brand: str | None = None, at: datetime | None = None) -> dict[str, Any]:
    """Response times per network and intent: how many were answered, the median time to
    answer in hours, the share answered within the target, what is open and what is late."""
    at = at or datetime.now(UTC)
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for item in list_items(store, brand, limit=10**9):
        group = groups.setdefault(
            (item.network, item.intent), {"hours": [], "within": 0, "open": 0, "late": 0}
        )
        if item.status == "answered" and item.answered_at:
            group["hours"].append((item.answered_at - item.created_at).total_seconds() / 3600)
            group["within"] += int(item.due_at is None or item.answered_at <= item.due_at)
        elif item.status not in CLOSED:
            group["open"] += 1
            left = time_left(item.due_at, at)
            group["late"] += int(left is not None and left.total_seconds() < 0)
    rows = []
    for (network, intent), group in sorted(groups.items()):
        answered = len(group["hours"])
        rows.append(
            {
                "network": network,
                "intent": intent,
                "answered": answered,
                "median_hours": round(median(group["hours"]), 2) if answered else None,
                "within_target": round(group["within"] / answered, 3) if answered else None,
                "open": group["open"],
                "late": group["late"],
            }
        )
    return {"groups": rows, "total": sum(r["answered"] + r["open"] for r in rows)}


def spreadsheet_cell(value: object) -> str:
    """A CSV cell; one a spreadsheet would run as a formula gets a leading quote (OWASP)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


EXPORT_KEYS = (*LIST_KEYS, "created_at", "permalink", "post", "parent", "reply", "approved_by")


def export_rows(store: Store, brand: str | None = None) -> list[dict[str, Any]]:
    """Every comment with its labels, status and reply text (for a spreadsheet or a tool)."""
    items = list_items(store, brand, limit=10**9)
    with store.session() as session:
        replies = (
            {
                r.item_id: r
                for r in session.scalars(
                    select(Reply).where(Reply.item_id.in_([i.id for i in items]))
                )
            }
            if items
            else {}
        )
    rows = []
    for item in items:
        reply = replies.get(item.id)
        rows.append(
            {
                **to_dict(item),
                "created_at": item.created_at.isoformat(),
                "permalink": item.permalink,
                "post": item.post,
                "parent": item.parent,
                "reply": reply.text if reply else None,
                "approved_by": reply.approved_by if reply else None,
            }
        )
    return rows
