"""Slow work as jobs: inline on SQLite (the app and the CLI run it as they always did), queued
to procrastinate on PostgreSQL and run by `assistant worker` processes. Each (brief, network,
variant) exactly once while a worker is killed with SIGKILL half way, and the CLI's import
waiting for the workers, are test_team_mode's, on the team it starts once for all its tests."""

from __future__ import annotations

import ast
import uuid

import pytest
from sqlalchemy import func, select, text

from assistant.core import jobs as core_jobs
from assistant.core.errors import InputError
from assistant.core.store import Brief, VariantRow, open_store
from assistant.publishing import jobs
from assistant.publishing.brief_import import File, import_briefs, progress

from .command_line import offline_audit, run
from .conftest import ROOT, use_env
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


def _registers_a_kind(tree: ast.Module) -> bool:
    """Whether a module registers a job kind at import: `@kind(…)`/`@jobs.kind(…)` on one of
    its functions, or `kind(…)(body)`."""

    def named_kind(node: ast.AST) -> bool:
        func = node.func if isinstance(node, ast.Call) else None
        return isinstance(func, ast.Name | ast.Attribute) and (
            getattr(func, "id", None) == "kind" or getattr(func, "attr", None) == "kind"
        )

    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef) and any(
            named_kind(d) for d in statement.decorator_list
        ):
            return True
        call = statement.value if isinstance(statement, ast.Expr) else None
        if isinstance(call, ast.Call) and named_kind(call.func):
            return True
    return False


def test_a_worker_imports_every_module_that_registers_a_kind():
    """A job of a kind the worker never imported fails on the worker: every module of the
    package that registers a kind is in the list `assistant worker` imports."""
    from assistant.cli.worker import KIND_MODULES

    from .test_import_graph import modules

    registering = {
        name
        for name, path in modules().items()
        if _registers_a_kind(ast.parse(path.read_text(encoding="utf-8")))
    }
    assert {"assistant.publishing.jobs", "assistant.community.reply_jobs"} <= registering
    assert registering == set(KIND_MODULES)


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
    with psycopg.connect(core_jobs.conninfo(postgres_url), autocommit=True) as connection:
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
    core_jobs.ensure_schema(store)


# ---- a job waited on: `call` ----------------------------------------------------------------


@core_jobs.kind("test_twice", key=lambda n, **_: str(n))
def _twice(store, n: int) -> dict:
    return {"twice": n * 2}


@core_jobs.kind("test_refused", key=lambda **_: "refused")
def _refused(store, name: str) -> None:
    raise InputError.keyed("no_worker", seconds=name)


@core_jobs.kind("test_crash", key=lambda **_: "crash")
def _crash(store) -> None:
    raise RuntimeError("a bug in the job's body")


def test_inline_a_called_job_runs_here_and_answers():
    assert core_jobs.call("test_twice", n=4) == {"twice": 8}
    with pytest.raises(InputError) as refused:
        core_jobs.call("test_refused", name="7")
    assert refused.value.key == "no_worker"


def _called_through_a_worker(kind: str, /, **args) -> tuple[object, BaseException | None]:
    """`call` from a thread (as a replica's handler would) while this process runs a
    worker until the queue is empty: the answer, or the error the caller got."""
    return _through_a_worker(kind, lambda: core_jobs.call(kind, **args))


def _through_a_worker(kind: str, asking) -> tuple[object, BaseException | None]:
    """`asking()` (which calls a job of `kind`) from a thread while this process runs a
    worker until the queue is empty: what it returned, or the error it raised."""
    import asyncio
    import threading

    found: dict[str, object] = {}

    def ask() -> None:
        try:
            found["value"] = asking()
        except BaseException as exc:  # the test looks at what the caller got
            found["error"] = exc

    store = open_store()
    core_jobs.ensure_schema(store)
    waiting = "SELECT id FROM procrastinate_jobs WHERE task_name = :n AND status = 'todo'"
    asker = threading.Thread(target=ask)
    asker.start()
    for _ in range(200):  # the job is in the queue before the worker looks
        if _jobs_table(store, waiting, n=kind):
            break
        asker.join(0.05)
    asyncio.run(core_jobs.work(1, 1.0, 30.0, wait=False))
    asker.join(60)
    core_jobs._queue_app.cache_clear()  # the worker closed it: a next ask opens its own
    assert not asker.is_alive()
    return found.get("value"), found.get("error")  # type: ignore[return-value]


