"""The inbox: comments brought in from the networks, triaged, listed, corrected, counted.

Import reads a pasted comment, a CSV (columns by name, extra ones ignored) or the JSON that
the networks' APIs return (Facebook Graph comments, YouTube commentThreads, Mastodon
statuses or a status context, Bluesky getPostThread). A file is read whole and checked whole
before anything is stored: one bad row is one error naming the file, the row and the field,
and nothing of the file is imported. Importing the same comments again adds nothing.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from typing import Any

import regex
from sqlalchemy import select

from . import brand_heads
from .charter import Charter
from .community import INTENTS
from .errors import InputError
from .html import html_text
from .inbox_tables import CLOSED, InboxEvent, InboxItem, LabelCorrection, Reply
from .limits import CONTROL, decode_utf8, limits, read_bounded, too_large
from .store import Store, commit_or_conflict, get_or_404, now
from .triage import SENTIMENTS, due_at, priority_of, time_left, triage_with_model

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

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "read": self.read, "added": self.added, "already": self.already}


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
    """Every comment of a file, CSV or JSON (decided by its first character), all checked."""
    bound = limits()
    if len(data) > bound.inbox_bytes:
        raise too_large(where, len(data), bound.inbox_bytes, "an inbox file", SPLIT_IT)
    text = decode_utf8(data, where).lstrip("\ufeff")
    head = text.lstrip()[:1]
    rows = _json_rows(text, where) if head in ("[", "{") else _csv_rows(text, where)
    if len(rows) > bound.inbox_rows:
        raise InputError(
            f"{where} holds {len(rows):,} comments; at most {bound.inbox_rows:,} at once.",
            key="too_many_rows",
            path=where,
            rows=len(rows),
            limit=bound.inbox_rows,
        )
    return [_checked(row, where, number) for number, row in enumerate(rows, 1)]


def _csv_rows(text: str, where: str) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = [c.strip().lower() for c in reader.fieldnames or []]
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
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{where}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "nothing was imported.",
            key="import_bad_json",
            file=where,
            line=exc.lineno,
            column=exc.colno,
        ) from None
    for shape, reader in SHAPES:
        if shape(data):
            return reader(data)
    raise InputError(
        f"{where}: this JSON is not a shape the inbox reads (Facebook Graph comments, YouTube "
        "commentThreads, Mastodon statuses, Bluesky getPostThread, or a list of objects with "
        f"{', '.join(REQUIRED)}); nothing was imported.",
        key="import_unknown_shape",
        file=where,
    )


def _get(data: Any, *path: str) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _is_facebook(data: Any) -> bool:
    items = _get(data, "data")
    return isinstance(items, list) and all(
        isinstance(i, dict) and "message" in i and "id" in i for i in items
    )


def _facebook(data: Any) -> list[dict[str, Any]]:
    return [
        {
            "network": "facebook",
            "id": item.get("id"),
            "text": item.get("message"),
            "author": _get(item, "from", "name") or "",
            "created_at": item.get("created_time"),
            "permalink": item.get("permalink_url"),
            "parent": _get(item, "parent", "id"),
            "post": (item.get("id") or "").split("_")[0] or None,
        }
        for item in data["data"]
    ]


def _is_youtube(data: Any) -> bool:
    return isinstance(data, dict) and str(data.get("kind", "")).startswith("youtube#commentThread")


def _youtube_comment(comment: Any, parent: str | None) -> dict[str, Any]:
    snippet = _get(comment, "snippet") or {}
    return {
        "network": "youtube",
        "id": _get(comment, "id"),
        "text": snippet.get("textOriginal") or html_text(snippet.get("textDisplay") or ""),
        "author": snippet.get("authorDisplayName") or "",
        "created_at": snippet.get("publishedAt"),
        "post": snippet.get("videoId"),
        "parent": snippet.get("parentId") or parent,
        "permalink": None,
    }


def _youtube(data: Any) -> list[dict[str, Any]]:
    items = data.get("items")
    if not isinstance(items, list):
        return [{}]  # reported as a missing field of the first row
    rows = []
    for thread in items:
        top = _get(thread, "snippet", "topLevelComment")
        rows.append(_youtube_comment(top, None))
        for reply in _get(thread, "replies", "comments") or []:
            rows.append(_youtube_comment(reply, _get(top, "id")))
    return rows


def _is_mastodon(data: Any) -> bool:
    if isinstance(data, dict) and {"ancestors", "descendants"} <= set(data):
        return True
    return (
        isinstance(data, list)
        and bool(data)
        and all(isinstance(s, dict) and "content" in s and "account" in s for s in data)
    )


def _mastodon(data: Any) -> list[dict[str, Any]]:
    statuses = data["descendants"] if isinstance(data, dict) else data
    return [
        {
            "network": "mastodon",
            "id": status.get("id"),
            "text": html_text(status.get("content") or ""),
            "author": _get(status, "account", "acct") or "",
            "created_at": status.get("created_at"),
            "permalink": status.get("url"),
            "parent": status.get("in_reply_to_id"),
            "post": None,
        }
        for status in statuses
    ]


def _is_bluesky(data: Any) -> bool:
    return isinstance(_get(data, "thread"), dict) and "post" in data["thread"]


def _bluesky(data: Any) -> list[dict[str, Any]]:
    root = data["thread"]
    root_uri = _get(root, "post", "uri")
    rows: list[dict[str, Any]] = []
    pending = list(root.get("replies") or [])
    while pending:
        node = pending.pop(0)
        post = _get(node, "post")
        if not isinstance(post, dict):
            continue  # blocked or deleted replies carry no post
        rows.append(
            {
                "network": "bluesky",
                "id": post.get("uri"),
                "text": _get(post, "record", "text"),
                "author": _get(post, "author", "handle") or "",
                "created_at": _get(post, "record", "createdAt") or post.get("indexedAt"),
                "permalink": None,
                "parent": _get(post, "record", "reply", "parent", "uri"),
                "post": root_uri,
            }
        )
        pending.extend(node.get("replies") or [])
    return rows


def _is_plain(data: Any) -> bool:
    return isinstance(data, list) and all(isinstance(r, dict) for r in data)


def _plain(data: Any) -> list[dict[str, Any]]:
    return [{k: r.get(k) for k in CSV_COLUMNS if k in r} for r in data]


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
    if not isinstance(value, str | int):
        raise _bad(where, number, name, f"expected text, got {type(value).__name__}")
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
    result = ImportResult(file=where, read=len(comments))
    unique = {(c.network, c.external_id): c for c in comments}
    with store.session() as session:
        known = _known_ids(session, charter.slug, list(unique))
        learned = brand_heads.load(store, charter.slug)
        created = [
            _new_item(charter, c, provider, learned)
            for key, c in unique.items()
            if key not in known
        ]
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
    charter: Charter, comment: Incoming, provider: Any = None, learned: dict | None = None
) -> InboxItem:
    """The row of a new comment: what the file gave and the labels, under the same names as
    the columns; the escalation's role is not stored (the charter names it again when shown)."""
    comment = replace(comment, created_at=comment.created_at or now())
    labels = triage_with_model(
        comment.text, charter, provider, comment.network, comment.created_at, brand_heads=learned
    )
    stored = {k: v for k, v in asdict(labels).items() if k != "role"}
    return InboxItem(brand=charter.slug, **asdict(comment), **stored, status="new", corrected=[])


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
    from .charter import load_brand
    from .settings import get_settings

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
        "escalation": [r.name for r in charter.community.escalation],
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
