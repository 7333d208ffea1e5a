"""The page and its configuration are built once per visitor address and person, not per
visit, and nothing personal, outdated or unfinished is ever shared."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import httpx
from starlette.requests import Request

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
        token = Request(scope).cookies.get(COOKIE)  # as Gradio reads it: the first header
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


def _get(
    app, path="/", cookie="", host="team.example", method="GET", extra=(), root_path=""
) -> str:
    async def go() -> str:
        transport = httpx.ASGITransport(app=app, root_path=root_path)
        async with httpx.AsyncClient(transport=transport, base_url=f"http://{host}") as http:
            headers = [("cookie", f"{COOKIE}={cookie}")] if cookie else []
            return (await http.request(method, path, headers=[*headers, *extra])).text

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


def test_under_a_proxys_path_the_page_is_kept_too_apart_from_the_roots():
    """Served at /assistant/ (the server's root_path), the page is built once as at the
    root, and never mixed with the root's, whose links point elsewhere."""
    page, app = _served({"t1": "alice"})
    for _ in range(2):
        assert _get(app, "/assistant/", cookie="t1", root_path="/assistant") == "page for alice"
    assert page.built == 1
    _get(app, "/", cookie="t1")
    assert page.built == 2


def test_a_second_cookie_header_does_not_file_a_persons_page_under_nobody():
    sessions = {"t1": "bob"}
    page, app = _served(sessions)
    # the server reads the first Cookie header (bob's), a last-header reader would see none
    assert _get(app, cookie="t1", extra=[("cookie", "x=1")]) == "page for bob"
    assert _get(app, cookie="t1", extra=[("cookie", "x=1")]) == "page for bob"
    assert page.built == 2  # a request read two ways is never answered from memory
    assert _get(app) == "page for login page"


def test_every_header_that_moves_the_page_is_in_the_key():
    page, app = _served({})
    for name in ("x-gradio-server", "x-forwarded-host", "x-forwarded-proto"):
        _get(app, extra=[(name, "https://a.example")])
        _get(app, extra=[(name, "https://b.example")])
    assert page.built == 6
    _get(app, extra=[("x-gradio-server", "https://a.example")])
    assert page.built == 6  # the same address again is served from memory
    _get(app, extra=[("x-gradio-server", "https://a.example"), ("x-gradio-server", "https://b")])
    assert page.built == 7


def _gradio(auth: list[tuple[str, str]] | None = None):
    """A small Gradio app with the cache in front, as the assistant's app is launched."""
    import gradio as gr
    from starlette.middleware import Middleware

    with gr.Blocks() as blocks:
        gr.Markdown("hello")
    blocks.auth, blocks.auth_message = auth, None
    blocks.theme = gr.themes.Default()  # as launch() sets it before the page is built
    blocks.config = blocks.get_config_file()
    return gr.routes.App.create_app(blocks, app_kwargs={"middleware": [Middleware(PageCache)]})


def _visit(app, steps):
    """Run `steps(http)` against the app in-process; the client keeps no cookies itself."""

    async def go():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:7860") as http:
            return await steps(http)

    return asyncio.run(go())


def test_with_gradio_a_second_cookie_header_leaves_visitors_the_login_page():
    app = _gradio(auth=[("bob", "pw")])

    async def steps(http):
        login = await http.post("/login", data={"username": "bob", "password": "pw"})
        assert login.status_code == 200
        http.cookies.clear()
        name = f"access-token-unsecure-{app.cookie_id}"
        bob = f"{name}={login.cookies[name]}"
        twice = [("cookie", bob), ("cookie", "x=1")]
        as_bob = await http.get("/", headers=twice)
        config_as_bob = await http.get("/config", headers=twice)
        return as_bob, config_as_bob, await http.get("/"), await http.get("/config")

    as_bob, config_as_bob, page, config = _visit(app, steps)
    assert "bob" in as_bob.text and config_as_bob.status_code == 200  # the server saw bob
    assert "auth_required" in page.text and "bob" not in page.text  # a visitor: login form
    assert config.status_code == 401


def test_with_gradio_the_page_root_follows_x_gradio_server():
    app = _gradio()

    async def steps(http):
        roots = []
        for server in ("http://a.example:8001/", "http://b.example:8002/"):
            answer = await http.get("/config", headers={"x-gradio-server": server})
            roots.append(answer.json()["root"])
        return roots

    assert _visit(app, steps) == ["http://a.example:8001", "http://b.example:8002"]


def test_behind_the_apps_own_login_each_person_gets_their_own_page():
    """With `auth_dependency` (the app's own login) the person is whom it names; a cookie it
    no longer accepts (logout, new password) never gets the page kept for that person."""
    sessions = {"t1": "alice", "t2": "rita"}
    page = Page(sessions)
    cache = PageCache(page)
    gradio = SimpleNamespace(
        tokens={}, cookie_id="abc", auth_dependency=lambda r: sessions.get(r.cookies.get(COOKIE))
    )

    async def app(scope, receive, send):
        scope["app"] = gradio
        await cache(scope, receive, send)

    assert _get(app, cookie="t1") == _get(app, cookie="t1") == "page for alice"
    assert page.built == 1
    assert _get(app, cookie="t2") == "page for rita" and page.built == 2
    del sessions["t1"]
    assert _get(app, cookie="t1") == "page for login page" and page.built == 3