@pytest.mark.postgres
def test_a_called_job_is_run_by_a_worker_and_its_answer_read_once(team_db):
    value, error = _called_through_a_worker("test_twice", n=21)
    assert (value, error) == ({"twice": 42}, None)
    store = open_store()
    assert core_jobs.answered_tokens(store) == []  # read, then gone
    status = _jobs_table(store, "SELECT status FROM procrastinate_jobs")
    assert status == [("succeeded",)]


@pytest.mark.postgres
def test_a_refusal_in_the_worker_reaches_the_caller_worded_in_their_language(team_db):
    from assistant.ui.i18n import error_text

    _value, error = _called_through_a_worker("test_refused", name="12")
    assert isinstance(error, InputError) and error.key == "no_worker"
    assert "12 s" in error_text(error, "fr") and "Aucun exécuteur" in error_text(error, "fr")


@pytest.mark.postgres
def test_a_job_that_crashed_is_reported_not_awaited(team_db):
    _value, error = _called_through_a_worker("test_crash")
    assert isinstance(error, core_jobs.JobError) and error.key == "job_failed"
    assert "test_crash" in str(error)


@pytest.mark.postgres
def test_with_no_worker_alive_the_caller_is_told_and_the_job_withdrawn(team_db, monkeypatch):
    use_env(monkeypatch, ASSISTANT_JOB_START_SECONDS="0.5")
    with pytest.raises(core_jobs.JobError) as refused:
        core_jobs.call("test_twice", n=1)
    assert refused.value.key == "no_worker"
    store = open_store()
    assert _jobs_table(store, "SELECT status FROM procrastinate_jobs") == [("cancelled",)]


# ---- an audit in team mode ------------------------------------------------------------------


@pytest.mark.postgres
def test_an_audit_in_team_mode_is_run_by_a_worker_from_the_files_kept_in_the_store(
    team_db, tmp_path, monkeypatch
):
    """The Audit tab in team mode keeps the upload in the store and a worker audits it: the
    upload is deleted from this machine before the worker starts, yet the tab shows the
    summary and findings of the same audit run in the app; a malformed file is named with
    its row and column, in French, as when the app reads it. `assistant audit` prints the
    same JSON and exit status through a worker as in its own process."""
    import hashlib
    import shutil

    import gradio as gr

    from assistant.ui.i18n import tr

    from .test_ui_audit import DATA, _click_handler, _Login

    source = DATA / "x_legacy_small.csv"
    upload, bad = tmp_path / "upload" / source.name, tmp_path / "upload" / "x.csv"
    upload.parent.mkdir()
    shutil.copy(source, upload)
    text = source.read_text(encoding="utf-8").replace('"1500.0"', '"beaucoup"', 1)
    bad.write_text(text, encoding="utf-8")
    audit = _click_handler(monkeypatch, "audit-run")
    waiting = tr("audit_progress_queued", "fr")

    def bar(_value, desc=None) -> None:  # the upload is gone once it is kept in the store
        if desc == waiting:
            upload.unlink(missing_ok=True)

    def tab(path):
        return lambda: audit("trailforge", [str(path)], "impressions", False, _Login("rita"), bar)

    queued, error = _through_a_worker("audit", tab(upload))
    assert error is None and not upload.exists()
    _none, from_worker = _through_a_worker("audit", tab(bad))
    command = [*offline_audit(source), "--format", "json"]
    (code, printed, _err), error = _through_a_worker("audit", lambda: run(command))
    asked = _jobs_table(open_store(), "SELECT task_name, args FROM procrastinate_jobs ORDER BY id")
    key = hashlib.sha256(source.read_bytes()).hexdigest()
    assert [name for name, _args in asked] == ["audit"] * 3  # the tab twice, the CLI once
    assert asked[0][1]["files"] == [{"key": key, "name": source.name}]  # no path: a key
    use_env(monkeypatch, ASSISTANT_JOBS="inline")
    assert error is None and (code, printed) == run(command)[:2]  # the CLI's gate and JSON
    shutil.copy(source, upload)
    here = tab(upload)()
    with pytest.raises(gr.Error) as from_here:
        tab(bad)()
    assert queued[0] == here[0] and queued[1] == here[1]  # the summary, the findings
    assert queued[1] and queued[7]  # findings shown, report files offered
    assert isinstance(from_worker, gr.Error) and str(from_worker) == str(from_here.value)
    assert "x.csv" in str(from_worker) and "un nombre attendu" in str(from_worker)


