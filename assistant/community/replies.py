"""Replies to comments: the workflow that takes one of the three options (`reply_options`)
to "answered".

The reply's text is kept in numbered versions with their checks and authors, like a post's;
replies to sensitive comments (charter `community.second_approver`) are approved by someone
who wrote none of the text.
"""

from __future__ import annotations

from typing import Any, Unpack

from sqlalchemy import func, select

from ..core.actors import Actor, Ruling, errors_of, require_reviewer
from ..core.charter import Charter, load_brand
from ..core.errors import InputError, WorkflowError
from ..core.limits import clean_text, limits
from ..core.llm import ChatProvider
from ..core.rows import commit_or_conflict, conflicts_refused, get_or_404
from ..core.settings import get_settings
from ..core.store import Store, now
from .inbox_tables import CLOSED, InboxEvent, InboxItem, Reply, ReplyVersion
from .reply_checks import reply_checks
from .reply_options import ReplyOption, draft_options, names_of, reply_language

# ---- workflow -------------------------------------------------------------------------


def _charter_for(item: InboxItem) -> Charter:
    return load_brand(item.brand, get_settings().brand_dir)


def _audit(
    session: Any,
    item: InboxItem,
    actor: Actor,
    action: str,
    to: str | None,
    reason: str | None = None,
) -> None:
    session.add(InboxEvent.of(item, actor.name, action, to, reason))
    if to:
        item.status = to


def _open(item: InboxItem) -> None:
    if item.status in CLOSED:
        raise WorkflowError(
            f"comment {item.id} is {item.status}; it is closed.",
            key="inbox_closed",
            id=item.id,
            status=item.status,
        )


def _reply_of(session: Any, item: InboxItem) -> Reply:
    reply = session.scalar(select(Reply).where(Reply.item_id == item.id))
    if reply is None:
        raise WorkflowError(
            f"comment {item.id} has no reply yet; draft one first (assistant reply draft {item.id}).",
            key="no_reply_yet",
            id=item.id,
        )
    return reply


def _latest(session: Any, reply: Reply) -> ReplyVersion | None:
    return session.scalars(
        select(ReplyVersion)
        .where(ReplyVersion.reply_id == reply.id)
        .order_by(ReplyVersion.number.desc())
        .limit(1)
    ).first()


def _add_version(
    session: Any,
    item: InboxItem,
    reply: Reply,
    text: str,
    option: str,
    actor: Actor,
    cause: str,
    kind: str = "public",
) -> ReplyVersion:
    charter = _charter_for(item)
    matches = (
        [
            m.to_dict()
            for m in reply_checks(
                text, reply_language(item, charter), charter, item.network, names_of(item)
            )
        ]
        if kind == "public"
        else []
    )
    latest = _latest(session, reply)
    version = ReplyVersion(
        reply_id=reply.id,
        number=(latest.number if latest else 0) + 1,
        text=text,
        option=option,
        author=actor.name,
        cause=cause,
        matches=matches,
    )
    session.add(version)
    reply.text, reply.option, reply.kind = text, option, kind
    reply.approved_by = reply.approved_at = reply.override_reason = None
    return version


def draft(
    store: Store, item_id: int, actor: Actor, provider: ChatProvider | None = None
) -> list[ReplyOption]:
    """Draft the options of one comment and keep them; the first becomes the reply's next
    version (its author is whoever asked for the draft)."""
    # two people drafting one comment at once: the second reply row is refused at the flush
    with store.session() as session, conflicts_refused(session, f"comment {item_id}"):
        item = get_or_404(session, InboxItem, item_id)
        _open(item)
        options = draft_options(item, _charter_for(item), provider)
        if not options:
            return []
        reply = session.scalar(select(Reply).where(Reply.item_id == item.id))
        if reply is None:
            reply = Reply(item_id=item.id)
            session.add(reply)
            session.flush()
        reply.options = [o.to_dict() for o in options]
        reply.provider = options[0].provider
        first = options[0]
        if (reply.text, reply.kind) != (first.text, first.kind):  # the same text is no version
            _add_version(
                session, item, reply, first.text, first.option, actor, first.source, first.kind
            )
        _audit(
            session,
            item,
            actor,
            "draft",
            "drafted" if item.status in ("new", "approved") else item.status,
        )
        commit_or_conflict(session, f"comment {item_id}")
        return options


def _text(text: str) -> str:
    text = clean_text(text.strip(), "the reply", limits().post_chars)
    if not text:
        raise InputError("the reply is empty.", key="empty_reply")
    return text


