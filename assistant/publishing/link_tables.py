"""Tables of the client approval links: the link (its token's SHA-256, never the token, the
pinned (variant, text version) pairs, its expiry, password hash and revocation) and what
happened through it (opened, each decision with the version decided, each refusal).

A decision is also written to the variant's own audit trail (`audit_log`, actor
`guest:<label>`) so the Review tab and `review show` list it beside the team's."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.store import Base, UTCDateTime, now


class ReviewLink(Base):
    """One link sent to a client: who made it, for which versions, until when."""

    __tablename__ = "review_links"
    __table_args__ = (UniqueConstraint("token_hash", name="uq_review_links_token_hash"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(100))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    password_hash: Mapped[str | None] = mapped_column(Text)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # first visit
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[str | None] = mapped_column(String(100))
    # [{"variant_id": 3, "version": 2}, …]: the text versions the client is asked about
    variants: Mapped[list[Any]] = mapped_column(default=list)


class ReviewLinkEvent(Base):
    """What happened through a link (or through a token no link has: `link_id` empty)."""

    __tablename__ = "review_link_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("review_links.id"), index=True)
    variant_id: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int | None] = mapped_column(Integer)
    # opened | approve | request_changes | comment | refused
    action: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str | None] = mapped_column(Text)  # the comment, or why it was refused
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
