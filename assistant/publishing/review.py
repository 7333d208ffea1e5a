"""Review workflow: draft → in_review → approved | changes_requested → in_review …, rejected,
published. Every edit is a new version checked again; approving over an `error` match needs
an override reason, stored and shown; nobody (admins included) approves a text they wrote
part of since its last approval unless the brand's charter allows self-approval.
The queue and a variant's full description, as people read them: `review_queue`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypedDict, Unpack

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ..core.actors import Actor, Ruling, errors_of, require_reviewer
from ..core.charter import Charter, load_brand
from ..core.errors import ConflictError, WorkflowError
from ..core.limits import clean_text, limits
from ..core.rows import commit_or_conflict, conflicts_refused, get_or_404, latest_version
from ..core.settings import get_settings
from ..core.store import AuditEvent, Brief, Comment, Store, VariantRow, Version, now
from ..proofing import Match, check_text
from .fact_comparison import fact_matches

STATUSES = ("draft", "in_review", "changes_requested", "approved", "rejected", "published")
TRANSITIONS = {
    "draft": {"in_review", "rejected"},
    "in_review": {"approved", "changes_requested", "rejected"},
    "changes_requested": {"in_review", "rejected"},
    "approved": {"published", "in_review", "changes_requested"},
    "rejected": {"draft"},
    "published": set(),
}
APPROVALS = ("approve", "override")


def _note(text: str | None, what: str) -> str:
    """A comment or reason as stored: stripped, bounded, no control characters."""
    return clean_text((text or "").strip(), what, limits().comment_chars)


def _post(text: str) -> str:
    return clean_text(text, "the text", limits().post_chars)


def checks(
    text: str, charter: Charter, platform: str, lang: str, brief: str | None = None
) -> list[Match]:
    """Proofing, plus the brief's facts when the brief is known (a changed or invented date,
    price, code or link is an error): the one rule behind stored checks and live re-checks.
    What the charter itself adds (legal mention, signature, call to action) is not a fact of
    the variant's own."""
    found = check_text(text, lang, charter, platform).matches
    if brief:
        found = found + fact_matches(
            brief, text, lang, must_keep=charter.facts.must_keep, allowed=charter.own_phrases
        )
    return sorted(found, key=lambda m: (m.offset, m.length))


def snapshot(
    text: str, charter: Charter, platform: str, lang: str, brief: str | None = None
) -> list[dict[str, Any]]:
    """The checks of one text, stored with its version."""
    return [m.to_dict() for m in checks(text, charter, platform, lang, brief)]


def _charter_of(row: VariantRow) -> Charter:
    return load_brand(row.brief.campaign.brand, get_settings().brand_dir)


def _move(
    session: Any,
    row: VariantRow,
    actor: Actor,
    to_status: str,
    action: str,
    reason: str | None = None,
) -> None:
    if to_status not in TRANSITIONS[row.status]:
        allowed = ", ".join(sorted(TRANSITIONS[row.status])) or "none"
        raise WorkflowError.keyed(
            "transition_refused", id=row.id, status=row.status, to=to_status, allowed=allowed
        )
    session.add(AuditEvent.of(row, actor.name, action, to_status, reason))
    row.status = to_status


def _check_text_allowed(row: VariantRow) -> None:
    if row.status == "published":
        raise WorkflowError.keyed("published_locked", id=row.id)


def _new_version(session: Any, row: VariantRow, text: str, actor: Actor, cause: str) -> None:
    """Store `text` as the variant's next version with its checks; back to review if needed."""
    matches = snapshot(text, _charter_of(row), row.platform, row.brief.language, row.brief.text)
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
    if row.status == "approved":  # changed after approval: reviewed again; a text sent back
        _move(session, row, actor, "in_review", "edit")  # for changes waits for its author
    else:
        session.add(AuditEvent.of(row, actor.name, "edit", row.status))
    row.approved_by = row.approved_at = row.override_reason = None


def edit(
    store: Store,
    variant_id: int,
    text: str,
    actor: Actor,
    expected_version: int | None = None,
    cause: str = "human",
) -> VariantRow:
    """Save a new text as a new version, checked again.

    `expected_version` is the row counter the editor started from (None: the stored one, for
    a text written against what is stored now). Saving the text already stored changes
    nothing (leaving a box then clicking save is not a conflict); a stale counter with a
    different text is a ConflictError carrying the stored text (`theirs`).
    """
    return _save(store, variant_id, text, actor, expected_version, cause)[0]


