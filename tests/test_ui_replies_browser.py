"""The Replies tab in a real browser (Debian's chromium), as a community manager uses it:
import 30 mixed comments, the crisis comes first, a FAQ question gets the approved answer,
a complaint's reply is refused to its author and approved by someone else, then exported;
spam is hidden only once confirmed."""

from __future__ import annotations

import csv
import re

import pytest
import yaml

from .browser import WAIT_MS, download, launch_chromium, shot, table_row
from .conftest import ROOT
from .test_ui_review_browser import PHONE, WIDE, open_page, show_tab

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CRISIS = "Mon fils a fait une réaction allergique après vos palets, on a fini aux urgences"
QUESTION = "Bonjour, vous livrez à l'étranger ? Je suis à Genève"
COMPLAINT = "Colis arrivé avec la moitié des palets en miettes, très déçue"
FAQ_ANSWER = "Nous livrons en France, en Belgique, en Suisse et au Luxembourg"

# what the browser keeps of the Replies work (gr.BrowserState "assistant-replies-work"): a
# reload waits until a change has been written there
KEPT_WORK_JS = "() => localStorage.getItem('assistant-replies-work')"


def comments_csv(tmp_path):
    """30 comments: the shipped evaluation set's French ones without escalation, and three
    written here (a crisis, a question the FAQ answers, a complaint), intents interleaved."""
    rows = yaml.safe_load((ROOT / "tests" / "data" / "replies_eval.yaml").read_text("utf-8"))
    calm = [r for r in rows if r["brand"] == "maison-lemoine" and not r["escalation"]]
    by_intent = [
        [r["text"] for r in calm if r["intent"] == i]
        for i in dict.fromkeys(r["intent"] for r in calm)
    ]
    mixed = [group[n] for n in range(10) for group in by_intent if n < len(group)]
    texts = [QUESTION, COMPLAINT, *mixed[:27], CRISIS]
    path = tmp_path / "comments.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["network", "id", "author", "text", "created_at", "permalink", "post",
                         "parent", "extra"])  # fmt: skip
        for n, text in enumerate(texts):
            writer.writerow(["facebook", f"c{n}", f"Marie {n}", text, f"2026-11-2{n % 5}T10:00:00Z",
                             "", "post-1", "", "ignored"])  # fmt: skip
    return path


def row(page, text: str):
    return table_row(page, "#replies-inbox", text)


