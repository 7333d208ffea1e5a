"""A client's visit through an approval link: the link checked (known, not expired, not
revoked, the variant in it), the posts shown as the client sees them, and each decision
(approve, request changes, comment) recorded twice: in the link's own trail with the version
decided, and in the variant's audit trail as `guest:<label>`. A refused attempt changes
nothing but adds one refusal row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from ..core.actors import errors_of
from ..core.blobs import visual_paths
from ..core.charter import load_brand
from ..core.errors import AssistantError, InputError, NotFound
from ..core.platforms import get_platform
from ..core.rows import commit_or_conflict, get_or_404
from ..core.settings import get_settings
from ..core.store import AuditEvent, Comment, Store, VariantRow, Version, now
from .client_links import (
    AUDIT_ACTIONS,
    DECISIONS,
    OPEN_STATUSES,
    LinkRefused,
    _latest_numbers,
    guest_name,
    token_hash,
)
from .link_tables import ReviewLink, ReviewLinkEvent
from .review import APPROVALS, _note, authors_since_approval


def refuse(
    store: Store,
    error: LinkRefused,
    link: ReviewLink | None = None,
    variant_id: int | None = None,
) -> LinkRefused:
    """Record one refusal (the only row a refused request adds) and return the error."""
    with store.session() as session:
        session.add(
            ReviewLinkEvent(
                link_id=link.id if link else None,
                variant_id=variant_id,
                action="refused",
                actor=guest_name(link.label) if link else "guest:?",
                reason=error.key,
            )
        )
        commit_or_conflict(session, "the link's trail")
    return error


def find_link(store: Store, token: str) -> ReviewLink | None:
    """The link a token opens, whatever its state (None: no such link)."""
    if len(token) > 128:
        return None
    with store.session() as session:
        return session.scalars(
            select(ReviewLink).where(ReviewLink.token_hash == token_hash(token))
        ).first()


def usable(store: Store, token: str, at: datetime | None = None) -> ReviewLink:
    """The link a token opens if it may be used now; else the refusal, recorded: unknown
    and revoked links are 404 (a revoked link is told apart from no link only in the
    trail), an expired one 410."""
    link = find_link(store, token)
    if link is None:
        raise refuse(store, LinkRefused("no such link", status=404, key="link_unknown"))
    if link.revoked_at is not None:
        raise refuse(store, LinkRefused("no such link", status=404, key="link_revoked"), link)
    if link.expires_at <= (at or now()):
        raise refuse(store, LinkRefused("link expired", status=410, key="link_expired"), link)
    return link


def pinned_version(link: ReviewLink, variant_id: int) -> int | None:
    return next((p["version"] for p in link.variants if p["variant_id"] == variant_id), None)


def in_scope(store: Store, link: ReviewLink, variant_id: int) -> int:
    """The pinned version of a variant the link names; else a recorded 403."""
    version = pinned_version(link, variant_id)
    if version is None:
        error = LinkRefused("not in this link", status=403, key="link_out_of_scope")
        raise refuse(store, error, link, variant_id)
    return version


def mark_opened(store: Store, link: ReviewLink) -> bool:
    """Record the first visit only (mail scanners and reloads open a link many times): the
    link's `opened_at` is set by one conditional UPDATE, so two processes cannot both
    record it. Each variant's trail says which version the client was shown."""
    with store.session() as session:
        at = now()
        done = session.execute(
            update(ReviewLink)
            .where(ReviewLink.id == link.id, ReviewLink.opened_at.is_(None))
            .values(opened_at=at)
        )
        if done.rowcount != 1:
            session.rollback()
            return False
        guest = guest_name(link.label)
        session.add(ReviewLinkEvent(link_id=link.id, action="opened", actor=guest))
        for pinned in link.variants:
            row = session.get(VariantRow, pinned["variant_id"])
            if row is not None:
                reason = f"v{pinned['version']} (link {link.id})"
                session.add(AuditEvent.of(row, guest, AUDIT_ACTIONS["opened"], row.status, reason))
        commit_or_conflict(session, f"link {link.id}")
        return True


