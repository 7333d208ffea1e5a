"""Benchmark: the speed figures that used to be wall-clock assertions in the tests. A test
asserts behaviour and bounds work (calls, bytes, memory); how long it takes on this machine is
reported here, against the bound the test once held, so a slower change is still seen.

Run: `python benchmarks/bounds.py` from the project root (best of 3 runs each).
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.core.charter import load_brand, load_charter  # noqa: E402
from assistant.core.errors import AssistantError  # noqa: E402
from assistant.core.limits import limits  # noqa: E402
from assistant.core.platforms import measure  # noqa: E402
from assistant.proofing import Match, check_text, merge  # noqa: E402
from assistant.publishing.fact_comparison import compare  # noqa: E402
from tests.work import long_post  # noqa: E402


def best_of(call, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        with contextlib.suppress(AssistantError):
            call()
        times.append(time.perf_counter() - started)
    return min(times)


def report(what: str, seconds: float, bound: float) -> None:
    verdict = "within" if seconds <= bound else "ABOVE"
    print(f"bounds: {what}: {seconds:.3f}s (former test bound {bound}s: {verdict})")


def main() -> None:
    text = long_post(limits().count_chars)
    for network in ("x", "linkedin", "bluesky", "mastodon", "threads"):
        report(f"count 1 MB on {network}", best_of(lambda n=network: measure(text, n)), 1.0)
    twins = [
        Match(i * 3, 2, "m", "R", "X", "error", src, ("x",))
        for i in range(10000)
        for src in ("grammalecte", "hunspell")
    ]
    report("merge 20,000 matches", best_of(lambda: merge(twins)), 1.0)
    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    check_text(text[:2000], "fr", charter, "facebook")
    report("check 100 KB, warm", best_of(lambda: check_text(text[:100_000], "fr", charter)), 2.0)
    report("check over its bound refused", best_of(lambda: check_text("a" * 1_000_000, "fr")), 0.1)
    with tempfile.TemporaryDirectory() as folder:
        big = "[" + ",".join(["x"] * 10000) + "]"
        path = Path(folder) / "aliases.yaml"
        path.write_text(f"big: &big {big}\nname: Lol\nvoice: {{tone: [*big]}}\n", encoding="utf-8")
        report(
            "charter with 10,000 aliased items refused", best_of(lambda: load_charter(path)), 3.0
        )
        path.write_text("name: Lol\n" + "# padding\n" * (limits().charter_bytes // 8))
        report("oversized charter refused", best_of(lambda: load_charter(path)), 0.2)
    numbers = " ".join(f"lot {i * 37 % 9973} à {i % 31} h, {i % 97} € le 31/02" for i in range(125))
    brief = (numbers + " ") * 3
    report("facts of a 10 KB hostile text", best_of(lambda: compare(brief, brief, "fr")), 1.0)


if __name__ == "__main__":
    main()
