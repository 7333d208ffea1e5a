"""The Replies tab's server side: what a person wrote is shown as escaped text, the inbox is
in the reader's language, and the one-click fixes apply the checks' suggestions."""

from __future__ import annotations

import pytest

from assistant.community.inbox import import_text
from assistant.community.replies import draft
from assistant.core.actors import Actor
from assistant.core.charter import load_brand
from assistant.core.store import open_store
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
    from assistant.community.replies import edit, submit

    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    item = import_text(store, charter, "Colis arrivé cassé, déçue", "facebook", "Marie").ids[0]
    options = draft(store, item, Actor("anne", "author"))
    edit(store, item, options[0].text + " Nous vous rembourserons.", Actor("anne", "author"))
    submit(store, item, Actor("anne", "author"))
    return item


def test_the_reviewer_sees_the_reply_being_approved_and_approve_names_it():
    from assistant.community.replies import approve, edit
    from assistant.core.errors import WorkflowError
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
    from assistant.community.inbox import import_file
    from assistant.core.errors import InputError
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


def _inbox_with_spam(store):
    """Open spam in two brands, an already-answered comment, and a question."""
    lemoine = load_brand("maison-lemoine", ROOT / "brand_guides")
    trail = load_brand("trailforge", ROOT / "brand_guides")
    spam = [
        import_text(
            store, lemoine, f"Gagnez {n}00€ par jour cliquez ici bit.ly/x{n}", "x", "@b"
        ).ids[0]
        for n in (1, 2)
    ]
    other = import_text(store, trail, "Gagnez 300€ par jour cliquez ici bit.ly/x3", "x", "@c")
    question = import_text(store, lemoine, "Vous livrez en Belgique ?", "x", "Paul").ids[0]
    return spam, other.ids[0], question


def test_hiding_spam_needs_a_brand_and_hides_only_what_is_listed():
    from assistant.community.inbox import get_item
    from assistant.ui.replies import hide_listed_spam

    store = open_store()
    spam, other_brand, question = _inbox_with_spam(store)
    assert {get_item(store, i).intent for i in (*spam, other_brand)} == {"spam"}
    anne = Actor("anne", "author")

    message, ids = hide_listed_spam(store, "", "todo", "", anne, "fr")
    assert ids == [] and "Choisissez d’abord une marque" in message
    message, ids = hide_listed_spam(store, "maison-lemoine", "todo", "question", anne, "en")
    assert ids == [] and "No open spam in the list" in message  # the spam is not listed
    assert get_item(store, spam[0]).status == "new"

    message, ids = hide_listed_spam(store, "maison-lemoine", "todo", "", anne, "fr")
    assert sorted(ids) == sorted(spam) and "2 spam(s) masqué(s)" in message
    assert get_item(store, other_brand).status == "new"  # another brand's inbox is untouched
    assert get_item(store, question).status == "new"


def test_the_last_hidden_batch_is_shown_again_in_the_status_it_had():
    from assistant.community.inbox import get_item
    from assistant.community.replies import close
    from assistant.ui.replies import hide_listed_spam, unhide_batch

    store = open_store()
    spam, _other, question = _inbox_with_spam(store)
    anne = Actor("anne", "author")
    _message, ids = hide_listed_spam(store, "maison-lemoine", "", "spam", anne, "en")
    assert sorted(ids) == sorted(spam)
    assert len(inbox_frame(store, "maison-lemoine", "hidden", "", "en")) == 2

    message, left = unhide_batch(store, ids, Actor("bob", "reviewer"), "fr")
    assert left == [] and "2 commentaire(s) réaffiché(s)" in message
    assert [get_item(store, i).status for i in spam] == ["new", "new"]
    assert len(inbox_frame(store, "maison-lemoine", "todo", "spam", "en")) == 2

    message, left = unhide_batch(store, [], anne, "en")
    assert left == [] and "Nothing hidden here" in message
    close(store, [question], anne, "no_reply")
    message, left = unhide_batch(store, [spam[0], question], anne, "fr")
    assert left == [spam[0], question] and "pas masqué" in message  # all or none
    assert get_item(store, question).status == "no_reply"


def test_cli_unhide_takes_hidden_comments_back():
    from assistant.community.inbox import get_item

    from .command_line import run

    store = open_store()
    spam, _other, question = _inbox_with_spam(store)
    code, _out, err = run(["reply", "hide", str(spam[0]), "--yes"])
    assert code == 0, err
    code, out, _err = run(["reply", "unhide", str(spam[0])])
    assert code == 0 and "1 comment(s) shown again" in out
    assert get_item(store, spam[0]).status == "new"
    code, _out, err = run(["reply", "unhide", str(question)])
    assert code == 2 and "not hidden" in err


def test_an_escalated_comment_shows_only_its_internal_note():
    """No empty "factual" and "short" boxes with buttons under an escalated comment."""
    from assistant.ui.replies import option_outputs

    store = open_store()
    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    text = "Mon fils a fait une réaction allergique après vos palets"
    item = import_text(store, charter, text, "facebook", "Marie").ids[0]
    options = [o.to_dict() for o in draft(store, item, Actor("anne", "author"))]
    assert [o["option"] for o in options] == ["note"]
    boxes, checks = option_outputs(options, "fr")[:3], option_outputs(options, "fr")[3:]
    assert boxes[0]["value"] == options[0]["text"]
    assert "option-unused" not in checks[0]
    assert all("option-unused" in c for c in checks[1:])
    # before any drafting the three options are announced, none hidden
    assert not any("option-unused" in c for c in option_outputs([], "fr")[3:])


def test_draft_on_one_machine_drafts_here_and_shows_the_options_kept():
    """On SQLite, Draft runs its job in the app's own process, as it always did: the options
    shown are the ones kept, and a closed comment is refused in the reader's language."""
    from assistant.community.replies import close, describe
    from assistant.core import jobs
    from assistant.ui.replies import drafted

    store = open_store()
    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    item = import_text(store, charter, "Colis arrivé cassé, déçue", "facebook", "Marie").ids[0]
    assert not jobs.queued()
    shown = drafted(store, item, Actor("anne", "author"), "none", "en")
    assert f"3 option(s) drafted for comment {item}." in shown[0]
    kept = describe(store, item)["reply"]["options"]
    assert [box["value"] for box in shown[1:4]] == [o["text"] for o in kept]
    close(store, [item], Actor("anne", "author"), "no_reply")
    assert "il est clos" in drafted(store, item, Actor("anne", "author"), "none", "fr")[0]
