"""Times as people read them: the store keeps UTC, a person reads the brief's (or brand's)
zone with that zone named, and the words in their own language. JSON keeps ISO 8601 with its
offset; only text meant for people goes through here.

Month names are data (`data/clock.yaml`): two languages do not justify Babel's 36 MB of
locale data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

CLOCK_FILE = Path(__file__).resolve().parent.parent / "data" / "clock.yaml"


def tz_from_name(name: str) -> tzinfo:
    """A stored zone name (IANA, or a fixed offset written 'UTC+01:00') as a tzinfo."""
    if name.startswith("UTC") and len(name) > 3:
        sign = -1 if name[3] == "-" else 1
        hours, minutes = name[4:].split(":")
        return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
    return ZoneInfo(name or "UTC")


def in_zone(moment: datetime, zone: str | None) -> datetime:
    """A stored moment in the zone (a moment without one is UTC: SQLite drops the offset)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz_from_name(zone or "UTC"))


def local_day(moment: datetime, zone: str | None) -> date:
    """The calendar day of a moment where the brand is: 00:30 in Paris is that day, not the
    day before as in UTC."""
    return in_zone(moment, zone).date()


def local_text(moment: datetime, zone: str) -> str:
    """A moment as people of the brand read it: '2026-12-01 10:00 (Europe/Paris)'."""
    return f"{in_zone(moment, zone):%Y-%m-%d %H:%M} ({zone or 'UTC'})"


@cache
def _words() -> dict[str, Any]:
    with open(CLOCK_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def reader_time(moment: datetime | None, zone: str | None, lang: str) -> str:
    """'10 décembre 2026 à 10:00 (Europe/Paris)' or '10 December 2026, 10:00 (Europe/Paris)':
    for a proof sheet or a note a person reads; '—' when there is no moment."""
    if moment is None:
        return "—"
    words = _words().get(lang) or _words()["en"]
    local = in_zone(moment, zone)
    return words["pattern"].format(
        day=local.day,
        month=words["months"][local.month - 1],
        year=local.year,
        time=f"{local:%H:%M}",
        zone=zone or "UTC",
    )
