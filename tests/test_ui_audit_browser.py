"""The Bilan / Audit tab in a real browser (Debian's chromium): upload two exports, see the
heatmap and the findings, open a faulty post in the Draft tab as a brief."""

from __future__ import annotations

from pathlib import Path

import pytest

from .browser import WAIT_MS, launch_chromium, shot
from .exports import X_ACTIVITY_POSTS, write_x_activity

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
        expect(page.locator("#audit-files")).to_contain_text("instagram_en", timeout=WAIT_MS)
        page.locator("#audit-run").click()
        summary = page.locator("#audit-summary")
        expect(summary).to_contain_text("Posts audited: 7", timeout=WAIT_MS)
        expect(summary.locator("svg.audit-heatmap")).to_have_count(2)
        expect(summary.locator('svg[data-network="x"] rect')).to_have_count(7 * 24)
        expect(summary).to_contain_text("2.70 %")  # X: 135 engagements / 5,000 impressions
        findings = page.locator("#audit-findings")
        expect(findings).to_contain_text("spelling", timeout=WAIT_MS)
        shot(page, "audit-1-results")
        page.locator("#audit-filter-kind input").click()
        page.get_by_role("option", name="spelling").click()
        expect(findings).not_to_contain_text("Missing legal mention", timeout=WAIT_MS)
        findings.get_by_role("row").filter(has_text="Possible spelling mistake").first.click()
        expect(page.locator("#audit-selected textarea")).to_have_value(
            "This is a tset of our new waterproof jacket, try it & tell us "
            "https://trailforge.example/jacket",
            timeout=WAIT_MS,
        )
        page.locator("#audit-fix").click()
        brief = page.locator("#brief textarea")
        expect(brief).to_be_visible(timeout=WAIT_MS)
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

    from assistant.core.store import Brief, Store
    from assistant.publishing.campaign import add_brief, create_campaign

    store = Store(f"sqlite:///{tmp_path / 'ui.db'}")
    campaign = create_campaign(store, "Spring", "trailforge")
    create_campaign(store, "Hiver", "maison-lemoine")  # another brand's: not offered
    planned = (datetime.now(UTC) + timedelta(days=2, hours=5)).replace(microsecond=0)
    add_brief(store, campaign.id, "The north loop is open again", ["x"], planned)
    export = tmp_path / "tweets.csv"
    _mondays_export(export)
    with sync_playwright() as p:
        browser, page = _audit_tab(p, running_app, "fr-FR", "Bilan")
        page.locator("#audit-files input[type=file]").set_input_files(str(export))
        expect(page.locator("#audit-files")).to_contain_text("tweets", timeout=WAIT_MS)
        page.locator("#audit-run").click()
        expect(page.locator("#audit-summary")).to_contain_text("x: lundi 09:00", timeout=WAIT_MS)
        page.locator("#audit-campaign input").click()
        expect(page.get_by_role("option")).to_have_count(1)
        page.get_by_role("option", name=f"{campaign.id} · Spring (trailforge)").click()
        page.locator("#audit-apply").click()
        applied = page.locator("#audit-applied")
        expect(applied).to_contain_text("Déplacements prévus", timeout=WAIT_MS)
        with store.session() as session:  # a preview moves nothing
            assert session.query(Brief).one().publish_at == planned
        page.locator("#audit-confirm").click()
        expect(applied).to_contain_text("Calendrier mis à jour", timeout=WAIT_MS)
        expect(applied).to_contain_text("→")
        shot(page, "audit-3-slots-applied")
        from zoneinfo import ZoneInfo

        with store.session() as session:
            [brief] = session.query(Brief).all()
            local = brief.publish_at.astimezone(ZoneInfo(brief.timezone))
            assert (local.weekday(), local.hour) == (0, 9)
            assert brief.publish_at >= planned - timedelta(days=7)
        page.locator("#audit-undo").click()
        expect(applied).to_contain_text("Déplacements annulés", timeout=WAIT_MS)
        expect(page.locator("#audit-undo")).to_be_hidden()
        browser.close()
    with store.session() as session:
        [brief] = session.query(Brief).all()
        assert brief.publish_at == planned


