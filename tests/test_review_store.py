"""Store, review workflow and exports, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import threading
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.core.actors import Actor
from assistant.core.errors import ConflictError, StoreError, WorkflowError
from assistant.core.store import Brief, Store, VariantRow
from assistant.publishing.brief_drafts import draft_brief
from assistant.publishing.campaign import add_brief, create_campaign
from assistant.publishing.review import approve, edit, submit
from assistant.publishing.review_queue import describe

from .conftest import ROOT

FUTURE = (datetime.now(UTC) + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)


@pytest.fixture(
    name="store", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def store_fixture(request, tmp_path):
    """A fresh store on SQLite, and on PostgreSQL (emptied afterwards)."""
    if request.param == "sqlite":
        yield Store(f"sqlite:///{tmp_path / 'store.db'}")
    else:
        url = request.getfixturevalue("postgres_url")
        made = Store(url)
        yield made
        with made.engine.begin() as connection:
            for table in ("audit_log", "comments", "versions", "variants", "briefs", "campaigns"):
                connection.exec_driver_sql(f"DELETE FROM {table}")
        made.dispose()


def _drafted(
    store,
    brief="Les galettes d'hiver sont là. Commandez sur https://lemoine.example.",
    networks=("x", "instagram"),
):
    campaign = create_campaign(store, "Hiver", "maison-lemoine")
    saved = add_brief(store, campaign.id, brief, list(networks), FUTURE, "alice")
    ids = [vid for _v, vid in draft_brief(store, saved.id, None, "alice")]
    return campaign.id, ids


def test_workflow_versions_and_self_approval(store):
    _campaign, (first, _second) = _drafted(store)
    submit(store, first, Actor("alice", "author"))
    with pytest.raises(WorkflowError, match="another reviewer"):
        approve(store, first, Actor("alice", "reviewer"))
    row = approve(store, first, Actor("bob", "reviewer"))
    assert row.status == "approved" and row.approved_by == "bob"
    info = describe(store, first)
    assert [a["action"] for a in info["audit"]] == ["submit", "approve"]


def test_error_match_blocks_approval_without_override(store):
    _campaign, (first, _second) = _drafted(store)
    info = describe(store, first)
    edit(store, first, "Texte sans mention légale.", Actor("alice", "author"), info["version"])
    submit(store, first, Actor("alice", "author"))
    with pytest.raises(WorkflowError, match="error"):
        approve(store, first, Actor("bob", "reviewer"))
    row = approve(store, first, Actor("bob", "reviewer"), override="mention dans l'image")
    assert row.override_reason == "mention dans l'image"
    assert describe(store, first)["audit"][-1]["action"] == "override"


def test_second_save_on_stale_version_is_refused(store):
    _campaign, (first, _second) = _drafted(store)
    version = describe(store, first)["version"]
    edit(store, first, describe(store, first)["text"] + " Première.", Actor("a", "author"), version)
    with pytest.raises(ConflictError, match="someone else"):
        edit(store, first, "Écrasement.", Actor("b", "reviewer"), version)
    assert "Première." in describe(store, first)["text"]


def test_concurrent_writers_lose_no_update(store):
    """8 threads × 25 edits each, every one retried on conflict until saved: none is lost."""
    _campaign, (first, _second) = _drafted(store)
    threads, per_thread = 8, 25

    def writer(n):
        for i in range(per_thread):
            while True:
                info = describe(store, first)
                try:
                    edit(
                        store,
                        first,
                        f"{info['text'][:200]} t{n}-{i}",
                        Actor(f"w{n}", "author"),
                        info["version"],
                    )
                    break
                except ConflictError:
                    continue

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert len(describe(store, first)["versions"]) == 1 + threads * per_thread


def test_corrupt_sqlite_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="corrupt or not a SQLite file"):
        Store(f"sqlite:///{bad}")


def test_brief_and_finished_variants_survive_a_killed_process(tmp_path):
    """Kill the drafting process after the second variant is saved: both remain."""
    db = tmp_path / "crash.db"
    script = f"""
import os, signal
from assistant.publishing.brief_drafts import draft_brief
from assistant.publishing.campaign import add_brief, create_campaign
from assistant.core.store import Store
store = Store("sqlite:///{db}")
c = create_campaign(store, "Crash", "maison-lemoine")
b = add_brief(store, c.id, "Le brief à garder. Deuxième phrase.", ["x", "linkedin", "bluesky", "facebook"])
for n, _ in enumerate(draft_brief(store, b.id, None, "alice"), 1):
    if n == 2:
        os.kill(os.getpid(), signal.SIGKILL)
