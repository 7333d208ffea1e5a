"""Slow work as jobs, behind one small interface for every part of the package: `defer(kind,
**args)` (start it, do not wait) and `call(kind, **args)` (run it and wait for its answer).

Two back ends, chosen by the store (`ASSISTANT_JOBS` may force one):

- **inline** (SQLite, one machine, the default): a job runs at once in the calling process,
  exactly as the app and the CLI always ran it, so neither forks.
- **queue** (PostgreSQL, team mode): the job is a procrastinate job in the database the team
  already runs, taken by `assistant worker` processes on any machine. procrastinate's
  `queueing_lock` keeps one waiting job per key, its `lock` keeps two workers from running one
  key at once. Workers beat a heartbeat; one whose heartbeat stopped (killed, machine gone)
  leaves its jobs "doing", and every live worker retries those stalled jobs.

Each half registers its kinds in its own module (`publishing/jobs.py`, …) with
`@kind`; `assistant worker` imports them all before it takes a job. A
job waited on with `call` leaves its answer in `job_outcomes` (its JSON return value, or the
AssistantError it raised, worded again in the caller's process from its key and params).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any

from sqlalchemy import delete, select, text
from sqlalchemy.engine import make_url

from . import errors
from .errors import AssistantError, InputError
from .settings import get_settings
from .store import JobOutcome, Store, now, open_store

log = logging.getLogger(__name__)
QUEUE = "assistant"
SCHEMA_LOCK = "assistant.jobs.schema"  # the advisory lock two processes creating the schema share
OUTCOMES_KEPT = timedelta(days=1)  # an answer nobody read by then is dropped
FINISHED_WITHOUT_ANSWER = ("failed", "cancelled", "aborted")
ALIVE_SECONDS = 30.0  # a worker beats every 10 s by default: silent this long, it is gone


class JobError(AssistantError):
    """A job that could not be run or did not answer: no worker alive, failed, too long."""


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
    """Register a job kind: the decorated function (called with the store first) is its
    inline body, and its queued one unless `queued` is given; `key(**args)` names it for the
    queue's locks."""

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


def defer(name: str, store: Store | None = None, /, **args: Any) -> int | None:
    """Run a job of kind `name` with `args` (JSON values): at once here on `store` (inline,
    default: the settings' store), or queued for a worker, once per key while one waits. The
    queued job's id (None inline, or when the same job already waits)."""
    job = KINDS[name]
    if not queued():
        job.inline(store or open_store(), **args)
        return None
    from procrastinate.exceptions import AlreadyEnqueued

    lock = f"{name}:{job.key(**args)}"
    task = queue_app().configure_task(name, queue=QUEUE, lock=lock, queueing_lock=lock)
    try:
        return task.defer(**args)
    except AlreadyEnqueued:  # the same unit is already waiting: it runs once
        log.info("job %s already waiting", lock)
        return None


def call(name: str, store: Store | None = None, /, **args: Any) -> Any:
    """Run a job of kind `name` and wait for its answer: its body's return value (JSON in
    queue mode), or the AssistantError it raised. Inline, the body runs here; queued, a
    worker runs it and this waits (bounded: `ASSISTANT_JOB_START_SECONDS` for a worker to
    take it when none is alive, `ASSISTANT_JOB_WAIT_SECONDS` in all)."""
    if not queued():
        return KINDS[name].inline(store or open_store(), **args)
    store = store or open_store()
    token, job_id = _defer_answered(name, args)
    started = time.monotonic()
    while True:
        found = _answer(store, token, job_id, name, started)
        if found is not None:
            return found[0]
        time.sleep(_poll_seconds(started))


async def call_async(name: str, store: Store | None = None, /, **args: Any) -> Any:
    """`call` for a coroutine: the event loop keeps serving while the job runs."""
    if not queued():
        return await asyncio.to_thread(KINDS[name].inline, store or open_store(), **args)
    store = store or open_store()
    token, job_id = await asyncio.to_thread(_defer_answered, name, args)
    started = time.monotonic()
    while True:
        found = await asyncio.to_thread(_answer, store, token, job_id, name, started)
        if found is not None:
            return found[0]
        await asyncio.sleep(_poll_seconds(started))


def _poll_seconds(started: float) -> float:
    """Quick at first (most answers come within a second or two), then every second."""
    return 0.2 if time.monotonic() - started < 3 else 1.0


