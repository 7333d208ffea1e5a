"""The app's own login: a page (`/login`, plain server-rendered HTML, FR/EN) that checks a
name and password against the `users` table (or `ASSISTANT_AUTH` for a one-person trial)
and sets a cookie signed with `ASSISTANT_SECRET_KEY`; `/logout` clears it.

Nothing of a session lives in a process: the cookie holds the name and a stamp of the
password hash, signed (itsdangerous) with the key every process shares, so any replica
behind the same address accepts it, and a password changed or an account removed ends its
sessions everywhere (each process re-reads an account at most every `ACCOUNT_SECONDS`).

Gradio reads the user through `auth_dependency` (`Login.user`); a visit of the page without
a login is sent to `/login?next=…` (`LoginWall`). `next` is only ever a path of this site.
Wrong passwords are counted per account and per address in this process's memory
(`login_failures` a minute; behind haproxy's stickiness a person keeps to one process)."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool

from .core import users
from .core.html import html_templates, words_in
from .core.html import page_language as html_page_language
from .core.limits import limits
from .core.settings import get_settings
from .core.store import Store
from .publishing.client_page import SAFE_HEADERS, FailureLimiter

COOKIE = "assistant-session"
SALT = "assistant-login"
LANG_COOKIE = "assistant-lang"  # the UI's FR/EN switch, read here too
TEMPLATES = Path(__file__).parent / "templates"
WORDS_FILE = Path(__file__).parent / "data" / "login_page.yaml"
ACCOUNT_SECONDS = 5.0  # how stale this process's view of an account may be
ADDRESS_FACTOR = 4  # an address (an office behind one NAT) may fail this many accounts' bound


def login_enabled() -> bool:
    """The app's own login is on when the processes share a secret key."""
    return bool(get_settings().secret_key)


def words(lang: str) -> dict[str, str]:
    return words_in(WORDS_FILE, lang)


def page_language(request: Request) -> str:
    """`?lang=`, else the UI's remembered switch, else Accept-Language, else French."""
    return html_page_language(request, LANG_COOKIE)


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path of this site, never another site (`//evil`,
    `/\\evil`, `https://…`, a control character); anything else is the app's page."""
    target = target or "/"
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


def _plain_stamp(password: str) -> str:
    return "env-" + hashlib.sha256(password.encode()).hexdigest()[:16]


def _plain_accounts() -> dict[str, tuple[str, str]]:
    return users.plain_accounts()


class Accounts:
    """Who may log in, as this process last read it (at most `ACCOUNT_SECONDS` ago): the
    `users` table, then `ASSISTANT_AUTH`'s plain-text accounts."""

    def __init__(self, store_of: Callable[[], Store], clock: Callable[[], float] = time.monotonic):
        self.store_of, self.clock = store_of, clock
        self._seen: dict[str, tuple[float, tuple[str, str] | None]] = {}
        self._lock = threading.Lock()

    def current(self, name: str) -> tuple[str, str] | None:
        """(role, stamp) of the account named `name`, or None."""
        with self._lock:
            kept = self._seen.get(name)
        if kept is not None and self.clock() - kept[0] < ACCOUNT_SECONDS:
            return kept[1]
        found = self._read(name)
        with self._lock:
            if len(self._seen) > 10_000:
                self._seen.clear()
            self._seen[name] = (self.clock(), found)
        return found

    def _read(self, name: str) -> tuple[str, str] | None:
        account = users.find(self.store_of(), name)
        if account is not None:
            return account.role, account.stamp
        plain = _plain_accounts().get(name)
        return (plain[1], _plain_stamp(plain[0])) if plain else None

    def check(self, name: str, password: str) -> tuple[str, str] | None:
        """(role, stamp) when `password` is `name`'s, else None."""
        account = users.verify(self.store_of(), name, password)
        if account is not None:
            return account.role, account.stamp
        plain = _plain_accounts().get(name)
        if plain and hmac.compare_digest(plain[0].encode(), password.encode()):
            return plain[1], _plain_stamp(plain[0])
        return None


