"""Who acts in the UI: with a login the name and role fields show the login, locked, and the
page offers a way out; without one the role is declared and the page says so."""

from __future__ import annotations

from types import SimpleNamespace

from assistant.ui.app import render_page_bar
from assistant.ui.identity import NAME_FIELDS, ROLE_FIELDS, locked_identity, role_note

from .conftest import use_env


def test_a_logged_in_user_sees_their_name_locked_and_a_logout_link(monkeypatch):
    use_env(monkeypatch, ASSISTANT_AUTH="alice:secret:reviewer")
    updates = locked_identity(SimpleNamespace(username="alice", headers={}))
    assert role_note() is None
    names, roles = updates[: len(NAME_FIELDS)], updates[len(NAME_FIELDS) :]
    assert all(u["value"] == "alice" and u["interactive"] is False for u in names)
    assert all(u["value"] == "reviewer" and u["interactive"] is False for u in roles)
    bar = render_page_bar("fr", "alice")
    assert 'href="logout"' in bar and "Se déconnecter (alice)" in bar
    assert "logout" not in render_page_bar("en", None)


def test_without_a_login_nothing_is_locked_and_roles_are_said_to_be_declared():
    updates = locked_identity(SimpleNamespace(username=None, headers={}))
    assert all(u == {"__type__": "update"} for u in updates) and len(updates) == len(
        NAME_FIELDS
    ) + len(ROLE_FIELDS)
    assert role_note() is not None
