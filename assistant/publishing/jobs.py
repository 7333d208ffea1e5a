"""The publishing half's jobs: drafting a brief's (brief, network, variant), drawing its
visuals, and drafting a whole imported file (the interface and its two back ends are
`core.jobs`: inline on SQLite, procrastinate workers in team mode).

Each unit is keyed by its (brief, network, variant): the queue keeps one waiting job per key
and the store's unique key on that triple turns a second run (a retried job whose first run
had saved) into a no-op. Jobs are deferred right after the rows they belong to are committed
(procrastinate keeps its own connections); a crash between the two loses nothing: deferring
again is idempotent, and `campaign import --resume` (or the UI's resume) defers what an
import still lacks.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import select, text

from ..core.errors import ConflictError
from ..core.jobs import QUEUE, call, defer, ensure_schema, kind, queued
from ..core.rows import get_or_404
from ..core.settings import get_settings
from ..core.store import Brief, BriefImport, Store, VariantRow, open_store

__all__ = ["QUEUE", "call", "defer", "pending", "pending_for_brief", "queued", "wait_for_import"]

# ---- the kinds ----------------------------------------------------------------------------


def _provider() -> Any:
    from ..core.llm import make_provider

    return make_provider()


def _finish(store: Store, import_id: int | None) -> None:
    """Store the import's counts; `done` once nothing is missing or left unrendered."""
    if import_id is None:
        return
    from . import brief_import as bulk

    missing, unrendered = bulk.missing_units(store, import_id)
    bulk.refresh(store, import_id, None if missing or unrendered else "done")


def _unit_key(brief_id: int, network: str, index: int, **_rest: Any) -> str:
    return f"{brief_id}:{network}:{index}"


@kind("unit", key=_unit_key)
def draft_unit(
    store: Store,
    brief_id: int,
    network: str,
    index: int,
    author: str,
    import_id: int | None = None,
) -> int | None:
    """Draft, check and save one (brief, network, variant), then draw its visuals when its
    import asks for them; the variant's id. A unit saved before (by a run that died after
    saving, or another worker) is not drafted again: only what it lacks is done."""
    from ..core.charter import load_brand
    from . import brief_import as bulk
    from .brief_drafts import save_variant
    from .drafting import draft_one

    with store.session() as session:
        brief = get_or_404(session, Brief, brief_id)
        brand, visuals = brief.campaign.brand, brief.import_id is None or _visuals(session, brief)
        saved = session.scalars(
            select(VariantRow.id).where(
                VariantRow.brief_id == brief_id,
                VariantRow.platform == network,
                VariantRow.variant_no == index,
            )
        ).first()
    charter = load_brand(brand, get_settings().brand_dir)
    if saved is None:
        request = bulk._request_for(store, brief_id, charter)
        variant = asyncio.run(draft_one(request, network, index, _provider()))
        try:
            saved = save_variant(store, brief_id, variant, charter, request.lang, author).id
        except ConflictError:  # saved meanwhile by another run: the store's key holds
            return None
    if visuals:
        render_visuals(store, saved, None)
    _finish(store, import_id)
    return saved


def _visuals(session: Any, brief: Brief) -> bool:
    record = session.get(BriefImport, brief.import_id)
    return bool(record is None or record.visuals)


@kind("visuals", key=lambda variant_id, import_id=None: str(variant_id))
def render_visuals(store: Store, variant_id: int, import_id: int | None = None) -> None:
    """Draw a variant's visuals unless they already show its current text; a photo or font
    that cannot be used leaves it unrendered (the import counts it), as the import always did."""
    from ..core.rows import latest_version
    from . import brief_import as bulk

    with store.session() as session:
        row = get_or_404(session, VariantRow, variant_id)
        current = row.images_version == latest_version(session, variant_id).number
        drawable = row.draft_status != "error" and bool(row.text)
    if drawable and not current:
        bulk._render(store, variant_id)
    _finish(store, import_id)


@kind("draft", key=lambda network, index, **_rest: f"{network}:{index}")
def draft_variant(
    store: Store,
    brief: str,
    brand: str,
    network: str,
    index: int,
    variants: int,
    language: str,
    provider: str | None = None,
) -> dict[str, Any]:
    """One variant of a brief that is not stored (`assistant draft`), drafted with this
    process's model (`provider` as `--provider` names it); its JSON shape. Called, never
    deferred: its caller waits for it."""
    from ..core.charter import load_brand
    from ..core.llm import make_provider
    from .drafting import DraftRequest, draft_one

    charter = load_brand(brand, get_settings().brand_dir)
    request = DraftRequest(brief, charter, [network], variants, language)
    return asyncio.run(draft_one(request, network, index, make_provider(provider))).to_dict()


def _import_inline(store: Store, import_id: int, author: str) -> None:
    from . import brief_import as bulk

    bulk.run_import(store, import_id, _provider(), author)


def _import_queued(store: Store, import_id: int, author: str) -> None:
    """Split an import into one job per missing unit and per variant left unrendered, so
    every worker takes a share; the last one to finish marks the import done."""
    from . import brief_import as bulk

    units, unrendered = bulk.missing_units(store, import_id)
    bulk.refresh(store, import_id, "running")
    for variant_id in unrendered:
        defer("visuals", variant_id=variant_id, import_id=import_id)
    for unit in units:
        defer(
            "unit",
            brief_id=unit.brief_id,
            network=unit.network,
            index=unit.index,
            author=author,
            import_id=import_id,
        )
    if not units and not unrendered:
        _finish(store, import_id)


kind("import", key=lambda import_id, author="": str(import_id), queued=_import_queued)(
    _import_inline
)


def pending(import_id: int) -> int:
    """Jobs of an import still waiting or running in the queue (0 inline: nothing waits)."""
    return _unfinished("(args->>'import_id')::int = :import_id", import_id=import_id)


def pending_for_brief(brief_id: int, store: Store | None = None) -> int:
    """Jobs of one brief still waiting or running in the queue: its units and the visuals
    of its variants (0 inline: nothing waits). One count over the jobs not yet finished,
    cheap enough to poll."""
    return _unfinished(
        "((args->>'brief_id')::int = :brief_id OR (args->>'variant_id')::int IN "
        "(SELECT id FROM variants WHERE brief_id = :brief_id))",
        store,
        brief_id=brief_id,
    )


def _unfinished(where: str, store: Store | None = None, **params: Any) -> int:
    """How many of the queue's jobs matching `where` (over their args) wait or run."""
    if not queued():
        return 0
    store = store or open_store()
    ensure_schema(store)
    with store.engine.connect() as connection:
        return connection.scalar(
            text(
                "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing') "
                f"AND queue_name = :queue AND {where}"
            ),
            {"queue": QUEUE, **params},
        )


def wait_for_import(
    store: Store, import_id: int, on_progress: Callable[[Any], None] | None, poll: float = 1.0
) -> Any:
    """Follow a queued import until no job of it waits or runs: its final counts. The workers
    do the work; this only reads what the store holds."""
    from . import brief_import as bulk

    while True:
        counts = bulk.progress(store, import_id)
        if on_progress is not None:
            on_progress(counts)
        if counts.done or pending(import_id) == 0:
            return bulk.progress(store, import_id)
        time.sleep(poll)
