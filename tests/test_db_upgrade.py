"""Migrations are a step: `assistant db upgrade`, and on PostgreSQL every process that opens
the store upgrades under one advisory lock, so processes starting at once upgrade once."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, inspect, text

from .command_line import run
from .conftest import ROOT
from .team import app_environment, fresh_database

HEAD = "0012_login_records"
OPENER = (
    "from assistant.core.store import open_store; "
    "print('store revisions', *open_store().migrated, flush=True)"
)
UPGRADE = "from assistant.cli import main; main()"
# the modules that declare tables beside core.store's own
TABLE_MODULES = (
    "assistant.analytics.storage",
    "assistant.community.inbox_tables",
    "assistant.core.login_failures",
    "assistant.core.sessions",
    "assistant.core.users",
    "assistant.publishing.link_tables",
)


def _every_table() -> set[str]:
    """Every table the model declares, whichever modules this test process imported before."""
    import importlib

    from assistant.core.store import Base

    for module in TABLE_MODULES:
        importlib.import_module(module)
    return set(Base.metadata.tables)


def _waiting_on_the_lock(engine) -> int:
    from assistant.core.store import MIGRATION_LOCK

    with engine.connect() as connection:
        return connection.execute(
            text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                "AND ((classid::bigint << 32) | objid::bigint) = :key"
            ),
            {"key": MIGRATION_LOCK},
        ).scalar_one()


@pytest.mark.postgres
@pytest.mark.slow
def test_four_processes_starting_at_once_upgrade_a_fresh_database_once(postgres_url, tmp_path):
    from assistant.core.store import MIGRATION_LOCK

    url = fresh_database(postgres_url)
    engine = create_engine(url)
    env = app_environment(tmp_path, ASSISTANT_DB_URL=url)
    commands = [[sys.executable, "-c", UPGRADE, "db", "upgrade"]] * 2
    commands += [[sys.executable, "-c", OPENER]] * 2  # as the app and the CLI open the store
    gate = engine.connect()
    gate.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
    processes = [
        subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    try:
        # all four reach the lock before any may take it: they start "at once"
        while _waiting_on_the_lock(engine) < 4:
            dead = [p.args for p in processes if p.poll() is not None]
            assert not dead, f"a process ended before waiting on the lock: {dead}"
            time.sleep(0.2)
    finally:
        gate.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
        gate.close()
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=240)
        assert process.returncode == 0, err
        outputs.append(out)
    said = "".join(outputs)
    assert (
        said.count(f"Database upgraded from an empty database to {HEAD}.")
        + said.count(f"store revisions None {HEAD}")
        == 1
    ), said
    assert (
        said.count(f"Database already at {HEAD}") + said.count(f"store revisions {HEAD} {HEAD}")
        == 3
    ), said
    with engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    assert versions == [(HEAD,)]
    assert set(inspect(engine).get_table_names()) == _every_table() | {"alembic_version"}
    engine.dispose()


def test_db_upgrade_on_sqlite_upgrades_then_has_nothing_to_do(tmp_path, monkeypatch):
    from .conftest import use_env

    use_env(monkeypatch, ASSISTANT_DB_URL=f"sqlite:///{tmp_path / 'fresh.db'}")
    code, out, err = run(["db", "upgrade"])
    assert code == 0, err
    assert out.strip() == f"Database upgraded from an empty database to {HEAD}."
    code, out, err = run(["db", "upgrade"])
    assert code == 0, err
    assert out.strip() == f"Database already at {HEAD}: nothing to upgrade."
