"""The page and its configuration are built once per visitor address and person, not per
visit, and nothing personal, outdated or unfinished is ever shared."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import httpx

from assistant.ui.page_cache import PageCache

COOKIE = "access-token-abc"


class Page:
    """A stand-in for Gradio's routes: counts how often the page is really built, and says
    whom it was built for (the session's user, as Gradio resolves it)."""

    def __init__(self, sessions: dict[str, str]) -> None:
        self.built = 0
        self.sessions = sessions

    async def __call__(self, scope, receive, send) -> None:
        self.built += 1
        cookie = dict(scope["headers"]).get(b"cookie", b"").decode()
        token = cookie.partition(f"{COOKIE}=")[2].split(";")[0]
        who = self.sessions.get(token, "login page")
        status, extra = 200, []
        if scope["path"] == "/login":
            extra = [(b"set-cookie", b"access-token-abc=t9")]
        if scope["path"] == "/config" and b"fail" in scope["query_string"]:
            status = 500
        await send({"type": "http.response.start", "status": status, "headers": extra})
        await send({"type": "http.response.body", "body": f"page for {who}".encode()})


def _served(sessions: dict[str, str], entries: int = 64):
    """The cache inside an app that, like Gradio's, keeps its live session tokens."""
    page = Page(sessions)
    cache = PageCache(page, entries=entries)
    gradio = SimpleNamespace(tokens=sessions, cookie_id="abc", auth_dependency=None)

    async def app(scope, receive, send):
        scope["app"] = gradio  # Starlette puts the application in every scope
        await cache(scope, receive, send)

    return page, app


def _get(app, path="/", cookie="", host="team.example", method="GET") -> str:
    async def go() -> str:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=f"http://{host}") as http:
            headers = {"cookie": f"{COOKIE}={cookie}"} if cookie else {}
            return (await http.request(method, path, headers=headers)).text

    return asyncio.run(go())


def test_each_person_gets_their_own_page_built_once():
    sessions = {"t1": "alice", "t2": "rita", "t3": "alice"}
    page, app = _served(sessions)
    assert _get(app) == _get(app) == "page for login page" and page.built == 1
    assert _get(app, cookie="t1") == "page for alice" and page.built == 2
    assert _get(app, cookie="t3") == "page for alice" and page.built == 2  # her second login
    assert _get(app, cookie="t2") == "page for rita" and page.built == 3
    assert _get(app, cookie="forged") == "page for login page" and page.built == 3


def test_a_session_ended_by_a_logout_gets_the_login_page_not_the_kept_one():
    sessions = {"t1": "alice"}
    _page, app = _served(sessions)
    assert _get(app, cookie="t1") == "page for alice"
    del sessions["t1"]  # Gradio's logout ends every session of the user
    assert _get(app, cookie="t1") == "page for login page"


def test_failures_logins_other_routes_and_other_addresses_are_not_shared():
    page, app = _served({})
    _get(app, "/config")
    _get(app, "/config")
    assert page.built == 1
    for _ in range(2):
        _get(app, "/config?fail=1")
        _get(app, "/login")
        _get(app, method="POST")
    assert page.built == 1 + 6
    _get(app, host="proxy.example")  # its links point elsewhere: another page
    _get(app)
    assert page.built == 9


def test_the_oldest_pages_leave_first_when_full():
    sessions = {"a": "a", "b": "b", "c": "c"}
    page, app = _served(sessions, entries=2)
    for token in ("a", "b", "a", "c", "a", "b"):
        _get(app, cookie=token)
    # a, b built; a kept; c built (b leaves); a kept; b built again
    assert page.built == 4