"""
    process = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env={**os.environ}, capture_output=True
    )
    assert process.returncode == -9
    store = Store(f"sqlite:///{db}")
    with store.session() as session:
        briefs = session.query(Brief).all()
        variants = session.query(VariantRow).all()
    assert [b.text for b in briefs] == ["Le brief à garder. Deuxième phrase."]
    assert len(variants) == 2 and all(v.text for v in variants)


def new_campaign_with_brief(brief: str, networks: str, *extra: str):
    """Campaign 1 for the French brand, one brief drafted by alice, through the CLI."""
    run = CliRunner().invoke
    assert run(app, ["campaign", "new", "Test", "--brand", "maison-lemoine"]).exit_code == 0
    arguments = [
        "campaign",
        "add",
        "--campaign",
        "1",
        "--at",
        FUTURE.isoformat(),
        "-p",
        networks,
        "--as",
        "alice",
        *extra,
        brief,
    ]
    return run(app, arguments)


def export_cli(fmt: str, out):
    """`assistant export` of campaign 1."""
    arguments = ["export", "--campaign", "1", "--format", fmt, "--out", str(out)]
    return CliRunner().invoke(app, arguments)


def test_cli_campaign_review_export_flow(tmp_path):
    run = CliRunner().invoke
    added = new_campaign_with_brief(
        "Les coffrets de Noël arrivent. Commandez sur https://lemoine.example/noel.",
        "x,instagram,linkedin",
        "--format",
        "json",
    )
    assert added.exit_code == 0, added.output
    drafted = {v["platform"]: str(v["variant_id"]) for v in json.loads(added.stdout)["variants"]}
    ids = [drafted["x"], drafted["instagram"]]
    assert run(app, ["review", "approve", *ids, "--as", "bob"]).exit_code == 0
    unconfirmed = run(app, ["review", "publish", ids[0], "--as", "bob"])
    assert unconfirmed.exit_code == 2 and "--yes" in unconfirmed.output
    assert run(app, ["review", "publish", ids[0], "--as", "bob", "--yes"]).exit_code == 0
    # the third is left unapproved: it must not be exported
    out = tmp_path / "exports"
    assert export_cli("hootsuite", out).exit_code == 0
    rows = list(csv.reader(io.StringIO((out / "hootsuite-x.csv").read_text())))
    assert len(rows) == 1 and len(rows[0]) == 3
    datetime.strptime(rows[0][0], "%m/%d/%Y %H:%M")
    assert not (out / "hootsuite-linkedin.csv").exists()
    buffer = tmp_path / "buffer.json"
    assert export_cli("buffer", buffer).exit_code == 0
    posts = json.loads(buffer.read_text())
    assert sorted(p["channelId"] for p in posts) == ["instagram", "x"]
    assert all(p["dueAt"].endswith(".000Z") and p["mode"] == "customScheduled" for p in posts)
    archive = tmp_path / "c.zip"
    assert export_cli("zip", archive).exit_code == 0
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
        assert "proof-sheet.html" in names and any(n.startswith("images/") for n in names)
        assert "bob" in z.read("proof-sheet.html").decode()
    shown = run(app, ["review", "show", ids[1], "--format", "json"])
    assert json.loads(shown.stdout)["status"] == "approved"  # exporting publishes nothing


def test_override_reason_shown_and_in_proof_sheet(tmp_path):
    run = CliRunner().invoke
    new_campaign_with_brief("Nos biscuits industriel sont là.", "x")
    refused = run(app, ["review", "approve", "1", "--as", "bob"])
    assert refused.exit_code != 0 and "override" in str(refused.exception)
    assert (
        run(
            app, ["review", "approve", "1", "--as", "bob", "--override", "validé par le juridique"]
        ).exit_code
        == 0
    )
    assert "validé par le juridique" in run(app, ["review", "show", "1"]).stdout
    archive = tmp_path / "o.zip"
    export_cli("zip", archive)
    with zipfile.ZipFile(archive) as z:
        assert "validé par le juridique" in z.read("proof-sheet.html").decode()


def test_export_refuses_past_and_shared_slots(store):
    """Two briefs saved for one slot that has passed since (saving refuses both today)."""
    campaign = create_campaign(store, "Slots", "maison-lemoine")
    past = datetime.now(UTC) - timedelta(days=1)
    for _ in range(2):
        with store.session() as session:
            saved = Brief(
                campaign_id=campaign.id,
                text="Galettes. Mention.",
                networks=["x"],
                language="fr",
                publish_at=past,
                timezone="Europe/Paris",
            )
            session.add(saved)
            session.commit()
        for _v, vid in draft_brief(store, saved.id, None, "alice"):
            submit(store, vid, Actor("alice", "author"))
            approve(store, vid, Actor("bob", "reviewer"), override="test")
    from assistant.publishing.export import export_campaign

    with pytest.raises(Exception, match="past") as caught:
        export_campaign(store, campaign.id, "csv", "/tmp/never.csv")
    assert "share the slot" in str(caught.value)


def test_locked_sqlite_file_is_a_clear_error(tmp_path):
    """Another process holds the write lock: the edit fails with a message, not a traceback."""
    import sqlite3

    path = tmp_path / "locked.db"
    store = Store(f"sqlite:///{path}", lock_timeout=0.5)
    _campaign, (first, _second) = _drafted(store)
    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        version = describe(store, first)["version"]
        with pytest.raises(StoreError, match="locked by another process"):
            edit(store, first, "Nouveau texte.", Actor("alice", "author"), version)
    finally:
        holder.rollback()
        holder.close()
    assert "Nouveau texte." not in describe(store, first)["text"]
