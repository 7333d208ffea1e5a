"""Review you can trust: approval tied to the text seen, separation of duties over every
author, refusals before anything is stored, a store that never reports a lost save as saved.
SQLite and PostgreSQL alike where the store is concerned."""

from __future__ import annotations

import shutil
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.exc import IntegrityError

from assistant.core.actors import Actor
from assistant.core.charter import load_brand
from assistant.core.errors import (
    AssistantError,
    ConflictError,
    InputError,
    StoreError,
    WorkflowError,
)
from assistant.core.store import AuditEvent, Brief, Campaign, Comment, Store, VariantRow, Version
from assistant.publishing.brief_drafts import draft_brief
from assistant.publishing.campaign import (
    add_brief,
    create_campaign,
    parse_when,
    render_variant_visuals,
)
from assistant.publishing.review import (
    approve,
    comment,
    edit,
    publish,
    reject,
    request_changes,
    submit,
)
from assistant.publishing.review_queue import change_marker, describe, queue

from .conftest import ROOT, free_port, use_env
from .test_review_store import FUTURE, store_fixture  # noqa: F401  (SQLite + PostgreSQL)

BRIEF = "Les galettes d'hiver sont là. Commandez sur https://lemoine.example."
ALICE, BOB, CAROL = Actor("alice", "author"), Actor("bob", "reviewer"), Actor("carol", "author")


def _drafted(store, networks=("x", "instagram"), when=FUTURE, brief=BRIEF):
    campaign = create_campaign(store, "Hiver", "maison-lemoine")
    saved = add_brief(store, campaign.id, brief, list(networks), when, "alice")
    return [vid for _v, vid in draft_brief(store, saved.id, None, "alice")]


def _counts(store) -> dict[str, int]:
    with store.session() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Campaign, Brief, VariantRow, Version, Comment, AuditEvent)
        }


# --- approval is tied to the text the reviewer saw ---------------------------------------


def test_approval_names_the_version_seen_and_refuses_a_later_save(store):
    first = _drafted(store)[0]
    seen = describe(store, first)
    submit(store, first, ALICE)
    # alice saves again while bob reads version 1
    edit(store, first, seen["text"] + " Vite !", ALICE, describe(store, first)["version"])
    with pytest.raises(ConflictError) as moved:
        approve(store, first, BOB, seen_version=seen["text_version"])
    assert moved.value.key == "text_moved" and moved.value.params["latest"] == 2
    assert describe(store, first)["status"] == "in_review"
    row = approve(store, first, BOB, seen_version=2)
    assert row.status == "approved" and describe(store, first)["text"].endswith("Vite !")


def test_an_author_who_wrote_part_of_the_text_cannot_approve_it(store):
    first = _drafted(store)[0]
    info = describe(store, first)
    edit(store, first, info["text"] + " Merci !", CAROL, info["version"])
    with pytest.raises(WorkflowError) as refused:
        approve(store, first, Actor("alice", "reviewer"))
    assert refused.value.key == "self_approval"
    assert describe(store, first)["authors_since_approval"] == ["alice", "carol"]
    approve(store, first, BOB)
    # after bob's approval, only what is written next counts
    info = describe(store, first)
    edit(store, first, info["text"] + " À bientôt.", Actor("dave", "author"), info["version"])
    assert describe(store, first)["authors_since_approval"] == ["dave"]
    assert approve(store, first, Actor("alice", "reviewer")).status == "approved"


def test_admins_self_approve_only_when_the_charter_allows_it(store, tmp_path, monkeypatch):
    first = _drafted(store)[0]
    with pytest.raises(WorkflowError, match="another reviewer"):
        approve(store, first, Actor("alice", "admin"))
    brands = tmp_path / "brands"
    shutil.copytree(ROOT / "brand_guides", brands)
    charter = brands / "maison-lemoine.yaml"
    charter.write_text(
        charter.read_text().replace("allow_self_approval: false", "allow_self_approval: true")
    )
    use_env(monkeypatch, ASSISTANT_BRAND_DIR=str(brands))
    assert approve(store, first, Actor("alice", "admin")).approved_by == "alice"


def test_request_changes_is_for_reviewers_and_not_after_publication(store):
    first = _drafted(store)[0]
    submit(store, first, ALICE)
    with pytest.raises(WorkflowError) as refused:
        request_changes(store, first, ALICE, "Je change d'avis.")
    assert refused.value.key == "reviewers_only"
    approve(store, first, BOB)
    publish(store, first, BOB)
    with pytest.raises(WorkflowError) as locked:
        request_changes(store, first, BOB, "Trop tard ?")
    assert locked.value.key == "transition_refused"
    info = describe(store, first)
    assert info["status"] == "published" and info["comments"] == []
    assert [a["action"] for a in info["audit"]] == ["submit", "approve", "publish"]


