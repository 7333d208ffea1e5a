"""Team load: N people using the review UI at once, through its own Gradio protocol.

`python benchmarks/load.py [--users 1,10,25,50] [--postgres | --team] [--iterations 3]
[--seconds 90] [--ramp 5] [--idle N]`

For each N the app (`python app.py`) is started on 127.0.0.1 on a fresh copy of a seeded store
(40 briefs × 4 networks, all in review) and N simulated browsers join its event queue as the
page does (POST queue/join, then the queue/data event stream). Reviewers load the queue, open
a row, check the live queue (the marker route, then a refresh if the marker moved) and
approve or request changes; every fifth user is also a CM who drafts a brief (rule-based, no
model), lets the cards draw, live-checks an edit, saves and sends it. Each user runs at most `--iterations` rounds and stops starting new ones after
`--seconds`. Prints p50/p95/max per action (seconds, as the user waits), requests/s, the
server's CPU and memory, then checks in the store that every write reported as done is stored
exactly once. Everything stays on 127.0.0.1; no model is called. Users arrive one after
another over `--ramp` seconds, as a team opening the tool at the start of a review session
does (`--ramp 0`: every page load in the same instant, the harshest case).

`--team` (users 50,100 unless given): team mode as `scripts/team.sh` runs it, in one run on
one throw-away PostgreSQL. Each simulated user has an account (created once in the seeded
template) and logs in once through `/login` (Argon2 is slow on purpose; the cookie is kept
for every run, as a browser keeps it); then each N is measured on one replica, addressed
directly, and on two replicas behind haproxy with the repository's configuration (the
users' clients keep its sticky cookie). Prints the same per-action figures for each, the
requests/s ratio two / one, CPU milliseconds per request of the replicas (workers
included), of PostgreSQL, of haproxy and of this load generator (what sizes N machines),
and the write check; then one Markdown table of it all.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# the servers import this checkout first, then whatever this process was given
PYTHONPATH = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))

from tests.processes import Cluster, free_port, postgres_cluster, stop_group  # noqa: E402
from tests.team import app_environment, event_message, haproxy, replicas  # noqa: E402

BRAND = "trailforge"
NETWORKS = ["mastodon", "bluesky", "linkedin", "instagram"]
BRIEFS = 40
CM_EVERY = 5
PASSWORD = "load-benchmark-password"  # every simulated user's (`--team`: the app's own login)
SECRET_KEY = "load-benchmark-secret-key-shared-by-every-replica"
BRIEF_TEXT = (
    "Trail shoes #{n} are back in store on {day}: the Ridge {n} costs 129 € until Sunday. "
    "Come and try them at our Annecy shop, 12 rue du Lac. Offer valid while stocks last."
)


# ---- the store ---------------------------------------------------------------------------


def seed(url: str, accounts: dict[str, str] | None = None) -> None:
    """40 briefs × 4 networks drafted without a model and sent to review, via the library;
    and the login accounts (name -> role) the simulated users log in with (`--team`)."""
    os.environ["ASSISTANT_DB_URL"] = url
    from assistant.core.actors import Actor
    from assistant.core.settings import get_settings
    from assistant.core.store import Store
    from assistant.publishing.brief_drafts import draft_brief
    from assistant.publishing.campaign import add_brief, create_campaign
    from assistant.publishing.review import submit

    get_settings.cache_clear()
    store = Store(url)
    campaign = create_campaign(store, "Load", BRAND)
    author = Actor("seed", "author")
    start = datetime.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    for n in range(BRIEFS):
        when = start + timedelta(hours=n)
        text = BRIEF_TEXT.format(n=n, day=f"{when:%d/%m}")
        brief = add_brief(store, campaign.id, text, NETWORKS, when, "seed")
        for _variant, vid in draft_brief(store, brief.id, None, "seed"):
            submit(store, vid, author)
    if accounts:
        from assistant.core.users import add

        for name, role in accounts.items():  # one Argon2 hash each, once for every run
            add(store, name, PASSWORD, role)
    store.engine.dispose()


class Stores:
    """A seeded template and a fresh copy of it for each run (a file copy, or a database
    created from the template on PostgreSQL)."""

    def __init__(
        self, work: Path, server: str | None, accounts: dict[str, str] | None = None
    ) -> None:
        self.work, self.server, self.count = work, server, 0
        started = time.perf_counter()
        seed(self._template(), accounts)
        print(
            f"seeded {BRIEFS} briefs × {len(NETWORKS)} networks"
            f"{f' and {len(accounts)} accounts' if accounts else ''} in "
            f"{time.perf_counter() - started:.0f}s"
        )
        if server:
            self._sql("ALTER DATABASE seeded IS_TEMPLATE true")

    def _template(self) -> str:
        if self.server:
            self._sql("CREATE DATABASE seeded")
            return f"{self.server}/seeded"
        return f"sqlite:///{self.work / 'seeded.db'}"

    def _sql(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(
            self.server.replace("postgresql+psycopg", "postgresql") + "/postgres",
            autocommit=True,
        ) as conn:
            conn.execute(statement)

    def fresh(self) -> str:
        self.count += 1
        name = f"run{self.count}"
        if self.server:
            self._sql(f"CREATE DATABASE {name} TEMPLATE seeded")
            return f"{self.server}/{name}"
        shutil.copy(self.work / "seeded.db", self.work / f"{name}.db")
        return f"sqlite:///{self.work / f'{name}.db'}"


# ---- the server ----------------------------------------------------------------------------


@dataclass
class Served:
    """What a run's users reach: the address they open, each replica's own address (warm-up,
    logins), the replica processes (their children counted with them), other processes whose
    CPU is counted apart (haproxy, PostgreSQL), and the logs to search for tracebacks."""

    base: str
    replicas: list[str]
    processes: list[psutil.Process]
    logs: list[Path]
    others: dict[str, list[psutil.Process]] = field(default_factory=dict)


@contextmanager
def app_server(url: str, data_dir: Path, profile: str = ""):
    port = free_port()
    env = {
        **({"ASSISTANT_PROFILE": profile} if profile else {}),
        **os.environ,
        "ASSISTANT_DB_URL": url,
        "ASSISTANT_DATA_DIR": str(data_dir),
        "ASSISTANT_PROVIDER": "none",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "PYTHONPATH": PYTHONPATH,
    }
    log = open(data_dir / "server.out", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "app.py", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its visual workers are stopped with it
    )
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            answering(base, "/config", 120, process)
        except RuntimeError as exc:
            sys.exit(f"{exc}: see {data_dir / 'server.out'}")
        time.sleep(3)  # let the server settle (its visuals worker starts) before users arrive
        logs = [data_dir / "logs" / "assistant.log", data_dir / "server.out"]
        yield Served(base, [base], [psutil.Process(process.pid)], logs)
    finally:
        process.send_signal(signal.SIGINT)  # a clean stop: the profile (if any) is written
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(15)
        stop_group(process)  # what is left of it, workers included
        log.close()


def answering(
    base: str, path: str, seconds: float = 180, process: subprocess.Popen | None = None
) -> None:
    """Wait until `base` answers `path` with 200 (the replica or haproxy is serving); a
    `process` that ends meanwhile is not waited for."""
    deadline = time.monotonic() + seconds
    while True:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the app exited with {process.returncode}")
        try:
            if httpx.get(f"{base}{path}", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{base}{path} did not answer in {seconds:.0f} s")
        time.sleep(0.3)


@contextmanager
def team_server(url: str, data_dir: Path, count: int, cluster: Cluster):
    """`count` app replicas on one database with the app's own login (one shared secret
    key), started and stopped as the team-mode tests do; with two, haproxy in front with
    the repository's configuration (cookie stickiness), users going through it."""
    names = "ab"[:count]
    environments = {
        name: app_environment(
            data_dir / name,
            ASSISTANT_DB_URL=url,
            ASSISTANT_SECRET_KEY=SECRET_KEY,
            ASSISTANT_PROVIDER="none",
            PYTHONPATH=PYTHONPATH,
        )
        for name in names
    }
    postgres = psutil.Process(cluster.pid())
    with replicas(data_dir, environments) as started:
        for replica in started.values():
            answering(replica.url, "/login")
        processes = [psutil.Process(r.process.pid) for r in started.values()]
        logs = [data_dir / f"replica-{n}.log" for n in names]
        logs += [data_dir / n / "data" / "logs" / "assistant.log" for n in names]
        bases = [r.url for r in started.values()]
        front_of = (
            haproxy(data_dir, started["a"], started["b"])
            if count == 2
            else contextlib.nullcontext(bases[0])
        )
        with front_of as front:
            others = {"postgres": [postgres]}
            if count == 2:
                answering(front, "/login", 30)
                others["haproxy"] = [
                    p for p in psutil.Process().children() if p.name() == "haproxy"
                ]
            time.sleep(3)  # let the replicas settle (their visual workers start)
            try:
                yield Served(front, bases, processes, logs, others)
            finally:  # a replica haproxy found down had its users sent to the other
                log = data_dir / "haproxy.log"
                states = [
                    line
                    for line in (log.read_text().splitlines() if log.exists() else [])
                    if " is DOWN" in line or " is UP" in line
                ]
                for line in states[:10]:
                    print("  haproxy:", line[:200])


