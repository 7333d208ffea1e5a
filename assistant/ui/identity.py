"""Who is acting in the UI: the logged-in user and their role from `ASSISTANT_AUTH`, or the
name and role typed in the page when no login is configured."""

from __future__ import annotations

from typing import Any

import gradio as gr

from ..core.actors import ROLES, Actor
from ..core.settings import get_settings
from ..core.users import plain_accounts as accounts
from ..login import login_enabled
from .i18n import LANGUAGES, table, tr


def auth_users() -> list[tuple[str, str]] | None:
    """Gradio's login list, or None when no account is configured."""
    return [(name, password) for name, (password, _role) in accounts().items()] or None


def acting(request: gr.Request | None, typed_name: str, typed_role: str) -> Actor:
    """The logged-in user wins over what is typed, so nobody approves under another name."""
    username = getattr(request, "username", None) if request is not None else None
    if username:
        return Actor(username, logged_in_role(username))
    return Actor((typed_name or "").strip() or get_settings().user, role_of(typed_role))


def logged_in_role(username: str) -> str:
    """A logged-in user's role: their account's (the app's own login reads the `users`
    table, then `ASSISTANT_AUTH`), author when none names one."""
    if login_enabled():
        from ..login import current_role

        return current_role(username) or "author"
    return accounts().get(username, ("", "author"))[1]


def login_configured() -> bool:
    """Whether someone must log in: the app's own login, or `ASSISTANT_AUTH`'s."""
    return login_enabled() or bool(accounts())


def role_of(typed: str | None) -> str:
    """The role a role box holds: its value, or a text the browser showed for it. A box
    drawn in a tab opened later can send its label ("relecteur"), and Gradio translates a
    value that is also a UI string's key ("reviewer" is the reviewer box's label, sent
    back as "Relecteur"); both are read as the role they stand for."""
    typed = typed or ""
    if typed in ROLES:
        return typed
    keys = {role: (f"review_role_{role}", role) for role in ROLES}
    shown = {
        tr(key, lang): role
        for role, names in keys.items()
        for key in names
        if key in table()
        for lang in LANGUAGES
    }
    return shown.get(typed, typed)


def role_note() -> object | None:
    """Under a role chooser without a login: the role is the reader's word, not checked."""
    from .i18n import t

    return None if login_configured() else t("role_declared")


# Where the page shows who acts: filled with the login and locked when someone is logged in.
NAME_FIELDS = ("author", "reviewer", "replies-who", "publisher", "import-reviewer")
ROLE_FIELDS = ("review-role", "replies-role")


def locked_identity(request: gr.Request) -> list[Any]:
    """The logged-in user's name and role in every name and role field, read-only (the
    server acts under the login whatever is typed); nothing changes without a login."""
    username = getattr(request, "username", None) if request is not None else None
    if not username:
        return [gr.skip()] * (len(NAME_FIELDS) + len(ROLE_FIELDS))
    actor = acting(request, "", "author")
    names = [gr.update(value=actor.name, interactive=False) for _ in NAME_FIELDS]
    return names + [gr.update(value=actor.role, interactive=False) for _ in ROLE_FIELDS]


LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def public_bind_refusal(host: str, allow_public: bool) -> str | None:
    """Why the app must not listen on `host`, or None: beyond loopback, anyone who reaches the
    port could read and approve posts unless accounts are configured."""
    if host in LOOPBACK or host.startswith("127.") or login_configured() or allow_public:
        return None
    return (
        f"Refusing to listen on {host} without ASSISTANT_AUTH: anyone reaching this port could "
        "read, edit and approve posts. Set ASSISTANT_AUTH='name:password:role,…' to require a "
        "login, or pass --allow-public to serve without one on purpose."
    )


def browser_owner(request: gr.Request | None) -> str:
    """Whose work a browser keeps: the logged-in user's name, "" without a login."""
    return (getattr(request, "username", None) if request is not None else None) or ""


def owned(kept: Any, request: gr.Request | None) -> dict:
    """What the browser kept, if the person now logged in kept it; else nothing: after a
    session ended, someone else logging in on the same browser must not find it."""
    if not isinstance(kept, dict) or kept.get("owner", "") != browser_owner(request):
        return {}
    return kept
