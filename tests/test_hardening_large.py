"""Large inputs: `check` and `count` stay near-linear, and past their bound refuse at once."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from assistant.core.charter import load_brand
from assistant.core.errors import InputError
from assistant.core.limits import limits
from assistant.core.platforms import measure
from assistant.proofing import SEVERITY_RANK, SOURCE_RANK, Match, _same_problem, check_text, merge

from .conftest import ROOT
from .work import calls_made, growth, long_post


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


def twins(count: int) -> list[Match]:
    """`count` problems, each reported by two engines."""
    return [
        Match(i * 3, 2, "m", "R", "X", "error", src, ("x",))
        for i in range(count)
        for src in ("grammalecte", "hunspell")
    ]


def test_merge_of_20000_matches_is_near_linear():
    """Counted, not timed: the work of merging twice as many matches about doubles (the
    quadratic merge it replaced did four times the work)."""
    assert len(merge(twins(10000))) == 10000
    assert growth(lambda n: lambda found=twins(n): merge(found), 5000) < 2.5
    assert growth(lambda n: lambda found=twins(n): quadratic_merge(found), 500) > 3.5


@pytest.mark.slow
def test_check_of_100_kb_finds_the_mistakes_with_near_linear_work():
    """The speed of a 100 KB check is a benchmark figure (`make bench`); here its work grows
    about linearly with the text."""
    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    text = long_post(100_000)
    check_text(text[:2000], "fr", charter, "facebook")  # engines loaded, as in a warm UI
    report = check_text(text, "fr", charter, "facebook")
    assert any(m.severity == "error" for m in report.matches)
    checked = lambda n: lambda: check_text(long_post(n), "fr", charter, "facebook")  # noqa: E731
    assert growth(checked, 50_000) < 2.5


def test_check_over_its_bound_is_refused_at_once():
    """At once: before any engine runs, a handful of calls whatever the size."""
    caught = []

    def refused():
        with pytest.raises(InputError) as error:
            check_text("a" * 1_000_000, "fr")
        caught.append(error.value)

    assert calls_made(refused) < 2_000
    assert caught[0].key == "too_long" and f"{limits().check_chars:,}" in str(caught[0])


def test_count_of_1_mb_does_linear_work_and_over_its_bound_is_refused():
    text = long_post(limits().count_chars)
    for network in ("x", "linkedin", "bluesky", "mastodon", "threads"):
        assert measure(text, network).length > 0
        counted = lambda n, net=network: lambda: measure(long_post(n), net)  # noqa: E731
        assert growth(counted, limits().count_chars // 2) < 2.5, network
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

    from assistant.core.platforms import x_weighted

    rng = random.Random(seed)
    words = [
        rng.choice(TOKENS) + rng.choice([" ", "\n", ""]) for _ in range(rng.randrange(800, 3000))
    ]
    text = "".join(words)
    expected = parse_tweet(text, config["version3"])
    assert x_weighted(text) == (expected.weightedLength, expected.valid)


RUNS_OF_LABELS = ["a.", "1.", "ab.c-", "é.", ".a", "a.a.a.a.a.a.a.a.a.a,"]
DOTTED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_CPU, (60, 60))
from assistant.core.platforms import measure, platform_ids
from assistant.core.tokens import urls
for piece in sys.argv[1:]:
    for size in (800, 4000, 65536):
        text = (piece * (size // len(piece) + 1))[:size]
        for network in platform_ids():
            measure(text, network)
        urls(text)
print("measured")
"""


def test_runs_of_dotted_labels_are_measured_with_bounded_work():
    """twitter-text's URL pattern backtracks through every split of a run of dotted labels
    ("a.a.a…", "ab.c-ab.c-…": 800 characters cost 4 s, 4,000 minutes), and so did the bare
    domain pattern: any text typed in the Draft tab held a core that long. Bounded in CPU
    seconds, not wall-clock: a child process that does more than 60 s of work (the fixed
    code does a few) is stopped by the kernel and the test fails."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", DOTTED, *RUNS_OF_LABELS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,  # a hang guard only: the CPU limit ends a runaway child long before
    )
    assert done.returncode == 0 and "measured" in done.stdout, done.stderr[-2000:]


def test_an_address_beside_a_run_of_labels_is_still_found():
    """The run is kept from the extractor, not the text around it."""
    from assistant.core.tokens import urls

    text = "voir " + "a." * 30 + "a puis https://lemoine.example/hiver et lemoine.example"
    assert [span.text for span in urls(text)] == [
        "https://lemoine.example/hiver",
        "lemoine.example",
    ]
    # X charges 23 for a link whatever its length (the long text's path, as the short one)
    for size in (300, 5000):
        text = "x" * size + " " + "a." * 30 + " https://maison-lemoine.fr/hiver"
        assert measure(text, "x").length == size + 1 + 60 + 1 + 23