def save_text(
    store: Store, variant_id: int, text: str, actor: Actor, expected_version: int | None = None
) -> tuple[VariantRow, bool]:
    """`edit` by a person, also saying whether a new version was stored: a caller that starts
    work after a save (rendering the visuals again) skips it when the text was already stored."""
    return _save(store, variant_id, text, actor, expected_version, "human")


def _save(
    store: Store, variant_id: int, text: str, actor: Actor, expected: int | None, cause: str
) -> tuple[VariantRow, bool]:
    text = _post(text)
    with _changing(store, variant_id) as (session, row):
        if text == row.text:
            return row, False
        if expected is not None and row.version != expected:
            raise_conflict(variant_id, expected, row.version, row.text)
        _check_text_allowed(row)
        _new_version(session, row, text, actor, cause)
        return row, True


def raise_conflict(variant_id: int, expected: int, actual: int, theirs: str | None = None) -> None:
    raise ConflictError.keyed(
        "conflict", theirs=theirs, id=variant_id, expected=expected, actual=actual
    )


class TextOnScreen(TypedDict, total=False):
    """What an author sends with a submission: the text on screen and the row counter
    (VariantRow.version) their editor started from."""

    text: str | None
    expected_version: int | None


def submit(store: Store, variant_id: int, actor: Actor, **sent: Unpack[TextOnScreen]) -> VariantRow:
    """Send a draft (or a changed variant) to review, with the text on screen.

    When `text` differs from the stored one it is saved first as a new checked version, so
    what the author sees is what the reviewer gets.
    """
    if sent.get("text") is not None:
        edit(store, variant_id, sent["text"], actor, sent.get("expected_version"))
    with _changing(store, variant_id) as (session, row):
        _submit_row(session, row, actor)
        return row


@contextmanager
def _changing(store: Store, variant_id: int) -> Iterator[tuple[Any, VariantRow]]:
    """One variant read for a change and committed on leaving the block; an exception leaves
    the store as it was. Its brief and campaign are read with it, before anything changes,
    and a stale version counter met by any flush of the block (not only the commit) becomes
    the worded ConflictError."""
    what = f"variant {variant_id}"
    with store.session() as session, conflicts_refused(session, what):
        row = session.scalars(
            select(VariantRow)
            .where(VariantRow.id == variant_id)
            .options(joinedload(VariantRow.brief).joinedload(Brief.campaign))
        ).first() or get_or_404(session, VariantRow, variant_id)
        yield session, row
        commit_or_conflict(session, what)


def _submit_row(session: Any, row: VariantRow, actor: Actor) -> None:
    if row.draft_status == "error":
        raise WorkflowError.keyed("draft_failed", id=row.id, error=row.error)
    if row.status not in ("draft", "changes_requested"):
        raise WorkflowError.keyed("not_submittable", id=row.id, status=row.status)
    _move(session, row, actor, "in_review", "submit")


def _submit_first(session: Any, row: VariantRow, actor: Actor) -> None:
    """A decision on a draft or a variant sent back submits it first, in the decision's own
    transaction: a refused decision leaves the variant as it was."""
    if row.status in ("draft", "changes_requested"):
        _submit_row(session, row, actor)


def _whole_variant(session: Any, variant_id: int) -> VariantRow:
    """A variant with its brief, campaign, versions, comments and audit in four statements
    whatever the length of its history (opening a card is the most frequent read)."""
    row = session.scalars(
        select(VariantRow)
        .where(VariantRow.id == variant_id)
        .options(
            joinedload(VariantRow.brief).joinedload(Brief.campaign),
            selectinload(VariantRow.versions),
            selectinload(VariantRow.comments),
            selectinload(VariantRow.audit),
        )
    ).first()
    if row is None:
        return get_or_404(session, VariantRow, variant_id)  # raises NotFound
    return row


def _authors_since_approval_loaded(row: VariantRow) -> list[str]:
    """`authors_since_approval` from a variant whose versions and audit are loaded."""
    approvals = [a.created_at for a in row.audit if a.action in APPROVALS]
    last = max(approvals) if approvals else None
    names = [v.author for v in row.versions if last is None or v.created_at > last]
    return list(dict.fromkeys(n for n in names if n))


def authors_since_approval(session: Any, row: VariantRow) -> list[str]:
    """Everyone who wrote a version of the text since its last approval (all if never).

    Separation of duties rests on this list, not on the last version's author: appending
    " Merci !" to someone's text must not let them approve the rest of it.
    """
    last = session.scalar(
        select(func.max(AuditEvent.created_at)).where(
            AuditEvent.variant_id == row.id, AuditEvent.action.in_(APPROVALS)
        )
    )
    query = select(Version.author).where(Version.variant_id == row.id)
    if last is not None:
        query = query.where(Version.created_at > last)
    names = session.scalars(query.order_by(Version.number)).all()
    return list(dict.fromkeys(n for n in names if n))


