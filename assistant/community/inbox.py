"""The inbox: comments brought in from the networks, triaged, listed, corrected, counted.

Import takes a pasted comment or a file (`comment_files`: CSV, XLSX, the networks' JSON),
read whole and checked whole before anything is stored: one bad row is one error naming the
file, the row and the field, and nothing of the file is imported. Importing the same
comments again adds nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from typing import Any

from sqlalchemy import select

from ..core.charter import Charter
from ..core.rows import commit_or_conflict, conflicts_refused, get_or_404
from ..core.store import Store, now
from . import brand_heads
from .comment_files import parse, read_file
from .comment_rows import Incoming, checked_row
from .inbox_tables import CLOSED, InboxEvent, InboxItem, Reply
from .triage import ModelReading, read_with_model, time_left

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
    return import_comments(store, charter, [checked_row(row, "the pasted comment", 1)], "", actor)


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
