"""Team mode as scripts/team.sh runs it: PostgreSQL, two app replicas sharing one secret key,
haproxy in front with cookie stickiness. A reviewer's decision on one replica shows on the
other's live queue; a person logged in stays logged in when their replica dies."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import httpx
import pytest

from .browser import WAIT_MS, launch_chromium, shot
from .team import app_environment, fresh_database, haproxy, replicas

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.browser]

SECRET = "the-team-shares-this-key"
PASSWORD = "correct horse battery"
TEXT = "Nos palets au beurre salé sont prêts, préparés à Pont-Aven. Commandez sur lemoine.example"
WIDE = {"width": 1366, "height": 1000}


@pytest.fixture(scope="module")
def team(postgres_url, tmp_path_factory):
    """A fresh database with two reviewers, two replicas on it, haproxy in front."""
    from assistant.core.store import Store
    from assistant.core.users import add

    tmp_path = tmp_path_factory.mktemp("team")
    url = fresh_database(postgres_url)
    store = Store(url)
    add(store, "rita", PASSWORD, "reviewer")
    add(store, "bob", PASSWORD, "reviewer")
    env = app_environment(tmp_path, ASSISTANT_DB_URL=url, ASSISTANT_SECRET_KEY=SECRET)
    with (
        replicas(tmp_path, {"a": env, "b": env}) as started,
        haproxy(tmp_path, started["a"], started["b"]) as front,
    ):
        yield SimpleNamespace(store=store, a=started["a"], b=started["b"], front=front)
    store.dispose()


def _submitted_variant(store, text: str) -> int:
    """A variant sent to review by its author, written through the library."""
    from assistant.core.actors import Actor
    from assistant.core.charter import load_brand
    from assistant.core.settings import get_settings
    from assistant.publishing.brief_drafts import save_variant
    from assistant.publishing.campaign import add_brief, create_campaign
    from assistant.publishing.drafting import Variant
    from assistant.publishing.review import submit

    charter = load_brand("maison-lemoine", get_settings().brand_dir)
    campaign = create_campaign(store, "Hiver", "maison-lemoine")
    day = datetime.now(ZoneInfo("Europe/Paris")).date() + timedelta(days=5)
    when = datetime(day.year, day.month, day.day, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    brief = add_brief(store, campaign.id, text, ["x"], when, "alice", timezone="Europe/Paris")
    row = save_variant(store, brief.id, Variant(platform="x", text=text), charter, "fr", "alice")
    submit(store, row.id, Actor("alice", "author"))
    return row.id


def _logged_in(browser, base: str, name: str):
    """A page of the app at `base`, logged in as `name` through the login page."""
    from playwright.sync_api import expect

    context = browser.new_context(locale="en-US", viewport=WIDE)
    page = context.new_page()
    page.goto(base + "/")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#page-bar a.logout")).to_have_text(f"Log out ({name})", timeout=WAIT_MS)
    return page


def _queue_row(page, text: str):
    return page.locator("#review-queue").get_by_role("row").filter(has_text=text).first


def test_a_decision_on_one_replica_shows_on_the_other(team):
    from playwright.sync_api import expect, sync_playwright

    from assistant.publishing.review_queue import describe

    variant = _submitted_variant(team.store, TEXT)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        watching = _logged_in(browser, team.b.url, "rita")  # replica B, Review tab open
        watching.get_by_role("tab", name="Review").click()
        expect(_queue_row(watching, "palets au beurre")).to_contain_text("in review")

        deciding = _logged_in(browser, team.a.url, "bob")  # replica A decides
        deciding.get_by_role("tab", name="Review").click()
        _queue_row(deciding, "palets au beurre").click()
        expect(deciding.locator("#review-card .card")).to_have_attribute(
            "data-variant", str(variant), timeout=WAIT_MS
        )
        deciding.locator("#override-reason textarea").fill("legal mention in the visual")
        deciding.locator("#override").click()
        expect(deciding.locator("#review-outcome")).to_contain_text("approved with an override")

        # replica B's queue (posts in review) moves by itself, nothing clicked there: the
        # decided post leaves it
        expect(_queue_row(watching, "palets au beurre")).to_have_count(0)
        shot(watching, "team-decision-seen-on-b")
        browser.close()
    info = describe(team.store, variant)
    assert info["status"] == "approved" and info["approved_by"] == "bob"


def test_a_person_stays_logged_in_when_their_replica_dies(team):
    """Runs last: it kills a replica."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = _logged_in(browser, team.front, "rita")
        cookies = {c["name"]: c["value"] for c in page.context.cookies()}
        assert cookies["assistant-replica"] in ("a", "b")
        served_by = team.a if cookies["assistant-replica"] == "a" else team.b
        survivor = team.b if served_by is team.a else team.a

        served_by.process.kill()  # as a crash: no goodbye
        served_by.process.wait(30)
        page.reload()
        expect(page.locator("#page-bar a.logout")).to_have_text("Log out (rita)", timeout=WAIT_MS)
        page.get_by_role("tab", name="Review").click()
        expect(page.locator("#review-queue")).to_be_visible()
        moved = {c["name"]: c["value"] for c in page.context.cookies()}
        assert moved["assistant-replica"] == survivor.name
        shot(page, "team-replica-killed")
        browser.close()
    session = {"assistant-session": cookies["assistant-session"]}
    assert httpx.get(f"{team.front}/gradio_api/user", cookies=session).json() == "rita"