# ---- replies drafted by a worker ------------------------------------------------------------


def _complaint(store) -> int:
    from assistant.community.inbox import import_text
    from assistant.core.charter import load_brand

    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    return import_text(store, charter, "Colis arrivé cassé, déçue", "facebook", "Marie").ids[0]


def _reply_jobs(store) -> list[tuple]:
    return _jobs_table(
        store,
        "SELECT (args->>'item_id')::int, args->>'actor', status FROM procrastinate_jobs "
        "WHERE task_name = 'reply_draft' ORDER BY id",
    )


@pytest.mark.postgres
def test_in_team_mode_draft_and_reply_draft_are_drafted_by_a_worker(team_db):
    """The Replies tab's Draft and `assistant reply draft` wait for a worker's job, then show
    the options it drafted and kept, exactly as when they drafted in their own process."""
    import json

    from assistant.community.replies import describe
    from assistant.core.actors import Actor
    from assistant.ui.replies import drafted

    store = open_store()
    item = _complaint(store)
    shown, error = _through_a_worker(
        "reply_draft", lambda: drafted(store, item, Actor("anne", "author"), "none", "fr")
    )
    assert error is None, error
    kept = describe(store, item)["reply"]
    assert f"3 proposition(s) pour le commentaire {item}." in shown[0]
    assert [box["value"] for box in shown[1:4]] == [o["text"] for o in kept["options"]]
    assert kept["versions"][-1]["author"] == "anne"
    assert _reply_jobs(store) == [(item, "anne", "succeeded")]

    answer, error = _through_a_worker(
        "reply_draft", lambda: run(["reply", "draft", str(item), "--as", "bob", "--format", "json"])
    )
    code, out, err = answer
    assert (error, code) == (None, 0), err
    assert json.loads(out) == describe(store, item)["reply"]["options"]
    assert _reply_jobs(store)[1:] == [(item, "bob", "succeeded")]
    assert core_jobs.answered_tokens(store) == []


@pytest.mark.postgres
def test_a_draft_refused_by_the_worker_or_left_without_one_is_worded_for_the_person(
    team_db, monkeypatch
):
    """A closed comment refused in the worker reads, next to the Draft button, in French and
    in English, and in English from the CLI; with no worker running, Draft says so and that
    nothing was lost."""
    from assistant.community.replies import close
    from assistant.core.actors import Actor
    from assistant.ui.replies import drafted

    store = open_store()
    item = _complaint(store)
    close(store, [item], Actor("anne", "author"), "no_reply")
    for lang, words in (("fr", "il est clos"), ("en", "it is closed")):
        shown, error = _through_a_worker(
            "reply_draft",
            lambda lang=lang: drafted(store, item, Actor("anne", "author"), "none", lang),
        )
        assert error is None and words in shown[0] and f"{item}" in shown[0]
    answer, _error = _through_a_worker("reply_draft", lambda: run(["reply", "draft", str(item)]))
    code, _out, err = answer
    assert code == 2 and f"comment {item} is no_reply; it is closed." in err
    assert [job[2] for job in _reply_jobs(store)] == ["succeeded"] * 3  # refused, not crashed
    use_env(monkeypatch, ASSISTANT_JOB_START_SECONDS="0.5", ASSISTANT_JOB_WAIT_SECONDS="20")
    alone = drafted(store, _complaint(store), Actor("anne", "author"), "none", "fr")
    assert "aucun ne tourne" in alone[0] and "Rien de ce que vous avez enregistré" in alone[0]


