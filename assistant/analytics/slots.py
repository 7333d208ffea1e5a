"""Recommended slots put to work: a campaign's posts still to publish are moved onto the
next free recommended weekday × hour of their network, in the brand's time zone, in one
call. A slot is a network's: only that network's variants move (they leave for a brief of
their own when the brief's other networks stay). Each brief keeps its order; no two briefs
of the brand share a network slot. A post is never pulled earlier than planned by more than
a week (the slot's own week), every move is reported from -> to, and `undo_slots` puts the
moved posts back.

Moving posts is a reviewer's (or admin's) act, on the audited brand's own campaigns only.
`preview_slots` says what would move, approved variants first, and stores nothing;
`apply_slots` moves and records a `reschedule` event per variant (who, from, to) in the
trail `review show` lists. An approved variant moved by a reviewer stays approved, and is
moved only once the person saw it listed (`confirm_approved`)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from ..core.actors import Actor, require_reviewer
from ..core.clock import local_text, tz_from_name
from ..core.errors import InputError, WorkflowError
from ..core.rows import commit_or_conflict, get_or_404
from ..core.settings import get_settings
from ..core.store import AuditEvent, Brief, Campaign, Store, VariantRow
from .measures import Slot

HORIZON_WEEKS = 26  # how far ahead a free slot is looked for
EARLIEST = timedelta(days=7)  # a brief moves at most this much earlier than planned
WHAT = "apply recommended slots"  # worded in the `reviewers_only` refusal


@dataclass
class _Move:
    """The networks of one brief that go to one recommended slot: where they are, where
    they go. A slot is a network's: the brief's other networks keep their time."""

    brief: Brief
    networks: list[str]
    before: datetime | None
    after: datetime

    def variants(self) -> list[Any]:
        return [v for v in _variants(self.brief) if v.platform in self.networks]

    def report(self) -> dict[str, Any]:
        """The move as the UI, the CLI's JSON and `undo_slots` read it."""
        zone = self.brief.timezone
        variants = [
            {"id": v.id, "platform": v.platform, "status": v.status} for v in self.variants()
        ]
        return {
            "brief_id": self.brief.id,
            "network": self.networks[0],
            "networks": list(self.networks),
            "before": local_text(self.before, zone) if self.before else None,
            "after": local_text(self.after, zone),
            "before_utc": self.before.astimezone(UTC).isoformat() if self.before else None,
            "after_utc": self.after.astimezone(UTC).isoformat(),
            "variants": variants,
            "approved": [v["id"] for v in variants if v["status"] == "approved"],
        }


def _variants(brief: Brief) -> list[Any]:
    return [v for v in brief.variants if v.status != "rejected"]


def _occurrences(slots: list[Slot], start: datetime, zone: str) -> list[datetime]:
    """Every occurrence of the slots from `start` on, in time order, for HORIZON_WEEKS."""
    tz = tz_from_name(zone)
    local = start.astimezone(tz)
    day0 = local.replace(hour=0, minute=0, second=0, microsecond=0)
    found = []
    for offset in range(HORIZON_WEEKS * 7):
        day = day0 + timedelta(days=offset)
        for slot in slots:
            if day.weekday() == slot.weekday:
                moment = datetime(day.year, day.month, day.day, slot.hour, tzinfo=tz)
                if moment >= local:
                    found.append(moment.astimezone(UTC))
    return sorted(set(found))


def _campaign_of_brand(session: Session, campaign_id: int, brand: str) -> Campaign:
    """The campaign, refused unless it is the audited brand's: one brand's audience says
    nothing about when another brand's should read."""
    campaign = get_or_404(session, Campaign, campaign_id)
    if campaign.brand != brand:
        raise WorkflowError.keyed(
            "slots_other_brand", id=campaign_id, owner=campaign.brand, brand=brand
        )
    return campaign