def test_visuals_older_than_the_text_block_approval_until_rendered_again(store):
    first = _drafted(store)[0]
    render_variant_visuals(store, first)
    info = describe(store, first)
    fixed = "Nos galettes d'hiver sont prêtes. " + info["text"]
    edit(store, first, fixed, ALICE, info["version"])
    stale = describe(store, first)
    assert stale["visuals_current"] is False and stale["images_version"] == 1
    with pytest.raises(WorkflowError) as refused:
        approve(store, first, BOB)
    assert refused.value.key == "visuals_stale"
    images = render_variant_visuals(store, first)
    fresh = describe(store, first)
    assert fresh["visuals_current"] and fresh["images_version"] == 2
    assert all("/v2/" in path for path in fresh["images"]) and len(images) == len(fresh["images"])
    assert fresh["alt_text"] == "Nos galettes d'hiver sont prêtes."
    assert fresh["version"] == stale["version"], "rendering must not make open edits stale"
    assert approve(store, first, BOB).status == "approved"


# --- edits: what is on screen is what is saved ---------------------------------------------


def test_saving_the_stored_text_again_is_not_a_conflict(store):
    first = _drafted(store)[0]
    info = describe(store, first)
    edit(store, first, info["text"] + " Nouveau.", ALICE, info["version"])
    again = edit(store, first, info["text"] + " Nouveau.", ALICE, info["version"])
    assert again.version == info["version"] + 1 and len(describe(store, first)["versions"]) == 2
    with pytest.raises(ConflictError) as conflict:
        edit(store, first, "Autre chose.", BOB, info["version"])
    assert conflict.value.key == "conflict" and conflict.value.theirs.endswith("Nouveau.")


def test_submit_saves_the_text_on_screen_first(store):
    first = _drafted(store)[0]
    info = describe(store, first)
    row = submit(store, first, ALICE, text=info["text"] + " Édité.", expected_version=1)
    after = describe(store, first)
    assert row.status == "in_review" and after["text"].endswith("Édité.")
    assert after["text_version"] == 2 and after["versions"][-1]["author"] == "alice"


# --- nothing unreadable or unbounded is stored ----------------------------------------------


@pytest.mark.parametrize("bad", ["avec\x00nul", "x" * 70_000])
def test_nul_bytes_and_overlong_texts_are_refused_at_every_write(store, bad):
    first = _drafted(store)[0]
    campaign_id = describe(store, first)["campaign_id"]
    submit(store, first, ALICE)
    before = _counts(store)
    short = bad[:200] if "\x00" in bad else bad
    writes = [
        lambda: add_brief(store, campaign_id, bad, ["x"], FUTURE + timedelta(days=1), "alice"),
        lambda: edit(store, first, bad, ALICE, describe(store, first)["version"]),
        lambda: comment(store, first, BOB, bad),
        lambda: request_changes(store, first, BOB, bad),
        lambda: approve(store, first, BOB, override=bad),
        lambda: reject(store, first, BOB, bad),
        lambda: create_campaign(store, short, "maison-lemoine"),
        lambda: Actor(short, "reviewer"),
        lambda: add_brief(store, campaign_id, "Brief.", ["x"], None, short),
    ]
    for write in writes:
        with pytest.raises(InputError) as refused:
            write()
        assert refused.value.key in ("control_character", "too_long")
    assert _counts(store) == before
    assert describe(store, first)["status"] == "in_review"


# --- version numbers stay unique under concurrency -------------------------------------------


def test_two_versions_with_one_number_cannot_be_stored(store):
    first = _drafted(store)[0]
    with store.session() as session, pytest.raises(IntegrityError):
        session.add(Version(variant_id=first, number=1, text="doublon", author="x", cause="human"))
        session.commit()


def test_concurrent_identical_saves_store_one_version(store):
    """Six people press save at once: three on the stored text, three on the same edit."""
    first = _drafted(store)[0]
    info = describe(store, first)
    texts = [info["text"]] * 3 + [info["text"] + " Une fois."] * 3
    start, outcomes = threading.Barrier(len(texts)), []

    def save(text: str) -> None:
        start.wait()
        try:
            edit(store, first, text, ALICE, info["version"])
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=save, args=(text,)) for text in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    versions = describe(store, first)["versions"]
    assert [v["number"] for v in versions] == [1, 2] and len(outcomes) == len(texts)
    assert versions[-1]["text"].endswith("Une fois.")


