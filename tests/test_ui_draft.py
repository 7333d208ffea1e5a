"""The Draft tab's handlers and the app's exposure, without a browser: cards escape what
people wrote, a stale card says so, a conflict offers a choice, the data folder is private and
a public bind needs accounts."""

from __future__ import annotations

import html as html_module
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import gradio as gr
import pytest

from .conftest import ROOT, free_port, serving

HOSTILE = "<img src=x onerror=alert(1)> **b** [l](javascript:alert(1))"


class _Request:
    """What the handlers read of a Gradio request: the browser's language, no login."""

    def __init__(self, lang: str = "fr-FR") -> None:
        self.headers = {"accept-language": lang}
        self.username = None


def _variant(store, text: str = "Nos biscuits sont bons. https://lemoine.example") -> int:
    from assistant.publishing.brief_drafts import draft_brief
    from assistant.publishing.campaign import add_brief, find_or_create_campaign

    campaign_id = find_or_create_campaign(store, "Test", "maison-lemoine")
    when = datetime.now(UTC) + timedelta(days=2)
    brief = add_brief(store, campaign_id, text, ["linkedin"], when, "cm")
    return next(iter(draft_brief(store, brief.id, None, "cm", variants=1)))[1]


def _actions(store, variant_id: int):
    from assistant.core.actors import Actor
    from assistant.core.charter import load_brand
    from assistant.core.settings import get_settings
    from assistant.publishing.review_queue import describe
    from assistant.ui.cards import CardView
    from assistant.ui.draft import _CardActions

    view = CardView.from_described(describe(store, variant_id))
    charter = load_brand(view.brand, get_settings().brand_dir)
    return _CardActions(store, view, charter, Actor("cm", "author"))


@pytest.fixture()
def store():
    from assistant.core.store import open_store

    return open_store()


def test_card_shows_what_people_wrote_as_text(store):
    from assistant.core.charter import load_brand
    from assistant.core.settings import get_settings
    from assistant.publishing.review_queue import describe
    from assistant.ui.cards import CardView, card_html

    view = CardView.from_described(describe(store, _variant(store, f"Bonjour {HOSTILE}")))
    html = card_html(view, load_brand("maison-lemoine", get_settings().brand_dir), "fr")
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    shown = html_module.unescape(re.sub(r"<[^>]+>", "", html))
    assert "**b** [l](javascript" in shown, shown  # Markdown stays literal
    assert "<strong>" not in html and 'href="javascript' not in html


def test_truncated_card_says_so_and_shows_the_cut(store):
    from assistant.core.charter import load_brand
    from assistant.core.settings import get_settings
    from assistant.publishing.review_queue import describe
    from assistant.ui.cards import CardView, card_html

    info = {**describe(store, _variant(store)), "draft_status": "truncated", "cut": "<b>fin</b>"}
    charter = load_brand("maison-lemoine", get_settings().brand_dir)
    french = card_html(CardView.from_described(info), charter, "fr")
    english = card_html(CardView.from_described(info), charter, "en")
    assert "tronquée" in french and "Coupé pour tenir" in french and "&lt;b&gt;fin" in french
    assert "truncated" in english and "characters" not in french and "caractères" not in english


def test_a_fix_from_a_card_drawn_before_a_save_says_the_card_changed(store):
    from assistant.core.actors import Actor
    from assistant.publishing.review import current, edit

    variant_id = _variant(store, "Nos biscuit sont bons.")
    actions = _actions(store, variant_id)
    raw = next(m for m in actions.view.matches if m["replacements"])
    edit(store, variant_id, "Un autre texte.", Actor("bob", "author"), actions.view.version)
    with pytest.raises(gr.Error, match="Cette carte a changé"):
        actions.fixer(raw, raw["replacements"][0]["value"])(_Request())
    assert current(store, variant_id)[0] == "Un autre texte."


def test_save_after_the_blur_save_is_no_conflict_and_a_real_one_offers_a_choice(store):
    from assistant.core.actors import Actor
    from assistant.publishing.review import current, edit

    variant_id = _variant(store)
    actions = _actions(store, variant_id)
    mine = actions.view.text + " Ils sont partis."
    actions.autosave(mine, {}, _Request())
    _tick, pending = actions.save(mine, {}, _Request())  # same card, same text: no conflict
    assert pending == {} and current(store, variant_id)[0] == mine

    stale = _actions(store, variant_id)
    edit(store, variant_id, "Leur texte.", Actor("bob", "author"), stale.view.version)
    _tick, pending = stale.send("Mon texte.", {}, _Request())
    assert pending == {str(variant_id): "Mon texte."}
    assert current(store, variant_id)[0] == "Leur texte."  # nothing overwritten silently
    chosen = _actions(store, variant_id)  # the card redrawn with their text and counter
    _tick, pending = chosen.keep_mine("Mon texte.", {str(variant_id): "Mon texte."}, _Request())
    assert pending == {} and current(store, variant_id)[0] == "Mon texte."


