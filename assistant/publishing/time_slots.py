"""When a brief may be planned: far enough ahead to be reviewed, and in a slot the brand does
not already use on those networks; a taken slot's refusal names the next free time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from ..core.clock import local_text
from ..core.errors import WorkflowError
from ..core.platforms import get_platform
from ..core.settings import get_settings
from ..core.store import Brief, Campaign


def check_time(publish_at: datetime | None, zone: str) -> None:
    """A post is planned at least `min_lead_minutes` ahead: a past time would be published
    late or never, and there would be no time left to review it."""
    if publish_at is None:
        return
    lead = get_settings().min_lead_minutes
    if publish_at < datetime.now(UTC) + timedelta(minutes=lead):
        when = local_text(publish_at, zone)
        raise WorkflowError(
            f"the publication time {when} is in the past or less than {lead} minutes "
            "ahead; choose a later time.",
            key="time_too_soon",
            when=when,
            minutes=lead,
        )


def check_slot(
    session: Any,
    brand: str,
    networks: list[str],
    publish_at: datetime | None,
    zone: str,
    spacing_minutes: int = 0,
) -> None:
    """One brief per network per time slot for a brand, checked when the brief is saved. The
    refusal names the next free time (spaced as the brand wants from the brand's other posts
    on those networks), so a second brief left at the form's default time is one change away."""
    if publish_at is None:
        return
    planned = _planned(session, brand, networks, publish_at)
    for network in networks:
        if (publish_at, network) in planned:
            when, name = local_text(publish_at, zone), get_platform(network).name
            free = _next_free(planned, networks, publish_at, spacing_minutes)
            raise WorkflowError(
                f"{name} already has a post planned at {when} for this brand; "
                f"choose another time (the next free one is {local_text(free, zone)}).",
                key="slot_taken",
                network=network,
                network_name=name,
                when=when,
                free=local_text(free, zone),
            )


def _planned(
    session: Any, brand: str, networks: list[str], start: datetime
) -> set[tuple[datetime, str]]:
    """(time, network) of the brand's briefs on `networks` from `start` to a week after."""
    rows = session.execute(
        select(Brief.publish_at, Brief.networks)
        .join(Campaign)
        .where(
            Campaign.brand == brand,
            Brief.publish_at >= start - timedelta(days=1),
            Brief.publish_at <= start + timedelta(days=SLOT_SEARCH_DAYS),
        )
    ).all()
    return {(at, n) for at, used in rows for n in used if n in networks}


SLOT_SEARCH_DAYS = 7


def _next_free(
    planned: set[tuple[datetime, str]], networks: list[str], start: datetime, spacing: int
) -> datetime:
    """The first time after `start`, by steps of the brand's spacing (an hour without one),
    with no post of the brand on `networks` closer than that spacing; a week on at most."""
    step = timedelta(minutes=max(spacing or 60, 15))
    near = [at for at, network in planned if network in networks]
    candidate = start + step
    while candidate < start + timedelta(days=SLOT_SEARCH_DAYS):
        if all(abs(candidate - at) >= step for at in near):
            return candidate
        candidate += step
    return candidate
