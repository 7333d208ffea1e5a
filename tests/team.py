"""Harness of the team-mode tests: app processes (`python app.py`) started at once, each with
its own environment, `assistant worker` processes, haproxy in front of two replicas with the
repository's own configuration (scripts/team/haproxy.cfg), and a page of the UI spoken to
through Gradio's own protocol, as a browser does (the calls benchmarks/load.py makes)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
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
def replicas(
    tmp_path: Path,
    environments: dict[str, dict[str, str]],
    meanwhile: Callable[[], None] | None = None,
) -> Iterator[dict]:
    """`python app.py` once per named environment, all started at once; each listening
    when the block starts, all stopped when it ends. `meanwhile` runs while they start (the
    team's other processes starting alongside)."""
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
        if meanwhile is not None:
            meanwhile()
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


WORKER = [sys.executable, "-c", "from assistant.cli import main; main()", "worker"]


def start_worker(env: dict[str, str], log: Path, *options: str) -> subprocess.Popen:
    """`assistant worker OPTIONS` in the background, its output in `log`; the caller stops it."""
    with open(log, "w") as handle:
        return subprocess.Popen(
            [*WORKER, *options],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its drawing processes are stopped with it
        )


def stop(process: subprocess.Popen) -> None:
    """SIGTERM (a worker finishes its running jobs), then SIGKILL if it hangs."""
    stop_group(process)


def logged_in(base: str, name: str, password: str, **cookies: str) -> httpx.Client:
    """A cookie jar logged in through the app's /login page at `base` (haproxy or a replica);
    `cookies` are sent from the start (a replica's stickiness cookie, say)."""
    http = httpx.Client(base_url=base, timeout=120)
    for key, value in cookies.items():  # as the server would have set it: one in the jar
        http.cookies.set(key, value, domain=httpx.URL(base).host)
    answer = http.post("/login", data={"name": name, "password": password, "next": "/"})
    assert answer.status_code == 303, answer.text[:500]
    assert http.cookies.get("assistant-session"), "no session cookie set"
    return http


class Refused(AssertionError):
    """The UI answered an event with an error."""


@dataclass
class Answer:
    """An event's outputs, and the toasts it showed (warnings, infos)."""

    data: list
    toasts: list[dict]


def event_message(line: str, event_id: str) -> dict | None:
    """A line of Gradio's event stream as the message it carries for `event_id` (None: not a
    message, or another event's)."""
    if not line.startswith("data:"):
        return None
    message = json.loads(line[5:])
    return message if message.get("event_id") in (None, event_id) else None


class Page:
    """One open page of the UI, spoken to as the browser does: its config, file uploads, and
    events joined to Gradio's queue and followed on its event stream."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http
        answer = http.get("/config")
        assert answer.status_code == 200, f"/config: HTTP {answer.status_code}"
        self.config = answer.json()
        self.session = uuid.uuid4().hex[:11]

    def component(self, elem_id: str) -> int:
        for comp in self.config["components"]:
            if comp.get("props", {}).get("elem_id") == elem_id:
                return comp["id"]
        raise KeyError(elem_id)

    def event(self, target: int, trigger: str) -> dict:
        found = [d for d in self.config["dependencies"] if [target, trigger] in d["targets"]]
        assert found, f"no {trigger} event on component {target}"
        return found[-1]

    def upload(self, path: Path) -> dict:
        """The file sent as the File component sends it; its value for an event."""
        with open(path, "rb") as handle:
            answer = self.http.post("/gradio_api/upload", files={"files": (path.name, handle)})
        assert answer.status_code == 200, f"upload: HTTP {answer.status_code} {answer.text[:300]}"
        return {
            "path": answer.json()[0],
            "orig_name": path.name,
            "size": path.stat().st_size,
            "meta": {"_type": "gradio.FileData"},
        }

    def click(self, elem_id: str, values: dict[str, Any] | None = None) -> Answer:
        """Click the button `elem_id` with the inputs named by elem_id in `values` (the
        others as the page was served)."""
        button = self.component(elem_id)
        given = {self.component(name): value for name, value in (values or {}).items()}
        return self.fire(self.event(button, "click"), button, given)

    def fire(self, dep: dict, trigger: int | None, given: dict[int, Any]) -> Answer:
        values = {c["id"]: c.get("props", {}).get("value") for c in self.config["components"]}
        body = {
            "data": [given.get(i, values.get(i)) for i in dep["inputs"]],
            "event_data": None,
            "fn_index": dep["id"],
            "trigger_id": trigger,
            "session_hash": self.session,
        }
        if dep.get("queue") is False:
            answer = self.http.post("/gradio_api/run/predict", json=body)
            if answer.status_code != 200:
                raise Refused(f"HTTP {answer.status_code}: {answer.text[:300]}")
            return Answer(answer.json().get("data") or [], [])
        joined = self.http.post("/gradio_api/queue/join", json=body)
        if joined.status_code != 200:
            raise Refused(f"HTTP {joined.status_code}: {joined.text[:300]}")
        event_id = joined.json()["event_id"]
        toasts: list[dict] = []
        with self.http.stream(
            "GET", "/gradio_api/queue/data", params={"session_hash": self.session}
        ) as stream:
            for line in stream.iter_lines():
                message = event_message(line, event_id)
                if message is None:
                    continue
                if message.get("msg") == "log":
                    toasts.append(message)
                if message.get("msg") == "process_completed":
                    output = message.get("output") or {}
                    if not message.get("success"):
                        raise Refused(str(output.get("error") or output)[:500])
                    return Answer(output.get("data") or [], toasts)
        raise Refused("the event stream closed before the event completed")
