"""Truncation is never silent: a cut post says so, keeps its links and holds what was cut."""

from __future__ import annotations

import asyncio

import emoji
import pytest

from assistant.core.charter import load_brand
from assistant.core.platforms import get_platform, measure
from assistant.core.tokens import urls
from assistant.publishing.drafting import DraftRequest, draft_all
from assistant.publishing.guardrails import fit

from .conftest import BRIEF_FR, ROOT

FR_LINK_MIDDLE = (
    "Cet hiver, Maison Lemoine fête ses 70 ans avec une édition limitée de palets au beurre "
    "salé. Tout est à découvrir sur https://lemoine.example/hiver dès aujourd'hui. Les biscuits "
    "sont préparés chaque matin dans notre atelier de Pont-Aven, avec du beurre AOP et une farine "
    "de blé noir locale. Pour l'occasion, profitez de 20 % de réduction sur les coffrets cadeaux "
    "jusqu'au 31 décembre, livraison offerte dès 40 € d'achat. La boutique de Pont-Aven vous "
    "accueille du mardi au samedi, de 9 h à 19 h 30, avec un café et une galette tiède."
)
FR_TWO_LINKS = (
    "Maison Lemoine ouvre les portes de son atelier de Pont-Aven pour ses 70 ans, le samedi 14 "
    "décembre, de 10 h à 18 h. Au programme, des démonstrations de façonnage des palets, une "
    "dégustation de galettes tièdes et la visite du fournil où tout est préparé chaque matin. "
    "L'entrée est libre, mais les places pour les ateliers des enfants sont limitées à douze par "
    "séance. Réservez votre créneau sur https://lemoine.example/atelier et retrouvez le "
    "programme complet sur https://lemoine.example/70-ans avant de venir nous voir."
)
EN_LINK_END = (
    "Our autumn trail sale starts today with 30% off every rain jacket in the range, from the "
    "ultralight shells to the four-season parkas. Each jacket is tested on the wettest trails of "
    "the Lake District before it reaches the shop, and every seam is taped by hand. Stock is "
    "limited in the most popular sizes, so do not wait for the first storm of the season to "
    "find your fit. Free returns within 60 days on every order, and our team answers every "
    "sizing question within the day. Find your jacket at "
    "https://trailforge.example/autumn-sale"
)
EN_LINK_MIDDLE = (
    "Trailforge is heading to the Highlands for a weekend of guided hikes on the West Highland "
    "Way. Sign up at https://trailforge.example/highlands before Friday. Our guides will lead "
    "small groups of eight hikers, with daily stages of fifteen to twenty kilometres and a warm "
    "dinner waiting at every stop. Bring your own boots; we lend rain shells, poles and packs "
    "for the whole weekend. Places are limited and the last two editions were full within a "
    "week, so tell your hiking friends today and pack your sense of adventure."
)
EN_TWO_LINKS = (
    "The new Ridgeline boots are here: a Gore-Tex lining, a grippy outsole built for wet rock "
    "and a weight of just 480 grams per boot. We spent two winters testing them with mountain "
    "guides in the Cairngorms and in the Alps before settling on the final design. Read the "
    "full test report at https://trailforge.example/ridgeline-test and order your pair at "
    "https://trailforge.example/ridgeline today. Every pair comes with a two-year warranty and "
    "free resoling for the first year, because good boots deserve a long life on the trail."
)
FRENCH = [BRIEF_FR, FR_LINK_MIDDLE, FR_TWO_LINKS]
ENGLISH = [EN_LINK_END, EN_LINK_MIDDLE, EN_TWO_LINKS]
NETWORKS = ["x", "bluesky", "threads", "mastodon"]


def lemoine():
    return load_brand("maison-lemoine", ROOT / "brand_guides")


def trail():
    return load_brand("trailforge", ROOT / "brand_guides")


def compact(text: str) -> str:
    """The text without its links, emoji, cut mark and whitespace: what a reader reads."""
    for span in reversed(urls(text)):
        text = text[: span.start] + text[span.end :]
    return "".join(emoji.replace_emoji(text, "").replace("…", "").split())


def links_of(text: str) -> list[str]:
    return [span.text for span in urls(text)]


def assert_cut_is_what_is_missing(brief: str, variant) -> None:
    body = variant.text.split("\n")[0]  # tight networks: body, then legal lines, then tags
    assert compact(body) + compact(variant.cut) == compact(brief)


