"""Campaigns: create one, add briefs (saved before any slow step; drafted into the store by
`brief_drafts`), render their visuals, and read the calendar with its spacing and frequency
warnings."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import emoji
from sqlalchemy import func, select, update

from ..core.blobs import local_photo, put_file
from ..core.charter import Charter, load_brand
from ..core.clock import local_day
from ..core.errors import InputError, NotFound, WorkflowError
from ..core.limits import clean_text, limits
from ..core.platforms import get_platform
from ..core.rows import commit_or_conflict, get_or_404, latest_version
from ..core.settings import get_settings
from ..core.store import Brief, Campaign, Store, VariantRow
from ..visuals import RenderedImage, render_all
from .drafting import (
    detect_language,
)
from .guardrails import SENTENCE_END
from .time_slots import check_slot, check_time


def create_campaign(
    store: Store,
    name: str,
    brand: str,
    starts_on: datetime | None = None,
    ends_on: datetime | None = None,
) -> Campaign:
    """A new campaign for a brand (the brand must load)."""
    name = clean_text(name.strip(), "the campaign name", limits().name_chars)
    if not name:
        raise InputError("the campaign name is empty.", key="empty_name")
    load_brand(brand, get_settings().brand_dir)
    with store.session() as session:
        campaign = Campaign(name=name, brand=brand, starts_on=starts_on, ends_on=ends_on)
        session.add(campaign)
        commit_or_conflict(session, "campaign")
        return campaign


def brand_timezone(charter: Charter | None) -> str:
    """The IANA zone a brand plans in: its charter's, else the deployment's default."""
    return (charter.timezone if charter else "") or get_settings().timezone


def parse_when(value: str | None, tz: str | None = None) -> datetime | None:
    """'2026-12-01 10:00' (in tz, default Settings.timezone) or an ISO datetime with offset
    -> aware datetime."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise WorkflowError(
            f"cannot read the date {value[:40]!r}; write 2026-12-01T10:00+01:00 or "
            "2026-12-01 10:00",
            key="bad_date",
            value=value[:40],
        ) from None
    return (
        moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(tz or get_settings().timezone))
    )


def _check_brief_text(text: str) -> str:
    text = clean_text(text.strip(), "the brief", limits().brief_chars)
    if not text:
        raise InputError("the brief is empty; write what the post should say.", key="empty_brief")
    return text


def _check_networks(networks: list[str]) -> list[str]:
    if not networks:
        raise InputError("choose at least one network.", key="no_network")
    for network in networks:
        get_platform(network)
    return list(dict.fromkeys(networks))


def add_brief(
    store: Store,
    campaign_id: int,
    text: str,
    networks: list[str],
    publish_at: datetime | None = None,
    author: str = "",
    language: str = "",
    variants: int = 1,
    timezone: str | None = None,
) -> Brief:
    """Save a brief at once, before drafting starts, so nothing typed is lost.

    Refused before anything is stored: an empty or oversized brief, no or unknown networks,
    a time in the past or too close, a network's slot the brand already uses.
    """
    text = _check_brief_text(text)
    networks = _check_networks(networks)
    author = clean_text(author.strip(), "the author name", limits().name_chars)
    with store.session() as session:
        campaign = get_or_404(session, Campaign, campaign_id)
        charter = load_brand(campaign.brand, get_settings().brand_dir)
        zone = timezone or brand_timezone(charter)
        if publish_at is not None and publish_at.tzinfo is None:
            publish_at = publish_at.replace(tzinfo=ZoneInfo(zone))
        check_time(publish_at, zone)
        spacing = charter.review.min_spacing_minutes
        check_slot(session, campaign.brand, networks, publish_at, zone, spacing)
        brief = Brief(
            campaign_id=campaign_id,
            text=text,
            networks=networks,
            language=language or detect_language(text, charter),
            publish_at=publish_at,
            author=author,
            timezone=zone,
            variants_per_network=max(1, variants),
        )
        session.add(brief)
        commit_or_conflict(session, "brief")
        return brief


