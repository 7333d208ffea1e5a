"""The Bilan / Audit tab in a real browser (Debian's chromium): upload two exports, see the
heatmap and the findings, open a faulty post in the Draft tab as a brief."""

from __future__ import annotations

from pathlib import Path

import pytest

from .browser import launch_chromium, shot

pytestmark = [pytest.mark.slow, pytest.mark.browser]

DATA = Path(__file__).parent / "data" / "analytics"


def _audit_tab(playwright, url: str, locale: str, tab: str):
    """A browser in `locale` on the audit tab (named `tab` in that language), trailforge chosen."""
    browser = launch_chromium(playwright)
    page = browser.new_page(locale=locale, viewport={"width": 1366, "height": 1400})
    page.goto(url)
    page.get_by_role("tab", name=tab).click()
    page.locator("#audit-brand input").click()
    page.get_by_role("option", name="trailforge").click()
    return browser, page


def test_upload_two_exports_read_the_heatmap_and_draft_a_fix(running_app):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser, page = _audit_tab(p, running_app, "en-GB", "Audit")
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


def _mondays_export(path: Path) -> None:
    """Six posts on Mondays at 09:xx UTC: enough for one recommended slot."""
    from datetime import datetime, timedelta

    rows = ['"Tweet id","Tweet permalink","Tweet text","time","impressions","engagements"']
    for week in range(6):
        when = datetime(2024, 1, 1, 9, week) + timedelta(weeks=week)
        rows.append(
            f'"17{week:017d}","","Monday trail tip {week}","{when:%Y-%m-%d %H:%M} +0000",'
            f'"1000.0","{30 + week}.0"'
        )
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_recommended_slots_applied_to_a_campaign(running_app, tmp_path):
    from datetime import UTC, datetime, timedelta

    from playwright.sync_api import expect, sync_playwright

    from assistant.campaign import add_brief, create_campaign
    from assistant.store import Store

    store = Store(f"sqlite:///{tmp_path / 'ui.db'}")
    campaign = create_campaign(store, "Spring", "trailforge")
    add_brief(
        store,
        campaign.id,
        "The north loop is open again",
        ["x"],
        datetime.now(UTC) + timedelta(days=2, hours=5),
    )
    export = tmp_path / "tweets.csv"
    _mondays_export(export)
    with sync_playwright() as p:
        browser, page = _audit_tab(p, running_app, "fr-FR", "Bilan")
        page.locator("#audit-files input[type=file]").set_input_files(str(export))
        expect(page.locator("#audit-files")).to_contain_text("tweets", timeout=15_000)
        page.locator("#audit-run").click()
        expect(page.locator("#audit-summary")).to_contain_text("x: lundi 09:00", timeout=60_000)
        page.locator("#audit-campaign input").click()
        page.get_by_role("option", name=f"{campaign.id} · Spring (trailforge)").click()
        page.locator("#audit-apply").click()
        applied = page.locator("#audit-applied")
        expect(applied).to_contain_text("Calendrier mis à jour", timeout=15_000)
        expect(applied).to_contain_text("→")
        shot(page, "audit-3-slots-applied")
        browser.close()
    with store.session() as session:
        from assistant.store import Brief

        [brief] = session.query(Brief).all()
        from zoneinfo import ZoneInfo

        local = brief.publish_at.astimezone(ZoneInfo(brief.timezone))
        assert (local.weekday(), local.hour) == (0, 9)
