"""Who is acting in the UI: the logged-in user and their role from `ASSISTANT_AUTH`, or the
name and role typed in the page when no login is configured."""

from __future__ import annotations

import gradio as gr

from ..review import ROLES, Actor
from ..settings import get_settings


def accounts() -> dict[str, tuple[str, str]]:
    """'alice:secret:reviewer,bob:pw' -> {name: (password, role)}; the role defaults to author."""
    found = {}
    for entry in filter(None, (e.strip() for e in get_settings().auth.split(","))):
        name, password, *role = entry.split(":")
        found[name] = (password, role[0] if role and role[0] in ROLES else "author")
    return found


def auth_users() -> list[tuple[str, str]] | None:
    """Gradio's login list, or None when no account is configured."""
    return [(name, password) for name, (password, _role) in accounts().items()] or None


def acting(request: gr.Request | None, typed_name: str, typed_role: str) -> Actor:
    """The logged-in user wins over what is typed, so nobody approves under another name."""
    username = getattr(request, "username", None) if request is not None else None
    if username:
        return Actor(username, accounts().get(username, ("", "author"))[1])
    return Actor((typed_name or "").strip() or "cm", typed_role)
