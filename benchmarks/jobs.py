"""Jobs benchmark: the same import (briefs × 7 networks, rule-based drafting and checks) drafted
in-process (SQLite, and PostgreSQL with `ASSISTANT_JOBS=inline`) and through procrastinate
by 1 and 2 `assistant worker` processes, in units (variants) per second. Visuals are off by
default, so the figure is the queue's cost beside the drafting itself; `--visuals` adds them.

`python benchmarks/jobs.py [--briefs 20] [--visuals] [--concurrency 2]`

The machine has two cores shared with others: the load average is printed beside the
figures, and two workers cannot go past what two cores give."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURE = ROOT / "tests" / "data" / "briefs" / "briefs-100.csv"
BRAND = "maison-lemoine"
WORKER = [sys.executable, "-c", "from assistant.cli import main; main()", "worker"]


def sheet(briefs: int, folder: Path) -> Path:
    """The fixture's header and its first `briefs` rows."""
    lines = FIXTURE.read_bytes().split(b"\r\n")
    path = folder / f"briefs-{briefs}.csv"
    path.write_bytes(b"\r\n".join(lines[: briefs + 1]) + b"\r\n")
    return path


def use(url: str, data: Path, mode: str) -> None:
    from assistant.core.settings import get_settings

    os.environ.update(
        ASSISTANT_DB_URL=url,
        ASSISTANT_DATA_DIR=str(data),
        ASSISTANT_JOBS=mode,
        ASSISTANT_PROVIDER="none",
    )
    get_settings.cache_clear()


def saved_import(path: Path, visuals: bool) -> int:
    from datetime import UTC, datetime

    from assistant.core.store import open_store
    from assistant.publishing.brief_import import File, import_briefs

    now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    plan, import_id = import_briefs(
        open_store(),
        File(path.name, path.read_bytes()),
        BRAND,
        "Bench",
        "cm",
        visuals=visuals,
        now=now,
    )
    assert import_id is not None, plan.report(None)
    return import_id


def inline(url: str, path: Path, folder: Path, visuals: bool) -> tuple[int, float]:
    from assistant.core.store import open_store
    from assistant.publishing import jobs
    from assistant.publishing.brief_import import progress

    use(url, folder / "data", "inline")
    import_id = saved_import(path, visuals)
    start = time.perf_counter()
    jobs.defer("import", import_id=import_id, author="cm")
    elapsed = time.perf_counter() - start
    return progress(open_store(), import_id).drafted, elapsed


def queued(
    url: str, path: Path, folder: Path, visuals: bool, workers: int, concurrency: int
) -> tuple[int, float, float]:
    """Units drafted, seconds from deferring the import to an empty queue (the workers
    already started and listening, so their start-up is not counted), and the seconds the
    deferring itself took (the workers split the import into units)."""
    from sqlalchemy import text

    from assistant.core import jobs as core_jobs
    from assistant.core.store import open_store
    from assistant.publishing import jobs
    from assistant.publishing.brief_import import progress

    use(url, folder / "data", "queue")
    import_id = saved_import(path, visuals)
    store = open_store()
    core_jobs.ensure_schema(store)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    options = ["--concurrency", str(concurrency), "--heartbeat", "1"]
    running = [
        subprocess.Popen([*WORKER, *options], env=env, stderr=subprocess.DEVNULL)
        for _ in range(workers)
    ]
    try:
        with store.engine.connect() as connection:
            count = text("SELECT count(*) FROM procrastinate_workers")
            while connection.scalar(count) < workers:
                connection.commit()
                time.sleep(0.05)
        started = time.perf_counter()
        jobs.defer("import", import_id=import_id, author="cm")
        defer_s = time.perf_counter() - started
        while jobs.pending(import_id):
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
    finally:
        for worker in running:
            worker.send_signal(signal.SIGTERM)
        for worker in running:
            worker.wait(60)
    return progress(open_store(), import_id).drafted, elapsed, defer_s


def fresh_database(server: str) -> str:
    import psycopg

    from assistant.core.jobs import conninfo

    name = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(conninfo(f"{server}/postgres"), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--briefs", type=int, default=20)
    parser.add_argument("--visuals", action="store_true")
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    from load import postgres_cluster

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-jobs-") as scratch, postgres_cluster() as server:
        folder = Path(scratch)
        path = sheet(args.briefs, folder)
        load = os.getloadavg()[0]
        n, s = inline(f"sqlite:///{folder / 'inline.db'}", path, folder / "a", args.visuals)
        rows.append(("in-process, SQLite", n, s, None))
        n, s = inline(fresh_database(server), path, folder / "b", args.visuals)
        rows.append(("in-process, PostgreSQL", n, s, None))
        for workers in (1, 2):
            n, s, d = queued(
                fresh_database(server),
                path,
                folder / f"q{workers}",
                args.visuals,
                workers,
                args.concurrency,
            )
            rows.append((f"procrastinate, {workers} worker(s) × {args.concurrency}", n, s, d))
    what = "drafted, checked" + (" and illustrated" if args.visuals else "")
    print(f"jobs: {args.briefs} briefs × 7 networks {what}; load average {load:.2f} at start")
    for name, units, seconds, deferring in rows:
        extra = f"  (deferring the import: {deferring * 1000:.0f} ms)" if deferring else ""
        print(
            f"  {name:<36} {units:4d} units in {seconds:6.2f} s = {units / seconds:6.1f} units/s{extra}"
        )


if __name__ == "__main__":
    main()
