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
        import_id = page.locator("#import-progress .import-progress").get_attribute("data-import")

        # the Review tab asked for that import shows its drafts, not an empty "in review" queue
        page.get_by_role("tab", name=re.compile("^(Review|Relecture)")).click()
        page.locator("#review-import input").fill(import_id)
        page.locator("#review-import input").press("Enter")
        rows = page.locator("#review-queue").get_by_role("row").filter(has_text="novembre")
        rows.first.wait_for(timeout=60_000)
        assert rows.count() >= 7
        page.get_by_role("tab", name=re.compile("Campaign|Campagne")).click()  # panel still open

        faulty, clean_ids = _plant_error(tmp_path)
        page.locator("#import-approve").click()  # nobody named: nothing approved
        page.locator(".toast-body").filter(has_text="Name who approves").first.wait_for(
            timeout=60_000
        )
        page.locator("#import-reviewer textarea, #import-reviewer input").first.fill("rita")
        page.locator("#import-approve").click()
        outcome = page.locator("#import-outcome")
        approved = f"{len(clean_ids)} variant(s) approved."
        outcome.get_by_text(approved, exact=False).wait_for(timeout=120_000)
        assert f"variant {faulty}" in outcome.inner_text()
        shot(page, "import-approved")

        # the same file again: refused with the panel's own way to ask, which then works
        page.locator("#import-file input[type=file]").set_input_files(str(clean))
        page.locator("#import-check").click()
        toast = page.locator(".toast-body").filter(has_text="already imported")
        toast.first.wait_for(timeout=60_000)
        assert "Import again a file imported before" in toast.first.inner_text()
        assert "--again" not in toast.first.inner_text()
        assert page.locator("#import-start").is_disabled()
        # asked again, the file is read as any other: its slots are now the brand's
        page.locator("#import-again input").check()
        page.locator("#import-check").click()
        taken = page.locator("#import-preview .import-errors").filter(has_text="already has a post")
        taken.wait_for(timeout=60_000)
        assert page.locator("#import-start").is_disabled()
        browser.close()
    _check_statuses(tmp_path, faulty, clean_ids)


def _store(tmp_path):
    from assistant.core.store import Store

    return Store(f"sqlite:///{tmp_path / 'ui.db'}")


def _plant_error(tmp_path) -> tuple[int, set[int]]:
    """A reviewer-visible error on one variant (its date changed from the brief's); the ids
    of the variants with no error, which a bulk approval approves."""
    from assistant.core.actors import Actor
    from assistant.core.store import VariantRow
    from assistant.publishing.brief_import import import_variants, latest_import_id
    from assistant.publishing.review import edit

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


def test_on_a_phone_the_preview_keeps_a_brief_readable(running_app, tmp_path):
    """At 390 px the preview's table scrolls sideways; its brief column is not squeezed to a
    syllable a line ("Lan / cem / ent")."""
    from playwright.sync_api import sync_playwright

    sheet = tmp_path / "telephone.csv"
    sheet.write_bytes(
        (
            HEADER + "14/10/2030 09h00;Lancement de la galette des rois à la frangipane, "
            "élaborée à Pont-Aven — précommandes ouvertes !;Instagram\r\n"
        ).encode("cp1252")
    )
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(locale="fr-FR", viewport={"width": 390, "height": 844})
        page.goto(running_app)
        _open_panel(page)
        page.locator("#import-file input[type=file]").set_input_files(str(sheet))
        page.locator("#import-check").click()
        brief = page.locator("#import-preview tbody td").nth(1)
        brief.wait_for(timeout=60_000)
        assert "Lancement" in brief.inner_text()
        word = page.evaluate(
            "() => { const s = document.createElement('span');"
            " s.textContent = 'Lancement'; s.style.whiteSpace = 'nowrap';"
            " document.querySelector('#import-preview tbody td:nth-of-type(2)').appendChild(s);"
            " const w = s.getBoundingClientRect().width; s.remove(); return w; }"
        )
        assert brief.bounding_box()["width"] > word  # a word fits on its line
        shot(page, "import-phone")
        browser.close()
