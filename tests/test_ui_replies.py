"""The Replies tab's server side: what a person wrote is shown as escaped text, the inbox is
in the reader's language, and the one-click fixes apply the checks' suggestions."""

from __future__ import annotations

import pytest

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


def _anne_keeps_v2(store):
    """A complaint whose Warm option anne edited and kept (v2), sent for review."""
    from assistant.replies import edit, submit

    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    item = import_text(store, charter, "Colis arrivé cassé, déçue", "facebook", "Marie").ids[0]
    options = draft(store, item, Actor("anne", "author"))
    edit(store, item, options[0].text + " Nous vous rembourserons.", Actor("anne", "author"))
    submit(store, item, Actor("anne", "author"))
    return item


def test_the_reviewer_sees_the_reply_being_approved_and_approve_names_it():
    from assistant.errors import WorkflowError
    from assistant.replies import approve, edit
    from assistant.ui.replies import thread_view

    store = open_store()
    item = _anne_keeps_v2(store)
    html, number = thread_view(store, item, "fr")
    assert number == 2 and "Nous vous rembourserons." in html
    assert "v2, écrite par anne" in html and "Réponse à approuver" in html
    assert "Une réponse ne doit jamais promettre cela (remboursement)" in html
    edit(store, item, "Bonjour Marie, écrivez-nous en privé.", Actor("anne", "author"))
    with pytest.raises(WorkflowError) as moved:
        approve(store, item, Actor("rita", "reviewer"), override="ok", seen_version=number)
    assert moved.value.key == "reply_text_moved"


def test_escalations_read_in_the_readers_language():
    from assistant.ui.replies import thread_html

    store = open_store()
    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    text = "Mon fils a fait une réaction allergique après vos palets"
    item = import_text(store, charter, text, "facebook", "Marie").ids[0]
    assert inbox_frame(store, "maison-lemoine", "todo", "", "en").iloc[0, 2] == "crisis · health"
    assert inbox_frame(store, "maison-lemoine", "todo", "", "fr").iloc[0, 2] == "crise · santé"
    assert "escalated to quality manager" in thread_html(store, item, "en")
    assert "sante" not in thread_html(store, item, "en")


def test_import_errors_name_the_chosen_file_in_the_readers_language(tmp_path):
    from assistant.errors import InputError
    from assistant.inbox import import_file
    from assistant.ui.i18n import error_text

    store = open_store()
    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    kept = tmp_path / "3f9a0c" / "commentaires.csv"
    kept.parent.mkdir()
    kept.write_text("network,id,author,text,created_at\nfacebook,1,Marie,,2026-11-20T10:00:00Z\n")
    with pytest.raises(InputError) as empty:
        import_file(store, charter, kept, name="commentaires.csv")
    shown = error_text(empty.value, "fr")
    assert shown.startswith("commentaires.csv, ligne 1, champ text : vide ou absent")
    assert "3f9a0c" not in shown and "empty" not in shown
    kept.write_bytes(b"network,id,author,text,created_at\nfacebook,1,Marie,caf\xe9,x\n")
    with pytest.raises(InputError) as latin:
        import_file(store, charter, kept, name="commentaires.csv")
    assert "n’est pas un texte UTF-8" in error_text(latin.value, "fr")


def test_the_spreadsheet_export_has_a_bom_and_neutral_formulas(tmp_path):
    from assistant.ui.replies import write_export

    rows = [{"text": "Très déçue", "author": "=HYPERLINK(1)"}]
    data = write_export(rows, tmp_path / "inbox.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "Très déçue".encode() in data
    assert b",=HYPERLINK" not in data


def test_showing_the_replies_tab_to_a_logged_in_user_fills_in_who_they_are(monkeypatch):
    """ "Votre nom: cm / Rôle: relecteur" was shown to a logged-in author on the Replies tab."""
    import gradio as gr

    from .ui_events import tab_select_handler

    shown = tab_select_handler(monkeypatch, "tab-replies", {"replies-who", "replies-role"})
    name, role = shown(gr.Request(username="alex"))
    assert (name["value"], role["value"]) == ("alex", "author")
    assert name["interactive"] is False and role["interactive"] is False
