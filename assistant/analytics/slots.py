"""Recommended slots put to work: a campaign's briefs still to publish are moved onto the
next free recommended weekday × hour of their network, in the brand's time zone, in one
call. Each brief keeps its order; no two briefs of the brand share a network slot. A brief
is never pulled earlier than planned by more than a week (the slot's own week), every move
is reported from -> to, and `undo_slots` puts the moved briefs back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from ..clock import local_text, tz_from_name
from ..errors import InputError
from ..settings import get_settings
from ..store import Brief, Campaign, Store, commit_or_conflict, get_or_404
from .measures import Slot

HORIZON_WEEKS = 26  # how far ahead a free slot is looked for
EARLIEST = timedelta(days=7)  # a brief moves at most this much earlier than planned


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


def apply_slots(
    store: Store, campaign_id: int, slots: list[Slot], now: datetime | None = None
) -> list[dict[str, Any]]:
    """Move each unpublished brief of the campaign to its network's next free recommended
    slot, never more than EARLIEST before its planned time; returns `{"brief_id", "network",
    "before", "after", "before_utc", "after_utc"}` per moved brief (the UTC times undo it)."""
    if not slots:
        raise InputError(
            "no recommended slot to apply: no weekday × hour holds enough rated posts.",
            key="analytics_no_slots",
        )
    lead = timedelta(minutes=get_settings().min_lead_minutes)
    start = (now or datetime.now(UTC)) + lead
    moved = []
    with store.session() as session:
        campaign = get_or_404(session, Campaign, campaign_id)
        taken = {
            (network, row.publish_at)
            for row in session.scalars(
                select(Brief)
                .join(Campaign)
                .where(Campaign.brand == campaign.brand, Brief.campaign_id != campaign_id)
            )
            for network in row.networks
        }
        briefs = sorted(campaign.briefs, key=lambda b: (b.publish_at or start, b.id))
        slotted = {s.network for s in slots}
        taken |= {  # briefs this call leaves where they are keep their slot
            (n, b.publish_at) for b in briefs if not slotted & set(b.networks) for n in b.networks
        }
        for brief in briefs:
            if all(v.status == "published" for v in brief.variants) and brief.variants:
                continue
            network, mine = next(
                (
                    (n, [s for s in slots if s.network == n])
                    for n in brief.networks
                    if any(s.network == n for s in slots)
                ),
                (None, []),
            )
            if network is None:
                continue
            planned = brief.publish_at
            earliest = max(start, planned - EARLIEST) if planned else start
            for moment in _occurrences(mine, earliest, brief.timezone):
                if all((n, moment) not in taken for n in brief.networks):
                    break
            else:
                continue
            before = brief.publish_at
            brief.publish_at = moment
            taken.update((n, moment) for n in brief.networks)
            moved.append(
                {
                    "brief_id": brief.id,
                    "network": network,
                    "before": local_text(before, brief.timezone) if before else None,
                    "after": local_text(moment, brief.timezone),
                    "before_utc": before.astimezone(UTC).isoformat() if before else None,
                    "after_utc": moment.astimezone(UTC).isoformat(),
                }
            )
        commit_or_conflict(session, "the campaign's calendar")
    return moved


def undo_slots(store: Store, moved: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Put briefs moved by `apply_slots` back at their planned time. A brief moved again
    since (by hand or another call) is left as it is and not returned: nobody's later
    change is overwritten. Returns the moves undone."""
    undone = []
    with store.session() as session:
        for item in moved:
            brief = session.get(Brief, item.get("brief_id"))
            if brief is None or brief.publish_at is None or not item.get("after_utc"):
                continue
            if brief.publish_at != datetime.fromisoformat(item["after_utc"]):
                continue
            before = item.get("before_utc")
            brief.publish_at = datetime.fromisoformat(before) if before else None
            undone.append(item)
        commit_or_conflict(session, "the campaign's calendar")
    return undone
