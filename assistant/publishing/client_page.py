"""The client approval page, `/r/<token>`: plain server-rendered HTML (Jinja2, autoescaped),
no Gradio, no session kept on the server (any process of the app answers any request).

- A GET only renders (mail scanners open links): the first visit is recorded once.
- A decision is a POST carrying the page's form token (an HMAC of the link's id with the
  server's secret kept in the data folder).
- Unknown or revoked link → 404, expired → 410, a post outside the link → 403, a form without
  its token → 403, a text changed since the link was sent → 409: nothing changes but one
  refusal row in the link's trail.
- An address that tried more than `review_link_failures` unknown tokens or wrong passwords in
  the last minute gets 429 for any link until the minute has passed. The count is kept in the
  store (`core.login_failures`, keyed digests of the addresses), so every process of the app
  meets the same count: spreading guesses over replicas gains nothing.
- Every answer carries `Referrer-Policy: no-referrer`, `Cache-Control: no-store` and
  `X-Robots-Tag: noindex`; the token never reaches a log line (`MaskTokens`).
"""

from __future__ import annotations

import hmac
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from ..core.clock import reader_time
from ..core.errors import InputError
from ..core.html import html_templates, words_in
from ..core.html import page_language as html_page_language
from ..core.limits import limits
from ..core.login_failures import SharedFailures
from ..core.settings import get_settings
from ..core.store import Store
from . import client_links as links
from . import client_review as visit

TEMPLATES = Path(__file__).parent.parent / "templates"
WORDS_FILE = Path(__file__).parent.parent / "data" / "client_page.yaml"
SAFE_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
COOKIE = "review-link-{id}"
TOKEN_IN_PATH = re.compile(r"/r/[^/?#\s\"']+")
MASKED = "/r/[token]"
log = logging.getLogger("assistant.publishing.client_page")


def words(lang: str) -> dict[str, str]:
    return words_in(WORDS_FILE, lang)


def page_language(request: Request) -> str:
    """The switch's choice (`?lang=`), else the browser's Accept-Language, else French."""
    return html_page_language(request)


