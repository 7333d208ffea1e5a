"""Large inputs: `check` and `count` stay near-linear, and past their bound refuse at once."""

from __future__ import annotations

import random
import time
from dataclasses import replace

import pytest

from assistant.charter import load_brand
from assistant.errors import InputError
from assistant.limits import limits
from assistant.platforms import measure
from assistant.proofing import SEVERITY_RANK, SOURCE_RANK, Match, _same_problem, check_text, merge

from .conftest import ROOT

PARAGRAPH = (
    "Cet hiver, nos palets au beurre salé sont limités : commandez vite sur "
    "lemoine.example/hiver #MaisonLemoine @Lemoine 🎉 Les offres sont valables jusqu'au "
    "31 décembre. Erreur : les biscuit sont bon.\n"
)


def long_post(size: int) -> str:
    return (PARAGRAPH * (size // len(PARAGRAPH) + 1))[:size]


def best_of(runs: int, call) -> float:
    """The fastest of a few runs: the machine is shared, a bound is about the code."""
    times = []
    for _ in range(runs):
        started = time.monotonic()
        call()
        times.append(time.monotonic() - started)
    return min(times)


def quadratic_merge(found: list[Match]) -> list[Match]:
    """The previous merge, kept here as the reference the fast one must agree with."""
    ordered = sorted(
        found, key=lambda m: (SEVERITY_RANK[m.severity], SOURCE_RANK.get(m.source, 9), m.offset)
    )
    kept: list[Match] = []
    for match in ordered:
        twin = next((k for k in kept if _same_problem(k, match)), None)
        if twin is None:
            kept.append(match)
            continue
        extra = tuple(r for r in match.replacements if r not in twin.replacements)
        if extra:
            kept[kept.index(twin)] = replace(twin, replacements=twin.replacements + extra)
    return sorted(kept, key=lambda m: (m.offset, SEVERITY_RANK[m.severity]))


def random_matches(seed: int, count: int) -> list[Match]:
    rng = random.Random(seed)
    sources = ["languagetool", "grammalecte", "hunspell", "brand", "platform"]
    return [
        Match(
            offset=rng.randrange(60),
            length=rng.randrange(0, 8),
            message="m",
            rule_id=rng.choice(["A", "B", "C"]),
            category="X",
            severity=rng.choice(["error", "warning", "info"]),
            source=rng.choice(sources),
            replacements=tuple(rng.sample(["a", "b", "c", "d"], rng.randrange(3))),
        )
        for _ in range(count)
    ]


@pytest.mark.parametrize("seed", range(40))
def test_the_fast_merge_agrees_with_the_reference(seed):
    found = random_matches(seed, 80)
    assert merge(found) == quadratic_merge(found)


def test_merge_of_20000_matches_is_near_linear():
    found = [
        Match(i * 3, 2, "m", "R", "X", "error", src, ("x",))
        for i in range(10000)
        for src in ("grammalecte", "hunspell")
    ]
    started = time.monotonic()
    merged = merge(found)
    assert time.monotonic() - started < 1.0
    assert len(merged) == 10000


@pytest.mark.slow
def test_check_of_100_kb_takes_under_2_seconds():
    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    text = long_post(100_000)
    check_text(text[:2000], "fr", charter, "facebook")  # engines loaded, as in a warm UI
    started = time.monotonic()
    report = check_text(text, "fr", charter, "facebook")
    assert time.monotonic() - started < 2.0
    assert any(m.severity == "error" for m in report.matches)


def test_check_over_its_bound_is_refused_at_once():
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        check_text("a" * 1_000_000, "fr")
    assert time.monotonic() - started < 0.1
    assert caught.value.key == "too_long" and f"{limits().check_chars:,}" in str(caught.value)


def test_count_of_1_mb_takes_under_1_second_and_over_its_bound_is_refused():
    text = long_post(limits().count_chars)
    for network in ("x", "linkedin", "bluesky", "mastodon", "threads"):
        assert best_of(3, lambda n=network: measure(text, n)) < 1.0, network
    with pytest.raises(InputError):
        measure(text + "x", "x")


TOKENS = [
    "palets",
    "salé",
    "e\u0301",
    "한국어",
    "日本語",
    "🎉",
    "👍🏽",
    "👨‍👩‍👧",
    "🇫🇷",
    "1️⃣",
    "©️",
    "©",
    "‼",
    "lemoine.example/hiver",
    "https://www.example.com/a?b=c",
    "x.com🎉",
    "🎉https://t.co/x",
    "31.12.",
    "#Tag",
    "@name",
    "\r\n",
    "\n",
    " ",
    "  ",
    "\u2009",
    "fin.",
    "\ufeff",
    "a.b.c",
]


@pytest.mark.parametrize("seed", range(12))
def test_long_text_weighted_length_equals_twitter_text(seed):
    from twitter_text import parse_tweet
    from twitter_text.config import config

    from assistant.platforms import x_weighted

    rng = random.Random(seed)
    words = [
        rng.choice(TOKENS) + rng.choice([" ", "\n", ""]) for _ in range(rng.randrange(800, 3000))
    ]
    text = "".join(words)
    expected = parse_tweet(text, config["version3"])
    assert x_weighted(text) == (expected.weightedLength, expected.valid)
