"""Client approval links: a client without an account approves the exact versions a link
names. The page is served by the parent app's routes (`/r/<token>`), driven here through the
ASGI test client: refusals change nothing but their own trail row, a changed text cannot be
approved through an old link, a GET only renders, and the token is kept nowhere."""

from __future__ import annotations

import json
import logging
import re
import shutil
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import text, update
from starlette.testclient import TestClient
from typer.testing import CliRunner

from assistant.cli import app as cli
from assistant.core.actors import Actor
from assistant.core.login_failures import SharedFailures
from assistant.core.settings import get_settings
from assistant.core.store import now, open_store
from assistant.publishing.brief_drafts import draft_brief
from assistant.publishing.campaign import add_brief, create_campaign
from assistant.publishing.client_links import create_link, list_links, revoke_link
from assistant.publishing.client_page import add_client_pages, mask_tokens_in_logs
from assistant.publishing.link_tables import ReviewLink
from assistant.publishing.review import edit, submit
from assistant.publishing.review_queue import describe

from .conftest import ROOT, use_env
from .test_review_store import FUTURE

TABLES = ("variants", "versions", "comments", "audit_log", "review_links", "review_link_events")
BRIEF = "Les galettes de Pont-Aven sont de retour en boutique, préparées chaque matin."
CM = Actor("cm", "author")


def three_variants(brand: str = "maison-lemoine") -> tuple[int, list[int]]:
    """A campaign with one brief drafted by alice for three networks, sent to review."""
    store = open_store()
    campaign = create_campaign(store, "Hiver", brand)
    brief = add_brief(store, campaign.id, BRIEF, ["x", "linkedin", "facebook"], FUTURE, "alice")
    ids = [vid for _variant, vid in draft_brief(store, brief.id, None, "alice")]
    for vid in ids:
        submit(store, vid, Actor("alice", "author"))
    return campaign.id, ids


def client_for(address: str = "198.51.100.7", limiter: SharedFailures | None = None, app=None):
    if app is None:
        app = add_client_pages(FastAPI(), open_store, limiter)
    return TestClient(app, client=(address, 40000), follow_redirects=False), app


def path_of(url: str) -> str:
    return url[url.index("/r/") :]


def form_token(page: str) -> str:
    return re.search(r'name="form_token" value="([0-9a-f]+)"', page)[1]


def dump() -> dict[str, list[tuple]]:
    with open_store().engine.connect() as connection:
        return {
            table: [
                tuple(r) for r in connection.execute(text(f"SELECT * FROM {table} ORDER BY id"))
            ]
            for table in TABLES
        }


def assert_only_a_refusal_added(before: dict, after: dict, reason: str) -> None:
    for table in TABLES[:-1]:
        assert after[table] == before[table], table
    events_before, events_after = before["review_link_events"], after["review_link_events"]
    assert events_after[: len(events_before)] == events_before
    added = events_after[len(events_before) :]
    assert len(added) == 1
    assert added[0][4] == "refused" and added[0][6] == reason


