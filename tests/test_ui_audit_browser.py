"""The Bilan / Audit tab in a real browser (Debian's chromium): upload two exports, see the
heatmap and the findings, open a faulty post in the Draft tab as a brief."""

from __future__ import annotations

from pathlib import Path

import pytest

from .browser import launch_chromium, shot

pytestmark = [pytest.mark.slow, pytest.mark.browser]

DATA = Path(__file__).parent / "data" / "analytics"


def test_upload_two_exports_read_the_heatmap_and_draft_a_fix(running_app):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(locale="en-GB", viewport={"width": 1366, "height": 1400})
        page.goto(running_app)
        page.get_by_role("tab", name="Audit").click()
        page.locator("#audit-brand input").click()
        page.get_by_role("option", name="trailforge").click()
        page.locator("#audit-files input[type=file]").set_input_files(
            [str(DATA / "x_legacy_small.csv"), str(DATA / "instagram_en.csv")]
        )
        expect(page.locator("#audit-files")).to_contain_text("instagram_en", timeout=15_000)
        page.locator("#audit-run").click()
        summary = page.locator("#audit-summary")
        expect(summary).to_contain_text("7 posts audited", timeout=60_000)
        expect(summary.locator("svg.audit-heatmap")).to_have_count(2)
        expect(summary.locator('svg[data-network="x"] rect')).to_have_count(7 * 24)
        expect(summary).to_contain_text("2.70 %")  # X: 135 engagements / 5,000 impressions
        findings = page.locator("#audit-findings")
        expect(findings).to_contain_text("spelling", timeout=15_000)
        shot(page, "audit-1-results")
        page.locator("#audit-filter-kind input").click()
        page.get_by_role("option", name="spelling").click()
        expect(findings).not_to_contain_text("Missing legal mention", timeout=15_000)
        findings.get_by_role("row").filter(has_text="Possible spelling mistake").first.click()
        expect(page.locator("#audit-selected textarea")).to_have_value(
            "This is a tset of our new waterproof jacket, try it & tell us "
            "https://trailforge.example/jacket",
            timeout=15_000,
        )
        page.locator("#audit-fix").click()
        brief = page.locator("#brief textarea")
        expect(brief).to_be_visible(timeout=15_000)
        expect(brief).to_have_value(
            "This is a tset of our new waterproof jacket, try it & tell us "
            "https://trailforge.example/jacket"
        )
        expect(page.locator("#networks input[type=checkbox]:checked")).to_have_count(1)
        shot(page, "audit-2-draft")
        browser.close()