def _plan(session: Session, campaign: Campaign, slots: list[Slot], start: datetime) -> list[_Move]:
    """Where each brief still to publish goes; nothing is changed. A brief one of whose
    variants is published keeps its time: that post is out already."""
    taken = {
        (network, row.publish_at)
        for row in session.scalars(
            select(Brief)
            .join(Campaign)
            .where(Campaign.brand == campaign.brand, Brief.campaign_id != campaign.id)
        )
        for network in row.networks
    }
    briefs = session.scalars(
        select(Brief).where(Brief.campaign_id == campaign.id).options(selectinload(Brief.variants))
    ).all()
    briefs = sorted(briefs, key=lambda b: (b.publish_at or start, b.id))
    slotted = {s.network for s in slots}
    taken |= {  # networks this call leaves where they are keep their slot
        (n, b.publish_at) for b in briefs for n in b.networks if n not in slotted
    }
    moves = []
    for brief in briefs:
        if any(v.status == "published" for v in brief.variants):
            taken.update((n, brief.publish_at) for n in brief.networks)
            continue
        moves += _plan_brief(brief, slots, start, taken)
    return moves


def _plan_brief(
    brief: Brief, slots: list[Slot], start: datetime, taken: set[tuple[str, Any]]
) -> list[_Move]:
    """Each network of the brief with recommended slots to its own next free one (networks
    going to the same time move together); `taken` gets the slots used. A post already on
    one of its network's slots stays: applying the slots twice moves nothing the second
    time (it would otherwise go a week earlier each time)."""
    planned = brief.publish_at
    earliest = max(start, planned - EARLIEST) if planned else start
    targets: dict[datetime, list[str]] = {}
    for network in brief.networks:
        mine = [s for s in slots if s.network == network]
        free = (
            m for m in _occurrences(mine, earliest, brief.timezone) if (network, m) not in taken
        )
        if _on_slot(planned, mine, brief.timezone) and (network, planned) not in taken:
            free = iter([planned])
        moment = next(free, None) if mine else None
        if moment is None:
            taken.add((network, planned))
            continue
        taken.add((network, moment))
        if moment != planned:  # already on its slot: nothing moves, nothing is recorded
            targets.setdefault(moment, []).append(network)
    return [_Move(brief, nets, planned, moment) for moment, nets in sorted(targets.items())]


def _on_slot(moment: datetime | None, slots: list[Slot], zone: str) -> bool:
    """Whether `moment` is one of the slots' weekday × hour, on the hour, in the brand's zone."""
    if moment is None:
        return False
    local = moment.astimezone(tz_from_name(zone))
    on_the_hour = (local.minute, local.second, local.microsecond) == (0, 0, 0)
    return on_the_hour and any((s.weekday, s.hour) == (local.weekday(), local.hour) for s in slots)


def _start(slots: list[Slot], now: datetime | None) -> datetime:
    if not slots:
        raise InputError(
            "no recommended slot to apply: no weekday × hour holds enough rated posts.",
            key="analytics_no_slots",
        )
    return (now or datetime.now(UTC)) + timedelta(minutes=get_settings().min_lead_minutes)


@dataclass(frozen=True)
class SlotRequest:
    """A campaign's briefs to move onto recommended slots, as one person asks: the preview
    and the move take the same request, so what moves is what was shown. `brand` is the
    audited brand (only its campaigns move); `now` defaults to the clock."""

    campaign_id: int
    slots: list[Slot]
    actor: Actor
    brand: str
    now: datetime | None = None

    def moves(self, session: Session) -> list[_Move]:
        """The moves planned, once the person may move posts of this campaign."""
        require_reviewer(self.actor, WHAT)
        start = _start(self.slots, self.now)
        campaign = _campaign_of_brand(session, self.campaign_id, self.brand)
        return _plan(session, campaign, self.slots, start)


def preview_slots(store: Store, asked: SlotRequest) -> list[dict[str, Any]]:
    """What `apply_slots` would move, stored nowhere: each move as `apply_slots` reports it,
    with its variants and, in `approved`, the approved ones to list before applying."""
    with store.session() as session:
        return [move.report() for move in asked.moves(session)]


