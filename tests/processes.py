"""Servers the tests and the load benchmark start and always stop: a free loopback port, a
wait until something listens on it, a throw-away PostgreSQL cluster, and a stop that takes
a process's whole group (an app replica's visual workers go with it). Plain helpers, no
pytest, so `benchmarks/load.py` starts its servers the same way the tests do."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listening on {port} after {timeout}s")


def stop_group(process: subprocess.Popen, grace: float = 15) -> None:
    """Stop a process started with `start_new_session=True`, then whatever of its group is
    left (children it forked), so nothing outlives the block that started it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(grace)
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


@dataclass(frozen=True)
class Cluster:
    """A running PostgreSQL: its server URL (no database named) and its data folder."""

    url: str
    data: Path

    def pid(self) -> int:
        """The postmaster's process id (its first line of `postmaster.pid`)."""
        return int((self.data / "db" / "postmaster.pid").read_text().split()[0])


@contextmanager
def postgres_cluster(max_connections: int = 100) -> Iterator[Cluster]:
    """A throwaway PostgreSQL cluster on 127.0.0.1 (Debian's server, run as user postgres
    when this is root), deleted when the block ends."""
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if not bins:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    bin_dir = bins[-1]
    data = Path(tempfile.mkdtemp(prefix="pg-"))
    port = free_port()
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
    db = str(data / "db")
    try:
        subprocess.run(
            [*as_postgres, str(bin_dir / "initdb"), "-D", db, "-A", "trust", "-U", "postgres"],
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {data} -h 127.0.0.1 -c max_connections={max_connections}"
        pg_ctl = [*as_postgres, str(bin_dir / "pg_ctl"), "-D", db]
        subprocess.run(
            [*pg_ctl, "-l", str(data / "log"), "-o", options, "-w", "start"],
            check=True,
            capture_output=True,
        )
        yield Cluster(f"postgresql+psycopg://postgres@127.0.0.1:{port}", data)
    finally:
        subprocess.run(
            [*as_postgres, str(bin_dir / "pg_ctl"), "-D", db, "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(data, ignore_errors=True)