def edit(
    store: Store, item_id: int, text: str, actor: Actor, option: str = "edited"
) -> ReplyVersion:
    """A person's text (or a chosen option's) as the reply's next version, checked again; an
    approved reply that changes is reviewed again. An edited note becomes a public reply."""
    text = _text(text)
    with store.session() as session:
        item = get_or_404(session, InboxItem, item_id)
        _open(item)
        reply = _reply_of(session, item)
        if text == reply.text and reply.kind == "public":
            return _latest(session, reply)
        version = _add_version(session, item, reply, text, option, actor, "human")
        _audit(
            session, item, actor, "edit", "in_review" if item.status == "approved" else item.status
        )
        commit_or_conflict(session, f"comment {item_id}")
        return version


def choose(store: Store, item_id: int, option: str, actor: Actor) -> ReplyVersion:
    """Make one of the drafted options the reply's text."""
    with store.session() as session:
        item = get_or_404(session, InboxItem, item_id)
        reply = _reply_of(session, item)
        found = next((o for o in reply.options if o["option"] == option), None)
    if found is None:
        names = ", ".join(o["option"] for o in reply.options) or "none"
        raise InputError(
            f"comment {item_id} has no option {option[:16]!r} (drafted: {names}).",
            key="no_such_option",
            id=item_id,
            option=option[:16],
        )
    return edit(store, item_id, found["text"], actor, option)


def authors_since_approval(session: Any, reply: Reply) -> list[str]:
    """Everyone who wrote a version since the reply was last approved (all if never)."""
    last = session.scalar(
        select(func.max(InboxEvent.created_at)).where(
            InboxEvent.item_id == reply.item_id, InboxEvent.action.in_(("approve", "override"))
        )
    )
    query = select(ReplyVersion.author).where(ReplyVersion.reply_id == reply.id)
    if last is not None:
        query = query.where(ReplyVersion.created_at > last)
    return list(dict.fromkeys(a for a in session.scalars(query.order_by(ReplyVersion.number)) if a))


def sensitive(item: InboxItem, charter: Charter) -> bool:
    """Whether the reply needs a second person (charter `community.second_approver`)."""
    return charter.community.needs_second_approver(item.intent, item.escalation)


def submit(store: Store, item_id: int, actor: Actor) -> InboxItem:
    """Send the reply for review."""
    with store.session() as session:
        item = get_or_404(session, InboxItem, item_id)
        _open(item)
        _reply_of(session, item)
        if item.status not in ("drafted", "new"):
            raise WorkflowError(
                f"comment {item_id} is {item.status}; only drafted replies are sent for review.",
                key="reply_not_submittable",
                id=item_id,
                status=item.status,
            )
        _audit(session, item, actor, "submit", "in_review")
        commit_or_conflict(session, f"comment {item_id}")
        return item


def approve(store: Store, item_id: int, actor: Actor, **ruling: Unpack[Ruling]) -> InboxItem:
    """Approve the reply's latest version, with the same ruling as a post's approval (the
    version read, `seen_version`, and an `override` reason). Refused for an internal note
    (write the public reply first), when the text moved since the reviewer read it, over
    errors without an override reason, and, on a sensitive comment, to anyone who wrote part
    of the reply and to authors (reviewers and admins only)."""
    override, seen_version = ruling.get("override"), ruling.get("seen_version")
    reason = (
        clean_text((override or "").strip(), "the override reason", limits().comment_chars) or None
    )
    with store.session() as session:
        item = get_or_404(session, InboxItem, item_id)
        _open(item)
        reply = _reply_of(session, item)
        charter = _charter_for(item)
        version = _latest(session, reply)
        if reply.kind == "note":
            raise WorkflowError(
                f"comment {item_id} was escalated: its draft is an internal note for "
                f"{charter.community.rule(item.escalation).role if charter.community.rule(item.escalation) else 'the team'}. "
                "Write the public reply once they agreed (assistant reply edit), then approve it.",
                key="note_not_reply",
                id=item_id,
            )
        if seen_version is not None and seen_version > version.number:
            raise WorkflowError(
                f"the reply to comment {item_id} has no v{seen_version} (the latest is "
                f"v{version.number}); give the version `reply show` prints.",
                key="reply_no_such_version",
                seen=seen_version,
                latest=version.number,
            )
        if seen_version is not None and version.number != seen_version:
            raise WorkflowError(
                f"the reply to comment {item_id} changed since you read it (you saw v{seen_version}, "
                f"it is now v{version.number}); read it again before approving.",
                key="reply_text_moved",
                seen=seen_version,
                latest=version.number,
            )
        if sensitive(item, charter):
            require_reviewer(actor, "approve replies to sensitive comments")
            if actor.name in authors_since_approval(session, reply):
                raise WorkflowError(
                    f"{actor.name} wrote this reply to a {item.intent}"
                    f"{' (escalated)' if item.escalation else ''} comment; someone else must approve it.",
                    key="reply_self_approval",
                    name=actor.name,
                    brand=charter.name,
                )
        blocking = errors_of(version.matches)
        if blocking and not reason:
            listed = "; ".join(m["message"] for m in blocking[:5])
            raise WorkflowError(
                f"the reply to comment {item_id} has {len(blocking)} error(s): {listed}. Fix them, "
                "or approve with an override reason.",
                key="reply_needs_override",
                id=item_id,
                count=len(blocking),
            )
        reason = reason if blocking else None
        _audit(session, item, actor, "override" if reason else "approve", "approved", reason)
        reply.override_reason = reason
        reply.approved_by, reply.approved_at = actor.name, now()
        commit_or_conflict(session, f"comment {item_id}")
        return item


