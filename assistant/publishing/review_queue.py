"""The review workflow as people read it: the queue of variants (filtered, paged, newest text
version and its error count), one variant described with its versions, checks and audit
trail, and the change marker the UI polls to know whether anything moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from ..core.actors import errors_of
from ..core.blobs import visual_paths
from ..core.platforms import get_platform
from ..core.rows import filter_variants
from ..core.store import AuditEvent, Brief, Campaign, Comment, Store, VariantRow, Version
from .fact_comparison import compare
from .review import _authors_since_approval_loaded, _charter_of, _whole_variant


@dataclass(frozen=True)
class QueueItem:
    """One row of the review queue, everything read in the queue's single statement."""

    id: int
    platform: str
    status: str
    version: int
    text_version: int
    errors: int
    text: str
    brief_id: int
    campaign_id: int
    publish_at: datetime | None
    timezone: str
    draft_status: str


def _latest_numbers() -> Any:
    return (
        select(Version.variant_id, func.max(Version.number).label("number"))
        .group_by(Version.variant_id)
        .subquery()
    )


def queue(
    store: Store,
    status: str | None = None,
    platform: str | None = None,
    campaign_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
    import_id: int | None = None,
) -> list[QueueItem]:
    """The review queue, filtered and paginated, in ONE statement whatever its length: the
    latest version (for its number and stored checks) is joined, not fetched per row."""
    latest = _latest_numbers()
    # plain columns, not ORM objects: building two entities per row cost more than the query
    query = (
        select(
            VariantRow.id,
            VariantRow.platform,
            VariantRow.status,
            VariantRow.version,
            VariantRow.text,
            VariantRow.brief_id,
            VariantRow.draft_status,
            Brief.campaign_id,
            Brief.publish_at,
            Brief.timezone,
            Version.number.label("text_version"),
            Version.matches,
        )
        .join(Brief, VariantRow.brief_id == Brief.id)
        .join(latest, latest.c.variant_id == VariantRow.id)
        .join(
            Version,
            (Version.variant_id == latest.c.variant_id) & (Version.number == latest.c.number),
        )
    )
    query = filter_variants(query, campaign_id, status, platform, import_id)
    order = (Brief.publish_at.asc().nulls_last(), VariantRow.id)  # same order on every database
    query = query.order_by(*order).limit(max(0, limit)).offset(offset)
    with store.session() as session:
        return [_queue_item(row._asdict()) for row in session.execute(query)]


def _queue_item(columns: dict[str, Any]) -> QueueItem:
    """A queue row from the statement's columns, named as QueueItem's fields; the stored
    checks are kept as their error count."""
    matches = columns.pop("matches") or []
    return QueueItem(errors=len(errors_of(matches)), **columns)


def change_marker(store: Store) -> str:
    """A short string that moves whenever a campaign, brief, variant, version, comment or
    audit row is added, or a variant changed: clients poll it (one cheap statement) and
    reload only when it moved.

    Newest ids catch additions (a new campaign without any brief yet is one: the calendar's
    and the Draft tab's lists of campaigns show it); the sum of row counters catches every
    ORM change to a variant, and the sum of visual versions the plain UPDATE that attaches
    images.
    """
    parts = (
        select(func.max(Campaign.id)).scalar_subquery(),
        select(func.max(Brief.id)).scalar_subquery(),
        select(func.max(VariantRow.id)).scalar_subquery(),
        select(func.coalesce(func.sum(VariantRow.version), 0)).scalar_subquery(),
        select(func.coalesce(func.sum(VariantRow.images_version), 0)).scalar_subquery(),
        select(func.max(Version.id)).scalar_subquery(),
        select(func.max(Comment.id)).scalar_subquery(),
        select(func.max(AuditEvent.id)).scalar_subquery(),
    )
    with store.session() as session:
        values = session.execute(select(*parts)).one()
    return ".".join(str(v or 0) for v in values)


def describe(store: Store, variant_id: int) -> dict[str, Any]:
    """Everything a reviewer sees of one variant: text, checks, versions, comments, audit."""
    with store.session() as session:
        row = _whole_variant(session, variant_id)
        version = row.versions[-1]
        profile = get_platform(row.platform)
        charter_texts = _charter_of(row).own_phrases
        return {
            "id": row.id,
            "platform": row.platform,
            "network": profile.name,
            "status": row.status,
            "text": row.text,
            "version": row.version,
            "text_version": version.number,
            "images_version": row.images_version,
            "visuals_current": not row.images or row.images_version == version.number,
            "cut": row.cut_text,
            "brief_text": row.brief.text,
            "facts": [
                f.to_dict()
                for f in compare(row.brief.text, row.text, row.brief.language, charter_texts)
            ],
            "timezone": row.brief.timezone,
            "authors_since_approval": _authors_since_approval_loaded(row),
            "brand": row.brief.campaign.brand,
            "language": row.brief.language,
            "brief_id": row.brief_id,
            "campaign_id": row.brief.campaign_id,
            "publish_at": row.brief.publish_at,
            "hashtags": row.hashtags,
            "alt_text": row.alt_text,
            "link": row.link,
            "images": visual_paths(row.images, row.image_keys),
            "override_reason": row.override_reason,
            "approved_by": row.approved_by,
            "approved_at": row.approved_at,
            "draft_status": row.draft_status,
            "error": row.error,
            "matches": version.matches,
            "errors": len(errors_of(version.matches)),
            "versions": [
                {
                    "number": v.number,
                    "text": v.text,
                    "author": v.author,
                    "cause": v.cause,
                    "changes": v.changes,
                    "created_at": v.created_at,
                }
                for v in row.versions
            ],
            "comments": [
                {"author": c.author, "body": c.body, "created_at": c.created_at}
                for c in row.comments
            ],
            "audit": [a.to_dict() for a in row.audit],
        }
