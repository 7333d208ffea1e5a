"""The web server: a FastAPI parent app serving the client approval pages (`/r/…`) and the
review UI mounted under it (`gr.mount_gradio_app`), run by uvicorn as Gradio's own launch
would (same log level, same options: login, page cache, served visuals, theme, language).

A parent app is where routes of our own live without going through Gradio: the client's page
needs no Gradio, no login and no session; the live panels' marker (`/live/marker`) needs no
Gradio event, only the UI's own login check.

Behind a proxy that serves the app under a path and strips it (`/assistant/…` → `/…`), the
proxy says the path in `X-Forwarded-Prefix`; `ForwardedPrefix` makes it the ASGI root_path,
as uvicorn's `--root-path` would, so Gradio's page, the login pages and their redirects all
give addresses under it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import gradio as gr
import uvicorn
from fastapi import FastAPI, Response
from starlette.routing import Mount

from .core.html import plain_prefix
from .core.store import Store, open_store
from .login import add_login, login_enabled
from .publishing.client_page import add_client_pages, mask_tokens_in_logs
from .publishing.live_marker import add_marker_route


class ForwardedPrefix:
    """ASGI middleware: a proxy's `X-Forwarded-Prefix: /assistant` becomes the request's
    root_path (and the front of its path, as the ASGI spec has it), unless the server
    already set one. Anything but a plain path is ignored: the header only ever changes the
    addresses given back to the same requester."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket") and not scope.get("root_path"):
            prefix = forwarded_prefix(scope)
            if prefix:
                scope = dict(scope, root_path=prefix, path=prefix + scope["path"])
                if scope.get("raw_path") is not None:
                    scope["raw_path"] = prefix.encode() + scope["raw_path"]
        await self.app(scope, receive, send)


def forwarded_prefix(scope: Any) -> str:
    """The proxy's `X-Forwarded-Prefix` when it is a plain path (without its last "/")."""
    for name, value in scope.get("headers", []):
        if name == b"x-forwarded-prefix":
            return plain_prefix(value.decode("latin-1"))
    return ""


def parent_app(
    blocks: gr.Blocks,
    options: dict[str, Any],
    auth: list[tuple[str, str]] | None = None,
    store_of: Callable[[], Store] = open_store,
) -> FastAPI:
    """The client pages, the live marker, then the UI at `/` with `options`
    (`launch_options()`): behind the app's own login when `ASSISTANT_SECRET_KEY` is set, else
    Gradio's with `auth`; the marker answers whoever the UI lets in."""
    parent = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    for path in UNSERVED:  # Gradio's app would list its routes to anyone
        parent.add_api_route(path, _not_served, methods=["GET", "HEAD"], include_in_schema=False)
    add_client_pages(parent, store_of)
    marker = add_marker_route(parent, store_of)
    if login_enabled():  # the app's own login: a signed cookie any process accepts
        login = add_login(parent, store_of)
        gr.mount_gradio_app(parent, blocks, path="/", auth_dependency=login.user, **options)
    else:
        gr.mount_gradio_app(parent, blocks, path="/", auth=auth, **options)
    [marker.ui] = [r.app for r in parent.routes if isinstance(r, Mount) and r.path == ""]
    parent.add_middleware(ForwardedPrefix)  # outermost: every route sees the proxy's path
    return parent


UNSERVED = ("/openapi.json", "/gradio_api/openapi.json")


def _not_served() -> Response:
    return Response(status_code=404)


def serve(app: FastAPI, host: str, port: int, when_up: Callable[[], None] | None = None) -> None:
    """Run until interrupted; `when_up` runs once the server answers (warming workers)."""
    mask_tokens_in_logs()
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    if when_up is not None:
        threading.Thread(target=_after_start, args=(server, when_up), daemon=True).start()
    print(f"* Running on local URL:  http://{host}:{port}", flush=True)
    server.run()


def _after_start(server: uvicorn.Server, work: Callable[[], None]) -> None:
    while not server.started and not server.should_exit:
        time.sleep(0.05)
    if server.started:
        work()
