"""The page and its configuration, built once and served from memory.

Gradio builds the page (430 kB, its configuration embedded) and `/config` anew for every
visit: a deep copy and a JSON dump of every component, about 40 ms of the interpreter each.
When a team opens the tool at the same minute, those copies queue behind each other and
behind everyone's clicks. Both depend only on the blocks (fixed once the app is built), the
address the visitor used and who is logged in, so one copy per (address, person) serves
every later visit. The person is read from the session the way Gradio reads it, on every
visit: a session ended by a logout finds the login page, never the page it had. Only
complete, successful GETs are kept; everything else passes through.

Everything the key holds is read as the server reads it: through Starlette's own Request on
the same scope (its cookie parser, the first of repeated headers), with Gradio's login check.
A request that could be read two ways (a header the page depends on sent twice, as two
Cookie headers are) is neither kept nor answered from memory: it goes to Gradio.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.requests import Request

from ..core.html import route_path

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CACHED_PATHS = frozenset({"/", "/config"})
UNKNOWN = object()  # who the visitor is cannot be told here: never cached
ENTRIES = 64  # a team's worth of logins; about 700 kB each
# The headers Gradio reads to build the page and `/config` (route_utils.get_root_url, which
# sets the page's `root`: its links and the address its scripts call): Host through the
# request's URL, then the proxy's and Gradio's own headers, each by its first value.
PAGE_HEADERS = ("host", "x-forwarded-host", "x-forwarded-proto", "x-gradio-server")
# Headers that must come once for the request to be read one way only.
SINGLE_HEADERS = frozenset({"cookie", *PAGE_HEADERS})
# A query parameter whose page reads a file that may appear later (Gradio's deep links).
UNCACHED_QUERY = ("deep_link",)


class PageCache:
    """ASGI middleware keeping the page and `/config` per visitor address and cookies."""

    def __init__(self, app: ASGIApp, entries: int = ENTRIES) -> None:
        self.app = app
        self.entries = entries
        self._kept: OrderedDict[tuple, tuple[list[tuple[bytes, bytes]], bytes]] = OrderedDict()
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = self._key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
        if kept is not None:
            await _replay(kept, send)
            return
        await self.app(scope, receive, self._recording(key, send))

    def _key(self, scope: Scope) -> tuple | None:
        """What the page depends on, read as Gradio reads it; None when it is not to be kept."""
        if scope["type"] != "http" or scope["method"] != "GET":
            return None
        path = route_path(scope)  # under a proxy's prefix too (the key holds the prefix)
        if path not in CACHED_PATHS or _ambiguous(scope):
            return None
        request = Request(scope)
        if any(request.query_params.get(name) for name in UNCACHED_QUERY):
            return None
        person = _person(scope, request)
        if person is UNKNOWN:
            return None
        return (
            path,
            scope.get("query_string", b""),
            scope.get("root_path", ""),
            scope.get("scheme", "http"),
            tuple(scope.get("server") or ()),
            *(request.headers.get(name) for name in PAGE_HEADERS),
            person,
        )

    def _recording(self, key: tuple, send: Send) -> Send:
        start: dict[str, Any] = {}
        body = bytearray()

        async def record(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
                if not message.get("more_body") and start.get("status") == 200:
                    self._keep(key, list(start.get("headers", [])), bytes(body))
            await send(message)

        return record

    def _keep(self, key: tuple, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        if any(name.lower() == b"set-cookie" for name, _ in headers):
            return  # a response that logs someone in or out is never shared
        with self._lock:
            self._kept[key] = (headers, body)
            self._kept.move_to_end(key)
            while len(self._kept) > self.entries:
                self._kept.popitem(last=False)


async def _replay(kept: tuple[list[tuple[bytes, bytes]], bytes], send: Send) -> None:
    headers, body = kept
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _ambiguous(scope: Scope) -> bool:
    """Whether a header the page depends on comes more than once: Starlette and Gradio read
    the first, a proxy or another reader may take the last, so no one reading is safe."""
    seen: set[bytes] = set()
    for name, _value in scope["headers"]:
        name = name.lower()
        if name.decode("latin-1") in SINGLE_HEADERS:
            if name in seen:
                return True
            seen.add(name)
    return False


def _person(scope: Scope, request: Request) -> object:
    """Who Gradio will take the visitor for (its `get_current_user`: the user of a live
    session token read from Starlette's parsed cookies), None for a visitor without one
    (everyone then gets the same login page, or the open app)."""
    gradio = scope.get("app")
    if gradio is None:
        return UNKNOWN
    dependency = getattr(gradio, "auth_dependency", None)
    if dependency is not None:  # the app's own login: its signed cookie names the person
        return dependency(request)
    tokens = getattr(gradio, "tokens", None)
    cookie_id = getattr(gradio, "cookie_id", None)
    if tokens is None or cookie_id is None:
        return UNKNOWN
    cookies = request.cookies
    token = cookies.get(f"access-token-{cookie_id}") or cookies.get(
        f"access-token-unsecure-{cookie_id}"
    )
    return tokens.get(token) if token else None