def test_cli_creates_a_link_shown_once_lists_and_revokes_it():
    campaign_id, ids = three_variants()
    run = CliRunner().invoke
    made = run(
        cli,
        ["review", "link", "create", "--campaign", str(campaign_id), "--variants",
         f"{ids[0]},{ids[2]}", "--label", "Client X", "--expires", "2d", "--format", "json"],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    shown = json.loads(made.stdout)
    assert set(shown) == {"id", "url", "expires_at", "variants"}
    assert shown["variants"] == [
        {"variant_id": ids[0], "version": 1},
        {"variant_id": ids[2], "version": 1},
    ]
    token = shown["url"].rsplit("/", 1)[1]
    assert len(token) >= 43  # 256 bits in base64url
    listed = json.loads(run(cli, ["review", "link", "list", "--format", "json"]).stdout)
    assert [(x["id"], x["status"], x["label"]) for x in listed] == [
        (shown["id"], "sent", "Client X")
    ]
    assert token not in json.dumps(listed)
    assert run(cli, ["review", "link", "revoke", str(shown["id"])]).exit_code == 0
    listed = json.loads(run(cli, ["review", "link", "list", "--format", "json"]).stdout)
    assert listed[0]["status"] == "revoked"


def test_expiry_is_bounded_and_never_after_the_first_post():
    campaign_id, _ids = three_variants()
    too_long = CliRunner().invoke(
        cli, ["review", "link", "create", "--campaign", str(campaign_id), "--expires", "31d"]
    )
    assert too_long.exit_code != 0 and "at most 30 days" in str(too_long.exception)
    made = create_link(open_store(), campaign_id, CM, expires="20d")
    assert made.expires_at == FUTURE  # the post is due before 20 days are over


def test_a_variant_outside_the_campaign_is_refused_at_creation():
    campaign_id, _ids = three_variants()
    refused = CliRunner().invoke(
        cli, ["review", "link", "create", "--campaign", str(campaign_id), "--variants", "999"]
    )
    assert refused.exit_code != 0 and "999 not in campaign" in str(refused.exception)


def test_the_client_approves_requests_changes_and_decisions_are_in_the_trail():
    campaign_id, ids = three_variants()
    made = create_link(open_store(), campaign_id, CM, label="Client X")
    client, _app = client_for()
    page = client.get(path_of(made.url), headers={"Accept-Language": "en-US,en;q=0.8"})
    assert page.status_code == 200 and "Posts to approve" in page.text
    token = form_token(page.text)
    for vid in ids[:2]:
        done = client.post(
            path_of(made.url), data={"form_token": token, "variant_id": vid, "action": "approve"}
        )
        assert done.status_code == 200
    asked = client.post(
        path_of(made.url),
        data={"form_token": token, "variant_id": ids[2], "action": "request_changes",
              "comment": "Ajoutez l'adresse"},
    )  # fmt: skip
    assert asked.status_code == 200
    store = open_store()
    for vid in ids:
        audit = describe(store, vid)["audit"]
        guest = [(a["action"], a["reason"]) for a in audit if a["actor"] == "guest:Client X"]
        assert guest[0] == ("client_opened", "v1 (link 1)")
        assert len(guest) == 2
    assert describe(store, ids[0])["status"] == "in_review"  # advisory: the team approves
    assert describe(store, ids[2])["status"] == "changes_requested"
    assert describe(store, ids[2])["comments"][-1]["body"] == "Ajoutez l'adresse"
    shown = CliRunner().invoke(cli, ["review", "show", str(ids[2])]).stdout
    assert "guest:Client X client_request_changes" in shown
    assert list_links(store)[0]["status"] == "decided"


def test_a_request_for_changes_needs_a_comment():
    campaign_id, ids = three_variants()
    made = create_link(open_store(), campaign_id, CM)
    client, _app = client_for()
    token = form_token(client.get(path_of(made.url)).text)
    before = dump()
    empty = client.post(
        path_of(made.url),
        data={"form_token": token, "variant_id": ids[0], "action": "request_changes"},
    )
    assert empty.status_code == 400 and "commentaire est obligatoire" in empty.text
    assert dump() == before


def test_refusals_change_nothing_but_their_trail_row():
    campaign_id, ids = three_variants()
    store = open_store()
    scoped = create_link(store, campaign_id, CM, variant_ids=ids[:2])
    client, _app = client_for()
    token = form_token(client.get(path_of(scoped.url)).text)
    raw = path_of(scoped.url)
    changed = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    cases = []

    def expect(status: int, reason: str, answer) -> None:
        before = dump()
        assert answer().status_code == status, reason
        assert_only_a_refusal_added(before, dump(), reason)
        cases.append(reason)

    expect(404, "link_unknown", lambda: client.get(changed))
    outside = {"form_token": token, "variant_id": ids[2], "action": "approve"}
    expect(403, "link_out_of_scope", lambda: client.post(raw, data=outside))
    no_form = {"variant_id": ids[0], "action": "approve"}
    expect(403, "link_bad_form", lambda: client.post(raw, data=no_form))
    expired = create_link(store, campaign_id, CM)
    with store.session() as session:
        session.execute(
            update(ReviewLink)
            .where(ReviewLink.id == expired.id)
            .values(expires_at=now() - timedelta(minutes=1))
        )
        session.commit()
    expect(410, "link_expired", lambda: client.get(path_of(expired.url)))
    revoked = create_link(store, campaign_id, CM)
    revoke_link(store, revoked.id, CM)
    expect(404, "link_revoked", lambda: client.get(path_of(revoked.url)))
    assert len(cases) == 5


def test_a_variant_edited_after_the_link_cannot_be_approved_through_it():
    campaign_id, ids = three_variants()
    store = open_store()
    made = create_link(store, campaign_id, CM)
    edit(store, ids[1], BRIEF + " Nouveau : coffret.", Actor("cm", "author"))
    client, _app = client_for()
    page = client.get(path_of(made.url), headers={"Accept-Language": "en"})
    assert page.text.count("Changed since this link was sent") == 1
    token = form_token(page.text)
    before = dump()
    refused = client.post(
        path_of(made.url), data={"form_token": token, "variant_id": ids[1], "action": "approve"}
    )
    assert refused.status_code == 409
    assert_only_a_refusal_added(before, dump(), "link_changed")
    for vid in (ids[0], ids[2]):
        approved = client.post(
            path_of(made.url), data={"form_token": token, "variant_id": vid, "action": "approve"}
        )
        assert approved.status_code == 200
    decided = [a for a in describe(store, ids[0])["audit"] if a["action"] == "client_approve"]
    assert [a["reason"] for a in decided] == ["v1"]


def test_plain_gets_only_render_and_the_token_is_kept_nowhere():
    campaign_id, _ids = three_variants()
    store = open_store()
    made = create_link(store, campaign_id, CM, label="Client X")
    token = made.url.rsplit("/", 1)[1]
    client, _app = client_for()
    client.get(path_of(made.url))
    before = dump()
    for _ in range(10):
        page = client.get(path_of(made.url))
        assert page.status_code == 200
        assert page.headers["referrer-policy"] == "no-referrer"
        assert page.headers["cache-control"] == "no-store"
        assert page.headers["x-robots-tag"] == "noindex"
    assert dump() == before  # "opened" is recorded on the first visit only
    opened = [e for e in before["review_link_events"] if e[4] == "opened"]
    assert len(opened) == 1
    with store.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    for path in store.path.parent.glob(store.path.name + "*"):
        assert token.encode() not in path.read_bytes(), path.name
    log_dir = get_settings().data_dir / "logs"
    for path in log_dir.glob("*") if log_dir.exists() else []:
        assert token not in path.read_text(encoding="utf-8")


def test_an_access_log_line_never_holds_the_token(tmp_path):
    mask_tokens_in_logs()
    access = logging.getLogger("uvicorn.access")
    handler = logging.FileHandler(tmp_path / "access.log")
    access.addHandler(handler)
    level = access.level
    access.setLevel(logging.INFO)
    try:  # the line uvicorn writes for every request
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "GET", "/r/SeCrEt-tok_en", "1.1", 200)
    finally:
        access.removeHandler(handler)
        access.setLevel(level)
        handler.close()
    written = (tmp_path / "access.log").read_text()
    assert "SeCrEt-tok_en" not in written and '"GET /r/[token] HTTP/1.1" 200' in written


