"""The page and its configuration are built once per visitor address and login, not per visit,
and nothing personal or unfinished is ever shared."""

from __future__ import annotations

import httpx
import pytest

from assistant.ui.page_cache import PageCache


class Page:
    """A stand-in for Gradio's routes: counts how often the page is really built."""

    def __init__(self) -> None:
        self.built = 0

    async def __call__(self, scope, receive, send) -> None:
        self.built += 1
        headers = dict(scope["headers"])
        who = headers.get(b"cookie", b"nobody").decode()
        status, extra = 200, []
        if scope["path"] == "/login":
            extra = [(b"set-cookie", b"access-token=abc")]
        if scope["path"] == "/config" and b"fail" in scope["query_string"]:
            status = 500
        await send({"type": "http.response.start", "status": status, "headers": extra})
        await send({"type": "http.response.body", "body": f"page for {who}".encode()})


@pytest.fixture()
def client():
    page = Page()
    transport = httpx.ASGITransport(app=PageCache(page))
    with_client = httpx.AsyncClient(transport=transport, base_url="http://team.example")
    return page, with_client


async def _visits(client) -> None:
    page, http = client
    async with http:
        first = await http.get("/")
        again = await http.get("/")
        assert first.text == again.text == "page for nobody" and page.built == 1
        # someone logged in gets their own page, never the one built for another visitor
        rita = await http.get("/", headers={"cookie": "access-token=rita"})
        assert rita.text == "page for access-token=rita" and page.built == 2
        await http.get("/config")
        await http.get("/config")
        assert page.built == 3
        # a failed build, a login answer and other routes are never kept
        for _ in range(2):
            await http.get("/config?fail=1")
            await http.get("/login")
            await http.post("/")
        assert page.built == 3 + 6
        # another address (a proxy's host) is another page: its links point elsewhere
        await http.get("/", headers={"host": "proxy.example"})
        assert page.built == 10


def test_the_page_is_built_once_per_visitor_and_login(client):
    import asyncio

    asyncio.run(_visits(client))


def test_the_oldest_pages_leave_first_when_full():
    import asyncio

    page = Page()
    cache = PageCache(page, entries=2)

    async def visit(cookie: str) -> None:
        transport = httpx.ASGITransport(app=cache)
        async with httpx.AsyncClient(transport=transport, base_url="http://t.example") as http:
            await http.get("/", headers={"cookie": cookie})

    async def main() -> None:
        for who in ("a", "b", "a", "c", "a", "b"):
            await visit(who)

    asyncio.run(main())
    # a, b built; a kept; c built (b leaves); a kept; b built again
    assert page.built == 4
