"""Times people read are in the brief's zone, with the zone named, in the reader's words:
the calendar counts days where the brand is, the CLI and the proof sheet say the local hour."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from assistant.core.actors import Actor
from assistant.core.charter import load_brand
from assistant.core.clock import local_day, reader_time
from assistant.core.settings import get_settings
from assistant.core.store import Store
from assistant.publishing.brief_drafts import draft_brief
from assistant.publishing.campaign import (
    CalendarEntry,
    add_brief,
    calendar_warnings,
    create_campaign,
)
from assistant.publishing.export import export_campaign
from assistant.publishing.review import approve, submit

from .test_hardening_cli import run

PARIS = ZoneInfo("Europe/Paris")


def test_a_post_at_half_past_midnight_in_paris_counts_on_its_own_day():
    """The calendar warned "no post planned on 2026-12-09" while it listed two posts that
    day: days were counted in UTC, where 00:30 Paris is still the 8th."""
    charter = load_brand("maison-lemoine", get_settings().brand_dir)  # posts daily
    moments = [
        datetime(2026, 12, 8, 10, 0, tzinfo=PARIS),
        datetime(2026, 12, 9, 0, 30, tzinfo=PARIS),
        datetime(2026, 12, 10, 10, 0, tzinfo=PARIS),
    ]
    entries = [
        CalendarEntry(n, "x", m.astimezone(UTC), "approved", "t", "Europe/Paris")
        for n, m in enumerate(moments, 1)
    ]
    assert calendar_warnings(entries, charter) == []
    assert local_day(moments[1].astimezone(UTC), "Europe/Paris").isoformat() == "2026-12-09"
    del entries[1]
    assert calendar_warnings(entries, charter) == [
        "no post planned on 2026-12-09 (the brand posts daily)"
    ]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "9 décembre 2026 à 00:30 (Europe/Paris)"),
        ("en", "9 December 2026, 00:30 (Europe/Paris)"),
    ],
)
def test_a_moment_reads_in_the_reader_language_and_the_brief_zone(lang, expected):
    stored = datetime(2026, 12, 8, 23, 30)  # as SQLite gives it back: UTC, no offset
    assert reader_time(stored, "Europe/Paris", lang) == expected
    summer = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    assert reader_time(summer, "Europe/Paris", lang).split()[-2] in ("10:00", "à")


@pytest.fixture()
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'clock.db'}"
    monkeypatch.setenv("ASSISTANT_DB_URL", url)
    get_settings.cache_clear()
    return Store(url)


def test_campaign_show_review_show_and_the_proof_sheet_print_local_times(store, tmp_path):
    campaign = create_campaign(store, "Nuit", "maison-lemoine")
    at = datetime(2099, 12, 9, 0, 30, tzinfo=PARIS)
    brief = add_brief(store, campaign.id, "Les galettes arrivent. Rendez-vous en boutique.",
                      ["x"], at, "alice")  # fmt: skip
    [(_v, vid)] = draft_brief(store, brief.id, None, "alice")
    submit(store, vid, Actor("alice", "author"))
    approve(store, vid, Actor("bob", "reviewer"), override="vu")

    code, shown, _ = run(["campaign", "show", str(campaign.id)])
    assert code == 0 and "2099-12-09 00:30 (Europe/Paris)" in shown
    assert "2099-12-08T23:30" not in shown
    code, shown, _ = run(["review", "show", str(vid)])
    history = [line for line in shown.splitlines() if "approved" in line and "bob" in line]
    assert code == 0 and history and "(Europe/Paris)" in history[0]

    export_campaign(store, campaign.id, "zip", tmp_path / "c.zip")
    with zipfile.ZipFile(tmp_path / "c.zip") as archive:
        sheet = archive.read("proof-sheet.html").decode("utf-8")
    assert "9 décembre 2099 à 00:30 (Europe/Paris)" in sheet
    assert "Approuvée par bob le " in sheet and "+00:00" not in sheet