def test_wrong_tokens_from_one_address_are_bounded_while_others_still_get_in():
    campaign_id, _ids = three_variants()
    made = create_link(open_store(), campaign_id, CM)
    still = datetime(2026, 6, 1, 12, tzinfo=UTC)  # time stands still: one minute
    held = SharedFailures(open_store, 20, "client-link", clock=lambda: still)
    attacker, app = client_for("203.0.113.9", held)
    codes = [attacker.get(f"/r/wrong{n:04d}").status_code for n in range(200)]
    assert codes[:20] == [404] * 20 and set(codes[20:]) == {429}
    with open_store().session() as session:  # refused at the door: no row per attempt
        refusals = session.execute(
            text("SELECT COUNT(*) FROM review_link_events WHERE reason = 'link_unknown'")
        ).scalar()
    assert refusals == 20
    client, _app = client_for("192.0.2.44", app=app)
    assert client.get(path_of(made.url)).status_code == 200


def test_two_replicas_meet_one_count_of_wrong_tokens():
    """Two apps on one store, as two replicas behind one address: an attacker alternating
    between them is refused after the bound in all, not after twice the bound. (Each app
    keeps nothing in memory; the count is in the store.) The table stores no address."""
    _campaign_id, _ids = three_variants()
    first, _ = client_for("203.0.113.9")
    second, _ = client_for("203.0.113.9")
    codes = [(first, second)[n % 2].get(f"/r/wrong{n:04d}").status_code for n in range(30)]
    assert codes[:20] == [404] * 20 and set(codes[20:]) == {429}
    with open_store().session() as session:
        stored = session.execute(text("SELECT key FROM login_failures")).scalars().all()
    assert len(stored) == 20 and not any("203.0.113" in key for key in stored)
    neighbour, _ = client_for("192.0.2.44")
    assert neighbour.get("/r/wrong-again").status_code == 404  # another address still gets in