def headline_of(text: str, limit: int = 120) -> str:
    """A visual's headline: the first sentence, without emoji, cut at a word."""
    first = SENTENCE_END.split(emoji.replace_emoji(" ".join(text.split()), "").strip())[0]
    return first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0] + "…"


def _here(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return fn(*args, **kwargs)


def render_variant_visuals(
    store: Store, variant_id: int, run: Callable[..., Any] = _here
) -> list[RenderedImage]:
    """Render every image size of the variant's network from its CURRENT text.

    Files go under `<data>/visuals/<variant id>/v<text version>/`; the paths, the text
    version they show and a fresh alt text are written with a plain UPDATE so the row
    counter does not move: attaching images must not make a reviewer's open edit look stale.
    `run(fn, *args, **kwargs)` runs the drawing itself (pure CPU, no database): the UI passes
    one that uses another process, so a render does not hold up everyone else's clicks.
    """
    with store.session() as session:
        row = get_or_404(session, VariantRow, variant_id)
        charter = load_brand(row.brief.campaign.brand, get_settings().brand_dir)
        number = latest_version(session, row.id).number
        text, platform = row.text, row.platform
        photo = local_photo(row.brief.photo, row.brief.photo_key)  # drawn on any machine
    headline = headline_of(text)
    if not headline:
        return []
    folder = get_settings().data_dir / "visuals" / str(variant_id) / f"v{number}"
    alt = headline  # what the image shows; screen readers already announce "image"
    images = run(
        render_all, charter, headline, [platform], photo=photo, out_dir=folder, alt_text=alt
    )
    keys = [put_file(i.path) for i in images]  # what a process on another machine reads
    with store.session() as session:
        session.execute(
            update(VariantRow)
            .where(VariantRow.id == variant_id)
            .values(
                images=[i.path for i in images],
                image_keys=keys,
                images_version=number,
                alt_text=alt,
            )
        )
        commit_or_conflict(session, "visuals")
    return images


def render_brief_visuals(
    store: Store, brief_id: int, run: Callable[..., Any] = _here
) -> dict[str, list[RenderedImage]]:
    """Visuals for each of the brief's variants, each from its own current text."""
    with store.session() as session:
        brief = get_or_404(session, Brief, brief_id)
        variants = [(v.id, v.platform) for v in brief.variants]
    by_network: dict[str, list[RenderedImage]] = defaultdict(list)
    for variant_id, platform in variants:
        by_network[platform] += render_variant_visuals(store, variant_id, run)
    return dict(by_network)


def _campaigns(store: Store, campaign_id: int | None = None) -> list[dict[str, Any]]:
    """Campaigns with their number of briefs, in one query."""
    query = (
        select(
            Campaign.id,
            Campaign.name,
            Campaign.brand,
            func.count(Brief.id).label("briefs"),
            Campaign.starts_on,
            Campaign.ends_on,
        )
        .outerjoin(Brief, Brief.campaign_id == Campaign.id)
        .group_by(Campaign.id)
        .order_by(Campaign.id)
    )
    if campaign_id is not None:
        query = query.where(Campaign.id == campaign_id)
    with store.session() as session:
        return [dict(row) for row in session.execute(query).mappings()]


def find_campaign(store: Store, campaign_id: int) -> dict[str, Any]:
    """One campaign by id, in one query (NotFound if absent)."""
    found = _campaigns(store, campaign_id)
    if not found:
        raise NotFound(
            f"no campaign with id {campaign_id}", key="not_found", what="campaign", id=campaign_id
        )
    return found[0]


def list_campaigns(store: Store) -> list[dict[str, Any]]:
    """Every campaign, oldest first, with its number of briefs."""
    return _campaigns(store)


@dataclass
class CalendarEntry:
    """One planned post."""

    variant_id: int
    platform: str
    publish_at: datetime | None
    status: str
    text: str
    timezone: str = "UTC"


def calendar(store: Store, campaign_id: int) -> tuple[list[CalendarEntry], list[str]]:
    """A campaign's posts by planned time and network, and the policy warnings."""
    with store.session() as session:
        campaign = get_or_404(session, Campaign, campaign_id)
        charter = load_brand(campaign.brand, get_settings().brand_dir)
        entries = [
            CalendarEntry(v.id, v.platform, b.publish_at, v.status, v.text, b.timezone or "UTC")
            for b in campaign.briefs
            for v in b.variants
            if v.status != "rejected"
        ]
    entries.sort(
        key=lambda e: (e.publish_at or datetime.max.replace(tzinfo=ZoneInfo("UTC")), e.platform)
    )
    return entries, calendar_warnings(entries, charter)


def calendar_warnings(entries: list[CalendarEntry], charter: Charter) -> list[str]:
    """Posts on one network closer than the brand's spacing; empty days under a frequency."""
    warnings = []
    spacing = timedelta(minutes=charter.review.min_spacing_minutes)
    by_network: dict[str, list[CalendarEntry]] = defaultdict(list)
    for entry in entries:
        if entry.publish_at:
            by_network[entry.platform].append(entry)
    for network, posts in by_network.items():
        for before, after in itertools.pairwise(posts):
            if after.publish_at - before.publish_at < spacing:
                warnings.append(
                    f"{network}: variants {before.variant_id} and {after.variant_id} are "
                    f"{int((after.publish_at - before.publish_at).total_seconds() // 60)} min apart "
                    f"(brand minimum {charter.review.min_spacing_minutes} min)"
                )
    if charter.review.posts_per_day:
        warnings += _empty_days(entries)
    return warnings


def _empty_days(entries: list[CalendarEntry]) -> list[str]:
    """Days with no post between the first and the last, counted where the brand is (a post
    at 00:30 in Paris is on that day, not on the day before as in UTC)."""
    days = sorted({local_day(e.publish_at, e.timezone) for e in entries if e.publish_at})
    if len(days) < 2:
        return []
    missing, day = [], days[0]
    while day < days[-1]:
        if day not in days:
            missing.append(day)
        day += timedelta(days=1)
    return [f"no post planned on {d.isoformat()} (the brand posts daily)" for d in missing]


def find_or_create_campaign(store: Store, name: str, brand: str) -> int:
    """The id of the brand's campaign with that name, created when missing."""
    with store.session() as session:
        found = session.scalars(
            select(Campaign).where(Campaign.name == name, Campaign.brand == brand)
        ).first()
        if found is not None:
            return found.id
    return create_campaign(store, name, brand).id


@dataclass
class WorkInProgress:
    """An author's most recent brief for a brand: what they were working on before a reload
    (another person's brief is never restored into their screen)."""

    brief_id: int
    campaign_id: int
    campaign_name: str
    text: str
    networks: list[str]
    variant_ids: list[int]
    publish_at: datetime | None
    timezone: str
    author: str
    variants: int


def latest_work(store: Store, brand: str, author: str | None = None) -> WorkInProgress | None:
    """`author` defaults to the Settings user."""
    author = author or get_settings().user
    with store.session() as session:
        brief = session.scalars(
            select(Brief)
            .join(Campaign)
            .where(Campaign.brand == brand, Brief.author == author)
            .order_by(Brief.id.desc())
            .limit(1)
        ).first()
        if brief is None:
            return None
        return WorkInProgress(
            brief_id=brief.id,
            campaign_id=brief.campaign_id,
            campaign_name=brief.campaign.name,
            text=brief.text,
            networks=list(brief.networks),
            variant_ids=[v.id for v in brief.variants],
            publish_at=brief.publish_at,
            timezone=brief.timezone,
            author=brief.author,
            variants=brief.variants_per_network or 1,
        )
