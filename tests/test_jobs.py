"""Slow work as jobs: inline on SQLite (the app and the CLI run it as they always did), queued
to procrastinate on PostgreSQL and run by `assistant worker` processes, each (brief, network,
variant) exactly once even when a worker is killed with SIGKILL half way."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from sqlalchemy import func, select, text

from assistant.core.store import Brief, VariantRow, open_store
from assistant.publishing import jobs
from assistant.publishing.brief_import import File, import_briefs, progress

from .command_line import run
from .conftest import ROOT, use_env
from .test_brief_import import BRAND, NOW, _first_rows

WORKER = [sys.executable, "-c", "from assistant.cli import main; main()", "worker"]


def _units(store) -> list[tuple]:
    with store.session() as session:
        return session.execute(
            select(VariantRow.brief_id, VariantRow.platform, VariantRow.variant_no)
        ).all()


# ---- inline: one machine, SQLite ----------------------------------------------------------


def test_on_sqlite_a_deferred_import_is_drafted_at_once_in_this_process():
    store = open_store()
    _plan, import_id = import_briefs(
        store, File("deux.csv", _first_rows(2)), BRAND, "Octobre", "cm", visuals=False, now=NOW
    )
    assert not jobs.queued()
    jobs.defer("import", import_id=import_id, author="cm")
    done = progress(store, import_id)
    assert (done.drafted, done.variants, done.status) == (14, 14, "done")
    units = _units(store)
    assert len(units) == len(set(units)) == 14
    assert jobs.pending(import_id) == 0


def test_a_unit_deferred_twice_is_drafted_once():
    store = open_store()
    _plan, import_id = import_briefs(
        store, File("un.csv", _first_rows(1)), BRAND, "Octobre", "cm", visuals=False, now=NOW
    )
    with store.session() as session:
        brief_id = session.scalar(select(func.min(Brief.id)))
    for _ in range(2):
        jobs.defer(
            "unit", brief_id=brief_id, network="x", index=1, author="cm", import_id=import_id
        )
    assert _units(store) == [(brief_id, "x", 1)]


def test_a_worker_on_sqlite_says_jobs_run_in_the_app():
    code, _out, err = run(["worker", "--once"])
    assert code == 2
    assert "no queue" in err and "ASSISTANT_DB_URL=postgresql" in err


def test_an_unknown_job_mode_is_named(monkeypatch):
    use_env(monkeypatch, ASSISTANT_JOBS="later")
    code, _out, err = run(["worker", "--once"])
    assert code == 2 and "ASSISTANT_JOBS='later'" in err


# ---- queued: team mode, PostgreSQL --------------------------------------------------------


@pytest.fixture()
def team_db(postgres_url, monkeypatch, tmp_path):
    """A database of its own on the test server, used by this process and its workers."""
    import psycopg

    name = f"team_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(jobs.conninfo(postgres_url), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = f"{postgres_url.rsplit('/', 1)[0]}/{name}"
    use_env(monkeypatch, ASSISTANT_DB_URL=url, ASSISTANT_DATA_DIR=str(tmp_path / "data"))
    return url


def _jobs_table(store, query: str, **params) -> list[tuple]:
    with store.engine.connect() as connection:
        return connection.execute(text(query), params).all()


@pytest.mark.postgres
@pytest.mark.slow
def test_two_workers_one_killed_draw_every_unit_exactly_once(team_db, tmp_path):
    """Six briefs × seven networks queued; two workers; the first is frozen while it holds
    jobs, killed with SIGKILL, and the other retries its stalled jobs: 42 variants, each
    once, each with its visuals, and the killed worker's jobs ended as succeeded."""
    store = open_store()
    _plan, import_id = import_briefs(
        store, File("six.csv", _first_rows(6)), BRAND, "Octobre", "cm", visuals=True, now=NOW
    )
    assert jobs.queued()
    jobs.defer("import", import_id=import_id, author="cm")
    jobs.defer("import", import_id=import_id, author="cm")  # a second click: still one fan-out
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    options = ["--concurrency", "2", "--heartbeat", "0.5", "--stalled-after", "2"]
    logs = [open(tmp_path / f"worker-{n}.log", "w") for n in range(2)]  # noqa: SIM115
    workers: list[subprocess.Popen] = []
    deadline = time.monotonic() + 240  # only a hang reaches this

    def start(number: int) -> subprocess.Popen:
        process = subprocess.Popen(
            [*WORKER, *options], env=env, stdout=logs[number], stderr=subprocess.STDOUT
        )
        workers.append(process)
        return process

    def registered() -> list[int]:
        rows = _jobs_table(store, "SELECT id FROM procrastinate_workers ORDER BY id")
        return [row[0] for row in rows]

    def wait_until(condition, what: str) -> None:
        while not condition():
            assert time.monotonic() < deadline, f"gave up waiting for {what}"
            for process in workers:
                assert process.poll() in (None, -signal.SIGKILL), f"a worker died: {what}"
            time.sleep(0.05)

    try:
        first = start(0)
        wait_until(lambda: len(registered()) == 1, "the first worker")
        first_id = registered()[0]
        start(1)
        wait_until(lambda: len(registered()) == 2, "the second worker")
        held: list[int] = []
        while not held:
            wait_until(lambda: len(_units(store)) >= 5, "some variants")
            first.send_signal(signal.SIGSTOP)
            held = [
                row[0]
                for row in _jobs_table(
                    store,
                    "SELECT id FROM procrastinate_jobs WHERE status = 'doing' AND worker_id = :w",
                    w=first_id,
                )
            ]
            if not held:
                first.send_signal(signal.SIGCONT)
                time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait(30)
        wait_until(lambda: jobs.pending(import_id) == 0, "the queue to empty")
    finally:
        for process in workers:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(60)
        for log in logs:
            log.close()
    units = _units(store)
    assert len(units) == len(set(units)) == 42
    final = progress(store, import_id)
    assert (final.drafted, final.rendered, final.status) == (42, 42, "done")
    states = _jobs_table(
        store, "SELECT status, attempts FROM procrastinate_jobs WHERE id = ANY(:ids)", ids=held
    )
    assert states and all(status == "succeeded" for status, _attempts in states)
    assert all(attempts >= 1 for _status, attempts in states)  # run again after the kill
    fan_outs = _jobs_table(
        store, "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'import'"
    )
    assert fan_outs[0][0] == 1
    log = (tmp_path / "worker-1.log").read_text()
    assert "put back in the queue" in log, log[-2000:]


