"""Tables of the inbox: comments from the networks, the reply to each (with its versions),
what happened to them, and the labels people corrected.

They sit beside the posts' tables rather than in them: a post hangs off a brief and a
campaign and is checked against the brief's facts, a reply hangs off a comment. What they
share is the shape: a row with a version counter (optimistic locking), numbered versions
carrying their checks and author, and an audit trail that separation of duties reads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.store import Base, FromNetwork, StatusEvent, UTCDateTime, now

ITEM_STATUSES = ("new", "drafted", "in_review", "approved", "answered", "hidden", "no_reply")
CLOSED = ("answered", "hidden", "no_reply")


class InboxItem(FromNetwork, Base):
    """One comment, message or mention, with its triage labels and where it stands."""

    __tablename__ = "inbox_items"
    __table_args__ = (
        UniqueConstraint("brand", "network", "external_id", name="uq_inbox_network_id"),
    )
    external_id: Mapped[str] = mapped_column(String(200))
    author: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    permalink: Mapped[str | None] = mapped_column(Text)
    post: Mapped[str | None] = mapped_column(Text)
    parent: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8))
    sentiment: Mapped[str] = mapped_column(String(16))
    intent: Mapped[str] = mapped_column(String(16), index=True)
    escalation: Mapped[str | None] = mapped_column(String(64))
    topic: Mapped[str | None] = mapped_column(String(64))  # the safety topic found, if any
    faq: Mapped[str | None] = mapped_column(String(64))
    priority: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    corrected: Mapped[list[Any]] = mapped_column(default=list)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    reply: Mapped[Reply | None] = relationship(back_populates="item", uselist=False)
    audit: Mapped[list[InboxEvent]] = relationship(order_by="InboxEvent.id")
    __mapper_args__ = {"version_id_col": version}


class Reply(Base):
    """The reply being prepared for one comment: the options last drafted and the chosen
    text, whose every change is a ReplyVersion."""

    __tablename__ = "replies"
    __table_args__ = (UniqueConstraint("item_id", name="uq_replies_item"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("inbox_items.id"))
    kind: Mapped[str] = mapped_column(String(16), default="public")  # public | note
    option: Mapped[str] = mapped_column(String(16), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    options: Mapped[list[Any]] = mapped_column(default=list)
    provider: Mapped[str] = mapped_column(String(32), default="none")
    override_reason: Mapped[str | None] = mapped_column(Text)
    approved_by: Mapped[str | None] = mapped_column(String(100))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    item: Mapped[InboxItem] = relationship(back_populates="reply")
    versions: Mapped[list[ReplyVersion]] = relationship(order_by="ReplyVersion.number")


class ReplyVersion(Base):
    __tablename__ = "reply_versions"
    __table_args__ = (UniqueConstraint("reply_id", "number", name="uq_reply_versions_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("replies.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    option: Mapped[str] = mapped_column(String(16), default="")
    author: Mapped[str] = mapped_column(String(100), default="")
    cause: Mapped[str] = mapped_column(String(32))  # model | saved | faq | human | note
    matches: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class InboxEvent(StatusEvent, Base):
    """What happened to a comment and its reply, by whom: the audit trail."""

    __tablename__ = "inbox_audit"
    subject_key = "item_id"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("inbox_items.id"), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class LabelCorrection(Base):
    """A label a person changed: kept to measure and improve the triage."""

    __tablename__ = "label_corrections"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("inbox_items.id"), index=True)
    field: Mapped[str] = mapped_column(String(16))
    old_value: Mapped[str | None] = mapped_column(String(64))
    new_value: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class BrandHead(Base):
    """One brand's learned adjustment of one label, fitted on its reviewed comments."""

    __tablename__ = "brand_heads"
    __table_args__ = (UniqueConstraint("brand", "field", name="uq_brand_heads_field"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    brand: Mapped[str] = mapped_column(String(100), index=True)
    field: Mapped[str] = mapped_column(String(16))
    rows: Mapped[int] = mapped_column(Integer)
    weights: Mapped[dict[str, Any]] = mapped_column()
    trained_at: Mapped[datetime] = mapped_column(UTCDateTime())
