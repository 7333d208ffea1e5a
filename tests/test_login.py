"""The app's own login: accounts kept hashed (`assistant users …`), a login page setting a
signed cookie, its refusals (wrong password, too many tries, another site in `next=`), and
a password change or a removal ending the sessions made before it."""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy import select

from .command_line import run
from .conftest import use_env

SECRET = "a-shared-secret-of-the-team"
PASSWORD = "correct horse battery"


@pytest.fixture()
def store():
    from assistant.core.store import open_store

    return open_store()


@pytest.fixture()
def team_login(monkeypatch):
    use_env(monkeypatch, ASSISTANT_SECRET_KEY=SECRET)


def _add(name: str, role: str = "reviewer", password: str = PASSWORD) -> tuple[int, str, str]:
    return run(["users", "add", name, "--role", role], stdin=f"{password}\n")


# ---- the accounts --------------------------------------------------------------------------


def test_users_add_list_passwd_role_remove(store):
    from assistant.core import users

    code, out, err = _add("rita")
    assert (code, out.strip()) == (0, "User rita added (reviewer)."), err
    stored = users.find(store, "rita")
    assert stored is not None and stored.role == "reviewer"
    with store.session() as session:
        [hashed] = session.scalars(select(users.User.password_hash)).all()
    assert hashed.startswith("$argon2id$") and PASSWORD not in hashed
    assert users.verify(store, "rita", PASSWORD) is not None
    assert users.verify(store, "rita", "wrong password!") is None

    code, out, _err = run(["users", "list", "--format", "json"])
    listed = json.loads(out)
    assert code == 0 and [(u["name"], u["role"]) for u in listed] == [("rita", "reviewer")]

    code, _out, err = run(["users", "passwd", "rita"], stdin="another long one\n")
    assert code == 0, err
    assert users.verify(store, "rita", PASSWORD) is None
    assert users.verify(store, "rita", "another long one") is not None

    assert run(["users", "role", "rita", "admin"])[0] == 0
    assert users.find(store, "rita").role == "admin"

    assert run(["users", "remove", "rita"])[0] == 0
    assert users.find(store, "rita") is None


def test_users_refusals_are_worded_and_change_nothing(store):
    from assistant.core import users

    assert _add("rita")[0] == 0
    code, _out, err = _add("rita", password="another long one")
    assert code == 2 and "already exists" in err and "users passwd rita" in err
    assert users.verify(store, "rita", PASSWORD) is not None  # untouched
    code, _out, err = _add("sam", password="short")
    assert code == 2 and "at least 10" in err
    code, _out, err = _add("sam", role="boss")
    assert code == 2 and "unknown role 'boss'" in err
    code, _out, err = _add("bad name")
    assert code == 2 and "cannot be a user name" in err
    code, _out, err = run(["users", "passwd", "nobody"], stdin=f"{PASSWORD}\n")
    assert code == 2 and "no user named 'nobody'" in err
    assert [a.name for a in users.listed(store)] == ["rita"]


# ---- the login page, in-process ------------------------------------------------------------


