"""`assistant worker`: run the queued jobs of team mode (drafting, visuals, imports…) on this
machine, beside the app or on any other that reaches the database (see `core/jobs.py`)."""

from __future__ import annotations

import asyncio
import importlib

import typer

from ..core.errors import InputError

# the modules that register job kinds: a worker runs any of them, so it imports them all
KIND_MODULES = (
    "assistant.publishing.jobs",
    "assistant.community.reply_jobs",
    "assistant.analytics.audit_job",
)


def worker(
    concurrency: int = typer.Option(2, "--concurrency", "-c", min=1, max=64, help="Jobs at once"),
    heartbeat: float = typer.Option(
        10.0, "--heartbeat", min=0.2, help="Seconds between this worker's signs of life"
    ),
    stalled_after: float = typer.Option(
        30.0,
        "--stalled-after",
        min=1.0,
        help="Seconds without a sign of life after which a worker's jobs are run again",
    ),
    once: bool = typer.Option(False, "--once", help="Stop when the queue is empty"),
) -> None:
    """Run queued jobs until stopped (Ctrl-C finishes the running ones); a job of a worker
    that died is run again here. Team mode only: ASSISTANT_DB_URL=postgresql…"""
    from ..core import jobs

    if not jobs.queued():
        raise InputError(
            "there is no queue to work on: with this database jobs run inside the app and the "
            "CLI. Workers serve team mode: set ASSISTANT_DB_URL=postgresql+psycopg://…",
            key="no_job_queue",
        )
    from ..proofing import warm_up

    # the checkers load before the first job, as the app loads them before its first save: a
    # cold load inside a job held this worker's heartbeat back long enough for another worker
    # to take its running jobs for a dead worker's
    warm_up()
    for module in KIND_MODULES:
        importlib.import_module(module)
    typer.echo(f"worker: {concurrency} job(s) at once, queue '{jobs.QUEUE}'", err=True)
    asyncio.run(jobs.work(concurrency, heartbeat, stalled_after, wait=not once))


def register(app: typer.Typer) -> None:
    app.command()(worker)