class MaskTokens(logging.Filter):
    """Replaces `/r/<token>` by `/r/[token]` in a record (uvicorn's access log prints the
    path: a token in a log file would open the link to whoever reads the logs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = TOKEN_IN_PATH.sub(MASKED, record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                TOKEN_IN_PATH.sub(MASKED, a) if isinstance(a, str) else a for a in record.args
            )
        elif isinstance(record.args, dict):
            record.args = {
                k: TOKEN_IN_PATH.sub(MASKED, v) if isinstance(v, str) else v
                for k, v in record.args.items()
            }
        return True


def mask_tokens_in_logs() -> None:
    """Install the mask on the loggers that print request paths (once)."""
    for name in ("uvicorn.access", "uvicorn.error", "uvicorn", "gradio", "assistant"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskTokens) for f in logger.filters):
            logger.addFilter(MaskTokens())


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


def _respond(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=SAFE_HEADERS)


def _page(**context: Any) -> str:
    template = html_templates(TEMPLATES).get_template("client_review.html.j2")
    defaults = {
        "notice": "",
        "notice_kind": "ok",
        "locked": False,
        "posts": None,
        "form_token": "",
        "token": "",
        "intro": "",
        "expires": "",
        "comment_chars": limits().comment_chars,
    }
    return template.render(**{**defaults, **context})


def _refusal_page(lang: str, key: str, status: int) -> HTMLResponse:
    text = words(lang)
    return _respond(
        _page(lang=lang, words=text, notice=text.get(key, key), notice_kind="error"), status
    )


def _post_view(post: visit.Post, token: str, lang: str, text: dict[str, str]) -> dict[str, Any]:
    decided = [
        text[f"decided_{d['action']}"].format(n=d["version"], comment=d["comment"] or "")
        for d in post.decisions
    ]
    return {
        "variant_id": post.variant_id,
        "platform": post.platform,
        "network": post.network,
        "brand": post.brand,
        "text": post.text,
        "see_more": post.see_more,
        "fold_note": text["fold"].format(network=post.network),
        "cut": post.cut,
        "alt_text": post.alt_text,
        "image_urls": [
            f"{token}/visual/{post.variant_id}/{index}" for index in range(len(post.images))
        ],
        "when": text["planned"].format(when=reader_time(post.publish_at, post.timezone, lang))
        if post.publish_at
        else "",
        "version_text": text["version"].format(n=post.pinned),
        "pinned": post.pinned,
        "changed": post.changed,
        "open": post.open,
        "decided": decided,
    }


class ClientPages:
    """The routes of `/r/…` over one store; `secret` signs forms and the password cookie."""

    def __init__(self, store_of: Callable[[], Store], limiter: SharedFailures) -> None:
        self.store_of = store_of
        self.limiter = limiter

    def router(self) -> APIRouter:
        router = APIRouter()
        router.add_api_route("/r/{token}", self.show, methods=["GET", "HEAD"])
        router.add_api_route("/r/{token}", self.decide, methods=["POST"])
        router.add_api_route("/r/{token}/unlock", self.unlock, methods=["POST"])
        router.add_api_route("/r/{token}/visual/{variant_id}/{index}", self.visual)
        return router

    def _secret(self) -> bytes:
        return links.server_secret()

    def _link(self, request: Request, token: str) -> links.ReviewLink | Response:
        """The usable link, or the refusal page (recorded; 429 before any look-up)."""
        lang = page_language(request)
        address = _client(request)
        if self.limiter.blocked(address):
            return _refusal_page(lang, "too_many", 429)
        try:
            return visit.usable(self.store_of(), token)
        except links.LinkRefused as refused:
            if refused.key == "link_unknown":
                self.limiter.failed(address)
            key = "link_expired" if refused.status == 410 else "link_unknown"
            return _refusal_page(lang, key, refused.status)

    def _unlocked(self, request: Request, link: links.ReviewLink) -> bool:
        if link.password_hash is None:
            return True
        given = request.cookies.get(COOKIE.format(id=link.id), "")
        return hmac.compare_digest(given, links.unlock_proof(link, self._secret()))

    def _render(
        self,
        request: Request,
        token: str,
        link: links.ReviewLink,
        notice: str = "",
        kind: str = "ok",
        status: int = 200,
    ) -> HTMLResponse:
        lang = page_language(request)
        text = words(lang)
        shown = {
            "lang": lang,
            "words": text,
            "token": token,
            "form_token": links.form_token(link.id, self._secret()),
            "notice": notice,
            "notice_kind": kind,
        }
        if not self._unlocked(request, link):
            return _respond(_page(locked=True, **shown), status)
        posts = visit.page_posts(self.store_of(), link)
        brand = posts[0].brand if posts else ""
        zone = posts[0].timezone if posts else "UTC"
        return _respond(
            _page(
                posts=[_post_view(p, token, lang, text) for p in posts],
                intro=text["intro"].format(brand=brand, label=link.label),
                expires=text["expires"].format(when=reader_time(link.expires_at, zone, lang)),
                **shown,
            ),
            status,
        )

    async def show(self, request: Request, token: str) -> Response:
        """Render only: the first visit is recorded, nothing else changes."""
        found = self._link(request, token)
        if isinstance(found, Response):
            return found
        if request.method == "GET" and self._unlocked(request, found):
            visit.mark_opened(self.store_of(), found)
        return self._render(request, token, found)

    async def decide(self, request: Request, token: str) -> Response:
        posted = await self._posted(request, token, unlocked=True)
        if isinstance(posted, Response):
            return posted
        found, form = posted
        text = words(page_language(request))
        try:
            variant_id = int(str(form.get("variant_id", "")))
        except ValueError:
            return self._render(request, token, found, text["link_out_of_scope"], "error", 400)
        action, comment = str(form.get("action", "")), str(form.get("comment", ""))
        try:
            visit.decide(self.store_of(), found, variant_id, action, comment)
        except links.LinkRefused as refused:
            return self._render(request, token, found, text[refused.key], "error", refused.status)
        except InputError as bad:
            message = text.get(bad.key or "", str(bad))
            return self._render(request, token, found, message, "error", 400)
        return self._render(request, token, found, text["done"])

    async def _posted(
        self, request: Request, token: str, unlocked: bool
    ) -> tuple[links.ReviewLink, Any] | Response:
        """The link and the form posted to it, or the page to answer instead: the link's
        refusal, or a form without its token (or, when `unlocked`, sent to a locked page)."""
        found = self._link(request, token)
        if isinstance(found, Response):
            return found
        form = await request.form()
        if not self._form_ok(form, found) or (unlocked and not self._unlocked(request, found)):
            return self._bad_form(request, token, found)
        return found, form

    def _bad_form(self, request: Request, token: str, link: links.ReviewLink) -> HTMLResponse:
        """A form without its token (or posted to a locked page): the refusal recorded, the
        page shown again with the reason."""
        refused = links.LinkRefused("bad form", status=403, key="link_bad_form")
        visit.refuse(self.store_of(), refused, link)
        lang = page_language(request)
        return self._render(request, token, link, words(lang)["link_bad_form"], "error", 403)

    def _form_ok(self, form: Any, link: links.ReviewLink) -> bool:
        given = str(form.get("form_token", ""))
        return bool(given) and hmac.compare_digest(given, links.form_token(link.id, self._secret()))

    async def unlock(self, request: Request, token: str) -> Response:
        posted = await self._posted(request, token, unlocked=False)
        if isinstance(posted, Response):
            return posted
        found, form = posted
        password = str(form.get("password", ""))
        lang = page_language(request)
        if found.password_hash is None or not links.password_matches(found.password_hash, password):
            wrong = links.LinkRefused("wrong", status=403, key="link_wrong_password")
            visit.refuse(self.store_of(), wrong, found)
            self.limiter.failed(_client(request))
            return self._render(request, token, found, words(lang)["wrong_password"], "error", 403)
        answer = RedirectResponse(f"../{token}?lang={lang}", status_code=303, headers=SAFE_HEADERS)
        answer.set_cookie(
            COOKIE.format(id=found.id),
            links.unlock_proof(found, self._secret()),
            max_age=int((found.expires_at - links.now()).total_seconds()),
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/r/",
        )
        return answer

    async def visual(self, request: Request, token: str, variant_id: int, index: int) -> Response:
        found = self._link(request, token)
        if isinstance(found, Response):
            return found
        if not self._unlocked(request, found):
            return _refusal_page(page_language(request), "link_out_of_scope", 403)
        try:
            path = visit.visual_path(self.store_of(), found, variant_id, index)
        except links.LinkRefused as refused:
            return _refusal_page(page_language(request), "link_out_of_scope", refused.status)
        return FileResponse(path, headers=SAFE_HEADERS)


def add_client_pages(
    app: FastAPI, store_of: Callable[[], Store], limiter: SharedFailures | None = None
) -> FastAPI:
    """Serve `/r/…` from `app` (the parent app the UI is mounted in)."""
    mask_tokens_in_logs()
    if limiter is None:
        bound, secret = limits().review_link_failures, get_settings().secret_key
        limiter = SharedFailures(store_of, bound, "client-link", secret)
    app.include_router(ClientPages(store_of, limiter).router())
    return app
