"""When a comment is due and which FAQ entry it asks about: a crisis runs on the wall clock,
the rest on business hours; a FAQ question is recognised when a comment names a place or says
it in other words."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from assistant.charter import load_brand
from assistant.triage import due_at, triage

from .conftest import ROOT

PARIS = ZoneInfo("Europe/Paris")


def _charter():
    return load_brand("maison-lemoine", ROOT / "brand_guides")


def test_a_crisis_on_saturday_night_is_due_within_the_hour_that_night():
    saturday_22 = datetime(2026, 12, 12, 22, 0, tzinfo=PARIS)
    due = due_at(saturday_22, "crisis", _charter())
    assert due.astimezone(PARIS) == datetime(2026, 12, 12, 23, 0, tzinfo=PARIS)


def test_other_intents_still_wait_for_the_shop_to_open():
    saturday_22 = datetime(2026, 12, 12, 22, 0, tzinfo=PARIS)
    due = due_at(saturday_22, "complaint", _charter()).astimezone(PARIS)
    # the charter opens Tuesday to Saturday 9:00-19:00: four hours from Tuesday's opening
    assert due == datetime(2026, 12, 15, 13, 0, tzinfo=PARIS)


def test_a_crisis_imported_on_saturday_night_reads_as_due_that_night(tmp_path):
    from assistant.inbox import import_file, list_items
    from assistant.store import open_store

    csv = tmp_path / "comments.csv"
    csv.write_text(
        "network,id,author,text,created_at\n"
        "facebook,c-1,Lea,Intoxication alimentaire après vos galettes : mon fils est"
        " aux urgences,2026-12-12T22:00:00+01:00\n",
        encoding="utf-8",
    )
    store = open_store()
    import_file(store, _charter(), csv)
    item = next(i for i in list_items(store) if i.external_id == "c-1")
    assert item.intent == "crisis"
    assert item.due_at.astimezone(PARIS) == datetime(2026, 12, 12, 23, 0, tzinfo=PARIS)
