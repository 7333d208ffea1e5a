"""The live panels' marker route (`GET /live/marker`): an opaque marker that moves when the
store changes, for whoever the UI lets in and nobody else; and the page's script follows
panels the app really has, with no Gradio timer ticking on an idle page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import gradio as gr
import pytest
from fastapi.testclient import TestClient

from .conftest import use_env

PASSWORD = "correct horse battery"
OPAQUE = re.compile(r"[0-9a-f]{20}")


@pytest.fixture()
def store(monkeypatch):
    from assistant.core.store import open_store
    from assistant.publishing.live_marker import RecentMarker

    monkeypatch.setattr(RecentMarker, "SECONDS", 0.0)  # every ask reads: a change shows at once
    return open_store()


def _client(auth: list[tuple[str, str]] | None = None) -> TestClient:
    from assistant.web import parent_app

    with gr.Blocks() as blocks:
        gr.Markdown("UI")
    return TestClient(parent_app(blocks, {"footer_links": []}, auth=auth), follow_redirects=False)


def _variant(store) -> int:
    """A new drafted variant: the store's change marker moves."""
    from assistant.publishing.brief_drafts import draft_brief
    from assistant.publishing.campaign import add_brief, find_or_create_campaign

    campaign_id = find_or_create_campaign(store, "Test", "maison-lemoine")
    when = datetime.now(UTC) + timedelta(days=2)
    brief = add_brief(store, campaign_id, "Nos galettes sont là.", ["linkedin"], when, "cm")
    return next(iter(draft_brief(store, brief.id, None, "cm", variants=1)))[1]


def test_without_a_login_the_marker_is_opaque_and_moves_with_the_store(store):
    _variant(store)
    with _client() as client:
        first = client.get("/live/marker")
        assert first.status_code == 200 and first.headers["cache-control"] == "no-store"
        assert OPAQUE.fullmatch(first.text)
        assert client.get("/live/marker").text == first.text  # nothing changed
        _variant(store)
        moved = client.get("/live/marker")
        assert moved.status_code == 200 and moved.text != first.text


def test_behind_gradios_login_a_visitor_gets_401_and_nothing_else(store):
    _variant(store)
    with _client(auth=[("alice", "a-long-password")]) as client:
        refused = client.get("/live/marker")
        assert refused.status_code == 401 and refused.content == b""
        client.cookies.set("access-token-unsecure-x", "forged")
        assert client.get("/live/marker").status_code == 401
        logged = client.post("/login", data={"username": "alice", "password": "a-long-password"})
        assert logged.status_code == 200
        answer = client.get("/live/marker")
        assert answer.status_code == 200 and OPAQUE.fullmatch(answer.text)


def test_behind_the_apps_login_only_a_valid_session_gets_the_marker(store, monkeypatch):
    from assistant.core.users import add

    use_env(monkeypatch, ASSISTANT_SECRET_KEY="a-shared-secret-of-the-team")
    add(store, "rita", PASSWORD, "reviewer")
    with _client() as client:
        refused = client.get("/live/marker")
        assert refused.status_code == 401 and refused.content == b""
        logged = client.post("/login", data={"name": "rita", "password": PASSWORD})
        assert logged.status_code == 303
        signed = client.cookies["assistant-session"]
        assert client.get("/live/marker").status_code == 200
        client.cookies.clear()
        client.cookies.set(
            "assistant-session", signed[:-2] + ("AA" if signed[-2:] != "AA" else "BB")
        )
        assert client.get("/live/marker").status_code == 401  # altered: refused
        client.cookies.clear()
        client.cookies.set("assistant-session", signed)
        assert client.get("/live/marker").status_code == 200


def test_the_page_follows_panels_the_app_has_and_no_timer_ticks_when_idle(store):
    """The script presses `#<name>-live` and reads `#<name>-marker`: each must exist and be
    wired (a renamed element would leave a panel silently stale); and nothing ticks on an
    idle page (the import bar's timer only while an import is drafted)."""
    from assistant.ui.app import build_app
    from assistant.ui.live import PANELS

    app = build_app(store)
    named = {getattr(b, "elem_id", None): b for b in app.blocks.values()}
    for panel in PANELS:
        marker, refresh = named[f"{panel['name']}-marker"], named[f"{panel['name']}-live"]
        [handler] = [f for f in app.fns.values() if (refresh._id, "click") in f.targets]
        assert marker in handler.inputs and marker in handler.outputs
        assert handler.queue is False  # a cheap read never waits behind drafting or decisions
    assert all(not b.active for b in app.blocks.values() if isinstance(b, gr.Timer))


def test_head_answers_like_get_and_a_new_empty_campaign_moves_the_marker(store):
    """A monitor's or a proxy's HEAD gets the GET's status without a body; and a campaign
    created without any brief yet (the calendar and the Draft tab list it) moves the marker
    so the other tabs' lists show it."""
    from assistant.publishing.campaign import create_campaign

    _variant(store)
    with _client() as client:
        first = client.get("/live/marker")
        head = client.head("/live/marker")
        assert head.status_code == 200 and head.content == b""
        assert head.headers["cache-control"] == "no-store"
        create_campaign(store, "Soldes d'hiver", "maison-lemoine")
        assert client.get("/live/marker").text != first.text


def test_behind_a_login_head_is_refused_like_get(store, monkeypatch):
    use_env(monkeypatch, ASSISTANT_SECRET_KEY="a-shared-secret-of-the-team")
    with _client() as client:
        refused = client.head("/live/marker")
        assert refused.status_code == 401 and refused.content == b""


def test_a_proxys_forwarded_prefix_puts_the_page_and_the_login_under_it(store, monkeypatch):
    """haproxy or nginx serving the app at /assistant/ (stripping it, saying it in
    X-Forwarded-Prefix): Gradio's page and the app's login give addresses under it; a
    header that is not a plain path is ignored."""
    from assistant.core.users import add

    under = {"x-forwarded-prefix": "/assistant/"}
    with _client() as client:
        assert client.get("/config", headers=under).json()["root"].endswith("/assistant")
        hostile = {"x-forwarded-prefix": "//evil.example"}
        assert "evil" not in client.get("/config", headers=hostile).json()["root"]
    use_env(monkeypatch, ASSISTANT_SECRET_KEY="a-shared-secret-of-the-team")
    add(store, "rita", PASSWORD, "reviewer")
    with _client() as client:
        wall = client.get("/", headers=under)
        assert wall.status_code == 303 and wall.headers["location"] == "/assistant/login?next=%2F"
        page = client.get("/login", headers=under)
        assert 'action="/assistant/login?lang=' in page.text
        logged = client.post("/login", data={"name": "rita", "password": PASSWORD}, headers=under)
        assert logged.status_code == 303 and logged.headers["location"] == "/assistant/"
        assert (
            client.get("/logout", headers=under)
            .headers["location"]
            .startswith("/assistant/login?out=1")
        )
