"""One comment as a file row holds it, checked: the columns by name, the required ones, the
network's name however it is spelt, the text bounded and repaired, the time read; an error
names the file, the row and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import regex

from ..core.errors import InputError
from ..core.limits import CONTROL, limits
from ..core.network_json import describe

CSV_COLUMNS = ("network", "id", "author", "text", "created_at", "permalink", "post", "parent")
REQUIRED = ("network", "id", "text")
NETWORK_NAMES = {
    "twitter": "x",
    "x": "x",
    "facebook": "facebook",
    "fb": "facebook",
    "instagram": "instagram",
    "youtube": "youtube",
    "mastodon": "mastodon",
    "bluesky": "bluesky",
    "bsky": "bluesky",
    "linkedin": "linkedin",
    "tiktok": "tiktok",
    "threads": "threads",
    "pinterest": "pinterest",
}


@dataclass
class Incoming:
    """One comment as read from a file, before it is stored."""

    network: str
    external_id: str
    text: str
    author: str = ""
    created_at: datetime | None = None
    permalink: str | None = None
    post: str | None = None
    parent: str | None = None


def bad_row(
    where: str,
    row: int | None,
    column: str,
    problem: str,
    key: str = "import_bad_field",
    **params: Any,
) -> InputError:
    """One import error naming the file, the row (1 = first data row) and the field; `key`
    words a known problem in the reader's language."""
    at = f"{where}, row {row}, field {column!r}" if row else f"{where}, field {column!r}"
    return InputError(
        f"{at}: {problem}; nothing was imported.",
        key=key,
        file=where,
        row=row or 0,
        column=column,
        problem=problem,
        **params,
    )


def _field(row: dict[str, Any], name: str, where: str, number: int, limit: int) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise bad_row(where, number, name, f"expected text, found {describe(value)}")
    value = str(value).strip()
    if len(value) > limit:
        raise bad_row(
            where,
            number,
            name,
            f"{len(value):,} characters; at most {limit:,}",
            key="import_field_too_long",
            size=len(value),
            limit=limit,
        )
    return CONTROL.sub(_repaired, value).strip()


def _repaired(found: regex.Match) -> str:
    """A control character in a comment someone else wrote: a C1 code that is really a
    Windows-1252 character decoded wrongly (U+0092 for ’) is put right, any other is
    dropped. Refusing a whole export for one invisible character would help nobody."""
    char = found.group()
    if 0x80 <= ord(char) <= 0x9F:
        try:
            return bytes([ord(char)]).decode("cp1252")
        except UnicodeDecodeError:
            return ""
    return ""


def checked_row(row: dict[str, Any], where: str, number: int) -> Incoming:
    """One row as an Incoming comment, or the error naming its first bad field."""
    bound = limits()
    values = {
        name: _field(row, name, where, number, bound.post_chars if name == "text" else 2000)
        for name in CSV_COLUMNS
    }
    for name in REQUIRED:
        if not values[name]:
            raise bad_row(where, number, name, "empty or missing", key="import_empty_field")
    network = NETWORK_NAMES.get(values["network"].lower())
    if network is None:
        known = ", ".join(sorted(set(NETWORK_NAMES.values())))
        raise bad_row(
            where, number, "network", f"unknown network {values['network'][:32]!r} ({known})"
        )
    return Incoming(
        network=network,
        external_id=values["id"][:200],
        text=values["text"],
        author=values["author"][:200],
        created_at=_when(values["created_at"], where, number),
        permalink=values["permalink"] or None,
        post=values["post"] or None,
        parent=values["parent"][:200] or None,
    )


def _when(value: str, where: str, number: int) -> datetime | None:
    if not value:
        return None
    from dateutil.parser import isoparse

    try:
        moment = isoparse(value)
    except (ValueError, OverflowError):
        raise bad_row(
            where,
            number,
            "created_at",
            f"{value[:40]!r} is not an ISO 8601 time",
            key="import_bad_time",
            value=value[:40],
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
