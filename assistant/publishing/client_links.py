"""Client approval links: a client without an account approves the exact text versions a link
names, or asks for changes, from a page reached by an unguessable address (the visit itself:
`client_review`).

- The token is 256 random bits (`secrets.token_urlsafe(32)`), shown once; only its SHA-256 is
  stored, so a copy of the database opens no link.
- A link names (variant, text version) pairs. A variant edited since the link was sent can no
  longer be approved through it ("changed since this link was sent"); the others still can.
- A link expires (7 days by default, at most 30, never after its earliest post is due), may
  ask for a password (scrypt-hashed) and can be revoked.
- Every decision is written twice: in the link's own trail (`review_link_events`, with the
  version decided) and in the variant's audit trail as `guest:<label>`, so the Review tab and
  `review show` list it. The charter's `review.client_approval` says whether a client's
  approval approves the variant (`final`) or sits beside the team's (`advisory`, default).
- A refused attempt (unknown, expired or revoked link, a variant outside the link, a form
  without its token, a changed text) changes nothing but adds one refusal row.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from ..core.actors import Actor
from ..core.errors import AssistantError, InputError
from ..core.limits import clean_text, limits
from ..core.rows import commit_or_conflict, get_or_404
from ..core.settings import get_settings
from ..core.store import Brief, Store, VariantRow, Version, now
from .link_tables import ReviewLink, ReviewLinkEvent

DECISIONS = ("approve", "request_changes", "comment")
OPEN_STATUSES = ("draft", "in_review", "changes_requested", "approved")
# the audit trail's action for each decision a client takes (an approval that counts is
# recorded as "approve": separation of duties reads approvals by that name)
AUDIT_ACTIONS = {
    "approve": "client_approve",
    "request_changes": "client_request_changes",
    "comment": "client_comment",
    "opened": "client_opened",
}
DURATION = re.compile(r"^\s*(\d+)\s*([dh])\s*$")
SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # OWASP's minimum for scrypt: ~16 MiB, ~50 ms
SECRET_FILE = "review_links.key"


class LinkRefused(AssistantError):
    """A request a link does not allow; `status` is the HTTP code the page answers with."""

    def __init__(self, message: str, *, status: int, key: str, **params: Any) -> None:
        super().__init__(message, key=key, **params)
        self.status = status


@dataclass(frozen=True)
class CreatedLink:
    """A new link: its raw token exists only here, to be shown once."""

    id: int
    token: str
    url: str
    expires_at: datetime
    variants: list[dict[str, int]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "expires_at": self.expires_at.isoformat(),
            "variants": self.variants,
        }


def token_hash(token: str) -> str:
    """What the database keeps of a token."""
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def guest_name(label: str) -> str:
    return f"guest:{label}"


def link_path(token: str) -> str:
    return f"/r/{token}"


def link_url(token: str, base: str | None = None) -> str:
    """The link on the app's own address (`ASSISTANT_PUBLIC_URL`, else the local one)."""
    root = get_settings().public_url or base or "http://127.0.0.1:7860"
    root = root.rstrip("/")
    return root + link_path(token)


def parse_duration(value: str | None) -> timedelta:
    """'7d' or '48h' (default: `review_link_days`), refused beyond `review_link_max_days`."""
    bounds = limits()
    if not value:
        return timedelta(days=bounds.review_link_days)
    found = DURATION.match(value)
    if not found:
        raise InputError(
            f"--expires {value!r} is not a duration: write days or hours, as 7d or 48h.",
            key="link_bad_duration",
            value=value,
        )
    amount, unit = int(found[1]), found[2]
    duration = timedelta(days=amount) if unit == "d" else timedelta(hours=amount)
    if duration <= timedelta(0) or duration > timedelta(days=bounds.review_link_max_days):
        raise InputError(
            f"--expires {value}: a link lasts more than 0 and at most "
            f"{bounds.review_link_max_days} days.",
            key="link_too_long",
            value=value,
            most=bounds.review_link_max_days,
        )
    return duration


# passwords ------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **SCRYPT)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${salt.hex()}${digest.hex()}"


def password_matches(stored: str, password: str) -> bool:
    _kind, n, r, p, salt, digest = stored.split("$")
    found = hashlib.scrypt(
        password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p)
    )
    return hmac.compare_digest(found.hex(), digest)


# the server's secret: signs the forms' tokens and the password cookie ---------------------


def server_secret(data_dir: Path | None = None) -> bytes:
    """32 random bytes kept in the data folder (readable by this user only), so every
    process serving the app signs alike: no sticky sessions needed. With
    `ASSISTANT_SECRET_KEY` (team mode, replicas on several machines) a key derived from it."""
    shared = get_settings().secret_key
    if shared and data_dir is None:
        return hmac.new(shared.encode(), b"client approval links", hashlib.sha256).digest()
    folder = data_dir or get_settings().data_dir
    path = folder / SECRET_FILE
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    folder.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it meanwhile: use theirs
        return path.read_bytes()
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(secrets.token_bytes(32))
    return path.read_bytes()


def form_token(link_id: int, secret: bytes) -> str:
    """The token every form of a link's page carries (per link, not guessable without the
    server's secret): a page elsewhere cannot post a decision in the client's name."""
    return hmac.new(secret, f"form:{link_id}".encode(), hashlib.sha256).hexdigest()


def unlock_proof(link: ReviewLink, secret: bytes) -> str:
    """The cookie value proving the password was given (changes with the password)."""
    message = f"unlocked:{link.id}:{link.password_hash}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


# creating, listing, revoking ------------------------------------------------------------