def test_french_reader_with_an_overlapping_copy_on_a_phone(running_app, tmp_path):
    """A month of X's legacy export in full and a renamed copy, read in French at 390 px: each post counted
    once, French words and decimals, top posts in the tab, the heatmap hatched where cells
    are small, nothing wider than the screen, one progress bar, no empty grid."""
    import shutil

    from playwright.sync_api import expect, sync_playwright

    export = write_x_activity(tmp_path / "tweet_activity_metrics_trailforge_en.csv")
    copy = tmp_path / "copie-export.csv"
    shutil.copy(export, copy)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(locale="fr-FR", viewport={"width": 390, "height": 844})
        page.goto(running_app)
        page.get_by_role("tab", name="Bilan").click()
        expect(page.locator("#audit-findings")).to_be_hidden()  # no "1 2 3" grid
        page.locator("#audit-brand input").click()
        page.get_by_role("option", name="trailforge").click()
        page.locator("#audit-files input[type=file]").set_input_files([str(export), str(copy)])
        expect(page.locator("#audit-files")).to_contain_text("copie-export", timeout=WAIT_MS)
        page.locator("#audit-run").click()
        summary = page.locator("#audit-summary")
        expect(summary).to_contain_text(
            f"Publications auditées : {X_ACTIVITY_POSTS}", timeout=WAIT_MS
        )
        expect(summary).to_contain_text("chacune est comptée une fois")
        expect(summary).to_contain_text("vue(s) par moins de 100 personnes")
        expect(summary.locator("table.audit-ranked tr")).not_to_have_count(0)
        expect(summary.locator("table.audit-ranked")).to_contain_text("meilleure 1")
        rate = summary.locator("table.audit-overview td").nth(2)
        expect(rate).to_contain_text(",")
        expect(rate).not_to_contain_text(".")
        assert summary.locator("svg.audit-heatmap g.small-sample").count() > 0
        darkest = summary.locator('svg.audit-heatmap rect[fill-opacity="1.0"]')
        assert darkest.count() <= 1
        findings = page.locator("#audit-findings")
        expect(findings).to_be_visible(timeout=WAIT_MS)
        expect(findings).not_to_contain_text("warning")
        expect(findings).to_contain_text("avertissement")
        page.locator("#audit-filter-severity input").click()
        expect(page.get_by_role("option", name="avertissement")).to_be_visible()
        page.keyboard.press("Escape")
        # the message column is in sight, not pushed off the screen
        message = findings.locator("th").filter(has_text="message").first
        box = message.bounding_box()
        assert box is not None and box["x"] + 40 <= 390
        wide = page.evaluate(
            "() => [...document.querySelectorAll('#audit-summary table')]"
            ".filter(t => t.closest('.audit-box') === null && t.getBoundingClientRect().right"
            " > window.innerWidth + 1).length"
        )
        assert wide == 0
        overflow = page.evaluate("() => document.documentElement.scrollWidth")
        assert overflow <= 392
        shot(page, "audit-4-phone-fr")
        browser.close()


def test_a_fix_opens_the_draft_under_the_audited_brands_zone(running_app):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(locale="en-GB", viewport={"width": 1366, "height": 1400})
        page.goto(running_app)
        draft_zone = page.locator("#publish-at").inner_text()
        page.get_by_role("tab", name="Audit").click()
        page.locator("#audit-brand input").click()
        page.get_by_role("option", name="trailforge").click()
        page.locator("#audit-files input[type=file]").set_input_files(
            str(DATA / "x_legacy_small.csv")
        )
        expect(page.locator("#audit-files")).to_contain_text("x_legacy", timeout=WAIT_MS)
        page.locator("#audit-run").click()
        findings = page.locator("#audit-findings")
        expect(findings).to_contain_text("spelling", timeout=WAIT_MS)
        findings.get_by_role("row").filter(has_text="Possible spelling mistake").first.click()
        page.locator("#audit-fix").click()
        expect(page.locator("#brief textarea")).to_be_visible(timeout=WAIT_MS)
        expect(page.locator("#publish-at")).to_contain_text("Europe/London", timeout=WAIT_MS)
        assert "Europe/Paris" in draft_zone  # the first brand's zone, before the fix
        shot(page, "audit-5-draft-zone")
        browser.close()


def test_the_report_fits_a_phone(tmp_path):
    """The HTML report of a month of X's legacy export opened at 390 px: no table wider than the
    screen outside a scrolling box, the page itself never scrolls sideways."""
    from playwright.sync_api import sync_playwright

    from assistant.analytics import read_export, run_audit

    export = read_export(write_x_activity(tmp_path / "x.csv"))
    report = run_audit([export], None, "trailforge", network=False)
    page_file = tmp_path / "report.html"
    page_file.write_text(report.html(lang="fr"), encoding="utf-8")
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(page_file.as_uri())
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 392
        loose = page.evaluate(
            "() => [...document.querySelectorAll('table')].filter(t => !t.closest('.box')).length"
        )
        assert loose == 0
        shot(page, "audit-6-report-phone")
        browser.close()
