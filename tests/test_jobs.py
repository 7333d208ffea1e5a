"""Slow work as jobs: inline on SQLite (the app and the CLI run it as they always did), queued
to procrastinate on PostgreSQL and run by `assistant worker` processes. Each (brief, network,
variant) exactly once while a worker is killed with SIGKILL half way, and the CLI's import
waiting for the workers, are test_team_mode's, on the team it starts once for all its tests."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select, text

from assistant.core.store import Brief, VariantRow, open_store
from assistant.publishing import jobs
from assistant.publishing.brief_import import File, import_briefs, progress

from .command_line import run
from .conftest import use_env
from .test_brief_import import BRAND, NOW, _first_rows


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