class Login:
    """The login page, the logout, and who a request's cookie names."""

    def __init__(self, store_of: Callable[[], Store], secret: str | None = None) -> None:
        self.accounts = Accounts(store_of)
        self.signer = URLSafeTimedSerializer(secret or get_settings().secret_key, salt=SALT)
        bound = limits().login_failures
        self.by_name = FailureLimiter(bound)
        self.by_address = FailureLimiter(bound * ADDRESS_FACTOR)
        self.max_age = limits().login_hours * 3600

    # -- the session -------------------------------------------------------------------------

    def token(self, name: str, stamp: str) -> str:
        return self.signer.dumps({"u": name, "s": stamp})

    def user(self, request: Request) -> str | None:
        """The logged-in user's name, or None: Gradio's `auth_dependency`."""
        value = request.cookies.get(COOKIE)
        if not value:
            return None
        try:
            data = self.signer.loads(value, max_age=self.max_age)
        except BadSignature:  # a forged, altered, expired or other key's cookie
            return None
        if not isinstance(data, dict):
            return None
        name, stamp = data.get("u"), data.get("s")
        if not isinstance(name, str) or not isinstance(stamp, str):
            return None
        found = self.accounts.current(name)
        return name if found is not None and hmac.compare_digest(found[1], stamp) else None

    # -- the pages ---------------------------------------------------------------------------

    def router(self) -> APIRouter:
        router = APIRouter()
        router.add_api_route("/login", self.show, methods=["GET", "HEAD"])
        router.add_api_route("/login", self.submit, methods=["POST"])
        router.add_api_route("/logout", self.logout, methods=["GET", "POST"])
        return router

    def _page(self, request: Request, status: int = 200, **context: Any) -> HTMLResponse:
        lang = page_language(request)
        template = html_templates(TEMPLATES).get_template("login.html.j2")
        body = template.render(
            lang=lang,
            words=words(lang),
            next=safe_next(context.pop("next", None) or request.query_params.get("next")),
            name=context.pop("name", ""),
            notice=context.pop("notice", ""),
            notice_kind=context.pop("notice_kind", "error"),
            name_chars=limits().name_chars,
            password_chars=limits().password_max_chars,
        )
        return HTMLResponse(body, status_code=status, headers=SAFE_HEADERS)

    async def show(self, request: Request) -> Response:
        if self.user(request) is not None:
            return RedirectResponse(safe_next(request.query_params.get("next")), 303)
        text = words(page_language(request))
        notice = text["logged_out"] if request.query_params.get("out") else ""
        return self._page(request, notice=notice, notice_kind="ok")

    async def submit(self, request: Request) -> Response:
        form = await request.form()
        name = str(form.get("name", "")).strip()[: limits().name_chars]
        password = str(form.get("password", ""))
        target = safe_next(str(form.get("next", "")))
        text = words(page_language(request))
        address = request.client.host if request.client else "?"
        if self.by_name.blocked(name) or self.by_address.blocked(address):
            return self._page(request, 429, next=target, name=name, notice=text["too_many"])
        # Argon2 takes tens of milliseconds of a core: off the event loop serving everyone
        found = await run_in_threadpool(self.accounts.check, name, password) if name else None
        if found is None:
            self.by_name.failed(name)
            self.by_address.failed(address)
            return self._page(request, 401, next=target, name=name, notice=text["wrong"])
        answer = RedirectResponse(target, status_code=303, headers=SAFE_HEADERS)
        answer.set_cookie(
            COOKIE,
            self.token(name, found[1]),
            max_age=self.max_age,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/",
        )
        return answer

    async def logout(self, request: Request) -> Response:
        lang = page_language(request)
        answer = RedirectResponse(f"/login?out=1&lang={lang}", status_code=303)
        answer.delete_cookie(
            COOKIE, path="/", httponly=True, samesite="lax", secure=request.url.scheme == "https"
        )
        return answer


class LoginWall:
    """ASGI middleware: the app's page asked for without a login is sent to the login page,
    which brings the visitor back to where they were going."""

    PAGES = frozenset({"/"})

    def __init__(self, app: Any, login: Login) -> None:
        self.app, self.login = app, login

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in ("GET", "HEAD")
            and scope["path"] in self.PAGES
        ):
            request = Request(scope)
            if self.login.user(request) is None:
                query = scope.get("query_string", b"").decode("latin-1")
                wanted = scope["path"] + (f"?{query}" if query else "")
                answer = RedirectResponse(f"/login?next={quote(wanted, safe='')}", 303)
                await answer(scope, receive, send)
                return
        await self.app(scope, receive, send)


def add_login(app: FastAPI, store_of: Callable[[], Store]) -> Login:
    """Serve `/login` and `/logout` from `app` and guard its page; the Login, whose `user`
    is Gradio's `auth_dependency`."""
    login = Login(store_of)
    app.include_router(login.router())
    app.add_middleware(LoginWall, login=login)
    return login


@cache
def _accounts(url: str) -> Accounts:
    from .core.store import open_store

    return Accounts(lambda: open_store(url))


def current_role(name: str) -> str | None:
    """The role of a logged-in user as the accounts now hold it, or None."""
    found = _accounts(get_settings().database_url()).current(name)
    return found[0] if found is not None else None
