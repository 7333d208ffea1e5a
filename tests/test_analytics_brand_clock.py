"""Recommended slots are on the brand's clock: an X export written in UTC gives a Paris brand
slots in Paris hours (across a change of summer time too), and applying one moves only that
network's variants to that local hour."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from assistant.analytics import SlotRequest, apply_slots, audit_files, run_audit
from assistant.core.actors import Actor
from assistant.core.charter import load_brand
from assistant.core.settings import get_settings
from assistant.core.store import open_store
from assistant.publishing.brief_drafts import draft_brief
from assistant.publishing.campaign import add_brief, create_campaign
from assistant.publishing.review_queue import describe

from .command_line import offline_audit, run

PARIS = ZoneInfo("Europe/Paris")


def _utc_export(path, moments: list[datetime]) -> None:
    """X's export shape, times in UTC with their offset, one rated post a moment."""
    rows = ['"Tweet id","Tweet permalink","Tweet text","time","impressions","engagements"']
    for n, when in enumerate(moments):
        rows.append(
            f'"18{n:017d}","","Evening tip {n}","{when:%Y-%m-%d %H:%M} +0000","1000.0","{40 + n}.0"'
        )
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def _mondays(hour_utc: int, start: datetime, weeks: int = 6) -> list[datetime]:
    return [start.replace(hour=hour_utc) + timedelta(weeks=w) for w in range(weeks)]


def test_a_utc_export_gives_a_paris_brand_its_slot_in_paris_hours(tmp_path):
    """Mondays 23:00 UTC in winter are Tuesdays 00:00 in Paris: the slot is Tuesday 00:00 on
    the brand's clock, not Monday 23:00 as the file wrote it."""
    export = tmp_path / "x.csv"
    _utc_export(export, _mondays(23, datetime(2024, 1, 1, tzinfo=UTC)))
    charter = load_brand("maison-lemoine", get_settings().brand_dir)
    report = run_audit(audit_files([export]), charter, "maison-lemoine", network=False)
    [slot] = report.figures["x"].slots
    assert (slot.weekday, slot.hour) == (1, 0)  # Tuesday 00:00 Paris
    assert report.figures["x"].heatmap.counts[1][0] == 6
    assert report.clock == "Europe/Paris"
    assert any("brand's clock (Europe/Paris)" in str(n) for n in report.notes)

    code, out, _ = run([*offline_audit(export, brand="maison-lemoine"), "--format", "json"])
    shown = json.loads(out)
    assert code in (0, 1) and {"network": "x", "weekday": 1, "hour": 0} in [
        {k: s[k] for k in ("network", "weekday", "hour")} for s in shown["slots"]
    ]


def test_posts_either_side_of_the_summer_time_change_count_in_their_local_hour(tmp_path):
    """18:00 in Paris is 17:00 UTC in winter and 16:00 UTC in summer: the posts of both
    seasons fall in one cell, Monday 18:00 on the brand's clock."""
    winter = _mondays(17, datetime(2024, 3, 4, tzinfo=UTC), weeks=3)  # before 31 March
    summer = _mondays(16, datetime(2024, 4, 1, tzinfo=UTC), weeks=3)  # after it
    export = tmp_path / "x.csv"
    _utc_export(export, winter + summer)
    charter = load_brand("maison-lemoine", get_settings().brand_dir)
    report = run_audit(audit_files([export]), charter, "maison-lemoine", network=False)
    assert report.figures["x"].heatmap.counts[0][18] == 6
    [slot] = report.figures["x"].slots
    assert (slot.weekday, slot.hour) == (0, 18)


def test_applying_a_utc_exports_slot_moves_only_x_to_the_local_hour(tmp_path):
    export = tmp_path / "x.csv"
    _utc_export(export, _mondays(23, datetime(2024, 1, 1, tzinfo=UTC)))
    charter = load_brand("maison-lemoine", get_settings().brand_dir)
    slots = run_audit(audit_files([export]), charter, "maison-lemoine", network=False).slots()
    store = open_store()
    campaign = create_campaign(store, "Hiver", "maison-lemoine")
    planned = datetime(2030, 4, 3, 10, 0, tzinfo=PARIS)  # a Wednesday, after 31 March
    brief = add_brief(store, campaign.id, "Les galettes arrivent en boutique.", ["x", "linkedin"],
                      planned)  # fmt: skip
    ids = {v.platform: vid for v, vid in draft_brief(store, brief.id, None, "cm")}
    now = datetime(2030, 3, 28, 12, 0, tzinfo=UTC)  # winter time: the slot's own season
    apply_slots(
        store, SlotRequest(campaign.id, slots, Actor("rita", "reviewer"), "maison-lemoine", now)
    )
    moved = describe(store, ids["x"])["publish_at"]
    # Tuesday 2 April, 00:00 in Paris (summer time now): 22:00 UTC, not the winter 23:00
    assert moved.astimezone(PARIS) == datetime(2030, 4, 2, 0, 0, tzinfo=PARIS)
    assert moved.astimezone(UTC).hour == 22
    linkedin = describe(store, ids["linkedin"])["publish_at"]
    assert linkedin == planned.astimezone(UTC)