def test_inbox_triage_reply_second_approver_export(running_app, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = open_page(browser, running_app, "fr-FR", WIDE)
        show_tab(page, "Répondre")
        page.locator("#replies-file input[type=file]").set_input_files(str(comments_csv(tmp_path)))
        page.locator("#replies-import").click()
        outcome = page.locator("#replies-outcome")
        expect(outcome).to_contain_text("30 commentaire(s) importé(s)", timeout=WAIT_MS)
        first = page.locator("#replies-inbox").get_by_role("row").nth(1)  # under the header
        expect(first).to_contain_text("réaction allergique")
        expect(first).to_contain_text("crise")
        shot(page, "replies-inbox-fr-1366")

        row(page, "Genève").click()
        expect(page.locator("#replies-thread .thread-text")).to_contain_text(
            "Genève", timeout=WAIT_MS
        )
        page.locator("#replies-draft").click()
        expect(page.locator("#reply-warm textarea")).to_have_value(
            re.compile(FAQ_ANSWER), timeout=WAIT_MS
        )
        expect(page.locator("#reply-factual textarea")).to_have_value(re.compile(FAQ_ANSWER))

        page.locator("#replies-who input, #replies-who textarea").first.fill("anne")
        # without a login the role starts as author (declared, not verified): anne reviews
        page.locator("#replies-role input").first.click()
        page.get_by_role("option", name="relecteur", exact=True).click()
        row(page, "en miettes").click()
        expect(page.locator("#replies-thread .thread-text")).to_contain_text(
            "miettes", timeout=WAIT_MS
        )
        expect(page.locator("#replies-thread")).to_contain_text("second approbateur")
        page.locator("#replies-draft").click()
        expect(page.locator("#reply-warm textarea")).to_have_value(
            re.compile("désolés"), timeout=WAIT_MS
        )
        page.locator("#replies-approve").click()
        expect(page.locator("#replies-outcome .outcome-refused")).to_contain_text(
            "anne a écrit cette réponse", timeout=WAIT_MS
        )
        page.locator("#replies-who input, #replies-who textarea").first.fill("bob")
        page.locator("#replies-approve").click()
        expect(page.locator("#replies-outcome .outcome-done")).to_contain_text(
            "approuvée", timeout=WAIT_MS
        )
        expect(row(page, "en miettes")).to_contain_text("approuvé")
        shot(page, "replies-approved-fr-1366")

        page.locator("#replies-hide").click()
        expect(page.locator("#replies-outcome .outcome-refused")).to_contain_text("Cochez")
        page.locator("#replies-hide-confirm input").check()
        page.locator("#replies-hide").click()
        expect(page.locator("#replies-outcome .outcome-done")).to_contain_text(
            "masqué", timeout=WAIT_MS
        )
        expect(page.locator("#replies-inbox")).not_to_contain_text("Gagnez")

        target = download(page, "#replies-export", "#replies-export-file", tmp_path / "inbox.csv")

        english = open_page(browser, running_app, "en-US", WIDE)
        show_tab(english, "Replies")
        expect(english.locator("#replies-inbox thead")).to_contain_text("Intent", timeout=WAIT_MS)
        expect(english.locator("#replies-inbox").get_by_role("row").nth(1)).to_contain_text(
            "crisis"
        )
        english.locator("#replies-inbox").get_by_role("row").filter(
            has_text="en miettes"
        ).first.click()
        expect(english.locator("#replies-thread")).to_contain_text("needs a second approver")
        shot(english, "replies-thread-en-1366")
        browser.close()
    exported = {r["text"]: r for r in csv.DictReader(target.open(encoding="utf-8"))}
    assert (
        exported[COMPLAINT]["status"] == "approved" and exported[COMPLAINT]["approved_by"] == "bob"
    )
    assert "désolés" in exported[COMPLAINT]["reply"]
    assert any(r["status"] == "hidden" for r in exported.values())


OVERFLOW_JS = """(sel) => {
  const root = document.querySelector(sel);
  let worst = document.documentElement.scrollWidth - window.innerWidth;
  for (const el of [root, ...root.querySelectorAll('*')]) {
    const s = getComputedStyle(el).overflowX;
    if ((s === 'auto' || s === 'scroll') && el.clientWidth > 0)
      worst = Math.max(worst, el.scrollWidth - el.clientWidth);
  }
  return worst;
}"""
TALLEST_HEADER_JS = """(sel) => Math.max(...[...document.querySelectorAll(sel + ' thead th')]
  .filter(th => th.offsetWidth > 0).map(th => th.getBoundingClientRect().height))"""


def test_the_reviewer_approves_the_text_on_screen_and_work_survives_a_reload(running_app, tmp_path):
    """alex keeps an edited Warm option (v2) and sends it for review; rita sees v2 itself and
    her approval names it; a reload keeps the open comment and unsaved text; the inbox fits a
    laptop and a phone; an over-large file is refused in French under its own name."""
    from playwright.sync_api import expect, sync_playwright

    from assistant.community.inbox import import_text
    from assistant.community.replies import edit
    from assistant.core.actors import Actor
    from assistant.core.charter import load_brand
    from assistant.core.store import Store

    store = Store(f"sqlite:///{tmp_path / 'ui.db'}")
    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    for n in range(6):
        import_text(store, charter, f"Question {n} : vous livrez en Belgique ?", "facebook", "Léa")
    item = import_text(store, charter, COMPLAINT, "facebook", "Marie Dupont").ids[0]
    with sync_playwright() as p:
        browser = launch_chromium(p)
        alex = open_page(browser, running_app, "fr-FR", WIDE)
        show_tab(alex, "Répondre")
        expect(row(alex, "en miettes")).to_be_visible(timeout=WAIT_MS)
        assert alex.evaluate(OVERFLOW_JS, "#replies-inbox") <= 1
        assert alex.evaluate(TALLEST_HEADER_JS, "#replies-inbox") < 60
        alex.locator("#replies-who input, #replies-who textarea").first.fill("alex")
        alex.locator("#replies-role input").first.click()
        alex.get_by_role("option", name="Auteur").click()
        row(alex, "en miettes").click()
        assert alex.evaluate(OVERFLOW_JS, "#replies-inbox") <= 1
        alex.locator("#replies-draft").click()
        warm = alex.locator("#reply-warm textarea")
        expect(warm).to_have_value(re.compile("désolés"), timeout=WAIT_MS)
        warm.fill(warm.input_value() + " Nous vous rembourserons.")
        alex.locator("#reply-warm-use").click()
        expect(alex.locator("#replies-outcome .outcome-done")).to_contain_text(
            "v2", timeout=WAIT_MS
        )
        factual = alex.locator("#reply-factual textarea")
        kept = alex.evaluate(KEPT_WORK_JS)
        factual.fill("Brouillon pas encore retenu")
        alex.wait_for_function(  # the browser keeps it after its change event, then reloads
            f"(before) => ({KEPT_WORK_JS})() !== before", arg=kept, timeout=WAIT_MS
        )
        alex.reload()
        expect(alex.locator("#replies-thread .thread-text")).to_contain_text(
            "miettes", timeout=WAIT_MS
        )
        expect(alex.locator("#reply-factual textarea")).to_have_value("Brouillon pas encore retenu")
        expect(alex.get_by_role("tab", name="Répondre")).to_have_attribute("aria-selected", "true")
        alex.locator("#replies-who input, #replies-who textarea").first.fill("alex")
        alex.locator("#replies-submit").click()
        expect(alex.locator("#replies-outcome .outcome-done")).to_contain_text(
            "relecture", timeout=WAIT_MS
        )

        rita = open_page(browser, running_app, "fr-FR", WIDE)
        show_tab(rita, "Répondre")
        row(rita, "en miettes").click()
        shown = rita.locator("#replies-thread .thread-reply")
        expect(shown).to_contain_text("Nous vous rembourserons.", timeout=WAIT_MS)
        expect(shown).to_contain_text("v2, écrite par alex")
        expect(shown).to_contain_text("ne doit jamais promettre")
        shot(rita, "replies-review-v2-fr-1366")
        edit(store, item, "Bonjour Marie, écrivez-nous en privé.", Actor("alex", "author"))
        rita.locator("#replies-who input, #replies-who textarea").first.fill("rita")
        rita.locator("#replies-role input").first.click()
        rita.get_by_role("option", name="relecteur", exact=True).click()
        rita.locator("#replies-override input, #replies-override textarea").first.fill("vu")
        rita.locator("#replies-approve").click()
        expect(rita.locator("#replies-outcome .outcome-refused")).to_contain_text(
            "vous avez vu la v2", timeout=WAIT_MS
        )
        row(rita, "en miettes").click()
        expect(shown).to_contain_text("écrivez-nous en privé", timeout=WAIT_MS)
        rita.locator("#replies-approve").click()
        expect(rita.locator("#replies-outcome .outcome-done")).to_contain_text(
            "approuvée", timeout=WAIT_MS
        )

        big = tmp_path / "upload" / "gros-fichier.csv"
        big.parent.mkdir()
        big.write_bytes(b"network,id,author,text,created_at\n" + b"x" * 12_000_000)
        rita.locator("#replies-file input[type=file]").set_input_files(str(big))
        rita.wait_for_timeout(1000)
        rita.locator("#replies-import").click()
        refused = rita.locator("#replies-outcome .outcome-refused")
        expect(refused).to_contain_text("gros-fichier.csv fait", timeout=WAIT_MS)
        expect(refused).not_to_contain_text("/tmp")
        expect(rita.locator(".toast-body")).not_to_contain_text("exceed")

        phone = open_page(browser, running_app, "en-US", PHONE)
        show_tab(phone, "Replies")
        expect(row(phone, "en miettes")).to_be_visible(timeout=WAIT_MS)
        assert phone.evaluate(OVERFLOW_JS, "#replies-inbox") <= 1
        row(phone, "Question 1").click()
        expect(phone.locator("#replies-thread .thread-text")).to_contain_text("Question 1")
        assert phone.evaluate(OVERFLOW_JS, "#replies-inbox") <= 1
        shot(phone, "replies-thread-en-390")
        browser.close()
