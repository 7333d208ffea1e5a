"""One brief drafted by the team's workers (team mode): its missing (network, variant) units
deferred as `unit` jobs, then followed in the store as they are saved and drawn, so the Draft
tab and the CLI show the same progress whichever machine drafts.

The follower only reads the store and counts the brief's jobs (a few cheap queries a poll); it
stops once every variant is saved with its visuals, once no job of the brief waits or runs
any more (a unit that failed: the brief stays resumable), or once no worker has been alive for
`worker_wait()` seconds: a worker that is down is reported, never waited on for ever.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from ..core import jobs as core_jobs
from ..core.jobs import JobError
from ..core.rows import get_or_404
from ..core.settings import get_settings
from ..core.store import Brief, Store, VariantRow, Version
from . import jobs
from .brief_drafts import missing_variants

POLL_SECONDS = 0.5


@dataclass(frozen=True)
class Drafted:
    """What the store holds of a brief's drafting: its saved variants' ids (oldest first),
    how many of them have their visuals, and how many variants it asks for; `state` is
    `drafting` until the follower ends with `done`, `failed` (jobs over, variants missing)
    or `no_worker`."""

    ids: tuple[int, ...]
    drawn: int
    total: int
    state: str = "drafting"

    @property
    def complete(self) -> bool:
        return len(self.ids) >= self.total


def worker_wait() -> float:
    """Seconds a brief's jobs may wait with no live worker before the wait is given up
    (`ASSISTANT_JOB_START_SECONDS`, the bound every job waited on shares)."""
    return get_settings().job_start_seconds


def no_worker() -> JobError:
    """The refusal a wait ends with when no worker takes jobs (worded in both languages)."""
    return JobError.keyed("no_worker", seconds=round(worker_wait()))


def defer_missing(store: Store, brief_id: int, author: str) -> int:
    """Queue one `unit` job per variant the brief lacks, and a `visuals` job per saved one
    whose visuals are behind its text (a job already waiting is not queued twice); how many
    units were deferred. Inline, each runs here at once, as `defer` does."""
    missing = missing_variants(store, brief_id)
    for variant_id in _undrawn(store, brief_id):
        jobs.defer("visuals", store, variant_id=variant_id)
    for network, index in missing:
        jobs.defer("unit", store, brief_id=brief_id, network=network, index=index, author=author)
    return len(missing)


def drafted(store: Store, brief_id: int) -> Drafted:
    """The brief's saved variants and how many are drawn, in one query."""
    rows, total = _variants(store, brief_id)
    return Drafted(tuple(i for i, _drawn in rows), sum(d for _i, d in rows), total)


def _undrawn(store: Store, brief_id: int) -> list[int]:
    return [i for i, drawn in _variants(store, brief_id)[0] if not drawn]


def _variants(store: Store, brief_id: int) -> tuple[list[tuple[int, bool]], int]:
    """(id, drawn) of the brief's saved variants, oldest first, and how many it asks for. A
    variant that failed to draft (or holds no text) has nothing to draw: it counts as drawn."""
    with store.session() as session:
        brief = get_or_404(session, Brief, brief_id)
        total = len(brief.networks) * (brief.variants_per_network or 1)
        rows = session.execute(
            select(
                VariantRow.id,
                VariantRow.images_version,
                VariantRow.draft_status,
                VariantRow.text,
                func.max(Version.number),
            )
            .join(Version, Version.variant_id == VariantRow.id)
            .where(VariantRow.brief_id == brief_id)
            .group_by(VariantRow.id)
            .order_by(VariantRow.id)
        ).all()
    drawn = [
        (i, images == latest or status == "error" or not text)
        for i, images, status, text, latest in rows
    ]
    return drawn, total


def follow(store: Store, brief_id: int, poll: float = POLL_SECONDS) -> Iterator[Drafted]:
    """What the workers have done of the brief, yielded whenever it moves, until it ends
    (the last one yielded carries the end's state)."""
    for now in _looks(store, brief_id):
        if now is not None:
            yield now
        if now is None or now.state == "drafting":
            time.sleep(poll)


async def follow_async(
    store: Store, brief_id: int, poll: float = POLL_SECONDS
) -> AsyncIterator[Drafted]:
    """`follow` for an event loop: each look at the store runs in a thread, the waits between
    looks hold no thread (a page following a brief for minutes costs no pool thread)."""
    looks = _looks(store, brief_id)
    while (now := await asyncio.to_thread(next, looks, _ENDED)) is not _ENDED:
        if now is not None:
            yield now
        if now is None or now.state == "drafting":
            await asyncio.sleep(poll)


_ENDED = object()


def _looks(store: Store, brief_id: int) -> Iterator[Drafted | None]:
    """One look at the store per item: the brief's drafting when it moved, None when it did
    not; the last item carries the end's state (`done`, `failed` or `no_worker`)."""
    wait, started, shown = worker_wait(), time.monotonic(), None
    while True:
        now = drafted(store, brief_id)
        if now.complete and now.drawn == len(now.ids):
            yield Drafted(now.ids, now.drawn, now.total, "done")
            return
        if jobs.pending_for_brief(brief_id, store) == 0:
            now = drafted(store, brief_id)  # a job may have saved just before it ended
            yield Drafted(now.ids, now.drawn, now.total, "done" if now.complete else "failed")
            return
        if time.monotonic() - started > wait and not core_jobs.workers_alive(store):
            yield Drafted(now.ids, now.drawn, now.total, "no_worker")
            return
        yield now if now != shown else None
        shown = now


def rerender(store: Store, variant_id: int) -> None:
    """Have a worker draw the variant's visuals from its current text, and wait until it is
    done (`call`: a worker that is down, or a job that crashed, is reported)."""
    core_jobs.call("visuals", store, variant_id=variant_id)


def draft_by_workers(
    store: Store, brief_id: int, author: str, on_progress: Callable[[Drafted], None] | None = None
) -> list[dict[str, Any]]:
    """The CLI's drafting of a saved brief in team mode: its missing units deferred, then
    followed until the workers are done; what they saved, as `saved_variants` gives it.
    Raises `no_worker()` when no worker lives (the brief stays saved and resumable)."""
    before = set(drafted(store, brief_id).ids)
    defer_missing(store, brief_id, author)
    last = None
    for last in follow(store, brief_id):
        if on_progress is not None:
            on_progress(last)
    if last is not None and last.state == "no_worker":
        raise no_worker()
    return saved_variants(store, [i for i in (last.ids if last else ()) if i not in before])


def saved_variants(store: Store, ids: list[int]) -> list[dict[str, Any]]:
    """Stored variants as the CLI lists drafted ones: id, network, number, status, length
    and the network's maximum, text and error."""
    from ..core.platforms import measure

    with store.session() as session:
        rows = session.scalars(
            select(VariantRow).where(VariantRow.id.in_(ids)).order_by(VariantRow.id)
        ).all()
        found = []
        for row in rows:
            size = measure(row.text or "", row.platform)
            found.append(
                {
                    "variant_id": row.id,
                    "platform": row.platform,
                    "variant": row.variant_no,
                    "status": row.draft_status,
                    "length": size.length,
                    "max_length": size.max_length,
                    "text": row.text,
                    "error": row.error,
                }
            )
        return found