def answered(store: Store, item_id: int, actor: Actor) -> InboxItem:
    """Record that the reply went out. A sensitive comment's reply must be approved first."""
    with store.session() as session:
        item = get_or_404(session, InboxItem, item_id)
        _open(item)
        if sensitive(item, _charter_for(item)) and item.status != "approved":
            raise WorkflowError(
                f"comment {item_id} is a {item.intent}{' (escalated)' if item.escalation else ''}: "
                "its reply must be approved by someone else before it is marked answered.",
                key="approve_first",
                id=item_id,
            )
        _audit(session, item, actor, "answered", "answered")
        item.answered_at = now()
        commit_or_conflict(session, f"comment {item_id}")
        return item


def close(
    store: Store, item_ids: list[int], actor: Actor, status: str, reason: str = ""
) -> list[InboxItem]:
    """Hide comments as spam (`hidden`) or record that they need no reply (`no_reply`), all
    or none: one closed or unknown id refuses the whole batch."""
    if status not in ("hidden", "no_reply"):
        raise InputError(f"cannot close as {status[:16]!r}.", key="bad_close", status=status[:16])
    note = clean_text(reason.strip(), "the reason", limits().comment_chars) or None
    with store.session() as session:
        items = [get_or_404(session, InboxItem, i) for i in dict.fromkeys(item_ids)]
        for item in items:
            _open(item)
            _audit(session, item, actor, "hide" if status == "hidden" else "no_reply", status, note)
        commit_or_conflict(session, "the inbox")
        return items


def unhide(store: Store, item_ids: list[int], actor: Actor) -> list[InboxItem]:
    """Show hidden comments again, each back in the status it had when it was hidden (its
    last `hide` event says which), all or none: one comment that is not hidden refuses the
    batch. Hiding is a bulk action, so it must be as easy to take back."""
    with store.session() as session:
        items = [get_or_404(session, InboxItem, i) for i in dict.fromkeys(item_ids)]
        for item in items:
            if item.status != "hidden":
                raise WorkflowError(
                    f"comment {item.id} is {item.status}, not hidden; nothing to show again.",
                    key="reply_not_hidden",
                    id=item.id,
                    status=item.status,
                )
        for item in items:
            hidden = session.scalar(
                select(InboxEvent)
                .where(InboxEvent.item_id == item.id, InboxEvent.to_status == "hidden")
                .order_by(InboxEvent.id.desc())
                .limit(1)
            )
            before = hidden.from_status if hidden and hidden.from_status else "new"
            _audit(session, item, actor, "unhide", before)
        commit_or_conflict(session, "the inbox")
        return items


def describe(store: Store, item_id: int) -> dict[str, Any]:
    """A comment with its reply: options, versions with checks and authors, the audit."""
    from .inbox import to_dict

    with store.session() as session:
        item = get_or_404(session, InboxItem, item_id)
        reply = session.scalar(select(Reply).where(Reply.item_id == item.id))
        charter = _charter_for(item)
        rule = charter.community.rule(item.escalation)
        return {
            **to_dict(item),
            "brand": item.brand,
            "created_at": item.created_at.isoformat(),
            "permalink": item.permalink,
            "post": item.post,
            "parent": item.parent,
            "corrected": item.corrected,
            "role": rule.role if rule else None,
            "sensitive": sensitive(item, charter),
            "reply": None
            if reply is None
            else {
                "text": reply.text,
                "kind": reply.kind,
                "option": reply.option,
                "options": reply.options,
                "approved_by": reply.approved_by,
                "override_reason": reply.override_reason,
                "authors_since_approval": authors_since_approval(session, reply),
                "versions": [
                    {
                        "number": v.number,
                        "text": v.text,
                        "option": v.option,
                        "author": v.author,
                        "cause": v.cause,
                        "errors": len(errors_of(v.matches)),
                        "matches": v.matches,
                    }
                    for v in reply.versions
                ],
            },
            "audit": [{**a.to_dict(), "at": a.created_at.isoformat()} for a in item.audit],
        }
