"""Applying the recommended slots moves posts: a reviewer's or admin's act, on the audited
brand's own campaigns, previewed (approved variants named) and written in each variant's
review history; from the library, the CLI and the Audit tab's campaign list."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from assistant.analytics import Slot, SlotRequest, apply_slots, preview_slots, undo_slots
from assistant.core.actors import Actor
from assistant.core.errors import WorkflowError
from assistant.core.store import Brief, open_store
from assistant.publishing.brief_drafts import draft_brief, incomplete_briefs
from assistant.publishing.campaign import add_brief, create_campaign
from assistant.publishing.review import approve
from assistant.publishing.review_queue import describe

from .command_line import offline_audit, run
from .test_ui_audit_browser import _mondays_export

ALICE, RITA = Actor("alice", "author"), Actor("rita", "reviewer")
NOW = datetime(2030, 1, 1, tzinfo=UTC)  # a Tuesday
SLOTS = [Slot("x", 3, 18, 0.08, 6)]  # Thursdays 18:00


def _planned(brand: str = "trailforge", networks=("x", "linkedin")):
    """A campaign of `brand` with one brief drafted on `networks`, its x variant approved."""
    store = open_store()
    campaign = create_campaign(store, "Spring", brand)
    when = NOW + timedelta(days=5, hours=2)
    brief = add_brief(store, campaign.id, "The north loop is open again", list(networks), when)
    ids = {v.platform: vid for v, vid in draft_brief(store, brief.id, None, "cm")}
    approve(store, ids["x"], Actor("bob", "reviewer"), override="checked by hand")
    return store, campaign.id, brief.id, ids, when


def _time_of(store, brief_id: int) -> datetime:
    with store.session() as session:
        return session.get(Brief, brief_id).publish_at


def test_an_author_cannot_apply_slots_and_nothing_moves():
    store, campaign_id, brief_id, _ids, when = _planned()
    for call in (preview_slots, apply_slots):
        with pytest.raises(WorkflowError) as refused:
            call(store, SlotRequest(campaign_id, SLOTS, ALICE, "trailforge", NOW))
        assert refused.value.key == "reviewers_only"
        assert "alice is an author: only reviewers apply recommended slots" in str(refused.value)
    assert _time_of(store, brief_id) == when


def test_another_brands_campaign_is_refused_and_nothing_moves():
    store, campaign_id, brief_id, _ids, when = _planned(brand="maison-lemoine")
    for call in (preview_slots, apply_slots):
        with pytest.raises(WorkflowError) as refused:
            call(store, SlotRequest(campaign_id, SLOTS, RITA, "trailforge", NOW))
        assert refused.value.key == "slots_other_brand"
        assert f"campaign {campaign_id} is maison-lemoine's" in str(refused.value)
    assert _time_of(store, brief_id) == when


def test_the_preview_names_the_approved_variant_and_only_then_it_moves():
    store, campaign_id, brief_id, ids, when = _planned()
    [plan] = preview_slots(store, SlotRequest(campaign_id, SLOTS, RITA, "trailforge", NOW))
    assert plan["approved"] == [ids["x"]] and _time_of(store, brief_id) == when
    with pytest.raises(WorkflowError) as refused:  # not previewed: not moved
        apply_slots(store, SlotRequest(campaign_id, SLOTS, RITA, "trailforge", NOW))
    assert refused.value.key == "slots_confirm_approved" and f"{ids['x']} (x)" in str(refused.value)
    assert _time_of(store, brief_id) == when

    [moved] = apply_slots(
        store, SlotRequest(campaign_id, SLOTS, RITA, "trailforge", NOW), [ids["x"]]
    )
    x, linkedin = describe(store, ids["x"]), describe(store, ids["linkedin"])
    after = x["publish_at"]
    assert after != when and after.weekday() == 3
    [event] = [a for a in x["audit"] if a["action"] == "reschedule"]
    assert (event["actor"], event["from_time"], event["to_time"]) == ("rita", when, after)
    assert event["from"] == event["to"] == x["status"] == "approved"  # moved by a reviewer
    # the slot is x's: LinkedIn's variant keeps its time and its trail
    assert moved["networks"] == ["x"] and [v["id"] for v in moved["variants"]] == [ids["x"]]
    assert linkedin["publish_at"] == when == _time_of(store, brief_id)
    assert not [a for a in linkedin["audit"] if a["action"] == "reschedule"]
    assert x["brief_text"] == linkedin["brief_text"] and x["brief_id"] == moved["brief_id"]
    assert incomplete_briefs(store, campaign_id) == []  # each network's variant still found


def test_undo_is_a_reviewers_act_and_is_recorded_too():
    store, campaign_id, brief_id, ids, when = _planned()
    moved = apply_slots(store, SlotRequest(campaign_id, SLOTS, RITA, "trailforge", NOW), [ids["x"]])
    with pytest.raises(WorkflowError) as refused:
        undo_slots(store, moved, actor=ALICE, brand="trailforge")
    assert refused.value.key == "reviewers_only"
    assert describe(store, ids["x"])["publish_at"] != when
    assert undo_slots(store, moved, actor=RITA, brand="trailforge") == moved
    x = describe(store, ids["x"])
    trail = [a for a in x["audit"] if a["action"] == "reschedule"]
    assert [a["to_time"] for a in trail][-1] == when == x["publish_at"] == _time_of(store, brief_id)


def test_review_show_lists_who_moved_the_post_from_when_to_when():
    store, campaign_id, _brief_id, ids, _when = _planned()
    apply_slots(store, SlotRequest(campaign_id, SLOTS, RITA, "trailforge", NOW), [ids["x"]])
    code, stdout, stderr = run(["review", "show", str(ids["x"])])
    assert code == 0, stderr
    [line] = [line for line in stdout.splitlines() if "reschedule" in line]
    assert "rita reschedule approved → approved; publish time 2030-01-06" in line
    assert "→ 2030-01-03 18:00" in line  # the Thursday after, within the week before


@pytest.fixture()
def export(tmp_path):
    path = tmp_path / "tweets.csv"
    _mondays_export(path)
    return path


def test_the_cli_refuses_authors_and_other_brands_and_needs_yes_for_approved(export):
    store, campaign_id, brief_id, ids, when = _planned()
    audit = offline_audit(export)
    code, _out, stderr = run([*audit, "--apply-slots", str(campaign_id), "--role", "author"])
    assert code == 2 and "only reviewers apply recommended slots" in stderr
    _s, other, _b, _i, _w = _planned(brand="maison-lemoine")
    code, _out, stderr = run([*audit, "--apply-slots", str(other), "--as", "rita"])
    assert code == 2 and "maison-lemoine's" in stderr
    code, _out, stderr = run([*audit, "--apply-slots", str(campaign_id), "--as", "rita"])
    assert code == 2 and f"these approved variants would move: {ids['x']} (x)" in stderr
    assert _time_of(store, brief_id) == when
    code, stdout, stderr = run([*audit, "--apply-slots", str(campaign_id), "--as", "rita", "--yes"])
    assert code in (0, 1) and not stderr  # 1: the export's own findings
    assert f"approved variants moved, still approved: {ids['x']}" in stdout
    moved_to = describe(store, ids["x"])["publish_at"]
    assert moved_to != when
    # applied again: the post is on its slot already, nothing moves (no week earlier)
    code, stdout, stderr = run([*audit, "--format", "json", "--apply-slots", str(campaign_id)])
    assert code in (0, 1) and json.loads(stdout)["applied"] == [], stderr
    assert describe(store, ids["x"])["publish_at"] == moved_to


def test_the_audit_tab_offers_only_the_audited_brands_campaigns():
    from assistant.ui.campaign import campaign_choices

    store, campaign_id, *_ = _planned()
    _planned(brand="maison-lemoine")
    assert [value for _label, value in campaign_choices(store, "trailforge")] == [campaign_id]
    assert campaign_choices(store, "") == []