# ---- the protocol --------------------------------------------------------------------------


class Refused(Exception):
    """The server answered with an error message (an expected refusal or a failure)."""


@dataclass
class Config:
    """The page's components and events, found by elem_id / class and trigger."""

    components: dict[int, dict]
    dependencies: list[dict]

    @classmethod
    def parse(cls, raw: dict) -> Config:
        components = {c["id"]: c for c in raw["components"]}
        return cls(components, raw["dependencies"])

    def merge(self, render: dict) -> None:
        for comp in render.get("components", []):
            self.components[comp["id"]] = comp
        known = {d["id"] for d in self.dependencies}
        self.dependencies += [d for d in render.get("dependencies", []) if d["id"] not in known]

    def by_elem(self, elem_id: str) -> int:
        for cid, comp in self.components.items():
            if comp.get("props", {}).get("elem_id") == elem_id:
                return cid
        raise KeyError(elem_id)

    def dep(self, target: int, event: str) -> dict:
        found = [d for d in self.dependencies if [target, event] in d["targets"]]
        if not found:
            raise KeyError(f"no {event} event on component {target}")
        return found[-1]

    def value(self, cid: int) -> Any:
        return self.components[cid].get("props", {}).get("value")


class Browser:
    """One simulated page: a session hash, its values, and the event stream."""

    def __init__(self, http: httpx.AsyncClient, config: Config) -> None:
        self.http, self.config = http, config
        self.session = uuid.uuid4().hex[:11]
        self.values: dict[int, Any] = {}

    async def fire(
        self, dep: dict, trigger: int | None, event_data: Any = None, given: dict | None = None
    ) -> dict:
        """Join the queue for one event and wait for its completion; returns its output,
        with `_logs` (toasts) attached. Raises Refused on an error answer."""
        given = given or {}
        data = [given.get(i, self.values.get(i, self.config.value(i))) for i in dep["inputs"]]
        body = {
            "data": data,
            "event_data": event_data,
            "fn_index": dep["id"],
            "trigger_id": trigger,
            "session_hash": self.session,
        }
        if not dep.get("queue", True) and dep.get("queue") is not None:
            reply = await self.http.post("/gradio_api/run/predict", json=body)
            if reply.status_code != 200:
                raise Refused(f"HTTP {reply.status_code}: {reply.text[:200]}")
            output = reply.json()
            output["_logs"] = []
            self._keep(dep, output.get("data") or [])
            return output
        joined = await self.http.post("/gradio_api/queue/join", json=body)
        if joined.status_code != 200:
            raise Refused(f"HTTP {joined.status_code}: {joined.text[:200]}")
        event_id = joined.json()["event_id"]
        logs: list[dict] = []
        changed: set[int] = set()  # a streamed event changes states along the way
        async with self.http.stream(
            "GET", "/gradio_api/queue/data", params={"session_hash": self.session}
        ) as stream:
            async for line in stream.aiter_lines():
                msg = event_message(line, event_id)
                if msg is None:
                    continue
                if msg.get("msg") == "log":
                    logs.append(msg)
                changed.update((msg.get("output") or {}).get("changed_state_ids") or [])
                if msg.get("msg") == "process_completed":
                    output = msg.get("output") or {}
                    if not msg.get("success"):
                        raise Refused(str(output.get("error") or output)[:300])
                    output["_logs"] = logs
                    output["changed_state_ids"] = sorted(changed)
                    if output.get("render_config"):
                        self.config.merge(output["render_config"])
                    self._keep(dep, output.get("data") or [])
                    return output
        raise Refused("the event stream closed before the event completed")

    def followers(self, dep: dict, output: dict) -> list[tuple[dict, int | None]]:
        """What the page fires next by itself: `.then` steps, and listeners of a state the
        event changed (the cards redraw when their tick moves)."""
        changed = set(output.get("changed_state_ids") or [])
        served = [d for d in self.config.dependencies if d.get("backend_fn", True)]
        found = [(d, None) for d in served if d.get("trigger_after") == dep["id"]]
        for d in served:
            for target, event in d["targets"]:
                if event == "change" and target in changed:
                    found.append((d, target))
        return found

    def _keep(self, dep: dict, data: list) -> None:
        for cid, value in zip(dep["outputs"], data, strict=False):
            if isinstance(value, dict) and value.get("__type__") == "update":
                if "value" in value:
                    self.values[cid] = value["value"]
                continue
            self.values[cid] = value