# --- the store refuses to write into nothing ------------------------------------------------


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_vanished_sqlite_file_stops_writes_with_a_clear_error(tmp_path, how):
    path = tmp_path / "store.db"
    store = Store(f"sqlite:///{path}")
    first = _drafted(store)[0]
    info = describe(store, first)
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"store.db{suffix}").unlink(missing_ok=True)
    if how == "replaced":
        Store(f"sqlite:///{path}").dispose()
    with pytest.raises(StoreError) as refused:
        edit(store, first, info["text"] + " Perdu ?", ALICE, info["version"])
    assert refused.value.key == "db_vanished" and str(path) in str(refused.value)
    with pytest.raises(StoreError):
        queue(store)


@pytest.mark.postgres
def test_a_postgresql_server_gone_is_a_store_error(postgres_url):
    nowhere = postgres_url.rsplit(":", 1)[0] + f":{free_port()}/postgres"
    with pytest.raises(StoreError) as down:
        Store(nowhere)
    assert down.value.key == "db_down"
    store = Store(postgres_url)
    queue(store)  # a pooled connection is open
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
        )
    admin.dispose()
    with pytest.raises(StoreError) as dropped:
        queue(store)
    assert dropped.value.key == "db_down"
    store.dispose()


# --- the queue and the change marker are cheap ---------------------------------------------


def _statements(store):
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    return seen, lambda: event.remove(store.engine, "before_cursor_execute", count)


def test_the_queue_is_one_statement_paginated_with_error_counts(store):
    campaign = create_campaign(store, "Charge", "maison-lemoine")
    networks = ["x", "linkedin", "instagram", "facebook", "bluesky"]
    for day in range(8):
        saved = add_brief(
            store, campaign.id, BRIEF, networks, FUTURE + timedelta(days=day), "alice"
        )
        list(draft_brief(store, saved.id, None, "alice"))
    target = queue(store, limit=1)[0].id
    info = describe(store, target)
    edit(store, target, "Texte sans mention légale.", ALICE, info["version"])
    seen, stop = _statements(store)
    try:
        rows = queue(store, limit=40)
    finally:
        stop()
    assert len(rows) == 40 and len(seen) == 1
    by_id = {r.id: r for r in rows}
    assert by_id[target].errors == describe(store, target)["errors"] > 0
    assert by_id[target].text_version == 2 and by_id[target].timezone == "Europe/Paris"
    page = queue(store, limit=10, offset=35)
    assert [r.id for r in page[:5]] == [r.id for r in rows[35:]] and len(page) == 5
    assert {r.platform for r in queue(store, platform="x")} == {"x"}


def test_the_change_marker_moves_on_every_write_and_costs_one_statement(store):
    markers = [change_marker(store)]
    first = _drafted(store)[0]
    markers.append(change_marker(store))
    info = describe(store, first)
    edit(store, first, info["text"] + " Plus.", ALICE, info["version"])
    markers.append(change_marker(store))
    comment(store, first, BOB, "Bien.")
    markers.append(change_marker(store))
    submit(store, first, ALICE)
    markers.append(change_marker(store))
    render_variant_visuals(store, first)
    markers.append(change_marker(store))
    assert len(set(markers)) == len(markers)
    seen, stop = _statements(store)
    try:
        assert change_marker(store) == markers[-1]
    finally:
        stop()
    assert len(seen) == 1


def test_opening_a_variant_costs_four_statements_however_long_its_history(store):
    """A reviewer opens a card on every click: its cost must not grow with the history."""
    first = _drafted(store)[0]
    for n in range(6):
        info = describe(store, first)
        edit(store, first, f"{info['text']} Plus {n}.", ALICE, info["version"])
        comment(store, first, BOB, f"Note {n}.")
    submit(store, first, ALICE)
    seen, stop = _statements(store)
    try:
        info = describe(store, first)
    finally:
        stop()
    assert len(seen) <= 4, seen
    assert info["text_version"] == 7 and len(info["versions"]) == 7
    assert len(info["comments"]) == 6 and info["authors_since_approval"] == ["alice"]
    assert info["brand"] == "maison-lemoine" and info["audit"][-1]["to"] == "in_review"


# --- briefs: refused at save when they cannot be published -----------------------------------


def test_a_brief_in_the_past_or_too_soon_is_refused_in_its_zone(store):
    campaign = create_campaign(store, "Temps", "maison-lemoine")
    soon = datetime.now(UTC) + timedelta(minutes=5)
    for when in (datetime(2020, 1, 1, 9, tzinfo=UTC), soon):
        with pytest.raises(WorkflowError) as refused:
            add_brief(store, campaign.id, BRIEF, ["x"], when, "alice")
        assert refused.value.key == "time_too_soon"
    with pytest.raises(WorkflowError, match=r"2020-01-01 10:00 \(Europe/Paris\)"):
        add_brief(store, campaign.id, BRIEF, ["x"], datetime(2020, 1, 1, 9, tzinfo=UTC))
    assert _counts(store)["briefs"] == 0


