"""One published post as read from an analytics export: what was said, when, where, and the
counts the network gave for it (a count the file does not hold is absent, never zero)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class Post:
    """A post of one network. `published_at` keeps the file's own clock (its UTC offset, or
    the zone it was read in when the file names none): best hours are read on that clock."""

    network: str
    post_id: str
    text: str
    published_at: datetime | None
    format: str = ""
    permalink: str = ""
    metrics: dict[str, float] = field(default_factory=dict)
    source: str = ""
    row: int = 0
    timed: bool = True  # False when the file gives the day only: no hour can be read from it

    def metric(self, name: str) -> float | None:
        return self.metrics.get(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "network": self.network,
            "post_id": self.post_id,
            "text": self.text,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "format": self.format,
            "permalink": self.permalink,
            "metrics": dict(self.metrics),
            "source": self.source,
            "timed": self.timed,
        }
