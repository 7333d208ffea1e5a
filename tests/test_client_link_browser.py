"""The client approval link in a real browser (Debian's chromium): a community manager creates
it from the Campaign tab; the client, with no account, opens it on a phone in French and on a
laptop in English, sees each post as its network shows it, approves two and asks for changes
on one; the decisions are in each variant's trail as `guest:<label>` with their versions, and
the token is in neither the database file nor the server's log."""

from __future__ import annotations

import re

import pytest

from .browser import launch_chromium, shot
from .test_ui_review_browser import PHONE, WIDE, Seed, open_page, show_tab

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SHORT = "Nos palets au beurre salé sont prêts, préparés à Pont-Aven. Commandez sur lemoine.example"
LINK = re.compile(r"^http://127\.0\.0\.1:\d+/r/[A-Za-z0-9_-]{43}$")
LONG = (
    "Cet hiver, Maison Lemoine fête ses 70 ans avec une édition limitée de palets au beurre "
    "salé et de galettes à la fleur de sel de Guérande, préparés chaque matin dans notre "
    "atelier de Pont-Aven avec du beurre AOP. Commandez sur lemoine.example"
)


def test_a_client_decides_on_three_posts_without_an_account(running_app, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    seed = Seed(tmp_path)
    ids = [
        seed.variant(SHORT, "x"),
        seed.variant(LONG, "linkedin"),  # over LinkedIn's fold: "see more"
        seed.variant(SHORT, "facebook"),
    ]
    with sync_playwright() as p:
        browser = launch_chromium(p)
        # the community manager creates the link from the Campaign tab
        page = open_page(browser, running_app, "en-US", WIDE)
        show_tab(page, "Campaign")
        expect(page.locator("#calendar")).to_contain_text("LinkedIn", timeout=15_000)
        page.locator("#client-links").get_by_text("Client approval link").click()
        page.locator("#link-label input, #link-label textarea").first.fill("Client X")
        page.locator("#link-create").click()
        url_box = page.locator("#link-url textarea, #link-url input").first
        expect(url_box).to_have_value(LINK, timeout=15_000)
        url = url_box.input_value()
        expect(page.locator("#links-table")).to_contain_text("sent")
        shot(page, "client-link-created-en-1366")

        # the client, on a phone, in French, with no login
        phone = browser.new_context(locale="fr-FR", viewport=PHONE).new_page()
        answer = phone.goto(url)
        assert answer.status == 200
        assert answer.headers["referrer-policy"] == "no-referrer"
        expect(phone.locator("h1")).to_have_text("Publications à valider")
        posts = phone.locator("article.post")
        expect(posts).to_have_count(3)
        for vid, network in zip(ids, ("X", "LinkedIn", "Facebook"), strict=True):
            post = phone.locator(f"#post-{vid}")
            expect(post.locator(".net")).to_contain_text(network)
            expect(post.locator(".net")).to_contain_text("version 1")
            expect(post.locator(".when")).to_contain_text("10:00 (Europe/Paris)")
        folded = phone.locator(f"#post-{ids[1]} details.see-more")
        expect(folded.locator("summary")).to_have_text("… voir plus")
        expect(folded.locator(".hidden-part")).to_be_hidden()
        folded.locator("summary").click()
        expect(folded.locator(".hidden-part")).to_be_visible()
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"]  # nothing wider than the phone
        shot(phone, "client-link-fr-390")

        for vid in ids[:2]:
            phone.locator(f"#post-{vid} button.approve").click()
            expect(phone.locator(f"#post-{vid} .decided")).to_contain_text(
                "Vous avez validé la version 1"
            )
        phone.locator(f"#post-{ids[2]} textarea").fill("Ajoutez l'adresse de la boutique")
        phone.locator(f"#post-{ids[2]} button.request-changes").click()
        expect(phone.locator(f"#post-{ids[2]} .decided")).to_contain_text("Ajoutez l'adresse")
        shot(phone, "client-link-decided-fr-390")

        # the same link on a laptop in English, then switched to French
        laptop = browser.new_context(locale="en-US", viewport=WIDE).new_page()
        laptop.goto(url)
        expect(laptop.locator("h1")).to_have_text("Posts to approve")
        expect(laptop.locator(f"#post-{ids[0]} .decided")).to_contain_text("You approved version 1")
        laptop.get_by_role("link", name="FR").click()
        expect(laptop.locator("h1")).to_have_text("Publications à valider")
        shot(laptop, "client-link-en-1366")

        # the community manager sees the decisions and the link's status
        page.reload()
        page.get_by_role("tab").first.wait_for(timeout=30_000)
        show_tab(page, "Campaign")
        page.locator("#client-links").get_by_text("Client approval link").click()
        expect(page.locator("#links-table")).to_contain_text("decided", timeout=15_000)
        browser.close()

    decisions = {}
    for vid in ids:
        trail = seed.describe(vid)["audit"]
        guest = [(a["action"], a["reason"]) for a in trail if a["actor"] == "guest:Client X"]
        assert guest[0] == ("client_opened", "v1 (link 1)")
        decisions[vid] = guest[1:]
    assert decisions[ids[0]] == [("client_approve", "v1")]
    assert decisions[ids[1]] == [("client_approve", "v1")]
    assert decisions[ids[2]] == [("client_request_changes", "v1: Ajoutez l'adresse de la boutique")]
    assert seed.describe(ids[2])["status"] == "changes_requested"

    token = url.rsplit("/", 1)[1]
    with seed.store.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    for path in tmp_path.glob("ui.db*"):
        assert token.encode() not in path.read_bytes(), path.name
    assert token not in (tmp_path / "app.log").read_text(encoding="utf-8", errors="replace")