def warned(output: dict) -> bool:
    return any(log.get("level") == "warning" for log in output.get("_logs", []))


# ---- the users -----------------------------------------------------------------------------


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    server: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    refusals: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    failures: list[str] = field(default_factory=list)
    decisions: list[tuple[str, int, str, str]] = field(default_factory=list)  # who, id, what, note
    saves: list[tuple[int, str]] = field(default_factory=list)
    sends: list[tuple[str, int]] = field(default_factory=list)
    requests: int = 0
    iterations: int = 0


async def timed(
    results: Results, action: str, browser: Browser, dep: dict, trigger: int | None, **kw: Any
) -> dict | None:
    """Run one user action, then what the page chains to it (each timed under its own name
    with a leading "+"); its time as the user waits, refusals counted apart."""
    output = await _timed(results, action, browser.fire(dep, trigger, **kw))
    chain = browser.followers(dep, output) if output is not None else []
    for _step in range(8):  # a redraw may itself move a state: bounded
        if not chain:
            break
        follower, target = chain.pop(0)
        api_name = re.sub(r"_\d+$", "", str(follower.get("api_name") or follower["id"]))
        label = "cards" if api_name == "apply" else api_name  # gr.render's listener
        done = await _timed(results, f"+ {label}", browser.fire(follower, target))
        if done is not None:
            chain += browser.followers(follower, done)
    return output


async def _timed(results: Results, action: str, call) -> dict | None:
    started = time.perf_counter()
    try:
        output = await call
    except Refused as exc:
        results.requests += 1
        results.times[action].append(time.perf_counter() - started)
        if "500" in str(exc)[:8] or "Traceback" in str(exc):
            results.failures.append(f"{action}: {exc}")
        else:
            results.refusals[action] += 1
        return None
    except httpx.HTTPError as exc:
        results.failures.append(f"{action}: {type(exc).__name__} {exc}")
        return None
    results.requests += 1
    results.times[action].append(time.perf_counter() - started)
    if output.get("duration") is not None:
        results.server[action].append(float(output["duration"]))
    if warned(output):
        results.refusals[action] += 1
    return output


async def page_load(http: httpx.AsyncClient, results: Results) -> Browser:
    started = time.perf_counter()
    page = await http.get("/")
    results.times["  page html"].append(time.perf_counter() - started)
    raw = await http.get("/config")
    results.times["  page config"].append(time.perf_counter() - started)
    results.requests += 2
    browser = Browser(http, Config.parse(raw.json()))
    author = browser.config.by_elem("author")
    loads = [d for d in browser.config.dependencies if any(t[1] == "load" for t in d["targets"])]
    # one after the other: one event stream per page, as here, cannot carry two at once
    for dep in loads:
        await timed(results, "  page restore", browser, dep, None, given={author: "cm"})
    if page.status_code != 200:
        results.failures.append(f"page load: HTTP {page.status_code}")
    results.times["page load"].append(time.perf_counter() - started)
    return browser


