"""A reply's versions record changes: proposing the same replies again adds no version."""

from __future__ import annotations

from assistant.community.inbox import import_text
from assistant.community.replies import describe, draft
from assistant.core.actors import Actor
from assistant.core.charter import load_brand
from assistant.core.store import open_store

from .conftest import ROOT


def test_a_second_person_proposing_the_same_replies_adds_no_version():
    store = open_store()
    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    item = import_text(store, charter, "Bonjour, vous livrez à l'étranger ?", "facebook", "Marie")
    first = draft(store, item.ids[0], Actor("anne", "author"))
    again = draft(store, item.ids[0], Actor("bob", "reviewer"))
    assert [o.text for o in again] == [o.text for o in first]
    versions = describe(store, item.ids[0])["reply"]["versions"]
    assert [(v["number"], v["author"]) for v in versions] == [(1, "anne")]
