"""Review tab, in a real browser: a reviewer adds a flagged product name to the brand's
lexicon; the match leaves the card, the charter file holds the word, and an author cannot."""

from __future__ import annotations

import os
import re
import shutil
import sys
from contextlib import contextmanager

import pytest

from .browser import WAIT_MS, launch_chromium, shot
from .conftest import ROOT, free_port, serving
from .test_ui_review_browser import WIDE, Seed, open_page, show_tab, visible_toasts

pytestmark = [pytest.mark.slow, pytest.mark.browser]

FLAGGED = "Kerbriz : nos nouveaux palets au beurre salé sont arrivés à Pont-Aven."


@contextmanager
def _serving_on_copied_brands(tmp_path, monkeypatch, **extra: str):
    """The app on a copy of the charters (the test changes one), sharing its store with Seed."""
    brands = tmp_path / "brands"
    shutil.copytree(ROOT / "brand_guides", brands)
    monkeypatch.setenv("ASSISTANT_BRAND_DIR", str(brands))
    from assistant.core.settings import get_settings

    get_settings.cache_clear()
    port = free_port()
    env = {
        **os.environ,
        "ASSISTANT_DB_URL": f"sqlite:///{tmp_path / 'ui.db'}",
        "ASSISTANT_BRAND_DIR": str(brands),
        "GRADIO_ANALYTICS_ENABLED": "False",
        **extra,
    }
    command = [sys.executable, "app.py", "--port", str(port)]
    with serving(command, port, tmp_path / "app.log", 90, cwd=ROOT, env=env):
        yield f"http://127.0.0.1:{port}", brands / "maison-lemoine.yaml"


@pytest.fixture()
def app_with_brands(tmp_path, monkeypatch):
    with _serving_on_copied_brands(tmp_path, monkeypatch) as served:
        yield served


@pytest.fixture()
def app_with_logins(tmp_path, monkeypatch):
    auth = "rita:pw-rita:reviewer,alice:pw-alice:author"
    with _serving_on_copied_brands(tmp_path, monkeypatch, ASSISTANT_AUTH=auth) as served:
        yield served


def _open_variant(page, variant_id: int) -> None:
    page.locator("#review-variant input").fill(str(variant_id))
    page.locator("#review-open").click()


def test_reviewer_adds_a_flagged_word_to_the_brand_lexicon(app_with_brands, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url, charter_file = app_with_brands
    seed = Seed(tmp_path)
    flagged = seed.variant(FLAGGED)
    kerbriz = {"offset": 0, "length": len("Kerbriz")}
    words = [m for m in seed.describe(flagged)["matches"] if kerbriz.items() <= m.items()]
    assert [m["severity"] for m in words] == ["error"]  # an unknown name starting the post
    before = charter_file.read_text(encoding="utf-8")
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = open_page(browser, url, "fr-FR", WIDE)
        show_tab(page, "Relire")
        mistakes = page.locator("#review-card .mistakes")

        # an author is not offered the action
        page.locator("#review-role input").click()
        page.get_by_role("option", name="auteur", exact=True).click()
        _open_variant(page, flagged)
        expect(mistakes).to_contain_text("Kerbriz", timeout=WAIT_MS)
        expect(page.locator("#lexicon-add")).to_be_hidden(timeout=WAIT_MS)
        assert charter_file.read_text(encoding="utf-8") == before

        # a reviewer adds it: the match leaves the card, the file gains the word
        page.locator("#review-role input").click()
        page.get_by_role("option", name="relecteur", exact=True).click()
        expect(page.locator("#lexicon-word input")).to_have_value("Kerbriz", timeout=WAIT_MS)
        page.locator("#lexicon-add").click()
        expect(visible_toasts(page).last).to_contain_text("lexique de", timeout=WAIT_MS)
        expect(mistakes.filter(has_text="Kerbriz")).to_have_count(0, timeout=WAIT_MS)
        expect(page.locator("#review-card .card")).to_contain_text("Kerbriz")
        shot(page, "review-lexicon-fr-1366")
        browser.close()

    after = charter_file.read_text(encoding="utf-8")
    assert "Pont-Aven, Kerbriz]" in after
    assert after.splitlines()[0] == before.splitlines()[0]  # the charter's comments are kept
    assert (charter_file.parent / "maison-lemoine.lexicon.jsonl").read_text().count("Kerbriz") == 1
    assert not [m for m in seed.describe(flagged)["matches"] if kerbriz.items() <= m.items()]


def _logged_in_draft_page(browser, url: str, name: str, password: str):
    page = browser.new_page(locale="fr-FR", viewport=WIDE)
    page.goto(url)
    page.locator("input[type=text], input:not([type])").first.fill(name)
    page.locator("input[type=password]").fill(password)
    page.get_by_role("button", name=re.compile("login|connexion", re.I)).click()
    page.locator("#generate").wait_for(timeout=WAIT_MS)
    page.wait_for_timeout(800)  # the load event fills the form
    return page


def _draft(page, brief: str, network: str) -> None:
    """One variant on one network (one slot per network and time for a brand)."""
    from playwright.sync_api import expect

    page.locator("#brief textarea").fill(brief)
    boxes = page.locator("#networks label")
    for i in range(boxes.count()):
        label = boxes.nth(i)
        label.locator("input").set_checked(label.inner_text().strip() == network)
    page.locator("#generate").click()
    expect(page.locator(".card")).to_have_count(1, timeout=WAIT_MS)


def test_a_logged_in_reviewer_adds_a_word_from_a_draft_card(app_with_logins):
    from playwright.sync_api import expect, sync_playwright

    url, charter_file = app_with_logins
    with sync_playwright() as p:
        browser = launch_chromium(p)
        author = _logged_in_draft_page(browser, url, "alice", "pw-alice")
        _draft(author, FLAGGED, "LinkedIn")
        expect(author.locator(".card .mistakes")).to_contain_text("Kerbriz", timeout=WAIT_MS)
        expect(author.locator("button.lexicon-add")).to_have_count(0)  # an author never sees it

        page = _logged_in_draft_page(browser, url, "rita", "pw-rita")
        _draft(page, FLAGGED, "X")
        mistakes = page.locator(".card .mistakes")
        expect(mistakes).to_contain_text("Kerbriz", timeout=WAIT_MS)
        page.locator("button.lexicon-add", has_text="Kerbriz").click()
        expect(visible_toasts(page).last).to_contain_text("lexique de", timeout=WAIT_MS)
        expect(page.locator(".card .mistakes li", has_text="Kerbriz")).to_have_count(
            0, timeout=WAIT_MS
        )
        expect(page.locator("button.lexicon-add", has_text="Kerbriz")).to_have_count(0)
        shot(page, "draft-lexicon-fr-1366")
        browser.close()
    assert "Pont-Aven, Kerbriz]" in charter_file.read_text(encoding="utf-8")
    log = (charter_file.parent / "maison-lemoine.lexicon.jsonl").read_text(encoding="utf-8")
    assert '"actor": "rita"' in log