def apply_slots(
    store: Store, asked: SlotRequest, confirm_approved: Collection[int] = ()
) -> list[dict[str, Any]]:
    """Move each network of the campaign's unpublished briefs to that network's next free
    recommended slot, never more than EARLIEST before its planned time; returns
    `{"brief_id", "network", "networks", "before", "after", "before_utc", "after_utc",
    "variants", "approved"}` per move (the UTC times undo it). Reviewers and admins only, on
    the audited brand's campaigns; an approved variant moves only when listed in
    `confirm_approved` (it was shown in the preview), else nothing moves and the refusal
    lists them."""
    with store.session() as session:
        moves = asked.moves(session)
        unseen = [
            v
            for move in moves
            for v in move.variants()
            if v.status == "approved" and v.id not in set(confirm_approved)
        ]
        if unseen:
            listed = ", ".join(f"{v.id} ({v.platform})" for v in unseen)
            raise WorkflowError.keyed("slots_confirm_approved", listed=listed)
        for move in moves:
            _split_off(session, move)
            why = f"recommended slot ({move.networks[0]})"
            _reschedule(session, move.brief, move.after, asked.actor, why)
        reports = [move.report() for move in moves]
        commit_or_conflict(session, "the campaign's calendar")
    return reports


def _split_off(session: Session, move: _Move) -> None:
    """When only some of a brief's networks move, they leave for a brief of their own (same
    text, language, zone, author), their variants with them; the brief keeps the others.
    The variants are re-attached with a plain UPDATE: their row counter does not move, so
    nobody's open edit becomes a conflict."""
    brief = move.brief
    if set(brief.networks) <= set(move.networks):
        return
    own = Brief(
        campaign_id=brief.campaign_id,
        text=brief.text,
        language=brief.language,
        publish_at=brief.publish_at,
        timezone=brief.timezone,
        networks=list(move.networks),
        author=brief.author,
        variants_per_network=brief.variants_per_network,
    )
    session.add(own)
    brief.networks = [n for n in brief.networks if n not in move.networks]
    session.flush()
    session.execute(
        update(VariantRow)
        .where(VariantRow.brief_id == brief.id, VariantRow.platform.in_(move.networks))
        .values(brief_id=own.id)
        .execution_options(synchronize_session=False)
    )
    session.expire(brief, ["variants"])
    session.expire(own, ["variants"])
    move.brief = own


def _reschedule(
    session: Session, brief: Brief, moment: datetime | None, actor: Actor, why: str
) -> None:
    """The brief's new time, and one `reschedule` event per variant in its trail: who moved
    it, from when to when. The status stays: only reviewers and admins get here."""
    for variant in _variants(brief):
        session.add(
            AuditEvent(
                variant_id=variant.id,
                actor=actor.name,
                action="reschedule",
                from_status=variant.status,
                to_status=variant.status,
                reason=why,
                from_time=brief.publish_at,
                to_time=moment,
            )
        )
    brief.publish_at = moment


def undo_slots(
    store: Store, moved: list[dict[str, Any]], *, actor: Actor, brand: str
) -> list[dict[str, Any]]:
    """Put briefs moved by `apply_slots` back at their planned time. A brief moved again
    since (by hand or another call) is left as it is and not returned: nobody's later
    change is overwritten. Same rights as applying; each variant's trail records the way
    back. Returns the moves undone."""
    require_reviewer(actor, WHAT)
    undone = []
    with store.session() as session:
        for item in moved:
            brief = session.get(Brief, item.get("brief_id"))
            if brief is None or brief.publish_at is None or not item.get("after_utc"):
                continue
            if brief.campaign.brand != brand:
                raise WorkflowError.keyed(
                    "slots_other_brand",
                    id=brief.campaign_id,
                    owner=brief.campaign.brand,
                    brand=brand,
                )
            if brief.publish_at != datetime.fromisoformat(item["after_utc"]):
                continue
            before = item.get("before_utc")
            back = datetime.fromisoformat(before) if before else None
            _reschedule(session, brief, back, actor, "recommended slots undone")
            undone.append(item)
        commit_or_conflict(session, "the campaign's calendar")
    return undone