# ---- the Draft tab and `campaign add` in team mode: one worker drafts and draws -------------

DRAFT_NETWORKS = ["x", "linkedin", "facebook"]
DRAFT_TEXT = (
    "Nos palets au beurre salé sont prêts, préparés à Pont-Aven. Commandez sur lemoine.example"
)
WORKER_OPTIONS = ["--concurrency", "2", "--heartbeat", "0.5", "--stalled-after", "5"]


class _Request:
    """What the Draft tab's handlers read of a Gradio request: a French browser, no login."""

    headers = {"accept-language": "fr-FR"}
    username = None
    session_hash = "page"


@pytest.fixture(scope="module")
def drafting_worker(postgres_url, tmp_path_factory):
    """A database of its own and one `assistant worker` on it, for the Draft tab's tests."""
    from assistant.core.store import Store

    from .team import app_environment, fresh_database, start_worker, stop

    folder = tmp_path_factory.mktemp("drafting")
    url = fresh_database(postgres_url)
    store = Store(url)  # migrated before the worker starts
    env = app_environment(folder, ASSISTANT_DB_URL=url, ASSISTANT_PROVIDER="none")
    worker = start_worker(env, folder / "worker.log", *WORKER_OPTIONS)
    try:
        yield url, worker, folder / "worker.log"
    finally:
        stop(worker)
        store.dispose()


@pytest.fixture()
def team_draft(drafting_worker, monkeypatch):
    """This process as a replica of that team: queue mode, and no drawing here at all (its
    offload pool and the visuals' drawing refuse to run)."""
    from assistant.ui import draft

    url, _worker, _log = drafting_worker
    use_env(monkeypatch, ASSISTANT_DB_URL=url, ASSISTANT_PROVIDER="none")

    def never(*_args, **_kwargs):
        raise AssertionError("the replica drew visuals itself")

    for name in ("elsewhere", "render_variant_visuals", "render_brief_visuals"):
        monkeypatch.setattr(draft, name, never)
    assert jobs.queued()
    return open_store(url)


def _generate(networks: list[str], count: int) -> list[tuple]:
    """Generate on the Draft tab (its handler, as Gradio calls it): every streamed output."""

    from assistant.ui.draft import _Drafting

    return _streamed(
        _Drafting(open_store()).run(
            BRAND, DRAFT_TEXT, networks, count, None, "cm", "Hiver", _Request(), lambda *a, **k: 0
        )
    )


def _streamed(handler) -> list[tuple]:
    """Every output an async streaming handler yields, as Gradio would show them."""
    import asyncio

    async def stream() -> list[tuple]:
        return [shown async for shown in handler]

    return asyncio.run(stream())


def _brief_jobs(store, brief_id: int) -> list[tuple]:
    return _jobs_table(
        store,
        "SELECT task_name, args->>'network', (args->>'index')::int, status "
        "FROM procrastinate_jobs WHERE (args->>'brief_id')::int = :b ORDER BY id",
        b=brief_id,
    )


@pytest.mark.postgres
@pytest.mark.slow
def test_generate_in_team_mode_is_drafted_and_drawn_by_a_worker_streaming_cards_in_order(
    team_draft,
):
    from assistant.ui.i18n import tr

    shown = _generate(DRAFT_NETWORKS, 2)
    brief_id, final = shown[0][3], shown[-1]
    with team_draft.session() as session:
        rows = session.execute(
            select(VariantRow.id, VariantRow.platform, VariantRow.variant_no, VariantRow.image_keys)
            .where(VariantRow.brief_id == brief_id)
            .order_by(VariantRow.id)
        ).all()
    assert sorted((r.platform, r.variant_no) for r in rows) == sorted(
        (n, i) for n in DRAFT_NETWORKS for i in (1, 2)
    )
    assert all(r.image_keys for r in rows)  # drawn by the worker: this process drew nothing
    ids = [r.id for r in rows]
    assert final[0] == ids and final[1] == tr("draft_done", "fr", done=6, total=6)
    assert final[4] == {"__type__": "update", "visible": False}  # nothing to resume
    for streamed in shown:  # the cards come in as saved, each stream a start of the last
        assert streamed[0] == ids[: len(streamed[0])]
    units = [(t, n, i) for t, n, i, _s in _brief_jobs(team_draft, brief_id)]
    assert sorted(units) == sorted(("unit", n, i) for n in DRAFT_NETWORKS for i in (1, 2))
    assert jobs.pending_for_brief(brief_id) == 0