@pytest.mark.postgres
@pytest.mark.slow
def test_the_cli_import_in_team_mode_waits_for_the_workers(team_db, tmp_path):
    """`campaign import` queues the drafting and reports the same JSON once a worker is done."""
    sheet = tmp_path / "deux.csv"
    sheet.write_bytes(_first_rows(2))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = ["campaign", "import", str(sheet), "--brand", BRAND, "--campaign", "Octobre"]
    with open(tmp_path / "worker.log", "w") as log:
        worker = subprocess.Popen([*WORKER, "--heartbeat", "0.5"], env=env, stdout=log, stderr=log)
        try:
            code, out, err = run([*command, "--no-visuals", "--format", "json"])
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(60)
    assert code == 0, err
    shown = json.loads(out)
    assert (shown["drafted"], shown["variants"], shown["status"]) == (14, 14, "done")
    assert len(_units(open_store())) == 14


@pytest.mark.postgres
def test_four_processes_creating_the_queue_at_once_create_it_once(team_db):
    """The queue's tables are made under an advisory lock: four starters released together
    by a barrier all succeed, and the tables exist once. (The store's own schema is migrated
    first: migrating at once is `db upgrade`'s matter.)"""
    import multiprocessing

    open_store()
    context = multiprocessing.get_context("spawn")
    together = context.Barrier(4)
    starters = [context.Process(target=_create_queue, args=(team_db, together)) for _ in range(4)]
    for starter in starters:
        starter.start()
    for starter in starters:
        starter.join(120)
    assert [starter.exitcode for starter in starters] == [0, 0, 0, 0]
    found = _jobs_table(
        open_store(), "SELECT count(*) FROM pg_tables WHERE tablename = 'procrastinate_jobs'"
    )
    assert found[0][0] == 1


def _create_queue(url: str, together) -> None:
    from assistant.core.store import Store

    store = Store(url)
    together.wait(60)
    jobs.ensure_schema(store)