def test_send_saves_the_text_on_screen_first(store):
    from assistant.publishing.review_queue import describe

    variant_id = _variant(store)
    actions = _actions(store, variant_id)
    actions.send(actions.view.text + " Merci !", {}, _Request())
    info = describe(store, variant_id)
    assert info["status"] == "in_review" and info["text"].endswith("Merci !")


def _app_env(tmp_path: Path, **extra: str) -> dict:
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", **extra}
    env.pop("ASSISTANT_DB_URL", None)  # the database in the data folder, as deployed
    env["ASSISTANT_DATA_DIR"] = str(tmp_path / "data")
    return env


@pytest.mark.slow
@pytest.mark.parametrize("auth", ["", "alice:pw:reviewer"])
def test_the_data_folder_is_never_served_only_visuals(tmp_path, auth):
    data = tmp_path / "data"
    visual = data / "visuals" / "1" / "v1" / "x-1200x675.png"
    visual.parent.mkdir(parents=True)
    visual.write_bytes(b"\x89PNG\r\n\x1a\nfake")
    (data / "notes.txt").write_text("private", encoding="utf-8")
    port = free_port()
    env = _app_env(tmp_path, ASSISTANT_AUTH=auth)
    command = [sys.executable, "app.py", "--port", str(port)]
    with serving(command, port, tmp_path / "app.log", 90, cwd=ROOT, env=env):
        opener = urllib.request.build_opener()
        if auth:  # a logged-in author must not get the database either
            body = b"username=alice&password=pw"
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
            opener.open(f"http://127.0.0.1:{port}/login", data=body, timeout=10)

        def status(path: str, route: str = "/gradio_api/file=") -> int:
            try:
                return opener.open(f"http://127.0.0.1:{port}{route}{path}").status
            except urllib.error.HTTPError as exc:
                return exc.code

        for listing in ("/openapi.json", "/gradio_api/openapi.json"):  # no map of the routes
            assert status("", listing) == 404

        assert (data / "assistant.db").exists()
        for secret in ("assistant.db", "assistant.db-wal", "assistant.db-shm", "notes.txt"):
            assert status(str(data / secret)) in (403, 404), secret
        assert status(f"{data}/visuals/../assistant.db") in (403, 404)
        assert status(str(tmp_path / "app.log")) in (403, 404)
        assert status(str(visual)) == 200


def test_public_bind_without_accounts_is_refused_and_says_why(tmp_path):
    env = _app_env(tmp_path, ASSISTANT_AUTH="")
    done = subprocess.run(
        [sys.executable, "app.py", "--host", "0.0.0.0", "--port", str(free_port())],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "ASSISTANT_AUTH" in done.stderr and "--allow-public" in done.stderr


@pytest.mark.slow
def test_public_bind_on_purpose_starts(tmp_path):
    port = free_port()
    command = [sys.executable, "app.py", "--host", "0.0.0.0", "--port", str(port)]
    env = _app_env(tmp_path, ASSISTANT_AUTH="")
    with serving([*command, "--allow-public"], port, tmp_path / "app.log", 90, cwd=ROOT, env=env):
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10).status == 200


def test_the_default_campaign_is_named_in_the_readers_language():
    from assistant.ui.draft import default_campaign_name

    assert default_campaign_name("en").startswith("Campaign 20")
    assert default_campaign_name("fr").startswith("Campagne 20")


def test_a_redrawn_card_shows_what_was_typed_not_the_saved_text():
    """Visuals arriving redraw the cards from the store; an edit typed over the stored
    version is redrawn with its own text and checks, for that page only, until it is saved."""
    from assistant.ui.draft import UnsavedEdits

    unsaved = UnsavedEdits()
    unsaved.keep("page-a", 7, 3, "Texte tapé")
    assert unsaved.get("page-a", 7) == (3, "Texte tapé")
    assert unsaved.get("page-b", 7) is None  # another person's page
    assert unsaved.get(None, 7) is None
    for n in range(UnsavedEdits.MAX + 1):
        unsaved.keep(f"p{n}", n, 1, "x")
    assert unsaved.get("page-a", 7) is None  # bounded: the oldest goes first


