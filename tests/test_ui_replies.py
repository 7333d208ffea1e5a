"""The Replies tab's server side: what a person wrote is shown as escaped text, the inbox is
in the reader's language, and the one-click fixes apply the checks' suggestions."""

from __future__ import annotations

from assistant.charter import load_brand
from assistant.inbox import import_text
from assistant.replies import draft
from assistant.review import Actor
from assistant.store import open_store
from assistant.ui.replies import checks_html, fix_all, inbox_frame, thread_html

from .conftest import ROOT

HOSTILE = "<img src=x onerror=alert(1)> **b** c'est nul"


def test_a_hostile_comment_and_its_author_are_shown_as_text():
    store = open_store()
    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    item = import_text(store, charter, HOSTILE, "facebook", "<b>Eve</b>").ids[0]
    html = thread_html(store, item, "fr")
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html and "**b**" in html
    options = draft(store, item, Actor("anne", "author"))
    assert "<img" not in checks_html(options[0].to_dict(), "fr")


def test_the_inbox_reads_in_french_and_english():
    store = open_store()
    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    import_text(store, charter, "Colis jamais reçu, c'est inadmissible", "x", "Paul")
    assert inbox_frame(store, "maison-lemoine", "todo", "", "fr").iloc[0, 2] == "réclamation"
    assert inbox_frame(store, "maison-lemoine", "todo", "", "en").iloc[0, 2] == "complaint"


def test_one_click_fixes_apply_the_suggestions():
    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    fixed = fix_all("Merci pour votre question !", "fr", charter, "facebook")
    assert fixed in ("Merci pour votre question\u202f!", "Merci pour votre question\xa0!")
