"""Labels people corrected: a comment's intent, sentiment, language, escalation or FAQ entry
set right by a person, kept with what the triage had said, its priority and due time
following, and the brand's learned head taught at once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..core.charter import Charter
from ..core.errors import InputError
from ..core.rows import commit_or_conflict, get_or_404
from ..core.store import Store
from . import brand_heads
from .charter_section import INTENTS
from .inbox_tables import InboxEvent, InboxItem, LabelCorrection
from .triage import SENTIMENTS, due_at, priority_of

LABELS = {"intent": INTENTS, "sentiment": SENTIMENTS, "language": ("fr", "en")}


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
