"""Network profiles and length counting, against X's official conformance cases."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from assistant.cli import app
from assistant.core.platforms import all_platforms, get_platform, measure

from .conftest import DATA

CASES = yaml.safe_load((DATA / "twitter-text" / "validate.yml").read_text())["tests"]
V3_CASES = (
    CASES["WeightedTweetsWithDiscountedEmojiCounterTest"]
    + CASES["UnicodeDirectionalMarkerCounterTest"]
)


@pytest.mark.parametrize("case", V3_CASES, ids=lambda c: c["description"][:60])
def test_x_length_matches_twitter_text_v3(case):
    result = measure(case["text"], "x")
    assert result.length == case["expected"]["weightedLength"]
    assert result.fits == case["expected"]["valid"]


def test_v2_cases_differ_only_by_emoji_discount():
    """The v2 section must not be silently counted with v3 rules when no emoji is involved."""
    plain = [
        c for c in CASES["WeightedTweetsCounterTest"] if "emoji" not in c["description"].lower()
    ]
    agree = [c for c in plain if measure(c["text"], "x").length == c["expected"]["weightedLength"]]
    assert len(agree) >= len(plain) - 2


@pytest.mark.parametrize("case", V3_CASES[:12], ids=lambda c: c["description"][:40])
def test_count_cli_agrees_with_v3(case):
    result = CliRunner().invoke(app, ["count", "--platform", "x", "--format", "json", case["text"]])
    printed = json.loads(result.stdout)
    assert printed == {
        "platform": "x",
        "length": case["expected"]["weightedLength"],
        "max_length": 280,
        "fits": case["expected"]["valid"],
    }
    assert result.exit_code == (0 if case["expected"]["valid"] else 1)


@pytest.mark.parametrize(
    ("platform", "text", "length"),
    [
        ("bluesky", "👨‍👩‍👧 family", 8),  # a ZWJ family is one grapheme
        ("bluesky", "é" * 300, 300),
        ("mastodon", "see https://example.com/a/very/long/path/indeed", 4 + 23),
        ("mastodon", "hi @alice@mastodon.social", 9),  # remote part not counted
        ("youtube", "é", 2),  # YouTube counts UTF-8 bytes
        ("linkedin", "abc", 3),
    ],
)
def test_each_network_counts_its_own_way(platform, text, length):
    assert measure(text, platform).length == length


def test_bluesky_byte_cap_and_youtube_angle_brackets_break_fit():
    assert not measure("<b>", "youtube").fits
    assert measure("a" * 300, "bluesky").fits and not measure("a" * 301, "bluesky").fits


def test_platforms_json_shape_is_stable():
    result = CliRunner().invoke(app, ["platforms", "--format", "json"])
    profiles = json.loads(result.stdout)
    ids = [p["id"] for p in profiles]
    for needed in (
        "x",
        "linkedin",
        "instagram",
        "facebook",
        "tiktok",
        "pinterest",
        "youtube",
        "threads",
        "bluesky",
        "mastodon",
    ):
        assert needed in ids
    for profile in profiles:
        assert {
            "id",
            "name",
            "max_length",
            "counting",
            "see_more",
            "max_hashtags",
            "links_clickable",
            "image_sizes",
        } <= set(profile)
        assert all({"name", "width", "height"} == set(s) for s in profile["image_sizes"])
    assert get_platform("instagram").links_clickable is False
    assert len(all_platforms()) >= 10
