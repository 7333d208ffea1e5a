"""The Draft tab in a real browser (Debian's chromium), in French and English, on a laptop and a
phone: what is sent is what is on screen, visuals follow the text, nothing typed is lost on a
reload, what people wrote shows as text."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from .browser import WAIT_MS, LiveChecks, launch_chromium, shot

pytestmark = [pytest.mark.slow, pytest.mark.browser]

BRIEF = (
    "Les offres de Noël sont limités : coffrets de palets au beurre salé. "
    "Commandez sur https://lemoine.example/noel dès maintenant."
)
HOSTILE = "<img src=x onerror=alert(1)> **b** [l](javascript:alert(1))"
WORDS = {
    "fr-FR": {
        "in_review": "en relecture",
        "chars": "caractères",
        "updating": "mise à jour",
        "too_soon": "est passée",
        "keep": "Garder le mien",
        "truncated": "tronquée",
        "cut": "Coupé pour tenir",
    },
    "en-US": {
        "in_review": "in review",
        "chars": "characters",
        "updating": "updating",
        "too_soon": "is past",
        "keep": "Keep mine",
        "truncated": "truncated",
        "cut": "Cut to fit",
    },
}
OTHER = {"fr-FR": "en-US", "en-US": "fr-FR"}
WATCH_UPDATING = """() => {
  window.updatingSeen = "";
  new MutationObserver(() => {
    const note = document.querySelector('.visuals-updating');
    if (note) window.updatingSeen = note.textContent;
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
}"""


def _store(tmp_path):
    from assistant.core.store import open_store

    return open_store(f"sqlite:///{tmp_path / 'ui.db'}")


def _page(browser, url: str, locale: str | None, width: int = 1366):
    """A page of `browser` (or of a context when locale is None: a second person)."""
    from playwright.sync_api import expect

    if locale is None:
        page = browser.new_page()
    else:
        page = browser.new_page(locale=locale, viewport={"width": width, "height": 1000})
    page.alerts = []  # any dialog other than "leave the page?" means markup ran
    page.on("dialog", lambda d: (page.alerts.append(d.type), d.accept()))
    page.goto(url)
    page.locator("#generate").wait_for(timeout=WAIT_MS)
    # the load event fills the form, the campaign's name always: typing before it lands
    # would be overwritten, however long a fixed wait
    campaign = page.locator("#campaign-name textarea, #campaign-name input").first
    expect(campaign).not_to_have_value("", timeout=WAIT_MS)
    return page


def _networks(page, *names: str) -> None:
    boxes = page.locator("#networks label")
    for i in range(boxes.count()):
        label = boxes.nth(i)
        label.locator("input").set_checked(label.inner_text().strip() in names)


def _generate(page, brief: str, *names: str, count: int | None = None) -> None:
    from playwright.sync_api import expect

    page.locator("#brief textarea").fill(brief)
    _networks(page, *names)
    page.locator("#generate").click()
    expect(page.locator(".card")).to_have_count(count or len(names), timeout=WAIT_MS)


def _card(page, platform: str):
    return page.locator(".variant", has=page.locator(f'.card[data-platform="{platform}"]'))


def _variant_id(page, platform: str) -> int:
    return int(page.locator(f'.card[data-platform="{platform}"]').get_attribute("data-variant"))


@pytest.mark.parametrize("locale", ["fr-FR", "en-US"])
def test_edit_then_send_keeps_the_edit_and_visuals_follow(running_app, tmp_path, locale):
    from playwright.sync_api import expect, sync_playwright

    from assistant.publishing.review_queue import describe

    words = WORDS[locale]
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = _page(browser, running_app, locale)
        _generate(page, BRIEF, "X")
        expect(page.locator("#brief-length")).to_contain_text(f"{len(BRIEF)} {words['chars']}")
        x = _card(page, "x")
        expect(x.locator(".visual img")).to_have_count(2, timeout=WAIT_MS)
        expect(x.locator(".visual img").first).to_have_attribute("src", re.compile("/v1/"))
        assert WORDS[OTHER[locale]]["chars"] not in page.locator("#brief-length").inner_text()
        variant_id = _variant_id(page, "x")
        box = x.locator(".edit textarea")
        box.fill("Nouveaux palets en boutique. " + box.input_value())
        page.evaluate(WATCH_UPDATING)  # the note may show for a blink only: record it
        x.locator("button.send").click()  # straight from the box: no Save first
        expect(x.locator(".card .status")).to_contain_text(words["in_review"], timeout=WAIT_MS)
        expect(x.locator(".visual img").first).to_have_attribute(
            "src", re.compile("/v2/"), timeout=WAIT_MS
        )
        expect(x.locator(".visuals-updating")).to_have_count(0)
        assert words["updating"] in page.evaluate("window.updatingSeen").lower()
        expect(x.locator(".visuals .alt")).to_contain_text("Nouveaux palets en boutique")
        assert (
            x.locator(".visual img")
            .first.get_attribute("alt")
            .endswith("Nouveaux palets en boutique.")
        )
        shot(page, f"draft-send-visuals-{locale}")
        browser.close()
    info = describe(_store(tmp_path), variant_id)
    assert info["status"] == "in_review"
    assert info["text"].startswith("Nouveaux palets en boutique.")
    assert info["visuals_current"] and "Nouveaux palets" in info["alt_text"]


def test_a_save_from_another_browser_in_between_offers_a_choice(running_app, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from assistant.publishing.review_queue import describe

    with sync_playwright() as p:
        browser = launch_chromium(p)
        mine = _page(browser, running_app, "fr-FR")
        _generate(mine, BRIEF, "LinkedIn")
        variant_id = _variant_id(mine, "linkedin")
        theirs = _page(browser.new_context(locale="fr-FR"), running_app, None)
        other = _card(theirs, "linkedin")
        # same author: their work comes back
        expect(other.locator(".card")).to_have_count(1, timeout=WAIT_MS)
        other.locator(".edit textarea").fill("Leur version du texte.")
        other.locator("button.save").click()
        expect(other.locator(".card .body")).to_contain_text("Leur version", timeout=WAIT_MS)

        card = _card(mine, "linkedin")
        card.locator(".edit textarea").fill("Ma version du texte.")
        card.locator("button.save").click()
        conflict = card.locator(".conflict")
        expect(conflict).to_be_visible(timeout=WAIT_MS)
        expect(conflict.locator(".mine")).to_contain_text("Ma version du texte.")
        expect(conflict.locator(".theirs")).to_contain_text("Leur version du texte.")
        assert describe(_store(tmp_path), variant_id)["text"] == "Leur version du texte."
        shot(mine, "draft-conflict-fr-FR")
        card.locator("button.keep-mine").click()
        expect(card.locator(".conflict")).to_have_count(0, timeout=WAIT_MS)
        expect(card.locator(".card .body")).to_contain_text("Ma version du texte.")
        browser.close()
    assert describe(_store(tmp_path), variant_id)["text"] == "Ma version du texte."


@pytest.mark.parametrize("locale", ["fr-FR", "en-US"])
def test_a_past_publication_time_is_refused_in_the_readers_language(running_app, locale):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = _page(browser, running_app, locale)
        expect(page.locator("#publish-at")).to_contain_text("Europe/Paris")
        page.locator("#publish-at input.native-when").fill("2020-01-01T10:00")
        page.locator("#brief textarea").fill(BRIEF)
        page.locator("#generate").click()
        toast = page.locator(".toast-body")
        expect(toast).to_contain_text(WORDS[locale]["too_soon"], timeout=WAIT_MS)
        expect(toast).to_contain_text("2020-01-01 10:00")
        assert WORDS[OTHER[locale]]["too_soon"] not in toast.inner_text()
        expect(page.locator(".card")).to_have_count(0)
        shot(page, f"draft-time-refused-{locale}")
        browser.close()


def test_reload_restores_the_context_and_an_unsaved_edit(running_app, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    when = (datetime.now(ZoneInfo("Europe/Paris")) + timedelta(days=3)).replace(
        hour=11, minute=30, second=0, microsecond=0
    )
    slot = when.strftime("%Y-%m-%d %H:%M:%S")
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = _page(browser, running_app, "fr-FR")
        page.locator("#campaign-name textarea, #campaign-name input").first.fill("Soldes")
        page.locator("#author textarea, #author input").first.fill("alice")
        # the browser's own date-and-time field, as a person picks it
        page.locator("#publish-at input.native-when").fill(slot[:16].replace(" ", "T"))
        expect(page.locator("#publish-at input.time")).to_have_value(slot)
        _generate(page, BRIEF, "X", "LinkedIn")
        box = _card(page, "x").locator(".edit textarea")
        box.click()
        box.press("End")
        box.type(" Pas encore enregistré.")
        page.wait_for_timeout(500)
        page.reload()
        expect(page.locator(".card")).to_have_count(2, timeout=WAIT_MS)
        assert page.alerts == ["beforeunload"]  # leaving with an unsaved edit asked first
        expect(page.locator("#brief textarea")).to_have_value(BRIEF)
        expect(page.locator("#campaign-name textarea, #campaign-name input").first).to_have_value(
            "Soldes"
        )
        expect(page.locator("#author textarea, #author input").first).to_have_value("alice")
        expect(page.locator("#publish-at input.time")).to_have_value(slot)
        checked = page.locator("#networks input:checked")
        expect(checked).to_have_count(2)
        expect(_card(page, "x").locator(".edit textarea")).to_have_value(
            re.compile("Pas encore enregistré.$"), timeout=WAIT_MS
        )
        shot(page, "draft-restored-fr-FR")
        browser.close()
    from assistant.publishing.campaign import latest_work

    work = latest_work(_store(tmp_path), "maison-lemoine", "alice")
    assert work.campaign_name == "Soldes" and work.publish_at == when.astimezone(UTC)


def test_a_truncated_variant_shows_the_cut_and_an_interrupted_brief_resumes(running_app, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from assistant.core.charter import load_brand
    from assistant.core.settings import get_settings
    from assistant.publishing.brief_drafts import save_variant
    from assistant.publishing.campaign import add_brief, find_or_create_campaign
    from assistant.publishing.drafting import Variant

    store = _store(tmp_path)
    campaign_id = find_or_create_campaign(store, "Noël", "maison-lemoine")
    brief = add_brief(
        store, campaign_id, BRIEF, ["x", "linkedin"], datetime.now(UTC) + timedelta(days=2), "cm"
    )
    cut = Variant(platform="x", text="Les offres de Noël sont limitées.", status="truncated")
    cut.cut = "Commandez sur https://lemoine.example/noel dès maintenant."
    charter = load_brand("maison-lemoine", get_settings().brand_dir)
    save_variant(store, brief.id, cut, charter, "fr", "cm")  # LinkedIn never drafted
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = _page(browser, running_app, "en-US")
        x = _card(page, "x")
        expect(x.locator(".status")).to_contain_text(WORDS["en-US"]["truncated"], timeout=WAIT_MS)
        expect(x.locator(".cut")).to_contain_text(WORDS["en-US"]["cut"])
        expect(x.locator(".cut")).to_contain_text("Commandez sur https://lemoine.example/noel")
        page.locator("#resume").click()
        expect(page.locator(".card")).to_have_count(2, timeout=WAIT_MS)
        expect(page.locator("#resume")).to_be_hidden(timeout=WAIT_MS)
        shot(page, "draft-truncated-resumed-en-US")
        browser.close()


def test_markup_in_a_brief_and_an_edit_shows_as_text(running_app):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = _page(browser, running_app, "fr-FR")
        _generate(page, f"Bonjour {HOSTILE}", "LinkedIn")
        body = _card(page, "linkedin").locator(".card .body")
        expect(body).to_contain_text("<img src=x onerror=alert(1)> **b** [l]")
        box = _card(page, "linkedin").locator(".edit textarea")
        box.fill(f"Édité {HOSTILE}")
        box.blur()
        expect(body).to_contain_text("Édité <img src=x onerror=alert(1)> **b** [l](javascript")
        live = page.locator(".card img[src='x'], .card strong, .card a[href^='javascript']")
        assert live.count() == 0
        page.wait_for_timeout(500)
        assert page.alerts == []
        shot(page, "draft-markup-literal-fr-FR")
        browser.close()


@pytest.mark.parametrize("locale", ["fr-FR", "en-US"])
def test_phone_every_tab_in_reach_visuals_usable_mistakes_listed(running_app, locale):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = _page(browser, running_app, locale, width=390)
        tabs = page.get_by_role("tab")
        expect(tabs).to_have_count(6)
        for i in range(6):
            expect(tabs.nth(i)).to_be_visible()
        _generate(page, BRIEF, "X")
        x = _card(page, "x")
        image = x.locator(".visual img").first
        expect(image).to_be_visible(timeout=WAIT_MS)
        card_width = x.locator(".card").bounding_box()["width"]
        assert image.bounding_box()["width"] >= 0.85 * card_width  # full width, not a thumbnail
        mistakes = x.locator(".mistakes li")
        expect(mistakes.filter(has_text="limités")).to_have_count(1)
        box = x.locator(".edit textarea")
        box.fill("")
        box.focus()
        page.keyboard.insert_text("Nos offres sont limités en boutique.")  # as a paste does
        expect(x.locator("mark.m-error", has_text="limités")).to_be_visible(timeout=WAIT_MS)
        expect(x.locator(".card .body")).to_contain_text("en boutique")
        shot(page, f"draft-phone-{locale}")
        browser.close()


FACT_BRIEF = (
    "Dégustation gratuite le 12 décembre à la boutique de Pont-Aven, de 10 h à 18 h. "
    "Réservez sur https://lemoine.example/degustation."
)


def test_a_changed_date_is_flagged_with_the_briefs_value_and_fixed_in_one_click(
    running_app, tmp_path
):
    """Fact lock in the browser: an edit that moves the date shows at once (before saving)
    with the brief's date beside it; saved, it is a stored error that approval would refuse;
    the one-click fix puts the brief's date back."""
    from playwright.sync_api import expect, sync_playwright

    from assistant.core.actors import errors_of
    from assistant.publishing.review_queue import describe

    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = _page(browser, running_app, "fr-FR")
        _generate(page, FACT_BRIEF, "LinkedIn")
        card = _card(page, "linkedin")
        variant_id = _variant_id(page, "linkedin")
        box = card.locator(".edit textarea")
        box.fill(box.input_value().replace("12 décembre", "13 décembre"))
        changed = card.locator(".card mark.m-error", has_text="13 décembre")
        expect(changed).to_have_count(1, timeout=WAIT_MS)  # live, before any save
        assert "12 décembre" in changed.get_attribute("title")
        shot(page, "draft-fact-changed-live")
        card.get_by_role("button", name="Enregistrer et revérifier").click()
        fix = card.locator("button.fix", has_text="le 13 décembre → le 12 décembre")
        expect(fix).to_have_count(1, timeout=WAIT_MS)
        saved = describe(_store(tmp_path), variant_id)
        assert "13 décembre" in saved["text"]
        blocking = [m["rule"]["id"] for m in errors_of(saved["matches"])]
        assert "FACT_CHANGED" in blocking  # approval without an override is refused
        fix.click()
        expect(card.locator(".card mark.m-error", has_text="13 décembre")).to_have_count(
            0, timeout=WAIT_MS
        )
        shot(page, "draft-fact-fixed")
        browser.close()
    fixed = describe(_store(tmp_path), variant_id)
    assert "12 décembre" in fixed["text"] and "13 décembre" not in fixed["text"]
    assert "FACT_CHANGED" not in [m["rule"]["id"] for m in fixed["matches"]]


def test_a_reviewers_decision_reaches_the_writers_open_draft_tab(running_app, tmp_path):
    """The writer's Draft tab used to say "in review" long after a reviewer sent the post back:
    the reviewer's decision and comment now show above the cards within seconds, as text,
    and the cards redraw on request."""
    from playwright.sync_api import expect, sync_playwright

    from assistant.core.actors import Actor
    from assistant.publishing.review import request_changes
    from assistant.publishing.review_queue import describe

    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = _page(browser, running_app, "fr-FR")
        live = LiveChecks(page, running_app, "review-news")
        _generate(page, BRIEF, "LinkedIn")
        card = _card(page, "linkedin")
        card.locator("button.send").click()
        expect(card.locator(".card .status")).to_contain_text("en relecture", timeout=WAIT_MS)
        variant_id = _variant_id(page, "linkedin")
        store = _store(tmp_path)
        live.caught_up()  # the card as drawn is the baseline of news
        presses = live.presses
        note = "Ajoutez le prix <b>svp</b>"
        request_changes(store, variant_id, Actor("bob", "reviewer"), note)
        news = page.locator("#review-news")
        expect(news).to_contain_text("modifications demandées", timeout=WAIT_MS)
        # at most one refresh for one decision (none when the card's own redraw, its visuals
        # finishing after the send, brought the decision first: it is shown, not swallowed)
        assert live.presses <= presses + 1
        expect(news).to_contain_text(note)  # shown as text, markup included
        assert news.locator("q b").count() == 0
        shot(page, "draft-review-news")
        page.locator("#review-news-redraw").click()
        expect(card.locator(".card .status")).to_contain_text(
            "modifications demandées", timeout=WAIT_MS
        )
        browser.close()
    assert describe(store, variant_id)["status"] == "changes_requested"


def test_a_reload_brings_back_the_tab_the_person_was_on(running_app):
    """A reviewer who reloads lands on the Review tab they were on, not on Draft; its queue
    is loaded as after a click."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = _page(browser, running_app, "fr-FR")
        page.locator("#tab-review-button").click()
        expect(page.locator("#tab-review-button")).to_have_attribute("aria-selected", "true")
        page.reload()
        expect(page.locator("#tab-review-button")).to_have_attribute(
            "aria-selected", "true", timeout=15_000
        )
        expect(page.locator("#review-queue")).to_be_visible()
        page.locator("#tab-draft-button").click()
        page.reload()
        page.locator("#generate").wait_for(timeout=30_000)
        expect(page.locator("#tab-draft-button")).to_have_attribute("aria-selected", "true")
        browser.close()