def review_tab(cfg: Config, table: int) -> dict:
    """The event that shows the Review tab and loads its queue."""
    return next(
        d
        for d in cfg.dependencies
        if d["targets"]
        and d["targets"][0][1] == "select"
        and cfg.components[d["targets"][0][0]].get("props", {}).get("elem_id") == "tab-review"
        and table in d["outputs"]
    )


@dataclass
class Visit:
    """One simulated person's run: where, who (their number), where the figures go, how many
    rounds and until when, and their login cookies (None without a login)."""

    base: str
    n: int
    results: Results
    iterations: int
    stop: float
    cookies: dict[str, str] | None = None


@asynccontextmanager
async def visiting(visit: Visit) -> AsyncIterator[Browser]:
    """The person's page, loaded as a browser loads it, on a client of their own."""
    async with httpx.AsyncClient(base_url=visit.base, timeout=120, cookies=visit.cookies) as http:
        yield await page_load(http, visit.results)


async def reviewer(visit: Visit) -> None:
    n, results, iterations, stop = visit.n, visit.results, visit.iterations, visit.stop
    async with visiting(visit) as browser:
        cfg = browser.config
        table, refresh = cfg.by_elem("review-queue"), cfg.by_elem("review-refresh")
        name = user_name(n)
        browser.values[cfg.by_elem("reviewer")] = name
        browser.values[cfg.by_elem("review-role")] = "reviewer"  # a login's role wins
        tab = review_tab(cfg, table)
        await timed(results, "queue", browser, tab, tab["targets"][0][0])
        for i in range(iterations):
            if time.monotonic() > stop:
                return
            out = await timed(results, "queue", browser, cfg.dep(refresh, "click"), refresh)
            frame = browser.values.get(table) or {}
            rows = frame.get("data") or []
            if out is None or not rows:
                continue
            row = rows[(n * 7 + i * 3) % len(rows)]
            event = {
                "index": [0, 0],
                "value": row[0],
                "row_value": row,
                "col_value": None,
                "selected": True,
            }
            out = await timed(
                results, "open", browser, cfg.dep(table, "select"), table, event_data=event
            )
            if out is None:
                continue
            await live_round(results, browser, "review", "live queue", live_refresh(cfg, "review"))
            await asyncio.sleep(random.uniform(0.2, 0.6))  # reading the card
            if (n + i) % 2:
                note = f"load {name} {i} {uuid.uuid4().hex[:6]}"
                browser.values[cfg.by_elem("review-comment")] = note
                action, button = "request changes", cfg.by_elem("request-changes")
            else:
                note, action, button = "", "approve", cfg.by_elem("approve")
            outcome_id = cfg.by_elem("review-outcome")
            out = await timed(results, action, browser, cfg.dep(button, "click"), button)
            outcome = (browser.values.get(outcome_id) or "") if out else ""
            if action == "approve" and out is not None and warned(out):
                # errors need a reason: the reviewer overrides, as the message asks
                note, action, button = f"load {name} {i}", "override", cfg.by_elem("override")
                browser.values[cfg.by_elem("override-reason")] = note
                out = await timed(results, action, browser, cfg.dep(button, "click"), button)
                outcome = (browser.values.get(outcome_id) or "") if out else ""
            if "outcome-done" in outcome:
                results.decisions.append((name, int(row[0]), action, note))
            results.iterations += 1


async def community_manager(visit: Visit) -> None:
    n, results, iterations, stop = visit.n, visit.results, visit.iterations, visit.stop
    async with visiting(visit) as browser:
        cfg = browser.config
        name = user_name(n)
        generate = cfg.by_elem("generate")
        when = cfg.by_elem("publish-at")
        networks = cfg.by_elem("networks")
        brief = cfg.by_elem("brief")
        author = cfg.by_elem("author")
        campaign = cfg.by_elem("campaign-name")
        tick = cfg.dep(generate, "click")["outputs"][2]
        render = next(d for d in cfg.dependencies if [tick, "change"] in d["targets"])
        for i in range(iterations):
            if time.monotonic() > stop:
                return
            slot = datetime.now() + timedelta(days=10 + n, hours=i + 1)
            browser.values.update(
                {
                    when: f"{slot:%Y-%m-%d %H}:00:00",
                    networks: ["mastodon"],
                    author: name,
                    brief: BRIEF_TEXT.format(n=f"{n}-{i}", day=f"{slot:%d/%m}"),
                    campaign: f"Load {name}",
                }
            )
            out = await timed(results, "draft", browser, cfg.dep(generate, "click"), generate)
            if out is None:
                continue
            if not any(f is render for f, _t in browser.followers(cfg.dep(generate, "click"), out)):
                results.failures.append("draft: the cards were not redrawn")
                continue
            boxes = (
                [
                    c
                    for c, comp in cfg.components.items()
                    if str(comp.get("props", {}).get("elem_id", "")).startswith("edit-")
                    and comp.get("rendered_in") == render["render_id"]
                ]
                if render.get("render_id")
                else []
            )
            if not boxes:
                boxes = [
                    c
                    for c, comp in cfg.components.items()
                    if str(comp.get("props", {}).get("elem_id", "")).startswith("edit-")
                ]
            if not boxes:
                results.failures.append("draft: no card drawn")
                continue
            box = max(boxes)  # the newest card
            vid = int(cfg.components[box]["props"]["elem_id"].removeprefix("edit-"))
            text = f"{cfg.value(box)} Edited by {name} round {i} {uuid.uuid4().hex[:6]}."
            await timed(
                results, "live check", browser, cfg.dep(box, "input"), box, given={box: text}
            )
            buttons = [
                d
                for d in cfg.dependencies
                if d["inputs"][:1] == [box] and d["targets"] and d["targets"][0][1] == "click"
            ]
            save, send = buttons[0], buttons[1]
            conflicts = save["inputs"][1]
            out = await timed(
                results, "save", browser, save, save["targets"][0][0], given={box: text}
            )
            if out is not None and str(vid) not in (browser.values.get(conflicts) or {}):
                results.saves.append((vid, text))
            out = await timed(
                results, "send", browser, send, send["targets"][0][0], given={box: text}
            )
            if out is not None and not warned(out):
                results.sends.append((name, vid))
            results.iterations += 1


