"""The Review, Campaign and Brand panels' server side, without a browser: decisions update
their row without reading the queue again, people's words stay text, times are local,
warnings and charter verdicts are worded for the reader."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from assistant.publishing import review as workflow
from assistant.publishing import review_queue
from assistant.publishing.live_marker import opaque
from assistant.ui import review as panel
from assistant.ui.brand import validate_charter_file
from assistant.ui.campaign import warning_text

from .conftest import ROOT

HOSTILE = "<img src=x onerror=alert(1)> **b** [l](javascript:alert(1))"
EN = SimpleNamespace(headers={"accept-language": "en-US,en;q=0.9"}, username=None)
FR = SimpleNamespace(headers={"accept-language": "fr-FR,fr;q=0.9"}, username=None)


@pytest.fixture()
def store(tmp_path):
    from assistant.core.store import Store

    return Store(f"sqlite:///{tmp_path / 'store.db'}")


def _submitted(store, text: str = "Texte sans mention légale.") -> int:
    from assistant.core.charter import load_brand
    from assistant.core.settings import get_settings
    from assistant.publishing.brief_drafts import save_variant
    from assistant.publishing.campaign import add_brief, create_campaign
    from assistant.publishing.drafting import Variant

    charter = load_brand("maison-lemoine", get_settings().brand_dir)
    campaign = create_campaign(store, "Hiver", "maison-lemoine")
    when = datetime.now(ZoneInfo("Europe/Paris")).replace(
        minute=0, second=0, microsecond=0
    ) + timedelta(days=3)
    brief = add_brief(store, campaign.id, text, ["x"], when, "alice", timezone="Europe/Paris")
    row = save_variant(store, brief.id, Variant(platform="x", text=text), charter, "fr", "alice")
    workflow.submit(store, row.id, workflow.Actor("alice", "author"))
    return row.id


def test_a_decision_updates_its_row_without_reading_the_queue(store, monkeypatch):
    vid = _submitted(store)
    frame = panel.queue_frame(store, "in_review", None, "en")
    assert list(frame.iloc[:, 3]) == ["in review"]

    def no_queue(*_a, **_k):
        raise AssertionError("the queue was read again")

    monkeypatch.setattr(review_queue, "queue", no_queue)
    seen = {"id": vid, "text_version": 1}
    run = panel.decision(store, "override")
    outcome, *_view, table, marker = run(seen, "bob", "reviewer", HOSTILE, "", frame, "", EN)
    assert "approved with an override" in outcome
    assert list(table.iloc[:, 3]) == ["approved"]  # same row, new status
    assert marker == opaque(review_queue.change_marker(store))  # its own: no reload
    assert review_queue.describe(store, vid)["override_reason"] == HOSTILE


def test_reviewers_polling_one_view_share_one_reading_until_something_changes(store, monkeypatch):
    """25 open Review tabs find the marker moved together: the queue is read once for them
    all, and read again as soon as anything changes."""
    vid = _submitted(store)
    shared, reads = panel.SharedQueue(store), []
    real_queue = review_queue.queue
    monkeypatch.setattr(
        review_queue, "queue", lambda *a, **k: reads.append(1) or real_queue(*a, **k)
    )
    marker = review_queue.change_marker(store)
    frames = [shared.frame(marker, "in_review", None, "en") for _ in range(25)]
    assert len(reads) == 1
    assert list(frames[-1].iloc[:, 0]) == [vid]
    assert list(shared.frame(marker, "in_review", None, "fr").iloc[:, 3]) == ["en relecture"]
    assert len(reads) == 2  # another language is another view
    workflow.request_changes(store, vid, workflow.Actor("bob", "reviewer"), "Trop long.")
    moved = review_queue.change_marker(store)
    assert moved != marker
    assert shared.frame(moved, "in_review", None, "en").empty  # the row left the view
    assert len(reads) == 3


def test_open_tabs_share_a_marker_read_but_never_show_an_older_queue(store, monkeypatch):
    """Polls within a second share one marker read; a tab that knows a newer marker (its own
    decision) is not sent the older queue that the shared read still describes."""
    vid = _submitted(store)
    shared, reads = panel.SharedQueue(store), []
    real_marker = review_queue.change_marker
    monkeypatch.setattr(review_queue, "change_marker", lambda s: reads.append(1) or real_marker(s))
    old = shared.recent_marker()
    assert [shared.recent_marker() for _ in range(50)] == [old] * 50
    assert len(reads) == 1
    workflow.request_changes(store, vid, workflow.Actor("bob", "reviewer"), "Trop long.")
    assert shared.recent_marker() == old  # within the second: the shared read
    assert shared.fresh_marker() != old
    assert shared.frame(shared.recent_marker(), "", None, "en").iloc[0, 3] == "changes requested"


def test_a_refusal_names_the_reason_and_redraws_nothing_else(store):
    vid = _submitted(store)
    frame = panel.queue_frame(store, "in_review", None, "fr")
    run = panel.decision(store, "approve")
    outcome, *rest = run({"id": vid, "text_version": 1}, "bob", "reviewer", "", "", frame, "", FR)
    assert "faute" in outcome and "dérogation" in outcome  # needs an override, in French
    assert all(r == {"__type__": "update"} for r in rest)  # no value, no visibility: untouched
    assert review_queue.describe(store, vid)["status"] == "in_review"


def test_history_and_diff_keep_what_people_wrote_as_text(store):
    vid = _submitted(store)
    workflow.request_changes(store, vid, workflow.Actor("bob", "reviewer"), HOSTILE)
    info = review_queue.describe(store, vid)
    info["versions"].append({**info["versions"][0], "number": 2, "text": HOSTILE})
    history, diff = panel.history_html(info, "fr"), panel.version_diff(info, "en")
    for html in (history, diff):
        assert "<img" not in html and "<strong" not in html and "<a " not in html
        assert "&lt;" in html and "**b**" in html
    assert "&lt;img src=x onerror=alert(1)&gt; **b** [l](javascript:alert(1))" in history


def test_times_are_shown_in_the_briefs_zone():
    nine_utc = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert panel.local_time(nine_utc, "Europe/Paris") == "2026-12-01 10:00"
    assert panel.local_time(nine_utc, "UTC+01:00") == "2026-12-01 10:00"
    assert panel.local_time(None, "Europe/Paris") == "—"
    # a history line says which zone its hour is in; a naive stored moment is UTC
    assert panel.local_time(nine_utc, "Europe/Paris", named=True) == "2026-12-01 10:00 CET"
    naive = datetime(2026, 7, 1, 9, 0)
    assert panel.local_time(naive, "Europe/Paris", named=True) == "2026-07-01 11:00 CEST"


def test_update_row_drops_a_row_that_left_the_filtered_view():
    frame = pd.DataFrame([[1, "", "X", "in review", 0, "a"], [2, "", "X", "in review", 0, "b"]])
    assert list(panel.update_row(frame, 1, "approved", "in_review", "en").iloc[:, 0]) == [2]
    assert panel.update_row(frame, 1, "approved", "", "fr").iloc[0, 3] == "approuvée"


def test_calendar_warnings_are_worded_for_the_reader():
    spacing = "x: variants 3 and 4 are 60 min apart (brand minimum 180 min)"
    assert warning_text(spacing, "fr") == (
        "x : les variantes 3 et 4 sont à 60 min d’écart (la marque veut au moins 180 min)"
    )
    day = "no post planned on 2026-12-02 (the brand posts daily)"
    assert "Aucune publication prévue le 2026-12-02" in warning_text(day, "fr")


@pytest.mark.parametrize("name", ["trailforge.yaml", "maison-lemoine.yaml"])
def test_shipped_charters_pass_when_uploaded(tmp_path, name):
    upload = tmp_path / "gradio" / name  # where an upload lands: far from the brand folder
    upload.parent.mkdir()
    upload.write_bytes((ROOT / "brand_guides" / name).read_bytes())
    verdict = validate_charter_file(upload, "fr")
    assert "Charte valide" in verdict, verdict


def test_a_broken_charter_names_file_and_field_not_server_paths(tmp_path):
    upload = tmp_path / "ma-charte.yaml"
    text = (ROOT / "brand_guides" / "trailforge.yaml").read_text(encoding="utf-8")
    upload.write_text(text.replace("  address: you\n", ""), encoding="utf-8")
    verdict = validate_charter_file(upload, "en")
    assert "Charter refused" in verdict and "ma-charte.yaml" in verdict
    assert "voice.address" in verdict
    assert str(tmp_path) not in verdict and "/tmp" not in verdict


def test_an_oversized_upload_is_refused_before_reading(tmp_path, monkeypatch):
    from assistant.core import limits as bounds

    upload = tmp_path / "huge.yaml"
    upload.write_text("name: x\n" * 64, encoding="utf-8")
    monkeypatch.setattr(
        "assistant.ui.brand.limits", lambda: SimpleNamespace(upload_bytes=100), raising=True
    )
    verdict = validate_charter_file(upload, "fr")
    assert "Charte refusée" in verdict and "la limite est de 100 octets" in verdict
    assert bounds.limits().upload_bytes > 100


def test_every_warning_the_calendar_gives_is_worded_in_french():
    from assistant.core.charter import load_brand
    from assistant.core.settings import get_settings
    from assistant.publishing.campaign import CalendarEntry, calendar_warnings

    charter = load_brand("maison-lemoine", get_settings().brand_dir)  # 180 min, daily
    at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    entries = [
        CalendarEntry(1, "x", at, "approved", "a"),
        CalendarEntry(2, "x", at + timedelta(minutes=30), "approved", "b"),
        CalendarEntry(3, "x", at + timedelta(days=2), "approved", "c"),
    ]
    warnings = calendar_warnings(entries, charter)
    assert len(warnings) == 2
    worded = [warning_text(w, "fr") for w in warnings]
    assert worded[0].startswith("x : les variantes 1 et 2 sont à 30 min d’écart")
    assert worded[1].startswith("Aucune publication prévue le 2026-12-02")


def test_an_export_lists_its_warnings_and_changes_no_status(store):
    from assistant.ui.campaign import export_files

    vid = _submitted(store, "=SUM(1) Nos palets au beurre salé, sur lemoine.example")
    info = review_queue.describe(store, vid)
    workflow.approve(store, vid, workflow.Actor("bob", "reviewer"), override="vérifié",
                     seen_version=info["text_version"])  # fmt: skip
    files, left_out, warnings = export_files(store, info["campaign_id"], "hootsuite", "fr")
    assert files and all(f.endswith(".csv") for f in files)
    assert warnings and "=" in " ".join(warnings)
    assert left_out == []  # the campaign's one variant is approved
    assert review_queue.describe(store, vid)["status"] == "approved"


def test_a_logged_in_author_sees_their_own_name_and_role(monkeypatch):
    """With ASSISTANT_AUTH, the Review tab showed "reviewer" preselected to an author."""
    import gradio as gr

    from assistant.core.settings import get_settings

    monkeypatch.setenv("ASSISTANT_AUTH", "alice:pw1:author,bob:pw2:reviewer")
    get_settings.cache_clear()
    name, role = panel.logged_in_identity(gr.Request(username="alice"))
    assert name["value"] == "alice" and role["value"] == "author"
    assert name["interactive"] is False and role["interactive"] is False


def test_showing_the_campaign_tab_to_a_logged_in_user_names_who_publishes(monkeypatch):
    """The "Published by" field stayed empty for a logged-in user on the Campaign tab."""
    import gradio as gr

    from .ui_events import tab_select_handler

    shown = tab_select_handler(monkeypatch, "tab-campaign", {"publisher"})
    name = shown(gr.Request(username="rita"))
    assert name["value"] == "rita" and name["interactive"] is False


def test_the_lexicon_picker_shows_only_when_a_word_is_flagged(store, monkeypatch):
    """An empty "add to lexicon" picker under every card was noise: it shows when the card
    has a flagged word and the person reviews, and hides otherwise."""
    import gradio as gr

    from assistant.ui import lexicon

    with gr.Blocks() as demo:
        seen, card = gr.State(None), gr.HTML()
        reviewer, role = gr.Textbox("rita"), gr.Textbox("reviewer")
        lexicon.build(store, seen, card, reviewer, role)
    [offer] = [f for f in demo.fns.values() if any(t[1] == "change" for t in f.targets)]
    [picker] = [o for o in offer.outputs if isinstance(o, gr.Row)]
    assert not picker.visible  # no card yet
    request = SimpleNamespace(headers={}, username=None)
    variant_id = _submitted(store)
    shown = {"id": variant_id}
    for words in (["Kouign"], []):
        monkeypatch.setattr(lexicon, "flagged_words", lambda _info, words=words: words)
        choices, row = offer.fn(shown, "reviewer", request)
        assert row["visible"] is bool(words) and choices["choices"] == words
    monkeypatch.setattr(lexicon, "flagged_words", lambda _info: ["Kouign"])
    assert offer.fn(shown, "author", request)[1]["visible"] is False
    assert offer.fn(None, "reviewer", request)[1]["visible"] is False
