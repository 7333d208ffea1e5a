"""When a comment is due and which FAQ entry it asks about: a crisis runs on the wall clock,
the rest on business hours; a FAQ question is recognised when a comment names a place or says
it in other words."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from assistant.community.triage import due_at, triage
from assistant.core.charter import load_brand

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
    from assistant.community.inbox import import_file, list_items
    from assistant.core.store import open_store

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


def _trailforge():
    return load_brand("trailforge", ROOT / "brand_guides")


# Our own questions, written for this test: a place name or other words than the FAQ's.
ASKED = [
    ("maison-lemoine", "Vous livrez à Lyon ?", "livraison"),
    ("maison-lemoine", "Est-ce que vous livrez en Espagne ?", "livraison"),
    ("maison-lemoine", "Livraison possible à Marseille ?", "livraison"),
    ("maison-lemoine", "Vous livrez jusqu'à Genève ? Merci d'avance", "livraison"),
    ("maison-lemoine", "La boutique de Quimper est ouverte le lundi ?", "horaires"),
    ("maison-lemoine", "À quelle heure ouvrez-vous samedi ?", "horaires"),
    ("maison-lemoine", "Vos horaires pendant les fêtes ?", "horaires"),
    ("maison-lemoine", "Il y a du gluten dans les palets ?", "allergenes"),
    ("maison-lemoine", "Les galettes contiennent des allergènes ?", "allergenes"),
    ("maison-lemoine", "Vos biscuits sont sans lactose ?", "allergenes"),
    ("maison-lemoine", "Une boîte de palets se conserve combien de temps ?", "conservation"),
    ("maison-lemoine", "Les palets se conservent longtemps après ouverture ?", "conservation"),
    ("maison-lemoine", "Do you deliver to Dublin?", "livraison"),
    ("maison-lemoine", "How much is shipping to Brussels?", "livraison"),
    ("maison-lemoine", "Is the shop open on Sundays?", "horaires"),
    ("trailforge", "Do you ship to Australia?", "shipping"),
    ("trailforge", "How do I return a jacket I bought in Leeds?", "returns"),
    ("trailforge", "Is the Alpine jacket really waterproof?", "waterproofing"),
    ("trailforge", "What size should I order for wide feet?", "sizing"),
    ("trailforge", "Shipping to Toronto takes how long?", "shipping"),
]
# Comments that only mention a FAQ's word, or are not questions: no FAQ entry.
NOT_ASKED = [
    ("maison-lemoine", "Ma livraison n'est jamais arrivée, c'est honteux"),
    ("maison-lemoine", "J'adore vos palets !"),
    ("maison-lemoine", "Vous étiez à Lyon samedi ?"),
    ("maison-lemoine", "Bravo pour la nouvelle boutique"),
    ("trailforge", "Where is my order?"),
    ("trailforge", "Love my new boots, thanks!"),
]


def _brand(slug):
    return _charter() if slug == "maison-lemoine" else _trailforge()


@pytest.mark.parametrize("slug, text, entry", ASKED)
def test_a_question_is_matched_to_its_faq_in_other_words(slug, text, entry):
    assert triage(text, _brand(slug)).faq == entry


@pytest.mark.parametrize("slug, text", NOT_ASKED)
def test_a_comment_that_does_not_ask_the_faq_matches_none(slug, text):
    assert triage(text, _brand(slug)).faq is None


def test_the_faq_kin_lookup_finds_what_comparing_every_word_finds():
    from assistant.community.triage import _faq_kin_entries, _faq_subjects, _kin

    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    subjects = _faq_subjects(charter)
    words = {w for vocabulary in subjects.values() for w in vocabulary}
    probes = sorted(words | {w[:-1] for w in words} | {w + "s" for w in words}
                    | {w[:4] + "zzzz" for w in words} | {"123", "2024", "xyz"})  # fmt: skip
    lookup = _faq_kin_entries(charter)
    for word in probes:
        expected = tuple(e for e, vocabulary in subjects.items()
                         if any(_kin(word, v) for v in vocabulary))  # fmt: skip
        assert lookup(word) == expected, word