# ---- one run -------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def process_cpu(procs: list[psutil.Process]) -> float:
    """CPU seconds of the servers and their worker processes (visuals are drawn in one)."""
    total = 0.0
    for proc in procs:
        try:
            tree = [proc, *proc.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
        for p in tree:
            try:
                times = p.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
    return total


def rss(procs: list[psutil.Process]) -> int:
    """Resident memory of the server processes (their parents, as one replica counted it)."""
    total = 0
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += proc.memory_info().rss
    return total


def settle(procs: list[psutil.Process], seconds: float = 180) -> float:
    """Wait until the servers are quiet (under a fifth of a core over a second): a fresh
    replica loads its checkers in itself and its workers after it answers, about a second
    on a quiet machine, a minute on a loaded one, and users must not queue behind that.
    Returns the seconds waited."""
    started = time.monotonic()
    before = process_cpu(procs)
    while time.monotonic() - started < seconds:
        time.sleep(1)
        now = process_cpu(procs)
        if now - before < 0.2:
            break
        before = now
    return time.monotonic() - started


async def arriving(delay: float, user, results: Results | None = None) -> None:
    """A user starting after `delay`; with `results`, a user whose script breaks is counted
    as a failure instead of ending everyone's run."""
    await asyncio.sleep(delay)
    if results is None:
        await user
        return
    try:
        await user
    except Exception as exc:  # the run goes on; the failure is reported
        results.failures.append(f"user stopped: {type(exc).__name__} {exc}")


def user_name(n: int) -> str:
    """The n-th simulated user: every fifth a CM (an author), the others reviewers."""
    return f"cm{n}" if n % CM_EVERY == CM_EVERY - 1 else f"reviewer{n}"


@dataclass
class Sessions:
    """The simulated users' login cookies, each got once through `/login` (Argon2 is slow
    on purpose) and kept for every run: the accounts are in the seeded template, so a
    cookie is valid on every fresh copy and on every replica sharing the secret key."""

    cookies: dict[str, dict[str, str]] = field(default_factory=dict)
    times: list[float] = field(default_factory=list)

    async def log_in(self, base: str, names: list[str]) -> None:
        """Log in, a few at a time, whoever has no cookie yet."""
        from assistant.login import COOKIE

        gate = asyncio.Semaphore(4)

        async def one(name: str) -> None:
            async with gate, httpx.AsyncClient(base_url=base, timeout=120) as http:
                started = time.perf_counter()
                form = {"name": name, "password": PASSWORD, "next": "/"}
                reply = await http.post("/login", data=form)
                self.times.append(time.perf_counter() - started)
                if reply.status_code != 303 or COOKIE not in reply.cookies:
                    raise RuntimeError(f"{name} could not log in: HTTP {reply.status_code}")
                self.cookies[name] = {COOKIE: reply.cookies[COOKIE]}

        await asyncio.gather(*(one(n) for n in names if n not in self.cookies))


@dataclass
class TeamRun:
    """How a `--team` run serves its users: `replicas` app processes (two: behind haproxy)
    on the throw-away PostgreSQL, everyone logged in."""

    cluster: Cluster
    replicas: int
    sessions: Sessions


def run_once(
    url: str,
    users: int,
    iterations: int,
    seconds: float,
    work: Path,
    profile: str = "",
    ramp: float = 0.0,
    team: TeamRun | None = None,
) -> dict:
    data_dir = work / f"data-{users}-{uuid.uuid4().hex[:4]}"
    data_dir.mkdir()
    target = f"{profile}.{users}" if profile else ""
    serving = (
        team_server(url, data_dir, team.replicas, team.cluster)
        if team
        else app_server(url, data_dir, target)
    )
    with serving as served:
        procs, base = served.processes, served.base
        if team:  # before the measure: logins are not what this benchmark times
            names = [user_name(n) for n in range(users)]
            asyncio.run(team.sessions.log_in(served.replicas[0], names))

        def cookies(n: int) -> dict[str, str] | None:
            return team.sessions.cookies[user_name(n)] if team else None

        results = Results()
        me0 = psutil.Process().cpu_times()
        peak = [rss(procs)]

        async def watch(done: asyncio.Event) -> None:
            while not done.is_set():
                peak[0] = max(peak[0], rss(procs))
                await asyncio.sleep(0.5)

        async def warm_up(replica: str) -> float:
            """One visitor before the team: a server that has run for a while has its
            templates compiled and its modules loaded; the first visit's time is shown apart."""
            started = time.perf_counter()
            async with httpx.AsyncClient(base_url=replica, timeout=120, cookies=cookies(0)) as http:
                await page_load(http, Results())
            return time.perf_counter() - started

        for replica in served.replicas:
            cold = asyncio.run(warm_up(replica))
            print(f"first page load on a fresh server (not counted below): {cold:.2f} s")
        print(f"servers quiet after {settle(procs):.0f} s more")
        cpu0, started = [process_cpu([p]) for p in procs], time.perf_counter()
        others0 = {name: process_cpu(ps) for name, ps in served.others.items()}

        async def main() -> None:
            stop = time.monotonic() + seconds
            done = asyncio.Event()
            watcher = asyncio.create_task(watch(done))
            tasks = []
            for n in range(users):
                kind = community_manager if n % CM_EVERY == CM_EVERY - 1 else reviewer
                user = kind(Visit(base, n, results, iterations, stop, cookies(n)))
                tasks.append(arriving(ramp * n / users, user, results))
            await asyncio.gather(*tasks)
            done.set()
            await watcher

        asyncio.run(main())
        wall = time.perf_counter() - started
        each = [process_cpu([p]) - c0 for p, c0 in zip(procs, cpu0, strict=True)]
        others = {name: process_cpu(ps) - others0[name] for name, ps in served.others.items()}
        me1 = psutil.Process().cpu_times()
        client_seconds = me1.user + me1.system - me0.user - me0.system
        # read while the servers run: a stopped uvicorn re-raises the signal it was sent
        text = "".join(log.read_text() for log in served.logs if log.exists())
    planned = users * iterations
    lost = verify(url, results)
    exceptions = text.count("Traceback")
    if exceptions:  # the first one, so a failure can be diagnosed after the data is gone
        first = text.index("Traceback")
        print(
            text[max(0, text.rfind("\n", 0, max(0, first - 200))) : first + 4000], file=sys.stderr
        )
        kinds = re.findall(r"^Traceback.*?\n(\S[^\n]*)", text, re.M | re.S)
        for kind, count in sorted(Counter(kinds).items(), key=lambda kc: -kc[1])[:5]:
            print(f"  {count} × {kind[:200]}", file=sys.stderr)
    return {
        "users": users,
        "ramp": ramp,
        "results": results,
        "wall": wall,
        "cpu": sum(each) / wall * 100,
        "cpu_seconds": sum(each),
        "cpu_each": [c / wall * 100 for c in each],
        "others": others,
        "client": client_seconds / wall * 100,
        "client_seconds": client_seconds,
        "load": os.getloadavg()[0],
        "mem": peak[0],
        "planned": planned,
        "lost": lost,
        "exceptions": exceptions,
        "replicas": team.replicas if team else 1,
    }


@dataclass
class Idle:
    """The idle tabs' shared clock: how many pages have loaded, and when to stop polling (set
    once the measure is taken)."""

    loaded: int = 0
    stop: float = float("inf")


async def live_round(
    results: Results, browser: Browser, name: str, action: str, refresh: dict
) -> None:
    """What the page's script does for one shown live panel every few seconds: ask the
    marker route (a plain GET, no Gradio event), and press the panel's hidden refresh
    button only when the marker differs from the one the panel was drawn at."""
    from assistant.ui.live import MARKER_PATH

    drawn = browser.values.get(browser.config.by_elem(f"{name}-marker")) or ""
    if not drawn:  # the panel has not loaded: the page asks nothing yet
        return
    started = time.perf_counter()
    try:
        answer = await browser.http.get(MARKER_PATH)
    except httpx.HTTPError as exc:
        results.failures.append(f"marker: {type(exc).__name__} {exc}")
        return
    results.requests += 1
    results.times["marker"].append(time.perf_counter() - started)
    if answer.status_code != 200:
        results.failures.append(f"marker: HTTP {answer.status_code}")
        return
    if answer.text.strip() != drawn:
        await timed(results, action, browser, refresh, refresh["targets"][0][0])


def live_refresh(cfg: Config, name: str) -> dict:
    """The event of a live panel's hidden refresh button (`#<name>-live`)."""
    return cfg.dep(cfg.by_elem(f"{name}-live"), "click")


async def idle_reviewer(base: str, results: Results, idle: Idle) -> None:
    """A Review tab left open: the queue shown once, then only the page's own live check."""
    from assistant.ui.live import LIVE_SECONDS

    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        browser = await page_load(http, results)
        cfg = browser.config
        table = cfg.by_elem("review-queue")
        tab = review_tab(cfg, table)
        await timed(results, "queue", browser, tab, tab["targets"][0][0])
        refresh = live_refresh(cfg, "review")
        idle.loaded += 1
        await asyncio.sleep(random.uniform(0, LIVE_SECONDS))  # pages opened at other times
        while time.monotonic() < idle.stop:
            await live_round(results, browser, "review", "live queue", refresh)
            await asyncio.sleep(LIVE_SECONDS)


async def idle_drafter(base: str, results: Results, idle: Idle) -> None:
    """A Draft tab left open (the page's load brings back the CM's latest cards), then only
    the page's own live check for reviewers' news about its cards."""
    from assistant.ui.live import LIVE_SECONDS

    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        browser = await page_load(http, results)
        refresh = live_refresh(browser.config, "review-news")
        idle.loaded += 1
        await asyncio.sleep(random.uniform(0, LIVE_SECONDS))  # pages opened at other times
        while time.monotonic() < idle.stop:
            await live_round(results, browser, "review-news", "draft news", refresh)
            await asyncio.sleep(LIVE_SECONDS)


def run_idle(url: str, browsers: int, seconds: float, work: Path, ramp: float) -> None:
    """N open Review tabs, N open Draft tabs and nobody clicking: the server's CPU over
    `seconds`, measured once every page has loaded (the goal: at most 5 % of one core for 50
    browsers)."""
    data_dir = work / f"idle-{browsers}-{uuid.uuid4().hex[:4]}"
    data_dir.mkdir()
    with app_server(url, data_dir) as served:
        base, procs = served.base, served.processes
        results = Results()

        async def main() -> float:
            idle = Idle()
            tabs = [
                arriving(ramp * n / browsers, kind(base, results, idle))
                for n in range(browsers)
                for kind in (idle_reviewer, idle_drafter)
            ]
            running = asyncio.gather(*tabs)
            waited = time.monotonic() + 900  # a busy machine loads 100 pages slowly
            while idle.loaded < len(tabs) and time.monotonic() < waited:
                await asyncio.sleep(0.5)
            await asyncio.sleep(10)  # every tab's first poll sent
            cpu0, started = process_cpu(procs), time.perf_counter()
            await asyncio.sleep(seconds)
            cpu = (process_cpu(procs) - cpu0) / (time.perf_counter() - started) * 100
            idle.stop = time.monotonic()
            await running
            return cpu

        cpu = asyncio.run(main())
    print(
        f"\n== {browsers} idle Review tabs and {browsers} idle Draft tabs for {seconds:.0f} s: "
        f"server CPU {cpu:.1f} % of one core (goal ≤ 5 %), machine load "
        f"{os.getloadavg()[0]:.1f}, failures {len(results.failures)}"
    )
    for problem in results.failures[:5]:
        print("  !", problem[:300])
    for action in ("page load", "marker", "live queue", "draft news"):
        times = results.times.get(action) or []
        shown = times or [0.0]
        print(
            f"   {action}: {len(times)} requests, p50 {statistics.median(shown):.3f} s, "
            f"p95 {percentile(shown, 0.95):.3f} s"
        )


def verify(url: str, results: Results) -> list[str]:
    """Every write the UI reported as done is in the store exactly once."""
    from sqlalchemy import func, select

    from assistant.core.store import AuditEvent, Comment, Store, Version

    store = Store(url)
    problems = []
    with store.session() as s:

        def stored(model: type, *conditions) -> int:
            return s.scalar(select(func.count()).select_from(model).where(*conditions))

        dupes = s.execute(
            select(Version.variant_id, Version.number, func.count())
            .group_by(Version.variant_id, Version.number)
            .having(func.count() > 1)
        ).all()
        problems += [f"version {v}#{num} stored {c} times" for v, num, c in dupes]
        writes = []
        for who, vid, action, note in results.decisions:
            if action in ("approve", "override"):
                decided = AuditEvent.action.in_(["approve", "override"])
                count = stored(
                    AuditEvent, AuditEvent.variant_id == vid, AuditEvent.actor == who, decided
                )
            else:
                count = stored(Comment, Comment.variant_id == vid, Comment.body == note)
            writes.append((f"{action} by {who} on {vid}", count))
        for vid, text in results.saves:
            count = stored(Version, Version.variant_id == vid, Version.text == text)
            writes.append((f"save on {vid}", count))
        for who, vid in results.sends:
            submitted = AuditEvent.action == "submit"
            count = stored(
                AuditEvent, AuditEvent.variant_id == vid, AuditEvent.actor == who, submitted
            )
            writes.append((f"send by {who} on {vid}", count))
        problems += [f"{what} stored {count} times" for what, count in writes if count != 1]
    store.engine.dispose()
    return problems


ACTIONS = [
    "  page html",
    "  page config",
    "  page restore",
    "page load",
    "queue",
    "open",
    "marker",
    "live queue",
    "approve",
    "override",
    "request changes",
    "draft",
    "+ cards",
    "+ refresh_visuals",
    "+ remember",
    "live check",
    "save",
    "send",
]


def report(run: dict) -> None:
    r: Results = run["results"]
    replicas = f" on {run['replicas']} replicas" if run["replicas"] > 1 else ""
    print(
        f"\n== {run['users']} users{replicas} arriving over {run['ramp']:.0f} s: {r.iterations}/{run['planned']} iterations in "
        f"{run['wall']:.0f}s, {r.requests / run['wall']:.1f} req/s, server CPU {run['cpu']:.0f}% "
        f"(of one core, workers included), peak RSS {run['mem'] / 2**20:.0f} MB; this client {run['client']:.0f}%, "
        f"machine load {run['load']:.1f}; server CPU "
        f"{cpu_ms(run['cpu_seconds'], r.requests)} ms a request"
    )
    print(f"{'action':<16}{'n':>5}{'p50':>8}{'p95':>8}{'max':>8}{'work p50':>10}{'refused':>9}")
    for action in ACTIONS + sorted(set(r.times) - set(ACTIONS)):
        times = r.times.get(action)
        if not times:
            continue
        work = r.server.get(action) or [0.0]
        print(
            f"{action:<16}{len(times):>5}{statistics.median(times):>8.2f}"
            f"{percentile(times, 0.95):>8.2f}{max(times):>8.2f}{statistics.median(work):>10.3f}"
            f"{r.refusals.get(action, 0):>9}"
        )
    writes = len(r.decisions) + len(r.saves) + len(r.sends)
    print(
        f"writes reported done: {writes}; lost or duplicated: {len(run['lost'])}; "
        f"server tracebacks: {run['exceptions']}; client failures: {len(r.failures)}"
    )
    for problem in (run["lost"] + r.failures)[:8]:
        print("  !", problem)


def cpu_ms(seconds: float, requests: int) -> str:
    return f"{seconds / requests * 1000:.1f}" if requests else "-"


def team_report(runs: list[dict], sessions: Sessions, loads: tuple[float, float]) -> None:
    """One table for the load results note: each N on one replica and on two behind
    haproxy, p50 / p95 per action, requests/s and their ratio, CPU per request."""
    heads = [
        f"{run['replicas']} replica{'s' if run['replicas'] > 1 else ''}, {run['users']} users"
        for run in runs
    ]
    lines = [f"| action | {' | '.join(heads)} |", "|---" * (len(runs) + 1) + "|"]

    def row(label: str, cells: list[str]) -> None:
        lines.append(f"| {label} | {' | '.join(cells)} |")

    seen = set().union(*(r["results"].times for r in runs))
    every = [a for a in ACTIONS if a in seen] + sorted(seen - set(ACTIONS))
    for action in every:
        cells = []
        for run in runs:
            times = run["results"].times.get(action)
            cells.append(
                f"{statistics.median(times):.2f} / {percentile(times, 0.95):.2f}" if times else "-"
            )
        row(action.strip(), cells)
    rate = {id(r): r["results"].requests / r["wall"] for r in runs}
    row("requests/s", [f"{rate[id(r)]:.1f}" for r in runs])
    one = {r["users"]: rate[id(r)] for r in runs if r["replicas"] == 1}
    row(
        "requests/s, two / one",
        [
            f"{rate[id(r)] / one[r['users']]:.2f}"
            if r["replicas"] == 2 and one.get(r["users"])
            else ""
            for r in runs
        ],
    )
    row(
        "replicas' CPU (% of one core)",
        [
            f"{r['cpu']:.0f} %"
            + (f" ({' + '.join(f'{c:.0f}' for c in r['cpu_each'])})" if r["replicas"] > 1 else "")
            for r in runs
        ],
    )
    row(
        "replicas' CPU ms / request",
        [cpu_ms(r["cpu_seconds"], r["results"].requests) for r in runs],
    )
    for name in ("postgres", "haproxy"):
        row(
            f"{name} CPU ms / request",
            [
                cpu_ms(r["others"][name], r["results"].requests) if name in r["others"] else "-"
                for r in runs
            ],
        )
    row(
        "load generator CPU ms / request",
        [cpu_ms(r["client_seconds"], r["results"].requests) for r in runs],
    )
    row("rounds done", [f"{r['results'].iterations}/{r['planned']}" for r in runs])
    row(
        "writes done; lost or duplicated",
        [
            f"{len(r['results'].decisions) + len(r['results'].saves) + len(r['results'].sends)}; "
            f"{len(r['lost'])}"
            for r in runs
        ],
    )
    row(
        "tracebacks; failed requests",
        [f"{r['exceptions']}; {len(r['results'].failures)}" for r in runs],
    )
    row("machine load at the end", [f"{r['load']:.1f}" for r in runs])
    print("\n" + "\n".join(lines))
    logins = sessions.times or [0.0]
    print(
        f"\nlogins through /login (before the measures, not counted): {len(sessions.times)}, "
        f"p50 {statistics.median(logins):.2f} s, p95 {percentile(logins, 0.95):.2f} s; "
        f"load average {loads[0]:.1f} at the start, {loads[1]:.1f} at the end"
    )


def run_team(counts: list[int], args: argparse.Namespace, work: Path) -> None:
    """Each N on one replica, then on two behind haproxy, in one run on one throw-away
    PostgreSQL: same seeded store (a fresh copy each time), same accounts, same scenario."""
    start_load = os.getloadavg()[0]
    print(f"load average at the start: {start_load:.1f} (1 min)")
    accounts = {
        user_name(n): "author" if user_name(n).startswith("cm") else "reviewer"
        for n in range(max(counts))
    }
    sessions, runs = Sessions(), []
    with postgres_cluster(max_connections=300) as cluster:
        stores = Stores(work, cluster.url, accounts)
        for n in counts:
            for replicas_count in (1, 2):
                run = run_once(
                    stores.fresh(),
                    n,
                    args.iterations,
                    args.seconds,
                    work,
                    ramp=args.ramp,
                    team=TeamRun(cluster, replicas_count, sessions),
                )
                report(run)
                runs.append(run)
    team_report(runs, sessions, (start_load, os.getloadavg()[0]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default=None, help="default 1,10,25,50; with --team 50,100")
    parser.add_argument("--iterations", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=90.0)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument(
        "--team",
        action="store_true",
        help="PostgreSQL, logged-in users, each N on one replica then two behind haproxy",
    )
    parser.add_argument(
        "--ramp",
        type=float,
        default=5.0,
        help="users arrive one after another over this many seconds (0: all in the same instant)",
    )
    parser.add_argument(
        "--idle",
        type=int,
        default=0,
        help="also measure this many open, idle Review tabs and as many Draft tabs",
    )
    parser.add_argument(
        "--profile", default="", help="write the server's handler profile to FILE.<users>"
    )
    args = parser.parse_args()
    users = args.users if args.users is not None else ("50,100" if args.team else "1,10,25,50")
    counts = [int(n) for n in users.split(",") if n.strip()]
    work = Path(tempfile.mkdtemp(prefix="load-"))
    try:
        if args.team:
            run_team(counts, args, work)
            return
        database = postgres_cluster(max_connections=300) if args.postgres else None
        with database or contextlib.nullcontext() as cluster:
            stores = Stores(work, cluster.url if cluster else None)
            if args.idle:
                run_idle(stores.fresh(), args.idle, 60.0, work, args.ramp)
            for n in counts:
                fresh = stores.fresh()
                report(
                    run_once(fresh, n, args.iterations, args.seconds, work, args.profile, args.ramp)
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
