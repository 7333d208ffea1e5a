"""Every tab of the app, walked in French and in English at laptop and phone widths: no
visible string belongs only to the other language, no "[object Object]", every tab is one
tap away on a phone and the review queue shows the posts' text there."""

from __future__ import annotations

import re
import string

import pytest

from assistant.ui.i18n import table

from .browser import WAIT_MS, launch_chromium, shot
from .test_ui_review_browser import CLEAN_FR, PHONE, WIDE, Seed, open_page, queue_row

pytestmark = [pytest.mark.slow, pytest.mark.browser]

TABS = {"fr-FR": ("Rédiger", "Relire", "Campagne", "Répondre", "Charte", "Bilan"),
        "en-US": ("Draft", "Review", "Campaign", "Replies", "Brand", "Audit")}  # fmt: skip


def only_in(lang: str) -> set[str]:
    """Literal pieces of `lang`'s strings that no string of the other language contains."""
    other = "fr" if lang == "en" else "en"
    theirs = {texts[other] for texts in table().values()}
    pieces = set()
    for texts in table().values():
        if texts[lang] in theirs:
            continue
        for literal, *_ in string.Formatter().parse(texts[lang]):
            literal = literal.strip(" :;,.()«»“”")
            if len(literal) >= 4 and not any(literal in t for t in theirs):
                pieces.add(literal)
    return pieces


def strays(page_text: str, lang_of_page: str) -> list[str]:
    foreign = only_in("en" if lang_of_page == "fr" else "fr")
    return sorted(p for p in foreign if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", page_text))


# What people and charters wrote is in their own language: post texts, names, comments, the
# charter's own words. Only the interface's words are checked.
USER_TEXT = ".user-text, .card .body, #review-queue, #calendar, #brief, .edit"


def visible_text(page) -> str:
    return page.evaluate(
        """(selector) => {
            const hidden = Array.from(document.querySelectorAll(selector));
            const before = hidden.map((e) => e.style.display);
            hidden.forEach((e) => { e.style.display = "none"; });
            const text = document.body.innerText;
            hidden.forEach((e, i) => { e.style.display = before[i]; });
            return text;
        }""",
        USER_TEXT,
    )


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1366", "390"])
def test_every_tab_speaks_one_language(running_app, tmp_path, viewport):
    from playwright.sync_api import expect, sync_playwright

    seed = Seed(tmp_path)
    seed.variant(CLEAN_FR)
    seed.variant("Texte sans mention légale.", submit=False)
    width = viewport["width"]
    with sync_playwright() as p:
        browser = launch_chromium(p)
        for locale, names in TABS.items():
            lang = locale[:2]
            page = open_page(browser, running_app, locale, viewport)
            tabs = page.get_by_role("tab")
            for name in names:  # one tap away: every tab is a visible button, no overflow menu
                expect(page.get_by_role("tab", name=name, exact=True)).to_be_visible()
            found: dict[str, list[str]] = {}
            for name in names:
                tabs.filter(has_text=name).first.click()
                if name in ("Relire", "Review"):
                    row = queue_row(page, "palets au beurre")
                    expect(row).to_be_visible(timeout=WAIT_MS)
                    row.click()
                    expect(page.locator("#review-card .card")).to_be_visible(timeout=WAIT_MS)
                    if width < 500:  # the queue shows the text on a phone, inside the screen
                        cell = row.get_by_role("gridcell").filter(has_text="palets au beurre")
                        box = cell.first.bounding_box()
                        assert box and box["x"] >= 0 and box["x"] + 40 <= width
                if name in ("Campagne", "Campaign"):
                    expect(page.locator("#calendar")).to_contain_text("10:00", timeout=WAIT_MS)
                if name in ("Charte", "Brand"):
                    expect(page.locator("#charter")).not_to_be_empty(timeout=WAIT_MS)
                page.wait_for_timeout(500)
                text = visible_text(page)
                assert "[object Object]" not in text, f"{locale} {name}"
                assert "Use via API" not in text, "Gradio's English-only footer is shown"
                stray = strays(text, lang)
                if stray:
                    found[name] = stray
                shot(page, f"walk-{locale}-{name}-{width}")
            assert not found, f"{locale}: strings of the other language: {found}"
            page.context.close()
        browser.close()
