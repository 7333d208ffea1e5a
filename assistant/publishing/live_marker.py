"""The store's change marker as the live panels share it and as browsers see it.

Every open tab's panel asks whether the store moved; they share one read a second
(`RecentMarker`, one per store in a process: `shared_marker`). The page's script asks
`GET /live/marker` (`add_marker_route`, served by the parent app beside the client pages)
every few seconds while a live panel is shown, and wakes the panel's Gradio refresh only
when the marker moved: an idle browser costs one tiny GET, no Gradio event.

What browsers get is opaque (a keyed hash of the marker): it says that something changed,
never what or how much. The route answers only someone the UI lets in: with a login
configured, a visitor without a valid session gets 401 and nothing else.
"""

from __future__ import annotations

import hashlib
import hmac
import inspect
import secrets
import time
import weakref
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from ..core.settings import get_settings
from ..core.store import Store
from . import review_queue

MARKER_PATH = "/live/marker"
NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


class RecentMarker:
    """The store's change marker as of at most a second ago: fifty open tabs polling every
    few seconds read it about once a second between them, not eight times. A change shows
    one second later at most, against a poll interval of several."""

    SECONDS = 1.0  # polls within this of each other share one read

    def __init__(self, read: Callable[[], str]) -> None:
        self._read = read
        self._marker: tuple[float, str] = (-self.SECONDS, "")

    def kept(self) -> str | None:
        """The marker read within the last second, or None (no read: safe on the event loop)."""
        read_at, marker = self._marker
        return marker if time.monotonic() - read_at < self.SECONDS else None

    def recent(self) -> str:
        kept = self.kept()
        return kept if kept is not None else self.fresh()

    def fresh(self) -> str:
        read_at = time.monotonic()  # before the read: a change during it is not hidden
        marker = self._read()
        self._marker = (read_at, marker)
        return marker


_shared: weakref.WeakKeyDictionary[Store, RecentMarker] = weakref.WeakKeyDictionary()


def shared_marker(store: Store) -> RecentMarker:
    """The one RecentMarker of `store` in this process: every panel's handlers and the
    browsers' marker route share its reads."""
    found = _shared.get(store)
    if found is None:
        found = _shared.setdefault(store, RecentMarker(lambda: review_queue.change_marker(store)))
    return found


_PROCESS_KEY = secrets.token_bytes(32)


def _key() -> bytes:
    """Replicas sharing a secret key give the same marker (a browser moved to another one
    refreshes nothing for it); a lone process makes up its own."""
    secret = get_settings().secret_key
    if secret:
        return hashlib.sha256(b"assistant-live-marker\0" + secret.encode()).digest()
    return _PROCESS_KEY


def opaque(marker: str) -> str:
    """What browsers see of a change marker: equal markers give equal strings, and nothing
    of the store's counts can be read back from it."""
    return hmac.new(_key(), marker.encode(), hashlib.sha256).hexdigest()[:20]


class MarkerRoute:
    """`GET /live/marker`: the opaque marker, for whoever the UI lets in, else 401; `HEAD`
    answers the same without the body (a proxy's or a monitor's check)."""

    def __init__(self, store_of: Callable[[], Store]) -> None:
        self.store_of = store_of
        self.ui: Any = None  # Gradio's app once mounted: it knows who is logged in
        self._marker: RecentMarker | None = None

    async def answer(self, request: Request) -> Response:
        if not await self.let_in(request):
            return Response(status_code=401, headers=NO_STORE)
        if self._marker is None:
            self._marker = shared_marker(self.store_of())
        marker = self._marker.kept()
        if marker is None:  # at most once a second: the read, off the event loop
            marker = await run_in_threadpool(self._marker.recent)
        return PlainTextResponse(opaque(marker), headers=NO_STORE)

    async def let_in(self, request: Request) -> bool:
        """The UI's own answer (Gradio's, as for its page and events): the app's login when
        it has one, Gradio's accounts otherwise, anybody when no login is configured."""
        ui = self.ui
        if ui is None:  # not mounted yet: nobody
            return False
        if ui.auth_dependency is not None:
            user = ui.auth_dependency(request)
            if inspect.isawaitable(user):
                user = await user
            return user is not None
        if ui.auth is None:
            return True
        cookies = request.cookies
        token = cookies.get(f"access-token-{ui.cookie_id}") or cookies.get(
            f"access-token-unsecure-{ui.cookie_id}"
        )
        return token is not None and ui.tokens.get(token) is not None


def add_marker_route(parent: FastAPI, store_of: Callable[[], Store]) -> MarkerRoute:
    """Serve the marker from `parent` (before the UI's mount, which takes every other path);
    set the returned route's `ui` to Gradio's app once the UI is mounted."""
    route = MarkerRoute(store_of)
    parent.add_api_route(
        MARKER_PATH, route.answer, methods=["GET", "HEAD"], include_in_schema=False
    )
    return route
