"""Campaigns: create one, add briefs (saved before any slow step), draft them into the store,
and read the calendar with its spacing and frequency warnings."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import emoji
from sqlalchemy import select, update

from .charter import Charter, load_brand
from .drafting import DraftRequest, Variant, detect_language, draft_iter, draft_stream
from .errors import WorkflowError
from .guardrails import SENTENCE_END
from .llm import ChatProvider
from .review import snapshot
from .settings import get_settings
from .store import Brief, Campaign, Store, VariantRow, Version, commit_or_conflict, get_or_404
from .visuals import RenderedImage, render_all


def create_campaign(
    store: Store,
    name: str,
    brand: str,
    starts_on: datetime | None = None,
    ends_on: datetime | None = None,
) -> Campaign:
    """A new campaign for a brand (the brand must load)."""
    load_brand(brand, get_settings().brand_dir)
    with store.session() as session:
        campaign = Campaign(name=name, brand=brand, starts_on=starts_on, ends_on=ends_on)
        session.add(campaign)
        commit_or_conflict(session, "campaign")
        return campaign


def parse_when(value: str | None, tz: str = "Europe/Paris") -> datetime | None:
    """'2026-12-01 10:00' (in tz) or an ISO datetime with offset -> aware datetime."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise WorkflowError(
            f"cannot read the date {value!r}; write 2026-12-01T10:00+01:00 or 2026-12-01 10:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(tz))


def tz_name(moment: datetime | None) -> str:
    """An IANA name when the datetime has one, else its fixed offset as 'UTC+01:00'."""
    if moment is None or moment.tzinfo is None:
        return "UTC"
    key = getattr(moment.tzinfo, "key", None)
    if key:
        return key
    offset = moment.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def tz_from_name(name: str) -> tzinfo:
    """The inverse of tz_name."""
    if name.startswith("UTC") and len(name) > 3:
        sign = -1 if name[3] == "-" else 1
        hours, minutes = name[4:].split(":")
        return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
    return ZoneInfo(name or "UTC")


def add_brief(
    store: Store,
    campaign_id: int,
    text: str,
    networks: list[str],
    publish_at: datetime | None = None,
    author: str = "",
    language: str = "",
) -> Brief:
    """Save a brief at once, before drafting starts, so nothing typed is lost."""
    with store.session() as session:
        campaign = get_or_404(session, Campaign, campaign_id)
        charter = load_brand(campaign.brand, get_settings().brand_dir)
        brief = Brief(
            campaign_id=campaign_id,
            text=text,
            networks=networks,
            language=language or detect_language(text, charter),
            publish_at=publish_at,
            author=author,
            timezone=tz_name(publish_at),
        )
        session.add(brief)
        commit_or_conflict(session, "brief")
        return brief


def save_variant(
    store: Store, brief_id: int, variant: Variant, charter: Charter, lang: str, author: str
) -> VariantRow:
    """Store one drafted variant with its first version and that version's checks."""
    with store.session() as session:
        matches = snapshot(variant.text, charter, variant.platform, lang) if variant.text else []
        row = VariantRow(
            brief_id=brief_id,
            platform=variant.platform,
            variant_no=variant.variant,
            text=variant.text,
            draft_status=variant.status,
            error=variant.error,
            hashtags=variant.hashtags,
            alt_text=variant.alt_text,
            link=variant.link,
        )
        session.add(row)
        session.flush()
        cause = "model" if variant.provider != "none" else "guardrail"
        session.add(
            Version(
                variant_id=row.id,
                number=1,
                text=variant.text,
                author=author,
                cause=cause,
                changes=variant.changes,
                matches=matches,
            )
        )
        commit_or_conflict(session, "variant")
        return row


def _request(store: Store, brief_id: int, variants: int) -> tuple[DraftRequest, Charter]:
    with store.session() as session:
        brief = get_or_404(session, Brief, brief_id)
        charter = load_brand(brief.campaign.brand, get_settings().brand_dir)
        return DraftRequest(
            brief.text, charter, list(brief.networks), variants, brief.language
        ), charter