@pytest.mark.postgres
@pytest.mark.slow
def test_resume_in_team_mode_defers_only_the_missing_units_and_a_rerender_is_a_workers(
    team_draft,
):
    from assistant.core.actors import Actor
    from assistant.core.charter import load_brand
    from assistant.core.settings import get_settings
    from assistant.publishing.brief_drafts import save_variant
    from assistant.publishing.campaign import add_brief, find_or_create_campaign
    from assistant.publishing.drafting import Variant
    from assistant.publishing.review import save_text
    from assistant.publishing.review_queue import describe
    from assistant.ui.draft import _Drafting

    from .test_ui_draft import _actions

    campaign = find_or_create_campaign(team_draft, "Reprise", BRAND)
    brief = add_brief(team_draft, campaign, DRAFT_TEXT, DRAFT_NETWORKS, None, "cm")
    charter = load_brand(BRAND, get_settings().brand_dir)
    kept = save_variant(
        team_draft, brief.id, Variant(platform="x", text=DRAFT_TEXT), charter, "fr", "cm"
    )
    shown = _streamed(_Drafting(team_draft).resume(brief.id, [kept.id], "cm", _Request()))
    assert [(n, i) for _t, n, i, _s in _brief_jobs(team_draft, brief.id)] == [
        ("linkedin", 1),
        ("facebook", 1),
    ]
    final = shown[-1]
    assert len(final[0]) == 3 and final[0][0] == kept.id
    assert final[3] == {"__type__": "update", "visible": False}

    # a card's text changed: its visuals are drawn again, by the worker
    variant_id = final[0][1]
    save_text(team_draft, variant_id, "Nouveau texte pour LinkedIn.", Actor("cm", "author"), 1)
    assert not describe(team_draft, variant_id)["visuals_current"]
    tick = _actions(team_draft, variant_id).refresh_visuals(_Request())
    assert isinstance(tick, int)  # the card redraws
    assert describe(team_draft, variant_id)["visuals_current"]
    drawn = _jobs_table(
        team_draft,
        "SELECT status FROM procrastinate_jobs WHERE task_name = 'visuals' "
        "AND (args->>'variant_id')::int = :v",
        v=variant_id,
    )
    assert drawn == [("succeeded",)]


@pytest.mark.postgres
@pytest.mark.slow
def test_campaign_add_and_draft_in_team_mode_print_what_the_worker_drafted(team_draft):
    import json

    from assistant.publishing.campaign import find_or_create_campaign

    campaign = find_or_create_campaign(team_draft, "Ligne de commande", BRAND)
    command = ["campaign", "add", DRAFT_TEXT, "--campaign", str(campaign), "--text"]
    code, out, err = run([*command, "-p", "x,linkedin", "--format", "json"])
    assert code == 0, err
    shown = json.loads(out)
    assert sorted(v["platform"] for v in shown["variants"]) == ["linkedin", "x"]
    assert all(v["status"] == "ok" and v["length"] > 0 for v in shown["variants"])
    assert len(_units(team_draft)) == len(set(_units(team_draft)))

    # `assistant draft` stores nothing: each variant is a job the worker answers
    command = ["draft", DRAFT_TEXT, "--text", "--brand", BRAND, "-p", "x,linkedin"]
    code, out, err = run([*command, "-n", "2", "--format", "json"])
    assert code == 0, err
    drafted = [(v["platform"], v["variant"], v["status"]) for v in json.loads(out)]
    assert drafted == [("x", 1, "ok"), ("x", 2, "ok"), ("linkedin", 1, "ok"), ("linkedin", 2, "ok")]
    answered = _jobs_table(
        team_draft, "SELECT status FROM procrastinate_jobs WHERE task_name = 'draft'"
    )
    assert answered == [("succeeded",)] * 4


