"""The app's own login: a page (`/login`, plain server-rendered HTML, FR/EN) that checks a
name and password against the `users` table (or `ASSISTANT_AUTH` for a one-person trial)
and sets a cookie signed with `ASSISTANT_SECRET_KEY`; `/logout` ends that session.

Nothing of a session lives in a process: the cookie holds the name, a stamp of the
password hash and a random session id, signed (itsdangerous) with the key every process
shares, so any replica behind the same address accepts it. A password changed or an account
removed ends its sessions everywhere, and so does a logout (the id is recorded in the store's
`ended_sessions`, `core.sessions`): each process re-reads an account and a session at most
every few seconds, so a copy of the cookie stops working on every replica.

Gradio reads the user through `auth_dependency` (`Login.user`); a visit of the page without
a login is sent to `/login?next=…` (`LoginWall`). `next` is only ever a path of this site.
Wrong passwords are counted per account and per address in the store (`login_failures` a
minute, `core.login_failures`), so guesses spread over the replicas meet one count.

Behind a proxy serving the app under a path (`/assistant/`), the ASGI `root_path` (uvicorn's,
or `X-Forwarded-Prefix` through `web.ForwardedPrefix`) prefixes every address the pages
give: the form's action, the redirects after login and logout, the wall's redirect."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from .core import users
from .core.errors import StoreError
from .core.html import html_templates, route_path, words_in
from .core.html import page_language as html_page_language
from .core.limits import limits
from .core.login_failures import SharedFailures
from .core.sessions import SessionCheck
from .core.settings import get_settings
from .core.store import Store
from .publishing.client_page import SAFE_HEADERS

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


def path_prefix(request: HTTPConnection) -> str:
    """The path the app is served under (`/assistant`), or "": the ASGI root_path."""
    return str(request.scope.get("root_path", "")).rstrip("/")


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
        secret = secret or get_settings().secret_key
        self.accounts = Accounts(store_of)
        self.sessions = SessionCheck(store_of)
        self.signer = URLSafeTimedSerializer(secret, salt=SALT)
        bound = limits().login_failures
        self.by_name = SharedFailures(store_of, bound, "name", secret)
        self.by_address = SharedFailures(store_of, bound * ADDRESS_FACTOR, "address", secret)
        self.max_age = limits().login_hours * 3600

    # -- the session -------------------------------------------------------------------------

    def token(self, name: str, stamp: str) -> str:
        """A new session's cookie: the user, their password's stamp, a random session id."""
        return self.signer.dumps({"u": name, "s": stamp, "i": secrets.token_urlsafe(32)})

    def session(self, request: HTTPConnection) -> tuple[str, str, datetime] | None:
        """(name, session id, when the cookie expires) of a validly signed, unexpired cookie
        naming an account as it now is, or None. A cookie made before session ids were (no
        `i`) could not be ended by a logout: it is refused, its user logs in once more."""
        value = request.cookies.get(COOKIE)
        if not value:
            return None
        try:
            data, signed_at = self.signer.loads(value, max_age=self.max_age, return_timestamp=True)
        except BadSignature:  # a forged, altered, expired or other key's cookie
            return None
        if not isinstance(data, dict):
            return None
        name, stamp, session_id = data.get("u"), data.get("s"), data.get("i")
        if not all(isinstance(v, str) and v for v in (name, stamp, session_id)):
            return None
        found = self.accounts.current(name)
        if found is None or not hmac.compare_digest(found[1], stamp):
            return None
        return name, session_id, signed_at.astimezone(UTC) + timedelta(seconds=self.max_age)

    def user(self, request: HTTPConnection) -> str | None:
        """The logged-in user's name, or None: Gradio's `auth_dependency`. A session its user
        logged out of, on any process, is nobody's."""
        found = self.session(request)
        if found is None or self.sessions.ended(found[1]):
            return None
        return found[0]

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
            prefix=path_prefix(request),
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
            target = safe_next(request.query_params.get("next"))
            return RedirectResponse(path_prefix(request) + target, 303)
        text = words(page_language(request))
        out = request.query_params.get("out")
        if out == "here":  # the store could not be told: other copies of the cookie live on
            return self._page(request, notice=text["logged_out_here"], notice_kind="error")
        notice = text["logged_out"] if out else ""
        return self._page(request, notice=notice, notice_kind="ok")

    async def submit(self, request: Request) -> Response:
        form = await request.form()
        name = str(form.get("name", "")).strip()[: limits().name_chars]
        password = str(form.get("password", ""))
        target = safe_next(str(form.get("next", "")))
        text = words(page_language(request))
        if request.headers.get("sec-fetch-site") == "cross-site":
            # another site posting this form would log the visitor into an account it chose
            return self._page(request, 403, next=target, name=name, notice=text["other_site"])
        address = request.client.host if request.client else "?"
        tries = await run_in_threadpool(self._attempt, name, address)
        if tries is None:
            return self._page(request, 429, next=target, name=name, notice=text["too_many"])
        # Argon2 takes tens of milliseconds of a core: off the event loop serving everyone
        found = await run_in_threadpool(self.accounts.check, name, password) if name else None
        if found is None:  # the try stays counted
            return self._page(request, 401, next=target, name=name, notice=text["wrong"])
        await run_in_threadpool(self._forgive, tries)
        prefix = path_prefix(request)
        answer = RedirectResponse(prefix + target, status_code=303, headers=SAFE_HEADERS)
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

    def _attempt(self, name: str, address: str) -> tuple[int, int] | None:
        """The try counted for its account and its address before the password is checked
        (see `SharedFailures.attempt`); None when either is over its bound."""
        by_name = self.by_name.attempt(name)
        if by_name is None:
            return None
        by_address = self.by_address.attempt(address)
        if by_address is None:
            self.by_name.forgive(by_name)
            return None
        return by_name, by_address

    def _forgive(self, tries: tuple[int, int]) -> None:
        self.by_name.forgive(tries[0])
        self.by_address.forgive(tries[1])

    async def logout(self, request: Request) -> Response:
        """End this session on every process (a copy of the cookie is refused too), then
        clear the browser's cookie. A store that cannot be told is said on the login page."""
        lang = page_language(request)
        out = "1"
        found = self.session(request)
        if found is not None:
            try:
                await run_in_threadpool(self.sessions.end, found[1], found[2])
            except StoreError:
                out = "here"
        target = f"{path_prefix(request)}/login?out={out}&lang={lang}"
        answer = RedirectResponse(target, status_code=303)
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
            and route_path(scope) in self.PAGES
        ):
            request = Request(scope)
            if self.login.user(request) is None:
                query = scope.get("query_string", b"").decode("latin-1")
                wanted = route_path(scope) + (f"?{query}" if query else "")
                where = f"{path_prefix(request)}/login?next={quote(wanted, safe='')}"
                answer = RedirectResponse(where, 303)
                await answer(scope, receive, send)
                return
            await self.app(scope, receive, _not_kept(send))
            return
        await self.app(scope, receive, send)


def _not_kept(send: Any) -> Any:
    """`send` with `Cache-Control: no-store` on the page: the browser keeps no copy, so its
    Back button after a logout asks again (and lands on the login page) instead of showing a
    page whose every part then fails."""

    async def sending(message: Any) -> None:
        if message["type"] == "http.response.start":
            headers = [
                (k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"
            ]
            message = {**message, "headers": [*headers, (b"cache-control", b"no-store")]}
        await send(message)

    return sending


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