def _check_seen(variant_id: int, version: Version, seen: int | None) -> None:
    if seen is not None and seen > version.number:
        raise WorkflowError.keyed(
            "no_such_version", id=variant_id, seen=seen, latest=version.number
        )
    if seen is not None and seen != version.number:
        raise ConflictError.keyed(
            "text_moved", theirs=version.text, id=variant_id, seen=seen, latest=version.number
        )


def _check_duties(session: Any, row: VariantRow, actor: Actor, charter: Charter) -> None:
    """No one approves text they wrote since the last approval, admins included: an admin's
    own text needs a second pair of eyes as much as anyone's. A brand that accepts
    self-approval says so in its charter (`review.allow_self_approval`), for everyone."""
    if charter.review.allow_self_approval:
        return
    if actor.name in authors_since_approval(session, row):
        raise WorkflowError.keyed("self_approval", name=actor.name, brand=charter.name)


def _check_visuals(row: VariantRow, version: Version) -> None:
    if row.images and row.images_version is not None and row.images_version != version.number:
        stale = {"images_version": row.images_version, "text_version": version.number}
        raise WorkflowError.keyed("visuals_stale", id=row.id, **stale)


def approve(store: Store, variant_id: int, actor: Actor, **ruling: Unpack[Ruling]) -> VariantRow:
    """Approve the text version the reviewer saw (`seen_version`, a Version.number).

    Refused when the text moved since, when the reviewer wrote part of it, when its
    visuals are older than it, and on error matches unless `override` gives a reason.
    A draft or a variant sent back is submitted first, in the same transaction: a refused
    approval leaves the variant as it was.
    """
    require_reviewer(actor, "approve")
    reason = _note(ruling.get("override"), "the override reason") or None
    with _changing(store, variant_id) as (session, row):
        _submit_first(session, row, actor)
        charter = _charter_of(row)
        version = latest_version(session, row.id)
        _check_seen(variant_id, version, ruling.get("seen_version"))
        _check_duties(session, row, actor, charter)
        _check_visuals(row, version)
        blocking = errors_of(version.matches)
        if blocking and not reason:
            listed = "; ".join(m["message"] for m in blocking[:5])
            count = len(blocking)
            raise WorkflowError.keyed("needs_override", id=variant_id, count=count, listed=listed)
        reason = reason if blocking else None
        _move(session, row, actor, "approved", "override" if reason else "approve", reason)
        row.override_reason = reason
        row.approved_by, row.approved_at = actor.name, now()
        return row


def request_changes(store: Store, variant_id: int, actor: Actor, comment: str) -> VariantRow:
    """Send back to the author with a comment (required); reviewers only. Like an approval, a
    draft or a variant sent back is submitted first, in the same transaction."""
    require_reviewer(actor, "request changes")
    body = _note(comment, "the comment")
    if not body:
        raise WorkflowError("say what to change: a comment is required.", key="comment_required")
    with _changing(store, variant_id) as (session, row):
        _submit_first(session, row, actor)
        _move(session, row, actor, "changes_requested", "request_changes", body)
        session.add(Comment(variant_id=row.id, author=actor.name, body=body))
        return row


def reject(store: Store, variant_id: int, actor: Actor, reason: str = "") -> VariantRow:
    reason = _note(reason, "the reason")
    with _changing(store, variant_id) as (session, row):
        _move(session, row, actor, "rejected", "reject", reason or None)
        return row


def publish(store: Store, variant_id: int, actor: Actor) -> VariantRow:
    """Mark an approved variant as published (it is then locked); recorded in the audit log.

    Exporting does not publish: only this confirmed action does.
    """
    with _changing(store, variant_id) as (session, row):
        _move(session, row, actor, "published", "publish")
        return row


def comment(store: Store, variant_id: int, actor: Actor, body: str) -> Comment:
    body = _note(body, "the comment")
    if not body:
        raise WorkflowError("the comment is empty.", key="comment_required")
    with store.session() as session:
        get_or_404(session, VariantRow, variant_id)
        note = Comment(variant_id=variant_id, author=actor.name, body=body)
        session.add(note)
        commit_or_conflict(session, f"variant {variant_id}")
        return note


def current(store: Store, variant_id: int) -> tuple[str, int]:
    """A variant's text and version counter: what an editor starts from."""
    with store.session() as session:
        row = get_or_404(session, VariantRow, variant_id)
        return row.text, row.version