def test_final_client_approval_approves_the_pinned_version(tmp_path, monkeypatch):
    brands = tmp_path / "brands"
    shutil.copytree(ROOT / "brand_guides", brands)
    charter = brands / "maison-lemoine.yaml"
    charter.write_text(
        charter.read_text().replace("review:\n", "review:\n  client_approval: final\n", 1)
    )
    use_env(monkeypatch, ASSISTANT_BRAND_DIR=str(brands))
    campaign_id, ids = three_variants()
    store = open_store()
    sent_by_author = create_link(store, campaign_id, Actor("alice", "author"), label="A")
    sent_by_cm = create_link(store, campaign_id, CM, label="B")
    client, _app = client_for()
    for made, vid in ((sent_by_author, ids[0]), (sent_by_cm, ids[1])):
        token = form_token(client.get(path_of(made.url)).text)
        answer = client.post(
            path_of(made.url), data={"form_token": token, "variant_id": vid, "action": "approve"}
        )
        assert answer.status_code == 200
    # alice wrote the text: a link she sent cannot approve it (separation of duties)
    assert describe(store, ids[0])["status"] == "in_review"
    approved = describe(store, ids[1])
    assert approved["status"] == "approved" and approved["approved_by"] == "guest:B"


def test_a_password_link_shows_nothing_until_the_password_is_given():
    campaign_id, ids = three_variants()
    made = create_link(open_store(), campaign_id, CM, password="correct horse")
    client, _app = client_for()
    locked = client.get(path_of(made.url))
    assert locked.status_code == 200 and 'type="password"' in locked.text
    assert f'data-variant="{ids[0]}"' not in locked.text
    token = form_token(locked.text)
    unlock = path_of(made.url) + "/unlock"
    wrong = client.post(unlock, data={"form_token": token, "password": "wrong"})
    assert wrong.status_code == 403
    right = client.post(unlock, data={"form_token": token, "password": "correct horse"})
    assert right.status_code == 303
    opened = client.get(path_of(made.url))
    assert f'data-variant="{ids[0]}"' in opened.text
    with open_store().session() as session:
        stored = session.get(ReviewLink, made.id).password_hash
    assert stored.startswith("scrypt$") and "correct horse" not in stored


@pytest.mark.parametrize(
    "lang,words", [("fr", "Publications à valider"), ("en", "Posts to approve")]
)
def test_the_page_switches_language(lang, words):
    campaign_id, _ids = three_variants()
    made = create_link(open_store(), campaign_id, CM)
    client, _app = client_for()
    other = "en" if lang == "fr" else "fr"
    page = client.get(path_of(made.url) + f"?lang={lang}", headers={"Accept-Language": other})
    assert words in page.text


