"""Slow work as jobs: drafting a brief's (brief, network, variant), drawing its visuals, and
drafting a whole imported file, behind one small interface, `defer(kind, **args)`.

Two back ends, chosen by the store (`ASSISTANT_JOBS` may force one):

- **inline** (SQLite, one machine, the default): a deferred job runs at once in the calling
  process, exactly as the app and the CLI always ran it, so neither forks.
- **queue** (PostgreSQL, team mode): the job is a procrastinate job in the database the team
  already runs, taken by `assistant worker` processes on any machine. Each unit is keyed by
  its (brief, network, variant): procrastinate's `queueing_lock` keeps one waiting job per
  key, its `lock` keeps two workers from running one key at once, and the store's unique key
  on that triple turns a second run (a retried job whose first run had saved) into a no-op.
  Workers beat a heartbeat; one whose heartbeat stopped (killed, machine gone) leaves its
  jobs "doing", and every live worker retries those stalled jobs.

Jobs are deferred right after the rows they belong to are committed (procrastinate keeps its
own connections); a crash between the two loses nothing: deferring again is idempotent, and
`campaign import --resume` (or the UI's resume) defers what an import still lacks.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from ..core.errors import ConflictError, InputError
from ..core.rows import get_or_404
from ..core.settings import get_settings
from ..core.store import Brief, BriefImport, Store, VariantRow, open_store

log = logging.getLogger(__name__)
QUEUE = "assistant"
SCHEMA_LOCK = "assistant.jobs.schema"  # the advisory lock two processes creating the schema share


@dataclass(frozen=True)
class Kind:
    """One kind of job: what runs it here (inline) and what a worker runs (queue), and the
    key that makes two jobs of it the same job."""

    inline: Callable[..., Any]
    queued: Callable[..., Any]
    key: Callable[..., str]


KINDS: dict[str, Kind] = {}


def kind(
    name: str, key: Callable[..., str], queued: Callable[..., Any] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a job kind: the decorated function is its inline body (and its queued one
    unless `queued` is given); `key(**args)` names it for the queue's locks."""

    def register(body: Callable[..., Any]) -> Callable[..., Any]:
        KINDS[name] = Kind(body, queued or body, key)
        return body

    return register


def queued() -> bool:
    """Whether jobs go to the queue: `ASSISTANT_JOBS=queue|inline`, else the queue exactly
    when the store is PostgreSQL."""
    choice = get_settings().jobs.strip().lower()
    if choice in ("queue", "inline"):
        return choice == "queue"
    if choice not in ("", "auto"):
        raise InputError(
            f"ASSISTANT_JOBS={choice!r} is not a job mode; use auto, inline or queue.",
            key="bad_jobs_mode",
            value=choice,
        )
    return get_settings().database_url().startswith("postgresql")


def defer(name: str, store: Store | None = None, **args: Any) -> None:
    """Run a job of kind `name` with `args` (JSON values): at once here on `store` (inline,
    default: the settings' store), or queued for a worker, once per key while one waits."""
    job = KINDS[name]
    if not queued():
        job.inline(store or open_store(), **args)
        return
    from procrastinate.exceptions import AlreadyEnqueued

    lock = f"{name}:{job.key(**args)}"
    task = queue_app().tasks[name].configure(lock=lock, queueing_lock=lock)
    try:
        task.defer(**args)
    except AlreadyEnqueued:  # the same unit is already waiting: it runs once
        log.info("job %s already waiting", lock)


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
    if not queued():
        return 0
    store = open_store()
    ensure_schema(store)
    with store.engine.connect() as connection:
        return connection.scalar(
            text(
                "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing') "
                "AND queue_name = :queue AND (args->>'import_id')::int = :import_id"
            ),
            {"queue": QUEUE, "import_id": import_id},
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


# ---- the queue ----------------------------------------------------------------------------


def conninfo(url: str) -> str:
    """The store's SQLAlchemy URL as libpq reads it (no `+driver`)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def queue_app() -> Any:
    """The procrastinate app on the settings' database (see `_queue_app`)."""
    return _queue_app(get_settings().database_url())


@cache
def _queue_app(url: str) -> Any:
    """The procrastinate app on a database, every kind registered as a task, open for
    deferring from synchronous code; its schema created once if missing."""
    import procrastinate

    ensure_schema(open_store(url))
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(url)))
    for name, job in KINDS.items():
        app.task(name=name, queue=QUEUE)(_worker_body(job.queued))
    app.open()
    return app


def _worker_body(body: Callable[..., Any]) -> Callable[..., Any]:
    def run(**args: Any) -> None:
        body(open_store(), **args)

    run.__name__ = body.__name__
    return run


_schema_ready: set[str] = set()  # the databases this process found the queue's tables in


def ensure_schema(store: Store) -> None:
    """Create procrastinate's tables once, under an advisory lock: processes starting at once
    wait for the first, and find the tables there."""
    from procrastinate.schema import SchemaManager

    if store.url in _schema_ready:
        return
    with store.engine.begin() as connection:
        connection.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": SCHEMA_LOCK}
        )
        if connection.scalar(text("SELECT to_regclass('procrastinate_jobs')")) is None:
            connection.connection.driver_connection.execute(SchemaManager.get_schema())
    _schema_ready.add(store.url)


async def _retry_stalled(app: Any, every: float, stalled_after: float) -> None:
    """Put back in the queue the jobs of workers whose heartbeat stopped (killed, gone). A
    stalled job whose twin already waits (deferred again meanwhile) is closed as aborted:
    the twin does the work, and the store's key keeps it to once either way."""
    from procrastinate.exceptions import ConnectorException, UniqueViolation
    from procrastinate.jobs import Status

    while True:
        for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after):
            try:
                await app.job_manager.retry_job(job)
                log.warning("job %s of a stopped worker put back in the queue", job.id)
            except UniqueViolation:
                await app.job_manager.finish_job(job, status=Status.ABORTED, delete_job=False)
                log.warning("job %s of a stopped worker closed: its twin waits", job.id)
            except ConnectorException as exc:  # another worker retried it first
                log.info("job %s not retried here: %s", job.id, exc)
        await asyncio.sleep(every)


async def work(concurrency: int, heartbeat: float, stalled_after: float, wait: bool) -> None:
    """A worker: run queued jobs until stopped (SIGINT/SIGTERM finish the running ones), and
    retry the stalled jobs of dead workers meanwhile. `wait=False` stops once the queue is
    empty."""
    app = queue_app()
    async with app.open_async():
        sweeper = asyncio.create_task(_retry_stalled(app, heartbeat, stalled_after))
        try:
            await app.run_worker_async(
                queues=[QUEUE],
                concurrency=concurrency,
                wait=wait,
                update_heartbeat_interval=heartbeat,
                stalled_worker_timeout=stalled_after,
            )
        finally:
            sweeper.cancel()
