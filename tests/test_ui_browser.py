"""The review UI in a real browser (Debian's chromium via Playwright), as a new user would."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from .browser import CHROMIUM_ARGS, WAIT_MS, as_reviewer, download, shot

BRIEF = (
    "Les offres de Noël sont limités : coffrets de palets et galettes au beurre salé, "
    "préparés à Pont-Aven. Commandez sur https://lemoine.example/noel dès maintenant."
)


@pytest.mark.slow
@pytest.mark.browser
def test_draft_fix_review_approve_export(running_app, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(locale="fr-FR", viewport={"width": 1280, "height": 1600})
        page.goto(running_app)
        expect(page.get_by_role("tab", name="Rédiger")).to_be_visible(timeout=WAIT_MS)
        page.locator("#brief textarea").fill(BRIEF)
        for name in ("Facebook", "Bluesky"):
            page.locator("#networks label", has_text=name).click()
        shot(page, "1-brief")
        clicked = time.monotonic()
        page.locator("#generate").click()
        page.locator(".card").first.wait_for(timeout=WAIT_MS)
        first_card = time.monotonic() - clicked
        expect(page.locator(".card")).to_have_count(3, timeout=WAIT_MS)
        print(f"first card after {first_card:.2f}s")
        cards = page.locator(".card")
        assert sorted(cards.nth(i).get_attribute("data-platform") for i in range(3)) == [
            "instagram",
            "linkedin",
            "x",
        ]
        expect(page.locator(".counter").first).to_contain_text(" / ")
        expect(page.locator("mark.m-error", has_text="limités").first).to_be_visible()
        expect(page.locator("#draft-progress")).to_contain_text("visuels prêts", timeout=WAIT_MS)
        x_visuals = page.locator(".variant", has=page.locator('.card[data-platform="x"]'))
        expect(x_visuals.locator(".visuals img")).to_have_count(2, timeout=WAIT_MS)  # X: 2 sizes
        expect(x_visuals.locator(".visuals")).to_contain_text("alt")
        shot(page, "2-cards")

        linkedin = page.locator(".variant", has=page.locator('.card[data-platform="linkedin"]'))
        linkedin.locator(".edit textarea").press_sequentially(" Ils sont partis.", delay=20)
        expect(linkedin.locator(".card .body")).to_contain_text("Ils sont partis.", timeout=WAIT_MS)

        x_card = page.locator('.card[data-platform="x"]')
        x_id = x_card.get_attribute("data-variant")
        x_group = page.locator(".variant", has=x_card)
        x_group.locator("button.fix", has_text="limités → limitées").click()
        expect(page.locator('.card[data-platform="x"] .body')).to_contain_text(
            "limitées", timeout=WAIT_MS
        )
        expect(
            page.locator('.card[data-platform="x"] mark.m-error', has_text="limités")
        ).to_have_count(0)
        shot(page, "3-fixed")
        page.reload()  # the work in progress comes back from the store
        expect(page.locator("#brief textarea")).to_have_value(BRIEF, timeout=WAIT_MS)
        expect(page.locator(".card")).to_have_count(3, timeout=WAIT_MS)
        expect(page.locator('.card[data-platform="x"] .body')).to_contain_text("limitées")
        page.locator(".variant", has=page.locator('.card[data-platform="x"]')).locator(
            "button.send"
        ).click()
        expect(page.locator('.card[data-platform="x"] .status')).to_contain_text(
            "en relecture", timeout=WAIT_MS
        )

        page.get_by_role("tab", name="Relire").click()
        as_reviewer(page)
        page.locator("#review-refresh").click()
        expect(page.locator("#review-queue")).to_contain_text("limitées", timeout=WAIT_MS)
        page.locator("#review-variant input").fill(x_id)
        page.locator("#review-open").click()
        expect(page.locator("#review-card .card")).to_be_visible(timeout=WAIT_MS)
        columns = page.locator("#review-diff .diff-side")
        expect(columns.nth(0)).to_contain_text("sont limités :")  # before, left
        expect(columns.nth(1)).to_contain_text("sont limitées :")  # after, right
        expect(page.locator("#review-diff ins")).to_have_text("e")
        page.locator("#approve").click()
        expect(page.locator("#review-outcome")).to_contain_text("approuvée", timeout=WAIT_MS)
        shot(page, "4-approved")

        page.get_by_role("tab", name="Campagne").click()
        page.locator("#campaign-refresh").click()
        expect(page.locator("#calendar")).to_contain_text("approuvée", timeout=WAIT_MS)
        target = download(page, "#export", "#export-files", tmp_path / "hootsuite.csv")
        shot(page, "5-exported")
        browser.close()
    content = target.read_text(encoding="utf-8")
    assert "limitées" in content and "limités" not in content
    assert content.count("\n") >= 3  # one post, on several lines inside quotes
    assert Path(target).stat().st_size > 0