def _latest_numbers(session: Any, variant_ids: list[int]) -> dict[int, int]:
    rows = session.execute(
        select(Version.variant_id, func.max(Version.number))
        .where(Version.variant_id.in_(variant_ids))
        .group_by(Version.variant_id)
    )
    return dict(rows.all())


def _chosen_variants(
    session: Any, campaign_id: int, variant_ids: list[int] | None
) -> list[VariantRow]:
    """The variants a link names: those given (each must be of the campaign), else every
    variant of the campaign still open to a decision."""
    query = select(VariantRow).join(Brief).where(Brief.campaign_id == campaign_id)
    rows = {row.id: row for row in session.scalars(query.order_by(VariantRow.id))}
    if variant_ids is None:
        chosen = [r for r in rows.values() if r.status in OPEN_STATUSES]
    else:
        strangers = [v for v in variant_ids if v not in rows]
        if strangers:
            message = "--variants: {ids} not in campaign {campaign}."
            raise _refused(strangers, message, "link_not_in_campaign", campaign=campaign_id)
        chosen = [rows[v] for v in dict.fromkeys(variant_ids)]
    closed = [r.id for r in chosen if r.status not in OPEN_STATUSES]
    if closed:
        message = "--variants: {ids} already published or rejected."
        raise _refused(closed, message, "link_closed_variants")
    if not chosen:
        raise InputError(
            f"campaign {campaign_id} has no variant to send for approval.",
            key="link_nothing",
            campaign=campaign_id,
        )
    return chosen


def _refused(variant_ids: list[int], message: str, key: str, **more: Any) -> InputError:
    """A refusal naming the variants it is about (`{ids}` in `message`), listed as typed."""
    listed = ", ".join(map(str, variant_ids))
    return InputError(message.format(ids=listed, **more), key=key, ids=listed, **more)


def _expiry(rows: list[VariantRow], duration: timedelta, at: datetime) -> datetime:
    """`at + duration`, but never after the earliest post is due."""
    due = [r.brief.publish_at for r in rows if r.brief.publish_at is not None]
    expires = at + duration
    if due and min(due) < expires:
        expires = min(due)
    if expires <= at:
        raise InputError(
            f"the earliest post was due at {min(due).isoformat()}: too late to ask a client.",
            key="link_too_late",
            due=min(due).isoformat(),
        )
    return expires


def create_link(
    store: Store,
    campaign_id: int,
    actor: Actor,
    *,
    variant_ids: list[int] | None = None,
    expires: str | None = None,
    label: str = "client",
    password: str | None = None,
    base_url: str | None = None,
) -> CreatedLink:
    """A new link naming the latest text version of each chosen variant."""
    label = clean_text((label or "").strip(), "the label", limits().name_chars)
    if not label:
        raise InputError("--label is empty: name the client.", key="link_label_empty")
    duration = parse_duration(expires)
    if password is not None and not password:
        raise InputError("the password is empty.", key="link_password_empty")
    token = secrets.token_urlsafe(32)
    with store.session() as session:
        rows = _chosen_variants(session, campaign_id, variant_ids)
        at = now()
        versions = _latest_numbers(session, [r.id for r in rows])
        pinned = [{"variant_id": r.id, "version": versions[r.id]} for r in rows]
        link = ReviewLink(
            campaign_id=campaign_id,
            token_hash=token_hash(token),
            label=label,
            created_by=actor.name,
            created_at=at,
            expires_at=_expiry(rows, duration, at),
            password_hash=hash_password(password) if password else None,
            variants=pinned,
        )
        session.add(link)
        session.flush()
        session.add(ReviewLinkEvent(link_id=link.id, action="created", actor=actor.name))
        commit_or_conflict(session, f"campaign {campaign_id}")
        return CreatedLink(link.id, token, link_url(token, base_url), link.expires_at, pinned)


def link_status(link: ReviewLink, decided: bool, at: datetime | None = None) -> str:
    """revoked, expired, decided (a decision came), opened or sent."""
    at = at or now()
    if link.revoked_at is not None:
        return "revoked"
    if link.expires_at <= at:
        return "expired"
    if decided:
        return "decided"
    return "opened" if link.opened_at is not None else "sent"


def list_links(store: Store, campaign_id: int | None = None) -> list[dict[str, Any]]:
    """Every link (of a campaign), newest first, with its status; never its token."""
    with store.session() as session:
        query = select(ReviewLink).order_by(ReviewLink.id.desc())
        if campaign_id is not None:
            query = query.where(ReviewLink.campaign_id == campaign_id)
        links = list(session.scalars(query))
        decided = set(
            session.scalars(
                select(ReviewLinkEvent.link_id).where(ReviewLinkEvent.action.in_(DECISIONS))
            )
        )
        return [
            {
                "id": link.id,
                "campaign_id": link.campaign_id,
                "label": link.label,
                "status": link_status(link, link.id in decided),
                "created_by": link.created_by,
                "created_at": link.created_at.isoformat(),
                "expires_at": link.expires_at.isoformat(),
                "opened_at": link.opened_at.isoformat() if link.opened_at else None,
                "password": link.password_hash is not None,
                "variants": link.variants,
            }
            for link in links
        ]


def revoke_link(store: Store, link_id: int, actor: Actor) -> dict[str, Any]:
    """Close a link for good (its page answers 404 from now on)."""
    with store.session() as session:
        link = get_or_404(session, ReviewLink, link_id)
        if link.revoked_at is None:
            link.revoked_at, link.revoked_by = now(), actor.name
            session.add(ReviewLinkEvent(link_id=link.id, action="revoked", actor=actor.name))
            commit_or_conflict(session, f"link {link_id}")
        return {"id": link.id, "status": "revoked", "revoked_at": link.revoked_at.isoformat()}