class Clock:
    """This process's view of an account is kept a few seconds: a clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _site(
    store,
    clock: Clock | None = None,
    secret: str = SECRET,
    base_url: str = "http://testserver",
    root_path: str = "",
) -> TestClient:
    """The login routes and wall around a page that names who is logged in: one process of
    the app (its Login is `client.app.state.login`); two sites on one store are two
    replicas sharing their database."""
    from assistant.core.sessions import SessionCheck
    from assistant.login import Accounts, Login, LoginWall

    app = FastAPI()
    login = Login(lambda: store, secret=secret)
    clock = clock or Clock()
    login.accounts = Accounts(lambda: store, clock=clock)
    login.sessions = SessionCheck(lambda: store, clock=clock)
    app.state.login = login
    app.include_router(login.router())
    app.add_middleware(LoginWall, login=login)

    @app.get("/")
    def page(request: Request) -> dict:
        return {"user": login.user(request)}

    return TestClient(app, base_url=base_url, follow_redirects=False, root_path=root_path)


def _log_in(client: TestClient, name: str = "rita", password: str = PASSWORD, **form):
    return client.post("/login", data={"name": name, "password": password, **form})


def test_the_page_sends_to_the_login_and_the_login_back(store, team_login):
    from assistant.core.users import add

    add(store, "rita", PASSWORD, "reviewer")
    client = _site(store)
    answer = client.get("/?deep_link=x")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2F%3Fdeep_link%3Dx"
    page = client.get(answer.headers["location"], headers={"accept-language": "en"})
    assert page.status_code == 200 and 'name="password"' in page.text
    assert 'value="/?deep_link=x"' in page.text and "Log in" in page.text
    assert "Connexion" in client.get("/login", headers={"accept-language": "fr-FR"}).text

    answer = _log_in(client, next="/?deep_link=x")
    assert answer.status_code == 303 and answer.headers["location"] == "/?deep_link=x"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    shown = client.get("/")
    assert shown.json() == {"user": "rita"}
    assert shown.headers["cache-control"] == "no-store"  # Back after a logout asks again

    answer = client.get("/logout")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login?out=1")
    assert client.get("/").status_code == 303


def test_the_cookie_is_secure_over_https(store, team_login):
    from assistant.core.users import add

    add(store, "rita", PASSWORD, "reviewer")
    client = _site(store)
    client.base_url = "https://testserver"
    answer = client.post("https://testserver/login", data={"name": "rita", "password": PASSWORD})
    assert answer.status_code == 303 and "secure" in answer.headers["set-cookie"].lower()


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/\r\nLocation: https://evil.example",
        "",
    ],
)
def test_next_never_leaves_the_site(store, team_login, target):
    from assistant.core.users import add

    add(store, "rita", PASSWORD, "reviewer")
    answer = _log_in(_site(store), next=target)
    assert answer.status_code == 303 and answer.headers["location"] == "/"


def test_a_login_posted_from_another_site_is_refused(store, team_login):
    """Another site posting the form (its own account's password) would log the visitor into
    that account: browsers say so in Sec-Fetch-Site, and the post is refused."""
    from assistant.core.users import add

    add(store, "rita", PASSWORD, "reviewer")
    client = _site(store)
    forged = client.post(
        "/login",
        data={"name": "rita", "password": PASSWORD},
        headers={"sec-fetch-site": "cross-site", "origin": "https://evil.example"},
    )
    assert forged.status_code == 403 and "set-cookie" not in forged.headers
    assert "venait d’un autre site" in forged.text
    here = {"sec-fetch-site": "same-origin"}
    assert (
        client.post("/login", data={"name": "rita", "password": PASSWORD}, headers=here).status_code
        == 303
    )


def test_wrong_passwords_are_refused_then_every_try_for_a_minute(store, team_login):
    from assistant.core.limits import limits
    from assistant.core.users import add

    add(store, "rita", PASSWORD, "reviewer")
    client = _site(store)
    for _ in range(limits().login_failures):
        refused = _log_in(client, password="not the password")
        assert refused.status_code == 401 and "Nom ou mot de passe incorrect" in refused.text
        assert "set-cookie" not in refused.headers
    blocked = _log_in(client)  # the right password, too late
    assert blocked.status_code == 429 and "set-cookie" not in blocked.headers
    assert "attendez une minute" in blocked.text
    assert _log_in(client, name="nobody").status_code == 401  # another account still may try


def test_a_hostile_name_is_shown_escaped(store, team_login):
    answer = _log_in(_site(store), name='"><script>alert(1)</script>')
    assert answer.status_code == 401
    assert "<script>alert(1)" not in answer.text and "&lt;script&gt;" in answer.text


def test_a_new_password_or_a_removal_ends_the_sessions(store, team_login):
    from assistant.core.users import add, remove, set_password

    add(store, "rita", PASSWORD, "reviewer")
    clock = Clock()
    client = _site(store, clock)
    assert _log_in(client).status_code == 303
    assert client.get("/").json() == {"user": "rita"}
    set_password(store, "rita", "a brand new password")
    clock.now += 10  # past the few seconds a process keeps its view of an account
    assert client.get("/").status_code == 303
    assert _log_in(client, password="a brand new password").status_code == 303
    assert client.get("/").json() == {"user": "rita"}
    remove(store, "rita")
    clock.now += 10
    assert client.get("/").status_code == 303


def test_a_cookie_of_another_key_or_altered_is_refused(store, team_login):
    from assistant.core.users import add

    add(store, "rita", PASSWORD, "reviewer")
    signed = _log_in(_site(store)).cookies["assistant-session"]
    other = _site(store, secret="another team's secret")
    other.cookies.set("assistant-session", signed)
    assert other.get("/").status_code == 303
    same = _site(store)
    same.cookies.set("assistant-session", signed)
    assert same.get("/").json() == {"user": "rita"}
    same.cookies.set("assistant-session", signed[:-2] + ("AA" if signed[-2:] != "AA" else "BB"))
    assert same.get("/").status_code == 303


def test_plain_text_accounts_still_log_in_for_a_trial(store, team_login, monkeypatch):
    use_env(monkeypatch, ASSISTANT_SECRET_KEY=SECRET, ASSISTANT_AUTH="alice:pw:admin")
    from assistant.ui.identity import acting

    client = _site(store)
    assert _log_in(client, name="alice", password="pw").status_code == 303
    assert client.get("/").json() == {"user": "alice"}

    class LoggedIn:
        username = "alice"

    assert acting(LoggedIn(), "", "author").role == "admin"


def test_a_logged_in_users_role_is_their_accounts(store, team_login):
    from assistant.core.users import add
    from assistant.ui.identity import acting

    add(store, "rita", PASSWORD, "reviewer")

    class LoggedIn:
        username = "rita"

    actor = acting(LoggedIn(), "someone else", "admin")  # what is typed does not count
    assert (actor.name, actor.role) == ("rita", "reviewer")


# ---- across processes sharing the store ----------------------------------------------------


def _another_process(store):
    """The same database opened again, as another replica opens it: its own engine."""
    from assistant.core.store import Store

    return Store(store.url)


def test_logging_out_ends_that_session_on_every_process_not_only_in_this_browser(store, team_login):
    """A copy of the cookie (another device's browser, a stolen one) stops working on every
    replica once its user logs out; their other sessions go on."""
    from assistant.core import sessions
    from assistant.core.users import add

    add(store, "rita", PASSWORD, "reviewer")
    clock_a, clock_b = Clock(), Clock()
    a, b = _site(store, clock_a), _site(_another_process(store), clock_b)
    assert _log_in(a).status_code == 303
    signed = a.cookies["assistant-session"]
    b.cookies.set("assistant-session", signed)
    assert b.get("/").json() == {"user": "rita"}  # replica b accepts a's login
    other_login = _site(_another_process(store), clock_b)
    assert _log_in(other_login).status_code == 303  # rita on her phone: another session

    assert a.get("/logout").status_code == 303
    assert a.get("/").status_code == 303  # this browser: logged out
    copy = _site(store, clock_a)
    copy.cookies.set("assistant-session", signed)
    assert copy.get("/").status_code == 303  # a copy on the same replica: refused at once
    clock_b.now += 10  # past the few seconds a replica keeps its answer for a session
    assert b.get("/").status_code == 303  # and on the other replica
    assert other_login.get("/").json() == {"user": "rita"}  # her phone is still logged in

    with store.session() as session:
        [row] = session.scalars(select(sessions.EndedSession)).all()
    assert 11.9 * 3600 < (row.expires_at - sessions.now()).total_seconds() <= 12 * 3600


def test_an_ended_session_is_forgotten_once_its_cookie_would_have_expired(store):
    from datetime import timedelta

    from assistant.core import sessions

    sessions.end(store, "old", sessions.now() - timedelta(seconds=1))
    sessions.end(store, "new", sessions.now() + timedelta(hours=12))
    sessions.end(store, "new", sessions.now() + timedelta(hours=12))  # twice is once
    assert sessions.ended(store, "new") and not sessions.ended(store, "old")
    with store.session() as session:
        kept = session.scalars(select(sessions.EndedSession.session_id)).all()
    assert kept == ["new"]


def test_guesses_sent_all_at_once_get_no_more_tries_than_one_by_one(store, team_login):
    """Forty wrong passwords posted at the same moment to two replicas, the right one among
    the last: each try is counted before its (slow) hash is checked, so at most the bound
    are checked and the right password, arriving after them, is refused with the rest. (A
    count read first and a failure written after the hash let a whole burst through.)"""
    import asyncio

    import httpx

    from assistant.core.limits import limits
    from assistant.core.users import add

    add(store, "rita", PASSWORD, "reviewer")
    sites = [_site(store).app, _site(_another_process(store)).app]

    async def burst() -> list[int]:
        clients = [
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
            for app in sites
        ]
        guesses = [f"wrong {n}" for n in range(39)] + [PASSWORD]
        tries = [
            clients[n % 2].post("/login", data={"name": "rita", "password": guess})
            for n, guess in enumerate(guesses)
        ]
        answers = await asyncio.gather(*tries)
        for client in clients:
            await client.aclose()
        return [answer.status_code for answer in answers]

    codes = asyncio.run(burst())
    assert codes.count(401) <= limits().login_failures and 303 not in codes
    assert codes.count(429) >= len(codes) - limits().login_failures


def test_wrong_passwords_are_counted_across_processes(store, team_login):
    """Guesses spread over two replicas meet one count: the fifth wrong password, whichever
    replica got it, blocks the account on both for the rest of the minute."""
    from datetime import timedelta

    from assistant.core.limits import limits
    from assistant.core.store import now
    from assistant.core.users import add

    add(store, "rita", PASSWORD, "reviewer")
    a, b = _site(store), _site(_another_process(store))
    for turn in range(limits().login_failures):
        assert _log_in((a, b)[turn % 2], password="not the password").status_code == 401
    for replica in (a, b):
        blocked = _log_in(replica)  # the right password, too late, on either replica
        assert blocked.status_code == 429 and "set-cookie" not in blocked.headers
    later = now() + timedelta(seconds=61)
    login = b.app.state.login
    login.by_name.clock = login.by_address.clock = lambda: later
    assert _log_in(b).status_code == 303  # a minute later she may try again


def test_the_failures_table_stays_bounded_whatever_names_an_attacker_tries(store, monkeypatch):
    from assistant.core import login_failures
    from assistant.core.limits import limits

    small = limits().model_copy(update={"login_failure_rows": 7})
    monkeypatch.setattr(login_failures, "limits", lambda: small)
    counted = login_failures.SharedFailures(lambda: store, 2, "name")
    for n in range(30):
        counted.failed(f"guess-{n}")
    assert login_failures.stored_failures(store) == 7
    counted.failed("guess-29")
    assert counted.blocked("guess-29") and not counted.blocked("guess-3")
    with store.session() as session:
        keys = session.scalars(select(login_failures.LoginFailure.key)).all()
    assert all("guess" not in key for key in keys)  # names are kept as digests


# ---- under a proxy's path ------------------------------------------------------------------


def test_under_a_path_prefix_the_login_page_and_its_redirects_stay_under_it(store, team_login):
    """A proxy serving the app at /assistant/: the wall, the form, the return after login and
    the logout all give addresses under /assistant, never the site's root."""
    from assistant.core.users import add

    add(store, "rita", PASSWORD, "reviewer")
    client = _site(store, root_path="/assistant")
    answer = client.get("/assistant/?deep_link=x")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/assistant/login?next=%2F%3Fdeep_link%3Dx"
    page = client.get(answer.headers["location"], headers={"accept-language": "en"})
    assert page.status_code == 200 and 'action="/assistant/login?lang=en"' in page.text
    logged = client.post(
        "/assistant/login", data={"name": "rita", "password": PASSWORD, "next": "/?deep_link=x"}
    )
    assert logged.status_code == 303 and logged.headers["location"] == "/assistant/?deep_link=x"
    assert client.get("/assistant/").json() == {"user": "rita"}
    again = client.get("/assistant/login?next=/")
    assert again.status_code == 303 and again.headers["location"] == "/assistant/"
    out = client.get("/assistant/logout")
    assert out.status_code == 303 and out.headers["location"].startswith("/assistant/login?out=1")
