"""Team mode as docs/deployment.md sets it up, every piece a process on loopback: PostgreSQL,
`assistant db upgrade`, two app replicas sharing one secret key, two `assistant worker`
processes and haproxy in front with cookie stickiness (one fixture, started at once).

- Two people, each kept on a replica of their own, import 15 briefs × 7 networks each through
  the Campaign tab's import panel (the UI's own protocol); a worker is killed with SIGKILL
  while it holds jobs: 210 variants, each (brief, network, variant) once, each with its visual.
- A reviewer's decision on one replica shows on the other's live queue.
- A replica is killed: the people it served stay logged in on the other, and a visual a worker
  drew is served by both replicas before, by the survivor after, and to nobody without a login.

(Migrating at once is test_db_upgrade's and test_jobs' matter: four processes, one run.)"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select, text

from .browser import WAIT_MS, launch_chromium, shot, table_row
from .command_line import run
from .conftest import ROOT, use_env
from .team import (
    START_SECONDS,
    Page,
    app_environment,
    fresh_database,
    haproxy,
    logged_in,
    replicas,
    start_worker,
    stop,
)
from .test_brief_import import BRAND, BRIEFS

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

SECRET = "the-team-shares-this-key"
PASSWORD = "correct horse battery"
TEXT = "Nos palets au beurre salé sont prêts, préparés à Pont-Aven. Commandez sur lemoine.example"
WIDE = {"width": 1366, "height": 1000}
PEOPLE = {"rita": (1, 15), "bob": (16, 30)}  # each imports these rows of the fixture's file
KEPT_ON = {"rita": "a", "bob": "b"}  # the replica haproxy keeps each on
NETWORKS = 7
# a worker beats every half second; one silent for five is dead and its jobs are run again
# (less, and a worker starved of CPU on a busy machine looks dead while it works)
WORKER_OPTIONS = ["--concurrency", "2", "--heartbeat", "0.5", "--stalled-after", "5"]
DRAW_SECONDS = 900  # a hang guard only: the waits end as soon as the store has it all
CLI = "from assistant.cli import main; main()"


def _registered(store) -> list[int]:
    """The workers the queue knows, oldest first (none before the queue's tables exist)."""
    with store.engine.connect() as connection:
        if connection.scalar(text("SELECT to_regclass('procrastinate_workers')")) is None:
            return []
        return list(connection.scalars(text("SELECT id FROM procrastinate_workers ORDER BY id")))


def _wait(condition, what: str, seconds: float, processes=()) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        for process in processes:
            assert process.poll() in (None, -signal.SIGKILL), f"a worker died: {what}"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def team(postgres_url, tmp_path_factory):
    """A fresh database upgraded by `db upgrade`, two reviewers, then two replicas and two
    workers started at once (each with a data folder of its own, as on machines of their
    own), and haproxy in front."""
    from assistant.core.store import Store
    from assistant.core.users import add

    tmp_path = tmp_path_factory.mktemp("team")
    url = fresh_database(postgres_url)

    def env(name: str) -> dict[str, str]:
        return app_environment(
            tmp_path / name,
            ASSISTANT_DB_URL=url,
            ASSISTANT_SECRET_KEY=SECRET,
            ASSISTANT_PROVIDER="none",  # rule-based drafting: no model
        )

    upgrade = subprocess.run(
        [sys.executable, "-c", CLI, "db", "upgrade"],
        cwd=ROOT,
        env=env("upgrade"),
        capture_output=True,
        text=True,
        timeout=START_SECONDS,
    )
    assert upgrade.returncode == 0, upgrade.stderr
    store = Store(url)
    add(store, "rita", PASSWORD, "reviewer")
    add(store, "bob", PASSWORD, "reviewer")
    workers: list[subprocess.Popen] = []

    def start_workers() -> None:
        """One, then the other once the queue knows the first: which id is whose."""
        for number in range(2):
            log = tmp_path / f"worker-{number}.log"
            workers.append(start_worker(env(f"worker-{number}"), log, *WORKER_OPTIONS))
            _wait(lambda n=number: len(_registered(store)) == n + 1, "a worker", START_SECONDS)

    try:
        with (
            replicas(tmp_path, {"a": env("a"), "b": env("b")}, meanwhile=start_workers) as up,
            haproxy(tmp_path, up["a"], up["b"]) as front,
        ):
            yield SimpleNamespace(
                store=store,
                a=up["a"],
                b=up["b"],
                front=front,
                workers=workers,
                first_worker=_registered(store)[0],
                url=url,
                folder=tmp_path,
            )
    finally:
        for worker in workers:
            stop(worker)
        store.dispose()


# ---- two imports through the UI, two replicas, a worker killed -----------------------------


def _sheet(folder: Path, name: str, first: int, last: int) -> Path:
    """The fixture's header and its rows `first`..`last` (1 is the first brief)."""
    lines = (BRIEFS / "briefs-100.csv").read_bytes().split(b"\r\n")
    path = folder / f"briefs-{name}.csv"
    path.write_bytes(b"\r\n".join([lines[0], *lines[first : last + 1]]) + b"\r\n")
    return path


def _kept_on(front: str, name: str, replica: str) -> httpx.Client:
    """A person logged in through haproxy and kept on `replica`, as a browser that was sent
    there before: haproxy keeps its stickiness cookie (it would set another had it sent the
    request elsewhere). A replica a health check timed out on while the machine is busy is
    out for a second: the login is tried again."""
    for _attempt in range(60):
        http = logged_in(front, name, PASSWORD, **{"assistant-replica": replica})
        if http.cookies.get("assistant-replica") == replica:
            return http
        http.close()
        time.sleep(1)
    raise AssertionError(f"haproxy never kept {name} on replica {replica}")


def _import_through_the_panel(http: httpx.Client, sheet: Path, campaign: str) -> tuple:
    """What a person does in the import panel: choose the file, check it, start; the page
    and the id of the import its progress bar then shows."""
    page = Page(http)
    chosen = {"import-file": page.upload(sheet), "import-brand": BRAND}
    checked = page.click("import-check", chosen)
    assert not checked.toasts, checked.toasts
    assert checked.data[1].get("interactive") is True, "the file was not found clean"
    started = page.click("import-start", {**chosen, "import-campaign": campaign})
    assert not started.toasts, started.toasts
    bar = next(d for d in started.data if isinstance(d, str) and "data-import=" in d)
    return page, int(re.search(r'data-import="(\d+)"', bar).group(1))


def _units(store) -> list[tuple]:
    from assistant.core.store import VariantRow

    with store.session() as session:
        return session.execute(
            select(VariantRow.brief_id, VariantRow.platform, VariantRow.variant_no)
        ).all()


def _jobs(store, query: str, **params) -> list[tuple]:
    with store.engine.connect() as connection:
        return connection.execute(text(query), params).all()


def _kill_while_holding_jobs(team, worker: subprocess.Popen, seconds: float) -> list[int]:
    """Freeze the worker once some variants are saved; kill it with SIGKILL when it holds
    jobs ("doing", its id), else let it run on and try again. The ids of the jobs it held."""
    deadline = time.monotonic() + seconds
    held: list[int] = []
    while not held:
        assert time.monotonic() < deadline, "the worker never held a job"
        _wait(lambda: len(_units(team.store)) >= 10, "some variants", seconds, team.workers)
        worker.send_signal(signal.SIGSTOP)
        held = [
            row[0]
            for row in _jobs(
                team.store,
                "SELECT id FROM procrastinate_jobs WHERE status = 'doing' AND worker_id = :w",
                w=team.first_worker,
            )
        ]
        if not held:
            worker.send_signal(signal.SIGCONT)
            time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.wait(30)
    return held


@pytest.mark.timeout(DRAW_SECONDS + START_SECONDS)  # a hang guard: start-up and 210 units
def test_two_imports_on_two_replicas_draw_each_unit_once_though_a_worker_is_killed(team):
    from assistant.core.store import Blob, BriefImport, VariantRow
    from assistant.publishing.brief_import import progress

    people = {name: _kept_on(team.front, name, KEPT_ON[name]) for name in PEOPLE}
    pages, imports = {}, {}
    for name, http in people.items():
        sheet = _sheet(team.folder, name, *PEOPLE[name])
        pages[name], imports[name] = _import_through_the_panel(http, sheet, f"Hiver {name}")
    held = _kill_while_holding_jobs(team, team.workers[0], DRAW_SECONDS)

    def drawn() -> bool:
        counts = dict(
            _jobs(team.store, "SELECT status, count(*) FROM procrastinate_jobs GROUP BY 1")
        )
        assert not counts.get("failed"), "a job failed: see the workers' logs"
        waiting = counts.get("todo", 0) + counts.get("doing", 0)
        return not waiting and all(progress(team.store, i).done for i in imports.values())

    _wait(drawn, "the remaining worker to draw everything", DRAW_SECONDS, team.workers[1:])

    units = _units(team.store)
    assert len(units) == len(set(units)) == 210
    with team.store.session() as session:
        keys = session.scalars(select(VariantRow.image_keys)).all()
        stored = set(session.scalars(select(Blob.key)))
        authors = {
            record.id: record.author for record in session.scalars(select(BriefImport)).all()
        }
    assert all(keys) and set().union(*keys) <= stored  # each variant's visuals in the store
    for name, import_id in imports.items():
        final = progress(team.store, import_id)
        briefs = PEOPLE[name][1] - PEOPLE[name][0] + 1
        assert (final.drafted, final.rendered, final.status) == (briefs * NETWORKS,) * 2 + ("done",)
        assert authors[import_id] == name
        page = pages[name]  # the person's bar, as their page polls it
        bar = page.component("import-progress")
        tick = next(
            d
            for d in page.config["dependencies"]
            if bar in d["outputs"] and any(t[1] == "tick" for t in d["targets"])
        )
        shown = page.fire(tick, None, {}).data[0]
        assert f'data-import="{import_id}"' in shown and 'data-status="done"' in shown
        assert f'data-drafted="{briefs * NETWORKS}"' in shown
    states = _jobs(
        team.store, "SELECT status, attempts FROM procrastinate_jobs WHERE id = ANY(:ids)", ids=held
    )
    assert states and all(status == "succeeded" for status, _attempts in states)
    assert all(attempts >= 1 for _status, attempts in states)  # run again after the kill
    fan_outs = _jobs(
        team.store, "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'import'"
    )
    assert fan_outs[0][0] == 2  # one per import
    log = (team.folder / "worker-1.log").read_text()
    assert "put back in the queue" in log, log[-2000:]


def test_the_cli_import_waits_for_the_workers(team, tmp_path, monkeypatch):
    """`campaign import` queues the drafting and reports the same JSON once a worker is done
    (the one left: the test above killed the other)."""
    from assistant.core.store import Brief, VariantRow

    use_env(monkeypatch, ASSISTANT_DB_URL=team.url, ASSISTANT_PROVIDER="none")
    sheet = _sheet(tmp_path, "cli", 31, 32)
    command = ["campaign", "import", str(sheet), "--brand", BRAND, "--campaign", "Octobre"]
    code, out, err = run([*command, "--no-visuals", "--format", "json"])
    assert code == 0, err
    shown = json.loads(out)
    assert (shown["drafted"], shown["variants"], shown["status"]) == (14, 14, "done")
    with team.store.session() as session:
        units = session.execute(
            select(VariantRow.brief_id, VariantRow.platform, VariantRow.variant_no)
            .join(Brief)
            .where(Brief.import_id == shown["import_id"])
        ).all()
    assert len(units) == len(set(units)) == 14


def test_generate_on_the_draft_tab_is_drafted_and_drawn_by_the_worker(team):
    """Generate on a replica, through the UI's own protocol: the brief is saved, the worker
    left (the first test killed the other) drafts and draws each variant once, and the page
    shows the finished progress text. (The cards' ids stream in the page's state, which
    Gradio keeps on the server: test_jobs reads them from the handler.)"""
    from assistant.core.store import Brief, Campaign, VariantRow
    from assistant.ui.i18n import tr

    page = Page(logged_in(team.a.url, "rita", PASSWORD))
    asked = {"brief": TEXT, "networks": ["x", "linkedin"], "campaign-name": "Brouillons"}
    answer = page.click("generate", asked)
    assert answer.data[1] == tr("draft_done", "fr", done=2, total=2)
    with team.store.session() as session:
        [brief_id] = session.scalars(
            select(Brief.id).join(Campaign).where(Campaign.name == "Brouillons")
        ).all()
        rows = session.execute(
            select(VariantRow.platform, VariantRow.image_keys).where(
                VariantRow.brief_id == brief_id
            )
        ).all()
    assert sorted(r.platform for r in rows) == ["linkedin", "x"]
    assert all(r.image_keys for r in rows)  # drawn by the worker, before the text said so
    units = _jobs(
        team.store,
        "SELECT status FROM procrastinate_jobs WHERE task_name = 'unit' "
        "AND (args->>'brief_id')::int = :b",
        b=brief_id,
    )
    assert units == [("succeeded",)] * 2


# ---- a decision on one replica, seen on the other ------------------------------------------


def _submitted_variant(store, text: str) -> int:
    """A variant sent to review by its author, written through the library."""
    from assistant.core.actors import Actor
    from assistant.core.charter import load_brand
    from assistant.core.settings import get_settings
    from assistant.publishing.brief_drafts import save_variant
    from assistant.publishing.campaign import add_brief, create_campaign
    from assistant.publishing.drafting import Variant
    from assistant.publishing.review import submit

    charter = load_brand("maison-lemoine", get_settings().brand_dir)
    campaign = create_campaign(store, "Hiver", "maison-lemoine")
    day = datetime.now(ZoneInfo("Europe/Paris")).date() + timedelta(days=5)
    when = datetime(day.year, day.month, day.day, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    brief = add_brief(store, campaign.id, text, ["x"], when, "alice", timezone="Europe/Paris")
    row = save_variant(store, brief.id, Variant(platform="x", text=text), charter, "fr", "alice")
    submit(store, row.id, Actor("alice", "author"))
    return row.id


def _logged_in(browser, base: str, name: str):
    """A page of the app at `base`, logged in as `name` through the login page."""
    from playwright.sync_api import expect

    context = browser.new_context(locale="en-US", viewport=WIDE)
    page = context.new_page()
    page.goto(base + "/")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#page-bar a.logout")).to_have_text(f"Log out ({name})", timeout=WAIT_MS)
    return page


def _queue_row(page, text: str):
    return table_row(page, "#review-queue", text)


@pytest.mark.browser
def test_a_decision_on_one_replica_shows_on_the_other(team):
    from playwright.sync_api import expect, sync_playwright

    from assistant.publishing.review_queue import describe

    variant = _submitted_variant(team.store, TEXT)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        watching = _logged_in(browser, team.b.url, "rita")  # replica B, Review tab open
        watching.get_by_role("tab", name="Review").click()
        expect(_queue_row(watching, "palets au beurre")).to_contain_text("in review")

        deciding = _logged_in(browser, team.a.url, "bob")  # replica A decides
        deciding.get_by_role("tab", name="Review").click()
        _queue_row(deciding, "palets au beurre").click()
        expect(deciding.locator("#review-card .card")).to_have_attribute(
            "data-variant", str(variant), timeout=WAIT_MS
        )
        deciding.locator("#override-reason textarea").fill("legal mention in the visual")
        deciding.locator("#override").click()
        expect(deciding.locator("#review-outcome")).to_contain_text("approved with an override")

        # replica B's queue (posts in review) moves by itself, nothing clicked there: the
        # decided post leaves it
        expect(_queue_row(watching, "palets au beurre")).to_have_count(0)
        shot(watching, "team-decision-seen-on-b")
        browser.close()
    info = describe(team.store, variant)
    assert info["status"] == "approved" and info["approved_by"] == "bob"


# ---- a replica dies -------------------------------------------------------------------------


def _drawn_by_a_worker(store) -> tuple[int, str, bytes]:
    """A variant of the imports, its first visual's key and bytes, as the store keeps them."""
    from assistant.core.store import Blob, VariantRow

    with store.session() as session:
        rows = session.execute(select(VariantRow.id, VariantRow.image_keys).order_by(VariantRow.id))
        found = next(((i, keys[0]) for i, keys in rows if keys), None)
        assert found is not None, "no visual drawn: the import test runs first"
        return *found, session.get(Blob, found[1]).data


def _visual_on(replica, variant_id: int) -> tuple[httpx.Client, str]:
    """Log in on the replica itself, open the variant in the Review tab as a person does
    (its id typed, Open); the card's first image address."""
    http = logged_in(replica.url, "bob", PASSWORD)
    page = Page(http)
    opened = page.click("review-open", {"review-variant": variant_id})
    card = next(d for d in opened.data if isinstance(d, str) and 'class="card' in d)
    found = re.search(r'<a href="(gradio_api/file=[^"]+)"[^>]*class="visual"', card)
    assert found, card[:2000]
    return http, "/" + html.unescape(found.group(1))


@pytest.mark.browser
def test_a_replica_dies_its_people_stay_logged_in_and_visuals_are_served_by_the_other(team):
    """Runs last: it kills a replica."""
    from playwright.sync_api import expect, sync_playwright

    variant_id, key, drawn = _drawn_by_a_worker(team.store)
    assert hashlib.sha256(drawn).hexdigest() == key and drawn[:8] == b"\x89PNG\r\n\x1a\n"
    for number in range(2):  # the drawing machines' disks: gone, as on machines of their own
        shutil.rmtree(team.folder / f"worker-{number}" / "data" / "visuals", ignore_errors=True)
    served = {}
    for replica in (team.a, team.b):
        http, address = _visual_on(replica, variant_id)
        assert str(team.folder / replica.name) in address  # fetched into its own folder
        image = http.get(address)
        assert image.status_code == 200 and image.content == drawn
        assert httpx.get(replica.url + address).status_code in (401, 403, 404)  # no login
        served[replica.name] = (http, address)
    people = {name: _kept_on(team.front, name, KEPT_ON[name]) for name in PEOPLE}

    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = _logged_in(browser, team.front, "rita")
        cookies = {c["name"]: c["value"] for c in page.context.cookies()}
        assert cookies["assistant-replica"] in ("a", "b")
        served_by = team.a if cookies["assistant-replica"] == "a" else team.b
        survivor = team.b if served_by is team.a else team.a

        served_by.process.kill()  # as a crash: no goodbye
        served_by.process.wait(30)
        page.reload()
        expect(page.locator("#page-bar a.logout")).to_have_text("Log out (rita)", timeout=WAIT_MS)
        page.get_by_role("tab", name="Review").click()
        expect(page.locator("#review-queue")).to_be_visible()
        moved = {c["name"]: c["value"] for c in page.context.cookies()}
        assert moved["assistant-replica"] == survivor.name
        shot(page, "team-replica-killed")
        browser.close()
    session = {"assistant-session": cookies["assistant-session"]}
    assert httpx.get(f"{team.front}/gradio_api/user", cookies=session).json() == "rita"
    # the person haproxy had kept on the dead replica: still logged in, now on the survivor
    [(name, http)] = [
        (n, h) for n, h in people.items() if h.cookies.get("assistant-replica") == served_by.name
    ]
    assert http.get("/gradio_api/user").json() == name
    app_page = http.get("/")
    assert app_page.status_code == 200 and "/login" not in str(app_page.url)
    assert http.cookies.get("assistant-replica") == survivor.name
    # the visual: still served by the survivor, directly and through haproxy
    kept, address = served[survivor.name]
    image = kept.get(address)
    assert image.status_code == 200 and image.content == drawn
    assert http.get(address).content == drawn
    assert httpx.get(team.front + address).status_code in (401, 403, 404)
