"""The reader's language everywhere, walked in Chromium by a French CM and an English
reviewer: notification titles, table headers, filter values, findings and fact messages are in
the reader's language whatever the post's; times carry the brief's zone; the FR/EN switch
is remembered; the publication time is picked with the browser's own field and the page's
dropdowns keep their values clear of their arrows on a phone."""

from __future__ import annotations

import pytest

from assistant.ui.i18n import tr

from .browser import launch_chromium, shot
from .conftest import ROOT
from .test_ui_i18n_browser import strays, visible_text
from .test_ui_review_browser import CLEAN_FR, PHONE, Seed, open_page, queue_row

pytestmark = [pytest.mark.slow, pytest.mark.browser]

LAPTOP = {"width": 1366, "height": 768}
# Our own messages in each language: the other language's must never reach the reader.
OURS = {
    "fr": ("Mention légale manquante", "Fait modifié", "Mot inconnu"),
    "en": ("Missing legal mention", "Fact changed", "Possible spelling mistake"),
}
GRADIO_TITLES = ("Info", "Warning", "Error", "Success")


def seed(tmp_path) -> Seed:
    """A French post without its legal mention, one whose percentage moved from the brief,
    and a crisis comment."""
    from assistant.community.inbox import import_text
    from assistant.core.actors import Actor
    from assistant.core.charter import load_brand
    from assistant.core.settings import get_settings
    from assistant.publishing.brief_drafts import save_variant
    from assistant.publishing.campaign import add_brief
    from assistant.publishing.drafting import Variant
    from assistant.publishing.review import approve, submit

    data = Seed(tmp_path)
    data.variant("Texte sans mention légale.")
    clean = data.variant(CLEAN_FR)
    approve(data.store, clean, Actor("bob", "reviewer"), override="vérifié")
    charter = load_brand("maison-lemoine", get_settings().brand_dir)
    brief = add_brief(data.store, data.campaign(), "Soldes : -15 % sur les palets bretons.",
                      ["linkedin"], data.when(), "alice", timezone="Europe/Paris")  # fmt: skip
    moved = Variant(platform="linkedin", text="Soldes : -25 % sur les palets bretons.")
    row = save_variant(data.store, brief.id, moved, charter, "fr", "alice")
    submit(data.store, row.id, Actor("alice", "author"))
    import_text(data.store, charter, "Intoxication après vos galettes, mon fils est malade",
                "facebook", "Léa")  # fmt: skip
    return data


def toast_titles(page) -> list[str]:
    return [t.strip() for t in page.locator(".toast-title").all_inner_texts()]


def check_language(page, lang: str, where: str) -> None:
    text = visible_text(page)
    other = "en" if lang == "fr" else "fr"
    leaked = [m for m in OURS[other] if m in text]
    assert not leaked, f"{where} ({lang}): messages of the other language: {leaked}"
    stray = strays(text, lang)
    assert not stray, f"{where} ({lang}): interface strings of the other language: {stray}"


