"""The reader's language before Gradio's first label: a script placed first in the page.

Gradio picks its labels' language from the browser once, when its scripts start, and a
tab's label set then does not follow a later change of language. The FR/EN switch keeps the
reader's choice in a cookie; this middleware puts `scripts/language_head.js` at the top of
the page's <head>, before Gradio's own scripts, so that choice is the language Gradio reads.
Gradio's `head=` option is too late for this: it is added to the page after Gradio starts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from .templates import UI_DIR

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PAGE_PATHS = frozenset({"/"})


def head_script() -> bytes:
    source = (UI_DIR / "scripts" / "language_head.js").read_text(encoding="utf-8")
    return f"<script>{source}</script>".encode()


class FirstScript:
    """ASGI middleware: the page's HTML (and nothing else) gets the script after <head>."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.script = head_script()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] not in PAGE_PATHS:
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body = bytearray()

        async def hold(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body"):
                return
            await send_page(start, bytes(body))

        async def send_page(head: Message, page: bytes) -> None:
            headers = [(k, v) for k, v in head.get("headers", [])]
            kinds = {k.lower(): v for k, v in headers}
            html = kinds.get(b"content-type", b"").startswith(b"text/html")
            if html and b"content-encoding" not in kinds and b"<head>" in page:
                page = page.replace(b"<head>", b"<head>" + self.script, 1)
                headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(page)).encode()))
            await send({**head, "headers": headers})
            await send({"type": "http.response.body", "body": page, "more_body": False})

        await self.app(scope, receive, hold)
