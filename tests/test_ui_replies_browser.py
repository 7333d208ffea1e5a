"""The Replies tab in a real browser (Debian's chromium), as a community manager uses it:
import 30 mixed comments, the crisis comes first, a FAQ question gets the approved answer,
a complaint's reply is refused to its author and approved by someone else, then exported;
spam is hidden only once confirmed."""

from __future__ import annotations

import csv
import re

import pytest
import yaml

from .browser import download, launch_chromium, shot
from .conftest import ROOT
from .test_ui_review_browser import WIDE, open_page, show_tab

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CRISIS = "Mon fils a fait une réaction allergique après vos palets, on a fini aux urgences"
QUESTION = "Bonjour, vous livrez à l'étranger ? Je suis à Genève"
COMPLAINT = "Colis arrivé avec la moitié des palets en miettes, très déçue"
FAQ_ANSWER = "Nous livrons en France, en Belgique, en Suisse et au Luxembourg"


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
    return page.locator("#replies-inbox").get_by_role("row").filter(has_text=text).first


def test_inbox_triage_reply_second_approver_export(running_app, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = open_page(browser, running_app, "fr-FR", WIDE)
        show_tab(page, "Répondre")
        page.locator("#replies-file input[type=file]").set_input_files(str(comments_csv(tmp_path)))
        page.locator("#replies-import").click()
        outcome = page.locator("#replies-outcome")
        expect(outcome).to_contain_text("30 commentaire(s) importé(s)", timeout=30_000)
        first = page.locator("#replies-inbox").get_by_role("row").nth(1)  # under the header
        expect(first).to_contain_text("réaction allergique")
        expect(first).to_contain_text("crise")
        shot(page, "replies-inbox-fr-1366")

        row(page, "Genève").click()
        expect(page.locator("#replies-thread .thread-text")).to_contain_text(
            "Genève", timeout=10_000
        )
        page.locator("#replies-draft").click()
        expect(page.locator("#reply-warm textarea")).to_have_value(
            re.compile(FAQ_ANSWER), timeout=15_000
        )
        expect(page.locator("#reply-factual textarea")).to_have_value(re.compile(FAQ_ANSWER))

        page.locator("#replies-who input, #replies-who textarea").first.fill("anne")
        row(page, "en miettes").click()
        expect(page.locator("#replies-thread .thread-text")).to_contain_text(
            "miettes", timeout=10_000
        )
        expect(page.locator("#replies-thread")).to_contain_text("second approbateur")
        page.locator("#replies-draft").click()
        expect(page.locator("#reply-warm textarea")).to_have_value(
            re.compile("désolés"), timeout=15_000
        )
        page.locator("#replies-approve").click()
        expect(page.locator("#replies-outcome .outcome-refused")).to_contain_text(
            "anne a écrit cette réponse", timeout=10_000
        )
        page.locator("#replies-who input, #replies-who textarea").first.fill("bob")
        page.locator("#replies-approve").click()
        expect(page.locator("#replies-outcome .outcome-done")).to_contain_text(
            "approuvée", timeout=10_000
        )
        expect(row(page, "en miettes")).to_contain_text("approuvé")
        shot(page, "replies-approved-fr-1366")

        page.locator("#replies-hide").click()
        expect(page.locator("#replies-outcome .outcome-refused")).to_contain_text("Cochez")
        page.locator("#replies-hide-confirm input").check()
        page.locator("#replies-hide").click()
        expect(page.locator("#replies-outcome .outcome-done")).to_contain_text(
            "masqué", timeout=10_000
        )
        expect(page.locator("#replies-inbox")).not_to_contain_text("Gagnez")

        target = download(page, "#replies-export", "#replies-export-file", tmp_path / "inbox.csv")

        english = open_page(browser, running_app, "en-US", WIDE)
        show_tab(english, "Replies")
        expect(english.locator("#replies-inbox thead")).to_contain_text("Intent", timeout=15_000)
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