@pytest.mark.parametrize(
    ("brief", "charter"),
    [*((b, lemoine) for b in FRENCH), *((b, trail) for b in ENGLISH)],
    ids=["fr-end", "fr-middle", "fr-two", "en-end", "en-middle", "en-two"],
)
def test_cut_variant_keeps_its_links_and_says_what_was_cut(brief, charter):
    assert len(brief) > 500  # longer than every network below allows
    variants = draft_all(DraftRequest(brief, charter(), NETWORKS), None)
    assert [v.platform for v in variants] == NETWORKS
    for v in variants:
        assert v.status == "truncated" and "truncated" in v.changes, v
        assert set(links_of(brief)) <= set(links_of(v.text)), v.platform
        assert measure(v.text, v.platform).fits and v.fits, v
        assert v.cut and not set(links_of(brief)) & set(links_of(v.cut)), v
        assert_cut_is_what_is_missing(brief, v)


def test_x_counts_the_kept_links_as_23_characters():
    """Two 50-character URLs cost 46 on X, but their full length on Bluesky.

    (X recognises links on real top-level domains only, hence .com here.)
    """
    brief = (
        "The new Ridgeline boots pair a Gore-Tex lining with a grippy outsole built for wet rock "
        "and weigh just 480 grams each after two winters of tests with mountain guides in the "
        "Cairngorms and the Alps, with free resoling for the first year and a two-year warranty "
        "https://www.trailforge.com/ridgeline-field-report "
        "https://www.trailforge.com/ridgeline-pre-ordering"
    )
    [x] = draft_all(DraftRequest(brief, trail(), ["x"]), None)
    [bluesky] = draft_all(DraftRequest(brief, trail(), ["bluesky"]), None)
    assert links_of(brief) == links_of(x.text)[:2] == links_of(bluesky.text)[:2]
    assert len(x.text) > 280 and measure(x.text, "x").fits  # longer than 280, yet it fits
    assert len(bluesky.text) <= 300 and measure(bluesky.text, "bluesky").fits


def test_a_post_that_fits_is_not_marked_cut():
    short = "Nos palets d'hiver sont là : https://lemoine.example/hiver"
    for v in draft_all(DraftRequest(short, lemoine(), NETWORKS), None):
        assert v.status == "ok" and v.cut is None and "truncated" not in v.changes
        assert "https://lemoine.example/hiver" in v.text


def test_a_link_that_cannot_fit_is_a_violation_not_a_silent_drop():
    url = "https://lemoine.example/" + "tres-long-chemin-" * 20
    brief = f"Nos palets d'hiver sont là. Toute la collection est sur {url}"
    [v] = draft_all(DraftRequest(brief, lemoine(), ["bluesky"]), None)
    assert v.status == "truncated" and not v.fits
    assert f"link does not fit: {url}" in v.violations
    assert url in v.cut and url not in v.text


def shortening_model(reply: str):
    """A model that answers every shorten request with the same text."""
    asked: list[str] = []

    async def rewrite(template: str, text: str, values: dict) -> str:
        asked.append(template)
        return reply

    return rewrite, asked


def test_model_shortening_that_drops_the_link_gets_it_back():
    rewrite, asked = shortening_model("Nos palets au beurre salé fêtent les 70 ans de la maison.")
    fitted = asyncio.run(fit(BRIEF_FR, lemoine(), get_platform("x"), "fr", rewrite=rewrite))
    assert asked == ["shorten.j2"]
    assert "https://lemoine.example/hiver" in fitted.text
    assert "shortened" in fitted.changes and not fitted.truncated and fitted.cut is None
    assert measure(fitted.text, "x").fits


def test_model_shortening_that_rewrites_the_link_does_not_get_it_twice():
    rewrite, _ = shortening_model("Nos palets d'hiver sont sur lemoine.example/hiver/ !")
    fitted = asyncio.run(fit(BRIEF_FR, lemoine(), get_platform("x"), "fr", rewrite=rewrite))
    assert fitted.text.count("lemoine.example/hiver") == 1


def test_model_shortening_still_too_long_is_cut_around_the_link():
    too_long = (
        "Pour ses 70 ans, Maison Lemoine sort une édition limitée de palets au beurre salé et de "
        "galettes à la fleur de sel de Guérande. Chaque biscuit est préparé le matin même dans "
        "notre atelier de Pont-Aven, avec du beurre AOP et une farine de blé noir locale."
    )
    rewrite, _ = shortening_model(too_long)
    fitted = asyncio.run(fit(BRIEF_FR, lemoine(), get_platform("x"), "fr", rewrite=rewrite))
    assert "https://lemoine.example/hiver" in fitted.text and measure(fitted.text, "x").fits
    assert fitted.truncated and "truncated" in fitted.changes
    assert compact(fitted.text.split("\n")[0]) + compact(fitted.cut) == compact(too_long)
