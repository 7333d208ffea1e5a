"""Review workflow: draft → in_review → approved | changes_requested → in_review …, rejected,
published. Every edit is a new version checked again; approving over an `error` match needs
an override reason, stored and shown; a reviewer does not approve their own text unless the
brand allows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .charter import Charter, load_brand
from .errors import ConflictError, WorkflowError
from .platforms import get_platform
from .proofing import check_text
from .settings import get_settings
from .store import (
    AuditEvent,
    Comment,
    Store,
    VariantRow,
    Version,
    commit_or_conflict,
    get_or_404,
    latest_version,
    now,
)

TRANSITIONS = {
    "draft": {"in_review", "rejected"},
    "in_review": {"approved", "changes_requested", "rejected"},
    "changes_requested": {"in_review", "rejected"},
    "approved": {"published", "in_review", "changes_requested"},
    "rejected": {"draft"},
    "published": set(),
}
ROLES = {"author", "reviewer", "admin"}
REVIEW_ROLES = {"reviewer", "admin"}


@dataclass(frozen=True)
class Actor:
    """Who acts: a name and a role (author, reviewer, admin)."""

    name: str
    role: str = "reviewer"

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise WorkflowError(f"unknown role {self.role!r}; expected one of {sorted(ROLES)}")


def snapshot(text: str, charter: Charter, platform: str, lang: str) -> list[dict[str, Any]]:
    """The checks of one text, stored with its version."""
    return [m.to_dict() for m in check_text(text, lang, charter, platform).matches]


def errors_of(matches: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in matches if m["severity"] == "error"]


def error_count(version: Version) -> int:
    return len(errors_of(version.matches))


def _charter_of(row: VariantRow) -> Charter:
    return load_brand(row.brief.campaign.brand, get_settings().brand_dir)


def _audit(
    session: Any,
    row: VariantRow,
    actor: Actor,
    action: str,
    to_status: str | None,
    reason: str | None = None,
) -> None:
    session.add(
        AuditEvent(
            variant_id=row.id,
            actor=actor.name,
            action=action,
            from_status=row.status,
            to_status=to_status,
            reason=reason,
        )
    )


def _move(
    session: Any,
    row: VariantRow,
    actor: Actor,
    to_status: str,
    action: str,
    reason: str | None = None,
) -> None:
    if to_status not in TRANSITIONS[row.status]:
        raise WorkflowError(
            f"variant {row.id} is {row.status}; it cannot become {to_status} "
            f"(allowed: {', '.join(sorted(TRANSITIONS[row.status])) or 'none'})."
        )
    _audit(session, row, actor, action, to_status, reason)
    row.status = to_status


def submit(store: Store, variant_id: int, actor: Actor) -> VariantRow:
    """Send a draft (or a changed variant) to review."""
    with store.session() as session:
        row = get_or_404(session, VariantRow, variant_id)
        if row.draft_status == "error":
            raise WorkflowError(
                f"variant {variant_id} failed to draft ({row.error}); edit it first."
            )
        _move(session, row, actor, "in_review", "submit")
        commit_or_conflict(session, f"variant {variant_id}")
        return row


def approve(store: Store, variant_id: int, actor: Actor, override: str | None = None) -> VariantRow:
    """Approve; refused on error matches unless `override` gives a reason (recorded)."""
    if actor.role not in REVIEW_ROLES:
        raise WorkflowError(f"{actor.name} is an {actor.role}: only reviewers approve.")
    with store.session() as session:
        row = get_or_404(session, VariantRow, variant_id)
        charter = _charter_of(row)
        version = latest_version(session, row.id)
        if (
            version.author == actor.name
            and not charter.review.allow_self_approval
            and actor.role != "admin"
        ):
            raise WorkflowError(
                f"{actor.name} wrote this version; another reviewer must approve "
                f"it ({charter.name} does not allow self-approval)."
            )
        blocking = errors_of(version.matches)
        if blocking and not (override and override.strip()):
            listed = "; ".join(m["message"] for m in blocking[:5])
            raise WorkflowError(
                f"variant {variant_id} has {len(blocking)} error(s): {listed}. "
                "Fix them, or approve with an override reason."
            )
        reason = override.strip() if blocking and override else None
        _move(session, row, actor, "approved", "override" if reason else "approve", reason)
        row.override_reason = reason
        row.approved_by, row.approved_at = actor.name, now()
        commit_or_conflict(session, f"variant {variant_id}")
        return row


def request_changes(store: Store, variant_id: int, actor: Actor, comment: str) -> VariantRow:
    """Send back to the author with a comment (required)."""
    if not comment.strip():
        raise WorkflowError("say what to change: a comment is required.")
    with store.session() as session:
        row = get_or_404(session, VariantRow, variant_id)
        _move(session, row, actor, "changes_requested", "request_changes", comment)
        session.add(Comment(variant_id=row.id, author=actor.name, body=comment))
        commit_or_conflict(session, f"variant {variant_id}")
        return row


def reject(store: Store, variant_id: int, actor: Actor, reason: str = "") -> VariantRow:
    with store.session() as session:
        row = get_or_404(session, VariantRow, variant_id)
        _move(session, row, actor, "rejected", "reject", reason or None)
        commit_or_conflict(session, f"variant {variant_id}")
        return row


def comment(store: Store, variant_id: int, actor: Actor, body: str) -> Comment:
    with store.session() as session:
        get_or_404(session, VariantRow, variant_id)
        note = Comment(variant_id=variant_id, author=actor.name, body=body)
        session.add(note)
        commit_or_conflict(session, f"variant {variant_id}")
        return note


def edit(
    store: Store,
    variant_id: int,
    text: str,
    actor: Actor,
    expected_version: int,
    cause: str = "human",
) -> VariantRow:
    """Save a new text as a new version, checked again; a stale `expected_version` is refused."""
    with store.session() as session:
        row = get_or_404(session, VariantRow, variant_id)
        if row.version != expected_version:
            raise_conflict(variant_id, expected_version, row.version)
        if row.status == "published":
            raise WorkflowError(f"variant {variant_id} is published; it can no longer change.")
        charter = _charter_of(row)
        matches = snapshot(text, charter, row.platform, row.brief.language)
        session.add(
            Version(
                variant_id=row.id,
                number=latest_version(session, row.id).number + 1,
                text=text,
                author=actor.name,
                cause=cause,
                matches=matches,
            )
        )
        row.text = text
        if row.draft_status == "error":
            row.draft_status, row.error = "ok", None
        if row.status in ("approved", "changes_requested"):
            _move(session, row, actor, "in_review", "edit")
        else:
            _audit(session, row, actor, "edit", row.status)
        row.approved_by = row.approved_at = row.override_reason = None
        commit_or_conflict(session, f"variant {variant_id}")
        return row


def raise_conflict(variant_id: int, expected: int, actual: int) -> None:
    raise ConflictError(
        f"variant {variant_id} was saved by someone else (you edited version "
        f"{expected}, it is now at {actual}); reload it and apply your edit again."
    )


def current(store: Store, variant_id: int) -> tuple[str, int]:
    """A variant's text and version counter: what an editor starts from."""
    with store.session() as session:
        row = get_or_404(session, VariantRow, variant_id)
        return row.text, row.version


def describe(store: Store, variant_id: int) -> dict[str, Any]:
    """Everything a reviewer sees of one variant: text, checks, versions, comments, audit."""
    with store.session() as session:
        row = get_or_404(session, VariantRow, variant_id)
        version = latest_version(session, row.id)
        profile = get_platform(row.platform)
        return {
            "id": row.id,
            "platform": row.platform,
            "network": profile.name,
            "status": row.status,
            "text": row.text,
            "version": row.version,
            "brand": row.brief.campaign.brand,
            "language": row.brief.language,
            "brief_id": row.brief_id,
            "campaign_id": row.brief.campaign_id,
            "publish_at": row.brief.publish_at,
            "hashtags": row.hashtags,
            "alt_text": row.alt_text,
            "link": row.link,
            "images": row.images,
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
            "audit": [
                {
                    "actor": a.actor,
                    "action": a.action,
                    "from": a.from_status,
                    "to": a.to_status,
                    "reason": a.reason,
                    "at": a.created_at,
                }
                for a in row.audit
            ],
        }
