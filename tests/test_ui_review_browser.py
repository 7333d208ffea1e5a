"""The Review, Campaign and Brand tabs in a real browser (Debian's chromium), as a reviewer and
a community manager use them, in French and in English, on a laptop and on a phone."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from .browser import WAIT_MS, LiveChecks, as_reviewer, launch_chromium, shot, table_row
from .conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PARIS = ZoneInfo("Europe/Paris")
HOSTILE = "<img src=x onerror=alert(1)> **b** [l](javascript:alert(1))"
CLEAN_FR = (
    "Nos palets au beurre salé sont prêts, préparés à Pont-Aven. Commandez sur lemoine.example"
)
WIDE = {"width": 1366, "height": 1000}
PHONE = {"width": 390, "height": 844}


# ---- seeding the app's store through the library ---------------------------------------------


class Seed:
    """Writes into the running app's database through the library, as another user would."""

    def __init__(self, tmp_path):
        from assistant.core.store import Store

        self.store = Store(f"sqlite:///{tmp_path / 'ui.db'}")
        self.slot = 0
        self.campaigns: dict[str, int] = {}

    def campaign(self, brand: str = "maison-lemoine", name: str = "Hiver") -> int:
        from assistant.publishing.campaign import create_campaign

        if (brand, name) not in self.campaigns:
            self.campaigns[brand, name] = create_campaign(self.store, name, brand).id
        return self.campaigns[brand, name]

    def when(self) -> datetime:
        """10:00 Paris time on distinct future days, one slot per brief."""
        self.slot += 1
        day = datetime.now(PARIS).date() + timedelta(days=3 + self.slot)
        return datetime(day.year, day.month, day.day, 10, 0, tzinfo=PARIS)

    def variant(
        self,
        text: str,
        network: str = "x",
        brand: str = "maison-lemoine",
        author: str = "alice",
        submit: bool = True,
    ) -> int:
        from assistant.core.actors import Actor
        from assistant.core.charter import load_brand
        from assistant.core.settings import get_settings
        from assistant.publishing.brief_drafts import save_variant
        from assistant.publishing.campaign import add_brief
        from assistant.publishing.drafting import Variant
        from assistant.publishing.review import submit as send

        charter = load_brand(brand, get_settings().brand_dir)
        brief = add_brief(
            self.store,
            self.campaign(brand),
            text,
            [network],
            self.when(),
            author,
            timezone="Europe/Paris",
        )
        lang = charter.language
        row = save_variant(self.store, brief.id, Variant(platform=network, text=text), charter,
                           lang, author)  # fmt: skip
        if submit:
            send(self.store, row.id, Actor(author, "author"))
        return row.id

    def describe(self, variant_id: int) -> dict:
        from assistant.publishing.review_queue import describe

        return describe(self.store, variant_id)


# ---- page helpers ------------------------------------------------------------------------------


def open_page(browser, url: str, locale: str, viewport: dict, requests: list | None = None):
    context = browser.new_context(locale=locale, viewport=viewport)
    page = context.new_page()
    if requests is not None:
        page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    page.get_by_role("tab").first.wait_for(timeout=WAIT_MS)
    return page


def show_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def queue_row(page, text: str):
    return table_row(page, "#review-queue", text)


def visible_toasts(page):
    return page.locator(".toast-body:visible")


# ---- 1. the live queue, row click, fields cleared, one toast per outcome ----------------------