@pytest.mark.postgres
def test_with_no_worker_the_draft_tab_and_the_cli_say_so_and_keep_the_brief(team_db, monkeypatch):
    """No worker on this database: after the bound (one second here, 30 by default) the
    person reads that no worker takes jobs; the brief is saved and resumable."""
    from assistant.core.store import Brief
    from assistant.ui.i18n import tr

    use_env(monkeypatch, ASSISTANT_JOB_START_SECONDS="1", ASSISTANT_PROVIDER="none")
    store = open_store()
    shown = _generate(["x", "linkedin"], 1)
    final = shown[-1]
    assert final[0] == [] and final[1] == tr("no_worker", "fr", seconds=1)
    assert final[4] == {"__type__": "update", "visible": True}  # Resume, once a worker runs
    with store.session() as session:
        assert session.get(Brief, shown[0][3]).text == DRAFT_TEXT
    assert jobs.pending_for_brief(shown[0][3]) == 2
    code, _out, err = run(["campaign", "resume", str(shown[0][3])])
    assert code != 0 and "no worker took the job in 1 s" in err


@pytest.mark.postgres
def test_a_reload_while_the_workers_draft_follows_the_brief_and_defers_nothing(
    team_db, monkeypatch
):
    """The page reloaded after Generate, its two units still queued: the load gives the
    brief back without a Resume button, then follows it; a worker saves and draws both
    variants, and their cards come in as Generate would have shown them. A brief nobody
    drafts is not followed: the reload shows Resume and draws nothing more."""
    from assistant.publishing import brief_jobs
    from assistant.publishing.campaign import add_brief, find_or_create_campaign
    from assistant.ui.draft import _Drafting, _Restore
    from assistant.ui.i18n import tr

    use_env(monkeypatch, ASSISTANT_PROVIDER="none")
    store = open_store()
    campaign = find_or_create_campaign(store, "Rechargement", BRAND)
    brief = add_brief(store, campaign, DRAFT_TEXT, ["x", "linkedin"], None, "cm")
    assert brief_jobs.defer_missing(store, brief.id, "cm") == 2  # as Generate did
    kept = {"brand": BRAND, "author": "cm", "brief": DRAFT_TEXT, "brief_id": brief.id, "ids": []}
    restored = _Restore(store, [BRAND])(kept, "cm", _Request())
    assert restored[8] == brief.id and restored[9] == {"__type__": "update", "visible": False}

    shown, error = _through_a_worker(
        "unit", lambda: _streamed(_Drafting(store).follow_queued(brief.id, _Request()))
    )
    assert error is None
    ids = [v.id for v in _variants_of(store, brief.id)]
    assert len(ids) == 2 and shown[-1][0] == ids
    assert shown[-1][1] == tr("draft_done", "fr", done=2, total=2)
    assert all(s[3] == {"__type__": "update", "visible": False} for s in shown)
    assert all(s[0] == ids[: len(s[0])] for s in shown)  # the cards come in as saved
    assert [(n, i) for _t, n, i, _s in _brief_jobs(store, brief.id)] == [("x", 1), ("linkedin", 1)]

    idle = add_brief(store, campaign, DRAFT_TEXT, ["x"], None, "cm")  # nothing queued
    restored = _Restore(store, [BRAND])({**kept, "brief_id": idle.id}, "cm", _Request())
    assert restored[9] == {"__type__": "update", "visible": True}
    skipped = _streamed(_Drafting(store).follow_queued(idle.id, _Request()))
    assert len(skipped) == 1 and all(o == {"__type__": "update"} for o in skipped[0])


def _variants_of(store, brief_id: int) -> list:
    with store.session() as session:
        return session.scalars(
            select(VariantRow).where(VariantRow.brief_id == brief_id).order_by(VariantRow.id)
        ).all()