def test_one_brief_per_network_and_slot_for_the_brand(store):
    first = create_campaign(store, "Un", "maison-lemoine")
    other = create_campaign(store, "Deux", "maison-lemoine")
    add_brief(store, first.id, BRIEF, ["x", "instagram"], FUTURE, "alice")
    with pytest.raises(WorkflowError) as taken:
        add_brief(store, other.id, "Autre brief.", ["linkedin", "x"], FUTURE, "bob")
    assert taken.value.key == "slot_taken" and taken.value.params["network"] == "x"
    assert taken.value.params["network_name"] == "X"  # as the reader knows the network
    add_brief(store, other.id, "Autre brief.", ["linkedin"], FUTURE, "bob")
    add_brief(store, other.id, "Autre brief.", ["x"], FUTURE + timedelta(hours=3), "bob")
    assert _counts(store)["briefs"] == 3

    # a third brief left at the same time: the refusal names a free time, which is taken
    with pytest.raises(WorkflowError) as taken:
        add_brief(store, other.id, "Encore un.", ["x"], FUTURE, "carol")
    free = parse_when(taken.value.params["free"].split(" (")[0], "Europe/Paris")
    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    spacing = timedelta(minutes=charter.review.min_spacing_minutes)
    assert all(abs(free - t) >= spacing for t in (FUTURE, FUTURE + timedelta(hours=3)))
    add_brief(store, other.id, "Encore un.", ["x"], free, "carol")
    assert _counts(store)["briefs"] == 4


@pytest.mark.parametrize(
    ("text", "networks", "key"),
    [("   ", ["x"], "empty_brief"), (BRIEF, [], "no_network")],
)
def test_empty_briefs_and_no_network_are_refused(store, text, networks, key):
    campaign = create_campaign(store, "Vide", "maison-lemoine")
    with pytest.raises(AssistantError) as refused:
        add_brief(store, campaign.id, text, networks, FUTURE, "alice")
    assert refused.value.key == key and _counts(store)["briefs"] == 0


def test_variants_per_network_are_remembered_for_resuming(store):
    from assistant.publishing.brief_drafts import missing_variants, resume_brief

    campaign = create_campaign(store, "Deux", "maison-lemoine")
    saved = add_brief(store, campaign.id, BRIEF, ["x", "linkedin"], FUTURE, "alice", variants=2)
    assert missing_variants(store, saved.id) == [
        ("x", 1),
        ("x", 2),
        ("linkedin", 1),
        ("linkedin", 2),
    ]
    drafted = [v.platform for v, _id in resume_brief(store, saved.id, None, "alice")]
    assert sorted(drafted) == ["linkedin", "linkedin", "x", "x"]
    assert (
        missing_variants(store, saved.id) == []
        and list(resume_brief(store, saved.id, None, "alice")) == []
    )


def test_a_read_only_sqlite_file_is_worded_in_the_readers_language(tmp_path):
    from assistant.community.inbox import import_text
    from assistant.core.charter import load_brand
    from assistant.ui.i18n import error_text

    from .conftest import ROOT

    path = tmp_path / "store.db"
    Store(f"sqlite:///{path}").dispose()
    read_only = Store(f"sqlite:///file:{path}?mode=ro&uri=true")  # as a file without rights
    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    with pytest.raises(StoreError) as refused:
        import_text(read_only, charter, "Vous livrez en Belgique ?", "x", "Paul")
    french = error_text(refused.value, "fr")
    assert "store.db est en lecture seule" in french and "droits" in french
    assert str(tmp_path) not in french and "Error" not in french
    assert "read-only" in error_text(refused.value, "en")
    assert "read-only" in str(refused.value) and str(path) in str(refused.value)  # CLI, log


def test_an_unclassified_database_failure_names_the_file_not_the_driver_class(
    tmp_path, monkeypatch
):
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from assistant.core.store import store_error
    from assistant.ui.i18n import error_text

    driver = sqlite3.OperationalError("disk I/O error")
    driver.sqlite_errorcode = 10  # SQLITE_IOERR: none of the codes worded on their own
    failure = store_error(
        f"sqlite:///{tmp_path}/store.db", OperationalError("INSERT …", {}, driver)
    )
    for shown in (str(failure), error_text(failure, "fr"), error_text(failure, "en")):
        assert "store.db" in shown and "disk I/O error" in shown
        assert "OperationalError" not in shown
    assert "inutilisable" in error_text(failure, "fr")
    (tmp_path / "store.db").write_bytes(b"")
    # the same failure on a file this process may not write: the fix is the rights
    monkeypatch.setattr("assistant.core.store.os.access", lambda path, mode: False)
    failure = store_error(
        f"sqlite:///{tmp_path}/store.db", OperationalError("INSERT …", {}, driver)
    )
    assert failure.key == "db_readonly" and "lecture seule" in error_text(failure, "fr")