def draft_brief(
    store: Store, brief_id: int, provider: ChatProvider | None, author: str, variants: int = 1
) -> Iterator[tuple[Variant, int]]:
    """Draft a stored brief; each variant is saved as it completes (yielded with its id)."""
    request, charter = _request(store, brief_id, variants)
    for variant in draft_iter(request, provider):
        row = save_variant(store, brief_id, variant, charter, request.lang, author)
        yield variant, row.id


async def draft_brief_async(
    store: Store, brief_id: int, provider: ChatProvider | None, author: str, variants: int = 1
) -> AsyncIterator[tuple[Variant, int]]:
    """The same for async callers (the UI)."""
    request, charter = _request(store, brief_id, variants)
    async for variant in draft_stream(request, provider):
        row = save_variant(store, brief_id, variant, charter, request.lang, author)
        yield variant, row.id


def headline_of(text: str, limit: int = 120) -> str:
    """A visual's headline: the first sentence, without emoji, cut at a word."""
    first = SENTENCE_END.split(emoji.replace_emoji(" ".join(text.split()), "").strip())[0]
    return first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0] + "…"


def render_brief_visuals(store: Store, brief_id: int) -> dict[str, list[RenderedImage]]:
    """Render every size the brief's networks need and attach the files to its variants.

    The paths are written with a plain UPDATE so the variants' version counters do not move:
    attaching images must not make a reviewer's open edit look stale.
    """
    with store.session() as session:
        brief = get_or_404(session, Brief, brief_id)
        charter = load_brand(brief.campaign.brand, get_settings().brand_dir)
        networks, text = list(brief.networks), brief.text
        variants = [(v.id, v.platform) for v in brief.variants]
    folder = get_settings().data_dir / "visuals" / str(brief_id)
    images = render_all(charter, headline_of(text), networks, out_dir=folder)
    by_network: dict[str, list[RenderedImage]] = defaultdict(list)
    for image in images:
        by_network[image.platform].append(image)
    with store.session() as session:
        for variant_id, platform in variants:
            paths = [i.path for i in by_network.get(platform, [])]
            session.execute(
                update(VariantRow).where(VariantRow.id == variant_id).values(images=paths)
            )
        commit_or_conflict(session, "visuals")
    return dict(by_network)


def list_campaigns(store: Store) -> list[dict[str, Any]]:
    with store.session() as session:
        return [
            {
                "id": c.id,
                "name": c.name,
                "brand": c.brand,
                "briefs": len(c.briefs),
                "starts_on": c.starts_on,
                "ends_on": c.ends_on,
            }
            for c in session.scalars(select(Campaign).order_by(Campaign.id))
        ]


@dataclass
class CalendarEntry:
    """One planned post."""

    variant_id: int
    platform: str
    publish_at: datetime | None
    status: str
    text: str


def calendar(store: Store, campaign_id: int) -> tuple[list[CalendarEntry], list[str]]:
    """A campaign's posts by planned time and network, and the policy warnings."""
    with store.session() as session:
        campaign = get_or_404(session, Campaign, campaign_id)
        charter = load_brand(campaign.brand, get_settings().brand_dir)
        entries = [
            CalendarEntry(v.id, v.platform, b.publish_at, v.status, v.text)
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
    days = sorted({e.publish_at.date() for e in entries if e.publish_at})
    if len(days) < 2:
        return []
    missing, day = [], days[0]
    while day < days[-1]:
        if day not in days:
            missing.append(day)
        day += timedelta(days=1)
    return [f"no post planned on {d.isoformat()} (the brand posts daily)" for d in missing]


def day_of(moment: datetime | None) -> date | None:
    return moment.date() if moment else None


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
    """The brand's most recent brief: what the user was working on before a reload."""

    text: str
    networks: list[str]
    variant_ids: list[int]


def latest_work(store: Store, brand: str) -> WorkInProgress | None:
    with store.session() as session:
        brief = session.scalars(
            select(Brief).join(Campaign).where(Campaign.brand == brand).order_by(Brief.id.desc())
        ).first()
        if brief is None:
            return None
        return WorkInProgress(brief.text, list(brief.networks), [v.id for v in brief.variants])
