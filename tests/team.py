"""Harness of the team-mode tests: app processes (`python app.py`) started at once, each with
its own environment, and haproxy in front of two of them with the repository's own
configuration (scripts/team/haproxy.cfg)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from .processes import ROOT, free_port, stop_group, wait_for_port

HAPROXY_CONFIG = ROOT / "scripts" / "team" / "haproxy.cfg"
START_SECONDS = 180  # a hang guard: the machine may be busy, the wait ends once it listens


@dataclass
class Replica:
    name: str
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def app_environment(tmp_path: Path, **values: str) -> dict[str, str]:
    """The environment of an app process: this one's, less the test's own settings."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    return {
        **base,
        "GRADIO_ANALYTICS_ENABLED": "False",
        "ASSISTANT_DATA_DIR": str(tmp_path / "data"),
        **values,
    }


@contextmanager
def replicas(tmp_path: Path, environments: dict[str, dict[str, str]]) -> Iterator[dict]:
    """`python app.py` once per named environment, all started at once; each listening
    when the block starts, all stopped when it ends."""
    started: dict[str, Replica] = {}
    try:
        for name, env in environments.items():
            port = free_port()
            log = tmp_path / f"replica-{name}.log"
            with open(log, "w") as handle:
                process = subprocess.Popen(
                    [sys.executable, "app.py", "--port", str(port)],
                    cwd=ROOT,
                    env=env,
                    stdout=handle,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its visual workers are stopped with it
                )
            started[name] = Replica(name, port, process, log)
        for replica in started.values():
            try:
                wait_for_port(replica.port, START_SECONDS, replica.process)
            except (RuntimeError, TimeoutError) as exc:
                raise RuntimeError(f"{exc}; its log:\n{replica.log.read_text()[-3000:]}") from exc
        yield started
    finally:
        for replica in started.values():
            stop_group(replica.process)


@contextmanager
def haproxy(tmp_path: Path, first: Replica, second: Replica) -> Iterator[str]:
    """Debian's haproxy with the repository's configuration on a free loopback port."""
    binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
    assert Path(binary).exists(), "the test command installs Debian's haproxy"
    port = free_port()
    env = {
        **os.environ,
        "TEAM_BIND": f"127.0.0.1:{port}",
        "REPLICA_A": f"127.0.0.1:{first.port}",
        "REPLICA_B": f"127.0.0.1:{second.port}",
    }
    log = tmp_path / "haproxy.log"
    with open(log, "w") as handle:
        process = subprocess.Popen(
            [binary, "-db", "-f", str(HAPROXY_CONFIG)],
            env=env,
            stdout=handle,
            stderr=handle,
            start_new_session=True,
        )
    try:
        wait_for_port(port, 30, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_group(process)


def fresh_database(postgres_url: str) -> str:
    """A new, empty database on the test server; its URL."""
    name = f"fresh_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return postgres_url.rsplit("/", 1)[0] + f"/{name}"