def test_one_save_stores_one_version_and_renders_once(store, monkeypatch):
    """Leaving the box and clicking Save send the same text twice, and each then asks for
    the visuals; the second asks while the first is still drawing. One version is stored
    and the visuals are drawn once; saving the stored text again changes nothing."""
    from assistant.publishing.campaign import render_variant_visuals
    from assistant.publishing.review_queue import describe
    from assistant.ui import draft

    variant_id = _variant(store)
    render_variant_visuals(store, variant_id)  # the card has visuals of text v1
    blur, click = _actions(store, variant_id), _actions(store, variant_id)
    renders: list[int] = []

    def counted(store_, vid, run=None):
        renders.append(vid)
        if len(renders) == 1:  # the Save click's render request arrives meanwhile
            click.refresh_visuals(_Request())
        return render_variant_visuals(store_, vid)

    monkeypatch.setattr(draft, "render_variant_visuals", counted)
    mine = blur.view.text + " Ils sont partis."
    blur.autosave(mine, {}, _Request())
    tick, pending = click.save(mine, {}, _Request())
    assert isinstance(tick, dict) and pending == {}  # gr.skip(): no redraw for nothing new
    blur.refresh_visuals(_Request())
    info = describe(store, variant_id)
    assert [v["text"] for v in info["versions"]][1:] == [mine]
    assert renders == [variant_id] and info["visuals_current"]

    again = _actions(store, variant_id)
    again.save(mine, {}, _Request())
    again.refresh_visuals(_Request())
    assert len(describe(store, variant_id)["versions"]) == 2 and renders == [variant_id]


def _draft_app(store):
    """The built app, its components by elem_id and the review news refresh's handler."""
    from assistant.ui.app import build_app

    app = build_app(store)
    named = {getattr(b, "elem_id", None): b for b in app.blocks.values()}
    live = named["review-news-live"]
    [poll] = [f for f in app.fns.values() if (live._id, "click") in f.targets]
    assert named["review-news"] in poll.outputs
    return app, named, poll


def test_the_review_news_poll_reads_nothing_with_no_card_on_screen(store):
    from sqlalchemy import event

    _app, _named, poll = _draft_app(store)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(store.engine, "before_cursor_execute", listener)
    try:
        poll.fn([], "", {}, _Request())
        assert statements == []
        variant_id = _variant(store)
        poll.fn([variant_id], "", {}, _Request())
        assert len(statements) >= 1  # with a card, the marker is read
    finally:
        event.remove(store.engine, "before_cursor_execute", listener)


def test_a_visuals_size_is_read_from_the_image_not_its_name(tmp_path):
    """The card's size label is the image's own, read from its header: a file named
    `…-1080x1080` that holds 640x360 says 640x360, and a file cut after its header still
    says its size (nothing beyond the header is read)."""
    from PIL import Image

    from assistant.ui.cards import size_of

    named = tmp_path / "post-1080x1080.png"
    Image.new("RGB", (640, 360), "white").save(named)
    assert size_of(str(named)) == "640x360"
    cut = tmp_path / "cut.jpg"
    Image.effect_noise((300, 200), 50).convert("RGB").save(cut, quality=90)
    cut.write_bytes(cut.read_bytes()[:1024])
    assert size_of(str(cut)) == "300x200"
    assert size_of(str(tmp_path / "missing-1080x1080.png")) == ""


def test_a_context_kept_by_one_person_is_not_given_to_the_next(store):
    """A session ended and someone else logs in on the same browser: the Draft context the
    browser kept is the first person's, so the page starts from the second one's own work."""
    from assistant.ui.draft import _Restore, remember

    alice, bob = _Request(), _Request()
    alice.username, bob.username = "alice", "bob"
    secret = "Brief d'alice, pas encore envoyé"
    kept = remember("maison-lemoine", "alice", "Hiver", None, ["x"], secret, 2, [], None, alice)
    assert kept["owner"] == "alice"
    restore = _Restore(store, ["maison-lemoine"])
    mine = restore(kept, "", alice)
    assert mine[5] == {"__type__": "update", "value": secret}
    assert mine[6] == {"__type__": "update", "value": 2}  # variants per network
    assert secret not in repr(restore(kept, "", bob))
