"""The Campaign tab's Import panel in a real browser (Debian's chromium): a file with errors is
previewed with its bad cells marked and cannot be started; a clean one starts, and after a
reload the bar goes on from the counts the store keeps; the clean variants are approved in
one click and the one with an error is listed, not approved."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from .browser import launch_chromium, shot

pytestmark = [pytest.mark.slow, pytest.mark.browser]

HEADER = "publish_at;brief;networks\r\n"
CLEAN = [
    f"2030-11-{day:02d} 10:00;Nos palets au beurre salé, cuits à Pont-Aven le {day} novembre.;x,linkedin,bluesky"
    for day in range(3, 13)
]
BAD = [
    "31/02/2030 10:00;Une date qui n’existe pas.;x",
    "2030-11-20 10:00;Un réseau inconnu.;x,myspace",
]


def _drafted(page) -> int:
    return int(page.locator("#import-progress .import-progress").get_attribute("data-drafted"))


def _open_panel(page) -> None:
    page.get_by_role("tab", name=re.compile("Campaign|Campagne")).click()
    page.locator("#import-panel").get_by_text(re.compile("Import a month|Importer un mois")).click()


def test_import_preview_start_reload_and_bulk_approve(running_app, tmp_path):
    from playwright.sync_api import sync_playwright

    bad = tmp_path / "erreurs.csv"
    bad.write_bytes((HEADER + "\r\n".join(BAD) + "\r\n").encode("cp1252"))
    clean = tmp_path / "novembre.csv"
    clean.write_text(HEADER + "\r\n".join(CLEAN) + "\r\n", encoding="utf-8-sig")
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(locale="en-US", viewport={"width": 1366, "height": 1000})
        page.goto(running_app)
        _open_panel(page)
        page.locator("#import-campaign textarea, #import-campaign input").first.fill("Novembre")
        page.locator("#import-file input[type=file]").set_input_files(str(bad))
        page.locator("#import-check").click()
        marked = page.locator("#import-preview td.import-bad")
        marked.first.wait_for(timeout=60_000)
        assert marked.count() == 2
        assert "myspace" in page.locator("#import-preview .import-errors").inner_text()
        assert page.locator("#import-start").is_disabled()
        shot(page, "import-errors")

        page.reload()
        _open_panel(page)
        page.locator("#import-campaign textarea, #import-campaign input").first.fill("Novembre")
        page.locator("#import-file input[type=file]").set_input_files(str(clean))
        page.locator("#import-check").click()
        page.locator("#import-preview .import-clean").wait_for(timeout=60_000)
        assert page.locator("#import-preview td.import-bad").count() == 0
        page.locator("#import-start").click()
        bar = page.locator("#import-progress .import-progress")
        bar.wait_for(timeout=60_000)
        page.wait_for_function(
            "() => Number(document.querySelector('#import-progress .import-progress')"
            "?.dataset.drafted) > 0",
            timeout=180_000,
        )
        before = _drafted(page)

        page.reload()  # mid-run: the bar comes back from the store's counts
        _open_panel(page)
        bar = page.locator("#import-progress .import-progress")
        bar.wait_for(timeout=60_000)
        assert _drafted(page) >= before
        page.wait_for_function(
            "() => document.querySelector('#import-progress .import-progress')"
            "?.dataset.status === 'done'",
            timeout=600_000,
        )
        assert _drafted(page) == 30
        shot(page, "import-done")

        faulty, clean_ids = _plant_error(tmp_path)
        page.locator("#import-reviewer textarea, #import-reviewer input").first.fill("rita")
        page.locator("#import-approve").click()
        outcome = page.locator("#import-outcome")
        approved = f"{len(clean_ids)} variant(s) approved."
        outcome.get_by_text(approved, exact=False).wait_for(timeout=120_000)
        assert f"variant {faulty}" in outcome.inner_text()
        shot(page, "import-approved")
        browser.close()
    _check_statuses(tmp_path, faulty, clean_ids)


def _store(tmp_path):
    from assistant.core.store import Store

    return Store(f"sqlite:///{tmp_path / 'ui.db'}")


def _plant_error(tmp_path) -> tuple[int, set[int]]:
    """A reviewer-visible error on one variant (its date changed from the brief's); the ids
    of the variants with no error, which a bulk approval approves."""
    from assistant.core.store import VariantRow
    from assistant.publishing.brief_import import import_variants, latest_import_id
    from assistant.publishing.review import Actor, edit

    store = _store(tmp_path)
    with store.session() as session:
        row = session.scalars(
            select(VariantRow).where(VariantRow.text.contains("3 novembre")).order_by(VariantRow.id)
        ).first()
        vid, text = row.id, row.text
    edit(store, vid, text.replace("3 novembre", "4 novembre"), Actor("cm", "author"))
    listed = import_variants(store, latest_import_id(store))
    assert any(item["id"] == vid and item["errors"] for item in listed)
    return vid, {item["id"] for item in listed if not item["errors"]}


def _check_statuses(tmp_path, faulty: int, clean_ids: set[int]) -> None:
    from assistant.core.store import VariantRow

    store = _store(tmp_path)
    with store.session() as session:
        statuses = dict(session.execute(select(VariantRow.id, VariantRow.status)).all())
    assert statuses[faulty] != "approved"
    assert {i for i, s in statuses.items() if s == "approved"} == clean_ids
    assert len(clean_ids) >= 20  # most rule-based drafts of these briefs are clean
