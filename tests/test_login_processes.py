"""The app's own login across real processes: a session made by one app process is accepted
by another sharing ASSISTANT_SECRET_KEY and refused by one with another key, a logout on one
ends that session on the other, and wrong passwords given to both meet one count; and the login
as a person does it, in chromium, on a laptop and on a phone."""

from __future__ import annotations

import httpx
import pytest

from .browser import WAIT_MS, launch_chromium, shot
from .team import app_environment, replicas

pytestmark = [pytest.mark.slow]

SECRET = "the-team-shares-this-key"
PASSWORD = "correct horse battery"


def _with_user(tmp_path, name: str = "rita", role: str = "reviewer") -> str:
    from assistant.core.store import Store
    from assistant.core.users import add

    url = f"sqlite:///{tmp_path / 'team.db'}"
    store = Store(url)
    add(store, name, PASSWORD, role)
    store.dispose()
    return url


def test_a_session_made_by_one_process_is_accepted_by_another_with_the_same_key(tmp_path):
    from assistant.core.limits import limits

    url = _with_user(tmp_path)
    same = app_environment(tmp_path, ASSISTANT_DB_URL=url, ASSISTANT_SECRET_KEY=SECRET)
    other = app_environment(tmp_path, ASSISTANT_DB_URL=url, ASSISTANT_SECRET_KEY="not theirs")
    with replicas(tmp_path, {"a": same, "b": same, "c": other}) as started:
        a, b, c = started["a"], started["b"], started["c"]
        answer = httpx.post(
            f"{a.url}/login", data={"name": "rita", "password": PASSWORD, "next": "/"}
        )
        assert answer.status_code == 303, answer.text
        session = {"assistant-session": answer.cookies["assistant-session"]}
        for replica in (a, b):
            assert httpx.get(f"{replica.url}/gradio_api/user", cookies=session).json() == "rita"
            page = httpx.get(f"{replica.url}/", cookies=session)
            assert page.status_code == 200 and "gradio" in page.text.lower()
        assert httpx.get(f"{c.url}/gradio_api/user", cookies=session).json() is None
        refused = httpx.get(f"{c.url}/", cookies=session)
        assert refused.status_code == 303 and refused.headers["location"] == "/login?next=%2F"
        # without a cookie the UI's own routes answer nobody
        assert httpx.get(f"{b.url}/gradio_api/user").json() is None
        assert httpx.get(f"{b.url}/config").status_code == 401

        # logging out on a ends that session on b too: a copy of its cookie is refused there
        form = {"name": "rita", "password": PASSWORD}
        again = httpx.post(f"{a.url}/login", data=form)
        copy = {"assistant-session": again.cookies["assistant-session"]}
        assert httpx.get(f"{a.url}/logout", cookies=copy).status_code == 303
        assert httpx.get(f"{b.url}/gradio_api/user", cookies=copy).json() is None
        assert httpx.get(f"{b.url}/live/marker", cookies=copy).status_code == 401
        assert httpx.get(f"{b.url}/gradio_api/user", cookies=session).json() == "rita"

        # wrong passwords spread over a and b meet one count, kept in their shared database
        wrong = {"name": "rita", "password": "not the password"}
        for turn in range(limits().login_failures):
            assert httpx.post(f"{(a, b)[turn % 2].url}/login", data=wrong).status_code == 401
        assert httpx.post(f"{b.url}/login", data=form).status_code == 429


@pytest.mark.browser
def test_logging_in_and_out_in_the_browser_on_a_phone(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url = _with_user(tmp_path)
    env = app_environment(tmp_path, ASSISTANT_DB_URL=url, ASSISTANT_SECRET_KEY=SECRET)
    with replicas(tmp_path, {"a": env}) as started, sync_playwright() as p:
        browser = launch_chromium(p)
        context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto(started["a"].url + "/")
        expect(page.get_by_role("heading", name="Connexion")).to_be_visible(timeout=WAIT_MS)
        page.get_by_label("Nom").fill("rita")
        page.get_by_label("Mot de passe").fill("not the password")
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("alert")).to_contain_text("Nom ou mot de passe incorrect")
        shot(page, "login-phone-refused")

        page.get_by_label("Mot de passe").fill(PASSWORD)
        button = page.get_by_role("button", name="Se connecter")
        expect(button).to_be_in_viewport()
        button.click()
        logout = page.locator("#page-bar a.logout")
        expect(logout).to_have_text("Se déconnecter (rita)", timeout=WAIT_MS)
        # who acts is the login, locked: the Review tab names the account
        page.get_by_role("tab", name="Relire").click()
        reviewer = page.locator("#reviewer input, #reviewer textarea").first
        expect(reviewer).to_have_value("rita", timeout=WAIT_MS)
        expect(reviewer).to_be_disabled()
        shot(page, "login-phone-in")

        # what the browser keeps of rita's work goes with her: the next person to log in on
        # this browser finds none of it, and her other open tab hides its page at once
        page.get_by_role("tab", name="Rédiger").click()
        page.locator("#brief textarea").fill("Brief de rita, pas encore envoyé")
        page.wait_for_function(KEPT_CONTEXT, timeout=WAIT_MS)
        other = context.new_page()
        other.goto(started["a"].url + "/")
        expect(other.locator("#page-bar a.logout")).to_be_visible(timeout=WAIT_MS)
        logout.click()
        expect(page.get_by_role("status")).to_contain_text("Vous êtes déconnecté")
        assert not page.evaluate(KEPT_CONTEXT)
        expect(other.locator("#live-notice")).to_contain_text("Vous êtes déconnecté")
        expect(other.locator(".gradio-container")).to_be_hidden()
        page.go_back()  # the page is not kept: going back asks again, and gets the login
        expect(page.get_by_role("heading", name="Connexion")).to_be_visible(timeout=WAIT_MS)
        page.goto(started["a"].url + "/")
        expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
        browser.close()


KEPT_CONTEXT = "() => localStorage.getItem('assistant-draft-context') !== null"