@dataclass(frozen=True)
class Post:
    """One post as the client sees it."""

    variant_id: int
    platform: str
    network: str
    brand: str
    text: str
    see_more: int | None  # where the network folds the text ("… see more"), if it does
    cut: str | None
    alt_text: str
    images: list[str]
    publish_at: datetime | None
    timezone: str
    pinned: int
    current: int
    status: str
    decisions: list[dict[str, Any]]

    @property
    def changed(self) -> bool:
        return self.current != self.pinned

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES


def page_posts(store: Store, link: ReviewLink) -> list[Post]:
    """The link's posts as pinned, each with its decisions through this link; a variant
    changed since shows the text that was sent (the client decides on what was sent)."""
    from ..core.platforms import fold_index

    ids = [p["variant_id"] for p in link.variants]
    with store.session() as session:
        latest = _latest_numbers(session, ids)
        decided = session.scalars(
            select(ReviewLinkEvent)
            .where(ReviewLinkEvent.link_id == link.id, ReviewLinkEvent.action.in_(DECISIONS))
            .order_by(ReviewLinkEvent.id)
        ).all()
        posts = []
        for pinned in link.variants:
            row = session.get(VariantRow, pinned["variant_id"])
            if row is None:
                continue
            sent = session.scalars(
                select(Version).where(
                    Version.variant_id == row.id, Version.number == pinned["version"]
                )
            ).one()
            profile = get_platform(row.platform)
            current_visuals = row.images_version in (None, pinned["version"])
            posts.append(
                Post(
                    variant_id=row.id,
                    platform=row.platform,
                    network=profile.name,
                    brand=_brand_name(row.brief.campaign.brand),
                    text=sent.text,
                    see_more=fold_index(sent.text, profile),
                    cut=row.cut_text if latest[row.id] == pinned["version"] else None,
                    alt_text=row.alt_text or "",
                    images=visual_paths(row.images, row.image_keys) if current_visuals else [],
                    publish_at=row.brief.publish_at,
                    timezone=row.brief.timezone,
                    pinned=pinned["version"],
                    current=latest[row.id],
                    status=row.status,
                    decisions=[
                        {"action": d.action, "version": d.version, "comment": d.reason}
                        for d in decided
                        if d.variant_id == row.id
                    ],
                )
            )
        return posts


def _brand_name(slug: str) -> str:
    """The brand as its charter names it (the slug when the charter cannot be read)."""
    try:
        return load_brand(slug, get_settings().brand_dir).name
    except AssistantError:
        return slug


def visual_path(store: Store, link: ReviewLink, variant_id: int, index: int) -> Path:
    """A visual of a post the link names, from the visuals folder only; else a recorded
    refusal (403 out of scope, 404 no such visual)."""
    in_scope(store, link, variant_id)
    post = next((p for p in page_posts(store, link) if p.variant_id == variant_id), None)
    folder = (get_settings().data_dir / "visuals").resolve()
    if post is not None and 0 <= index < len(post.images):
        path = Path(post.images[index]).resolve()
        if path.is_relative_to(folder) and path.is_file():
            return path
    raise refuse(store, LinkRefused("no such visual", status=404, key="link_no_visual"), link)