def test_live_queue_opens_on_click_and_refuses_with_one_toast(running_app, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from assistant.core.actors import Actor
    from assistant.publishing.review import request_changes

    seed = Seed(tmp_path)
    first = seed.variant(CLEAN_FR)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = open_page(browser, running_app, "fr-FR", WIDE)
        live = LiveChecks(page, running_app, "review")
        show_tab(page, "Relire")
        as_reviewer(page, lang="fr")
        expect(queue_row(page, "palets au beurre")).to_be_visible(timeout=WAIT_MS)
        expect(page.locator("#review-queue")).to_contain_text("en relecture")
        expect(page.locator("#review-queue thead")).to_contain_text("Texte")

        # created elsewhere after the page opened: it shows up without pressing anything
        second = seed.variant("Les galettes de Pont-Aven reviennent cet hiver, sans mention.")
        expect(queue_row(page, "galettes de Pont-Aven")).to_be_visible(timeout=WAIT_MS)

        queue_row(page, "palets au beurre").click()
        expect(page.locator("#review-card .card")).to_have_attribute(
            "data-variant", str(first), timeout=WAIT_MS
        )
        expect(page.locator("#review-seen")).to_contain_text("Version 1 du texte")
        page.locator("#review-comment textarea").fill("à revoir")
        page.locator("#override-reason textarea").fill("motif")
        queue_row(page, "galettes de Pont-Aven").click()
        expect(page.locator("#review-card .card")).to_have_attribute(
            "data-variant", str(second), timeout=WAIT_MS
        )
        expect(page.locator("#review-comment textarea")).to_have_value("")
        expect(page.locator("#override-reason textarea")).to_have_value("")
        shot(page, "review-queue-fr-1366")

        # a live refresh keeps what the reviewer has open and what they typed
        page.locator("#review-comment textarea").fill("presque")
        seed.variant("Les kouign-amann sont de retour à Pont-Aven, sur lemoine.example")
        expect(queue_row(page, "kouign-amann")).to_be_visible(timeout=WAIT_MS)
        expect(page.locator("#review-card .card")).to_have_attribute("data-variant", str(second))
        expect(page.locator("#review-comment textarea")).to_have_value("presque")

        # alice wrote it and the brand forbids self-approval: one refusal, worded in French
        page.locator("#reviewer input, #reviewer textarea").first.fill("alice")
        page.locator("#approve").click()
        expect(page.locator("#review-outcome .outcome-refused")).to_contain_text(
            "alice", timeout=WAIT_MS
        )
        expect(visible_toasts(page)).to_have_count(1)
        expect(page.locator(".error:visible", has_text=re.compile("^Error$"))).to_have_count(0)
        assert seed.describe(second)["status"] == "in_review"
        shot(page, "review-refused-fr-1366")

        # left open, the queue asks only for the store's marker: no Gradio event until
        # another reviewer decides, then one refresh
        live.caught_up()
        presses, markers = live.presses, live.markers
        for _ in range(3):
            live.check_now()
        assert live.markers >= markers + 3 and live.presses == presses
        request_changes(seed.store, second, Actor("bob", "reviewer"), "Le prix manque.")
        expect(queue_row(page, "galettes de Pont-Aven")).to_have_count(0)  # left "in review"
        live.check_now()
        assert live.presses == presses + 1

        # logged out elsewhere: the page says so, in French, presses nothing and asks less and
        # less often; logged in again, the notice goes
        page.route("**/live/marker", lambda route: route.fulfill(status=401, body=""))
        presses = live.presses
        live.check_now()
        expect(page.locator("#live-notice")).to_contain_text("déconnecté", timeout=WAIT_MS)
        markers = live.markers
        page.wait_for_timeout(8_000)  # two rounds of the script: the first one skipped
        assert live.markers <= markers + 1 and live.presses == presses
        page.unroute("**/live/marker")
        live.check_now()
        expect(page.locator("#live-notice")).to_have_count(0)
        show_tab(page, "Charte")  # a tab with no live panel asks nothing
        assert live.asks_nothing()
        browser.close()


# ---- 2. what people wrote is text ----------------------------------------------------------------


def test_hostile_comment_and_override_reason_show_literally(running_app, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    seed = Seed(tmp_path)
    flawed = seed.variant("Texte sans mention légale.")  # the legal mention is missing: an error
    asked = seed.variant(CLEAN_FR)
    assert seed.describe(flawed)["errors"] >= 1
    requests: list[str] = []
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = open_page(browser, running_app, "en-US", WIDE, requests)
        show_tab(page, "Review")
        as_reviewer(page, lang="en")
        expect(page.locator("#review-queue")).to_contain_text("in review", timeout=WAIT_MS)
        expect(page.locator("#review-queue thead")).to_contain_text("Text")

        queue_row(page, "sans mention").click()
        expect(page.locator("#review-card .card")).to_have_attribute("data-variant", str(flawed))
        page.locator("#approve").click()  # an error match: refused, asks for a reason
        expect(page.locator("#review-outcome")).to_contain_text("override reason")
        page.locator("#override-reason textarea").fill(HOSTILE)
        page.locator("#override").click()
        expect(page.locator("#review-outcome .outcome-done")).to_contain_text(
            "approved with an override", timeout=WAIT_MS
        )
        history = page.locator("#review-history")
        expect(history).to_contain_text(HOSTILE)
        # the decided row changed in place: the in-review view no longer lists it
        expect(queue_row(page, "sans mention")).to_have_count(0)

        queue_row(page, "palets au beurre").click()
        expect(page.locator("#review-card .card")).to_have_attribute("data-variant", str(asked))
        page.locator("#review-comment textarea").fill(HOSTILE)
        page.locator("#request-changes").click()
        expect(page.locator("#review-outcome .outcome-done")).to_contain_text(
            "Changes requested", timeout=WAIT_MS
        )
        expect(history).to_contain_text(HOSTILE)
        for panel in ("#review-history", "#review-outcome", "#review-diff"):
            for tag in ("img", "a", "strong"):
                expect(page.locator(f"{panel} {tag}")).to_have_count(0)
        assert not [u for u in requests if u.rstrip("/").endswith("/x") or "javascript:" in u]
        shot(page, "review-escaped-en-1366")
        browser.close()


# ---- 3. campaign: times in the brief's zone, export without status change, confirmed publish ---


def _approve(seed: Seed, variant_id: int) -> None:
    from assistant.core.actors import Actor
    from assistant.publishing.review import approve

    info = seed.describe(variant_id)
    approve(seed.store, variant_id, Actor("bob", "reviewer"), override="mention dans le visuel",
            seen_version=info["text_version"])  # fmt: skip


def test_campaign_calendar_in_paris_time_export_then_confirmed_publish(running_app, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from assistant.publishing import export

    seed = Seed(tmp_path)
    planned = seed.variant(CLEAN_FR)
    _approve(seed, planned)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = open_page(browser, running_app, "fr-FR", WIDE)
        show_tab(page, "Campagne")
        calendar = page.locator("#calendar")
        expect(calendar).to_contain_text("approuvée", timeout=WAIT_MS)
        expect(calendar).to_contain_text("10:00")  # 10:00 in Paris, not 09:00 UTC
        expect(calendar).not_to_contain_text("09:00")
        expect(calendar).to_contain_text("Publication (Europe/Paris)")

        later = seed.variant("Les galettes reviennent à Pont-Aven, commandez sur lemoine.example")
        expect(calendar).to_contain_text("galettes reviennent", timeout=WAIT_MS)  # live

        page.locator("#mark-published").click()
        expect(page.locator("#publish-confirm").first).to_contain_text("Marquer les 1 variante(s)")
        page.locator("#publish-yes").click()
        expect(page.locator("#publish-notes")).to_contain_text(
            "1 variante(s) marquée(s) comme publiée(s)", timeout=WAIT_MS
        )
        expect(calendar).to_contain_text("publiée")
        info = seed.describe(planned)
        assert info["status"] == "published"
        assert info["audit"][-1]["action"] == "publish"
        assert seed.describe(later)["status"] == "in_review"
        shot(page, "campaign-published-fr-1366")

        exported = seed.variant("Palets et galettes en coffret, à commander sur lemoine.example")
        _approve(seed, exported)
        expect(calendar).to_contain_text("coffret", timeout=WAIT_MS)
        page.locator("#export").click()
        expect(page.locator("#export-notes")).to_contain_text("Export prêt", timeout=WAIT_MS)
        expect(page.locator("#export-files")).to_contain_text(".csv")
        if hasattr(export, "ExportResult"):  # the export no longer publishes anything
            assert seed.describe(exported)["status"] == "approved"
        shot(page, "campaign-export-fr-1366")
        browser.close()


# ---- 4. brand: shipped charters pass through the page, errors name file and field -----------


def test_charter_upload_checks_against_brand_folder(running_app, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    broken = tmp_path / "broken.yaml"
    broken.write_text(
        (ROOT / "brand_guides" / "trailforge.yaml")
        .read_text(encoding="utf-8")
        .replace("logo: trailforge/logo.png", "logo: ../../../../etc/passwd"),
        encoding="utf-8",
    )
    with sync_playwright() as p:
        browser = launch_chromium(p)
        for locale, tab, valid, refused in (
            ("en-US", "Brand", "Valid charter:", "Charter refused:"),
            ("fr-FR", "Charte", "Charte valide :", "Charte refusée :"),
        ):
            page = open_page(browser, running_app, locale, WIDE)
            show_tab(page, tab)
            expect(page.locator("#charter")).to_contain_text(
                "Forbidden words" if locale == "en-US" else "Mots interdits", timeout=WAIT_MS
            )
            verdict = page.locator("#charter-verdict")
            for name in ("trailforge.yaml", "maison-lemoine.yaml"):
                page.locator("#charter-upload input[type=file]").set_input_files(
                    str(ROOT / "brand_guides" / name)
                )
                expect(verdict).to_contain_text(valid, timeout=WAIT_MS)
                expect(verdict).to_contain_text(name)
            page.locator("#charter-upload input[type=file]").set_input_files(str(broken))
            expect(verdict).to_contain_text(refused, timeout=WAIT_MS)
            expect(verdict).to_contain_text("broken.yaml")
            expect(verdict).to_contain_text("visual.logo")
            assert "/tmp" not in verdict.inner_text()
            assert str(tmp_path) not in verdict.inner_text()
            shot(page, f"brand-upload-{locale}-1366")
            page.context.close()
        browser.close()


# ---- 5. approval names the text shown; stale events say so --------------------------------------


def test_moved_text_is_shown_again_and_a_vanished_variant_is_reported(running_app, tmp_path):
    from playwright.sync_api import expect, sync_playwright
    from sqlalchemy import delete

    from assistant.core.actors import Actor
    from assistant.core.store import AuditEvent, Comment, VariantRow, Version
    from assistant.publishing.review import edit

    seed = Seed(tmp_path)
    moving = seed.variant(CLEAN_FR)
    vanishing = seed.variant("Les galettes de Pont-Aven reviennent, commandez sur lemoine.example")
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = open_page(browser, running_app, "en-US", WIDE)
        show_tab(page, "Review")
        as_reviewer(page, lang="en")
        queue_row(page, "palets au beurre").click()
        expect(page.locator("#review-seen")).to_contain_text(
            "Text version 1 shown", timeout=WAIT_MS
        )

        info = seed.describe(moving)
        edit(seed.store, moving, info["text"] + " Merci !", Actor("carol", "author"),
             info["version"])  # fmt: skip
        page.locator("#override-reason textarea").fill("legal mention in the visual")
        page.locator("#override").click()
        outcome = page.locator("#review-outcome")
        expect(outcome).to_contain_text("The text changed since you opened it", timeout=WAIT_MS)
        expect(page.locator("#review-card .card")).to_contain_text("Merci !")
        expect(page.locator("#review-seen")).to_contain_text("Text version 2 shown")
        assert seed.describe(moving)["status"] == "in_review"
        shot(page, "review-text-moved-en-1366")
        page.locator("#override").click()  # the reviewer has now seen version 2
        expect(outcome).to_contain_text("approved with an override", timeout=WAIT_MS)
        assert seed.describe(moving)["status"] == "approved"

        queue_row(page, "galettes de Pont-Aven").click()
        expect(page.locator("#review-card .card")).to_have_attribute(
            "data-variant", str(vanishing), timeout=WAIT_MS
        )
        with seed.store.session() as session:  # deleted behind the reviewer's back
            for model in (AuditEvent, Comment, Version):
                session.execute(delete(model).where(model.variant_id == vanishing))
            session.execute(delete(VariantRow).where(VariantRow.id == vanishing))
            session.commit()
        page.locator("#approve").click()
        expect(outcome).to_contain_text(f"Variant {vanishing} no longer exists", timeout=WAIT_MS)
        expect(queue_row(page, "galettes de Pont-Aven")).to_have_count(0)
        expect(visible_toasts(page).filter(has_text="Something went wrong")).to_have_count(0)
        shot(page, "review-vanished-en-1366")
        browser.close()


def test_the_queues_status_reads_whole_on_a_phone(running_app, tmp_path):
    """On a 390 px phone the queue's status column showed "en relect…": it wraps between
    words and every word shows whole."""
    from playwright.sync_api import expect, sync_playwright

    Seed(tmp_path).variant(CLEAN_FR)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = open_page(browser, running_app, "fr-FR", PHONE)
        show_tab(page, "Relire")
        row = queue_row(page, "palets au beurre")
        expect(row).to_be_visible(timeout=15_000)
        status = row.get_by_role("gridcell").filter(has_text="relecture").first
        expect(status).to_be_visible()
        cut = status.evaluate(
            """cell => [cell, ...cell.querySelectorAll('*')]
                .filter(e => e.scrollWidth > e.clientWidth + 1).length"""
        )
        box = status.bounding_box()
        shot(page, "review-queue-status-phone")
        assert cut == 0 and box["x"] + box["width"] <= PHONE["width"]
        browser.close()