def test_the_parent_app_serves_the_page_without_login_and_the_ui_behind_it():
    import gradio as gr
    from starlette.middleware import Middleware

    from assistant.ui.page_cache import PageCache
    from assistant.web import parent_app

    campaign_id, _ids = three_variants()
    made = create_link(open_store(), campaign_id, CM)
    with gr.Blocks() as blocks:
        gr.Markdown("UI")
    options = {"footer_links": [], "app_kwargs": {"middleware": [Middleware(PageCache)]}}
    app = parent_app(blocks, options, auth=[("alice", "secret")])
    with TestClient(app, follow_redirects=False) as client:
        assert client.get(path_of(made.url)).status_code == 200  # no login for the client
        assert client.get("/config").status_code == 401  # the team's UI asks for a login
        logged = client.post("/login", data={"username": "alice", "password": "secret"})
        assert logged.status_code == 200
        assert client.get("/config").status_code == 200


def test_the_review_tab_history_words_the_clients_decisions():
    from assistant.ui.review import history_html

    campaign_id, ids = three_variants()
    store = open_store()
    made = create_link(store, campaign_id, CM, label="Client X")
    client, _app = client_for()
    token = form_token(client.get(path_of(made.url)).text)
    client.post(path_of(made.url), data={"form_token": token, "variant_id": ids[0],
                                         "action": "approve"})  # fmt: skip
    shown = history_html(describe(store, ids[0]), "en")
    assert shown.count("guest:Client X") == 2
    assert "opened the client link" in shown and "approved (client)" in shown
    assert "v1" in shown


def test_the_link_is_on_the_public_address_when_one_is_set(monkeypatch):
    use_env(monkeypatch, ASSISTANT_PUBLIC_URL="https://review.agency.example/")
    campaign_id, _ids = three_variants()
    made = create_link(open_store(), campaign_id, CM)
    assert re.fullmatch(r"https://review\.agency\.example/r/[A-Za-z0-9_-]{43}", made.url)


def test_visuals_are_served_only_for_the_posts_of_the_link():
    from assistant.publishing.campaign import render_variant_visuals

    campaign_id, ids = three_variants()
    store = open_store()
    render_variant_visuals(store, ids[0])
    render_variant_visuals(store, ids[2])
    made = create_link(store, campaign_id, CM, variant_ids=ids[:2])
    client, _app = client_for()
    page = client.get(path_of(made.url))
    sources = re.findall(r'<img src="([^"]+)" alt="([^"]*)"', page.text)
    assert sources and all(
        src.startswith(f"{path_of(made.url)[3:]}/visual/{ids[0]}/") for src, _ in sources
    )
    assert all(alt for _src, alt in sources)  # each image carries its description
    image = client.get(f"{path_of(made.url)}/visual/{ids[0]}/0")
    assert image.status_code == 200 and image.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert image.headers["referrer-policy"] == "no-referrer"
    before = dump()
    outside = client.get(f"{path_of(made.url)}/visual/{ids[2]}/0")  # rendered, not in the link
    assert outside.status_code == 403
    assert_only_a_refusal_added(before, dump(), "link_out_of_scope")


def test_a_link_made_behind_a_proxys_path_keeps_the_path():
    """Made through haproxy serving the app at /assistant/, the link the author copies for
    the client is under /assistant too; a header that is not a plain path is ignored."""
    from assistant.ui.client_links import base_url

    class Made:
        headers = {
            "host": "127.0.0.1:7861",
            "x-forwarded-host": "team.example",
            "x-forwarded-proto": "https",
            "x-forwarded-prefix": "/assistant/",
        }

    assert base_url(Made()) == "https://team.example/assistant"
    Made.headers["x-forwarded-prefix"] = "//evil.example"
    assert base_url(Made()) == "https://team.example"