def decide(
    store: Store, link: ReviewLink, variant_id: int, action: str, comment: str = ""
) -> dict[str, Any]:
    """One decision of the client on one post, on the version the link pinned.

    Approving a text changed since the link was sent is refused (409). Requesting changes
    needs a comment. `review.client_approval: final` makes the approval the variant's own
    when it is in review, on the pinned version, free of errors, with current visuals, and
    when the person who sent the link wrote none of the text since its last approval
    (separation of duties: the link stands for its sender); otherwise, and in `advisory`
    mode, the client's approval is recorded beside the team's. A request for changes sends
    a variant in review (or approved) back to its author in both modes.
    """
    if action not in DECISIONS:
        raise InputError(f"unknown decision {action!r}.", key="link_bad_action", action=action)
    version = in_scope(store, link, variant_id)
    body = _note(comment, "the comment")
    if action != "approve" and not body:
        raise InputError("say what to change: a comment is required.", key="comment_required")
    guest = guest_name(link.label)
    with store.session() as session:
        row = get_or_404(session, VariantRow, variant_id)
        latest = _latest_numbers(session, [variant_id]).get(variant_id)
        if row.status not in OPEN_STATUSES:
            error = LinkRefused("post closed", status=409, key="link_closed", status_now=row.status)
            session.rollback()
            raise refuse(store, error, link, variant_id)
        if action == "approve" and latest != version:
            session.rollback()
            error = LinkRefused("changed since sent", status=409, key="link_changed")
            raise refuse(store, error, link, variant_id)
        outcome = _apply(session, row, link, action, version, body)
        session.add(
            ReviewLinkEvent(
                link_id=link.id,
                variant_id=variant_id,
                version=version,
                action=action,
                actor=guest,
                reason=body or None,
            )
        )
        commit_or_conflict(session, f"variant {variant_id}")
        return {"variant_id": variant_id, "version": version, "action": action, **outcome}


def _apply(
    session: Any, row: VariantRow, link: ReviewLink, action: str, version: int, body: str
) -> dict[str, Any]:
    """The variant's trail (and status, where the charter says so) after one decision."""
    guest = guest_name(link.label)
    reason = f"v{version}" + (f": {body}" if body else "")
    if action == "request_changes":
        session.add(Comment(variant_id=row.id, author=guest, body=body))
        to = "changes_requested" if row.status in ("in_review", "approved") else row.status
        session.add(AuditEvent.of(row, guest, AUDIT_ACTIONS[action], to, reason))
        if to != row.status:
            row.status = to
            row.approved_by = row.approved_at = row.override_reason = None
        return {"status": row.status, "final": False}
    if action == "comment":
        session.add(Comment(variant_id=row.id, author=guest, body=body))
        session.add(AuditEvent.of(row, guest, AUDIT_ACTIONS[action], row.status, reason))
        return {"status": row.status, "final": False}
    held = _why_not_final(session, row, link, version)
    if held is None:
        session.add(AuditEvent.of(row, guest, APPROVALS[0], "approved", f"{reason} (client)"))
        row.status, row.approved_by, row.approved_at = "approved", guest, now()
        row.override_reason = None
        return {"status": "approved", "final": True}
    note = reason if held == "advisory" else f"{reason} (not final: {held})"
    session.add(AuditEvent.of(row, guest, AUDIT_ACTIONS[action], row.status, note))
    return {"status": row.status, "final": False}


def _why_not_final(session: Any, row: VariantRow, link: ReviewLink, version: int) -> str | None:
    """None when the client's approval approves the variant; else why it is recorded only."""
    charter = load_brand(row.brief.campaign.brand, get_settings().brand_dir)
    if charter.review.client_approval != "final":
        return "advisory"
    if row.status != "in_review":
        return f"the post is {row.status}, not in review"
    latest = session.scalars(
        select(Version).where(Version.variant_id == row.id, Version.number == version)
    ).one()
    if errors_of(latest.matches):
        return "its checks hold errors: a reviewer approves it with an override"
    if row.images and row.images_version not in (None, version):
        return "its visuals are older than its text"
    if not charter.review.allow_self_approval and link.created_by in authors_since_approval(
        session, row
    ):
        return f"{link.created_by} sent the link and wrote part of the text"
    return None


def find_link_by_id(store: Store, link_id: int) -> ReviewLink:
    with store.session() as session:
        found = session.get(ReviewLink, link_id)
        if found is None:
            raise NotFound(f"no link with id {link_id}", key="not_found", what="link", id=link_id)
        return found