def test_every_message_of_ours_is_in_the_readers_language(running_app, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    seed(tmp_path)
    export = ROOT / "tests" / "data" / "analytics" / "meta_facebook_fr.csv"
    with sync_playwright() as p:
        browser = launch_chromium(p)
        for locale in ("fr-FR", "en-US"):
            lang = locale[:2]
            page = open_page(browser, running_app, locale, LAPTOP)
            names = {"fr": ("Rédiger", "Relire", "Campagne", "Répondre", "Bilan"),
                     "en": ("Draft", "Review", "Campaign", "Replies", "Audit")}[lang]  # fmt: skip
            draft, review, campaign, replies, audit = names

            # Draft: the publication time is the browser's field, on screen, any day and hour
            when = page.locator("#publish-at input.native-when")
            expect(when).to_be_visible(timeout=15_000)
            box = when.bounding_box()
            assert box and box["y"] + box["height"] <= LAPTOP["height"] + 400
            when.fill("2026-12-30T23:45")
            when.dispatch_event("change")
            expect(page.locator("#publish-at input.time")).to_have_value(
                "2026-12-30 23:45:00", timeout=10_000
            )
            expect(page.locator("#publish-at")).to_contain_text("Europe/Paris")
            check_language(page, lang, draft)

            # Review: the queue's times carry the zone; findings and facts in the reader's words
            page.get_by_role("tab", name=review, exact=True).click()
            row = queue_row(page, "Texte sans mention")
            expect(row).to_be_visible(timeout=20_000)
            expect(row).to_contain_text("CET")
            row.click()
            card = page.locator("#review-card .card")
            expect(card).to_contain_text(OURS[lang][0], timeout=15_000)
            moved = queue_row(page, "-25 %")
            moved.click()
            expect(card).to_contain_text(OURS[lang][1], timeout=15_000)
            page.locator("#review-role input[role=combobox]").first.click()
            chosen = page.locator("[role=option][aria-selected=true]").first
            expect(chosen).to_have_attribute("aria-label", tr("review_role_author", lang))
            page.keyboard.press("Escape")
            expect(page.locator("#review-role")).to_contain_text(tr("role_declared", lang))
            check_language(page, lang, review)

            # Campaign: the calendar in the brief's zone; a notification titled in our words
            page.get_by_role("tab", name=campaign, exact=True).click()
            expect(page.locator("#calendar")).to_contain_text("Europe/Paris", timeout=15_000)
            if lang == "fr":  # the one approved post is published once (English: see below)
                page.locator("#mark-published").click()
                page.locator("#publish-yes").click()
                expect(page.locator(".toast-title").first).to_be_visible(timeout=15_000)
                page.wait_for_timeout(300)
                titles = toast_titles(page)
                assert titles and all(t == tr("toast_done", lang) for t in titles), titles
                assert not set(titles) & set(GRADIO_TITLES)
            check_language(page, lang, campaign)

            # Replies: a crisis at most one hour away, on the wall clock
            page.get_by_role("tab", name=replies, exact=True).click()
            crisis = (
                page.locator("#replies-inbox").get_by_role("row").filter(has_text="Intoxication")
            )
            expect(crisis.first).to_contain_text(tr("rp_left", lang, hours="1"), timeout=20_000)
            check_language(page, lang, replies)

            # Audit: headers, filter values and findings in the reader's words
            page.get_by_role("tab", name=audit, exact=True).click()
            page.locator("#audit-files input[type=file]").set_input_files(str(export))
            page.locator("#audit-run").click()
            grid = page.locator("#audit-findings")
            expect(grid).to_be_visible(timeout=120_000)
            headers = [h.strip() for h in grid.locator("thead th").all_inner_texts() if h.strip()]
            wanted = [tr(f"audit_col_{c}", lang) for c in ("severity", "network", "post", "kind")]
            assert all(any(w in h for h in headers) for w in wanted), headers
            for filter_id in ("network", "kind", "severity"):
                shown = page.locator(f"#audit-filter-{filter_id} input").first.input_value()
                assert shown == tr("audit_all", lang), (filter_id, shown)
            page.locator("#audit-filter-severity input").first.click()
            options = page.get_by_role("option").all_inner_texts()
            page.keyboard.press("Escape")
            if lang == "fr":  # the levels in French words, never the code's
                assert not {o.strip() for o in options} & {"error", "warning", "all"}, options
            check_language(page, lang, audit)
            shot(page, f"reader-language-{locale}-audit")
            page.context.close()
        browser.close()


def test_the_language_switch_is_remembered_and_the_phone_layout_holds(running_app, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = open_page(browser, running_app, "en-US", PHONE)
        expect(page.get_by_role("tab", name="Draft", exact=True)).to_be_visible()
        page.get_by_role("tab", name="Campaign", exact=True).click()
        page.locator("#export").click()  # no campaign yet: refused, said in English
        expect(page.locator(".toast-title").first).to_have_text(tr("toast_refused", "en"),
                                                                timeout=15_000)  # fmt: skip
        page.locator("[data-set-lang=fr]").click()
        for name in ("Rédiger", "Relire", "Campagne", "Répondre", "Charte", "Bilan"):
            expect(page.get_by_role("tab", name=name, exact=True)).to_be_visible(timeout=60_000)
        cookies = {c["name"]: c["value"] for c in page.context.cookies()}
        assert cookies.get("assistant-lang") == "fr"
        page.reload()
        expect(page.get_by_role("tab", name="Bilan", exact=True)).to_be_visible(timeout=60_000)
        expect(page.locator("[data-set-lang=fr]")).to_have_attribute("aria-pressed", "true")
        # the server words its messages in the chosen language too
        page.get_by_role("tab", name="Campagne", exact=True).click()
        page.locator("#export").click()
        expect(page.locator(".toast-title").first).to_have_text(tr("toast_refused", "fr"),
                                                                timeout=15_000)  # fmt: skip
        # at 390 px a dropdown's value ends before its arrow
        page.get_by_role("tab", name="Rédiger", exact=True).click()
        field = page.locator("input[role=combobox][aria-label='Marque']").first
        arrow = field.locator("xpath=following-sibling::div[contains(@class,'icon-wrap')]")
        padding = field.evaluate("e => parseFloat(getComputedStyle(e).paddingRight)")
        field_box, arrow_box = field.bounding_box(), arrow.bounding_box()
        assert field_box and arrow_box
        assert field_box["x"] + field_box["width"] - padding <= arrow_box["x"] + 1
        when = page.locator("#publish-at input.native-when")
        when.scroll_into_view_if_needed()
        box = when.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        shot(page, "reader-language-switch-390")
        page.context.close()
        browser.close()