def _defer_answered(name: str, args: dict[str, Any]) -> tuple[str, int]:
    """Queue a job whose answer is kept under a fresh token (each call is its own job)."""
    token = uuid.uuid4().hex
    lock = f"{name}:{token}"
    task = queue_app().configure_task(name, queue=QUEUE, lock=lock, queueing_lock=lock)
    return token, task.defer(**args, _answer_to=token)


def _answer(store: Store, token: str, job_id: int, name: str, started: float) -> tuple[Any] | None:
    """The job's answer as a 1-tuple once there is one; raises its error, or a JobError when
    it ended without an answer, no worker is alive to take it, or it took too long."""
    with store.session() as session:
        row = session.get(JobOutcome, token)
        if row is not None:
            session.delete(row)
            session.commit()
            if row.error is not None:
                raise _rebuilt(row.error)
            return (row.value,)
    status = _status(store, job_id)
    waited = time.monotonic() - started
    settings = get_settings()
    if status in FINISHED_WITHOUT_ANSWER:
        raise JobError.keyed("job_failed", kind=name, job=job_id)
    if status == "todo" and waited > settings.job_start_seconds and not workers_alive(store):
        _cancel(job_id)
        raise JobError.keyed("no_worker", seconds=round(waited))
    if waited > settings.job_wait_seconds:
        raise JobError.keyed("job_too_long", kind=name, seconds=round(waited))
    return None


def _rebuilt(error: dict[str, Any]) -> AssistantError:
    """The worker's AssistantError, as the same class when it is a plain one (its key and
    params let the caller word it in the reader's language)."""
    cls = getattr(errors, str(error.get("type")), AssistantError)
    params = error.get("params") or {}
    try:
        rebuilt = cls(str(error.get("message", "")), key=error.get("key"), **params)
    except TypeError:  # a class of its own signature (a charter's error): its message stays
        rebuilt = AssistantError(str(error.get("message", "")), key=error.get("key"), **params)
    return rebuilt if isinstance(rebuilt, AssistantError) else AssistantError(str(rebuilt))


def _status(store: Store, job_id: int) -> str | None:
    with store.engine.connect() as connection:
        return connection.scalar(
            text("SELECT status FROM procrastinate_jobs WHERE id = :id"), {"id": job_id}
        )


def workers_alive(store: Store) -> bool:
    """Whether a worker beat its heartbeat lately (within `--stalled-after`'s default)."""
    with store.engine.connect() as connection:
        return bool(
            connection.scalar(
                text(
                    "SELECT count(*) FROM procrastinate_workers "
                    "WHERE last_heartbeat > now() - make_interval(secs => :secs)"
                ),
                {"secs": ALIVE_SECONDS},
            )
        )


def _cancel(job_id: int) -> None:
    """A job nobody took is not left to surprise its asker hours later."""
    queue_app().job_manager.cancel_job_by_id(job_id)


def _keep_answer(token: str, value: Any = None, error: AssistantError | None = None) -> None:
    """Write a job's answer for the process waiting on it; old unread answers go."""
    kept = None
    if error is not None:
        kept = {
            "type": type(error).__name__,
            "message": str(error),
            "key": error.key,
            "params": _json_params(error.params),
        }
    with open_store().session() as session:
        session.execute(delete(JobOutcome).where(JobOutcome.created_at < now() - OUTCOMES_KEPT))
        session.add(JobOutcome(token=token, value=value, error=kept))
        session.commit()


def _json_params(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, (str, int, float, bool, type(None))) else str(v)
            for k, v in params.items()}  # fmt: skip


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
    """What a worker runs: the body on the worker's store; a job someone waits on (called
    with `_answer_to`) leaves its value or its AssistantError for them."""

    def run(_answer_to: str | None = None, **args: Any) -> None:
        if _answer_to is None:
            body(open_store(), **args)
            return
        try:
            value = body(open_store(), **args)
        except AssistantError as exc:
            _keep_answer(_answer_to, error=exc)
            return
        _keep_answer(_answer_to, value=value)

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
    the twin does the work, and the store's keys keep it to once either way."""
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
    empty. The caller imports the modules that register kinds first."""
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


def answered_tokens(store: Store) -> list[str]:
    """The answers kept and not yet read (for tests and `assistant worker` diagnostics)."""
    with store.session() as session:
        return list(session.scalars(select(JobOutcome.token)))
