"""Work done by a call, counted rather than timed: a test bounds what the code does (the
function calls it makes, C functions included), which a loaded machine does not change, where
a wall-clock bound fails whenever the machine is busy. Speed figures live in `benchmarks/`."""

from __future__ import annotations

import sys
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

# a post with a link, a hashtag, a mention, an emoji and a mistake, repeated to any size: the
# large input whose work the tests bound and whose time `benchmarks/bounds.py` reports
PARAGRAPH = (
    "Cet hiver, nos palets au beurre salé sont limités : commandez vite sur "
    "lemoine.example/hiver #MaisonLemoine @Lemoine 🎉 Les offres sont valables jusqu'au "
    "31 décembre. Erreur : les biscuit sont bon.\n"
)


def long_post(size: int) -> str:
    """`size` characters of PARAGRAPH repeated."""
    return (PARAGRAPH * (size // len(PARAGRAPH) + 1))[:size]


def calls_made(call: Callable[[], Any]) -> int:
    """How many Python and C function calls `call()` makes (in every thread it starts)."""
    count = 0

    def profile(frame: Any, event: str, arg: Any) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    threading.setprofile(profile)
    try:
        call()
    finally:
        sys.setprofile(None)
        threading.setprofile(None)
    return count


def growth(work: Callable[[int], Callable[[], Any]], size: int) -> float:
    """How the work grows when the input doubles: about 2 for linear code, 4 for quadratic."""
    return calls_made(work(2 * size)) / max(1, calls_made(work(size)))


@contextmanager
def peak_memory() -> Iterator[Callable[[], int]]:
    """The most bytes allocated at once inside the block, above what was there before it."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    peak: list[int] = []
    try:
        yield lambda: peak[0]
    finally:
        peak.append(tracemalloc.get_traced_memory()[1] - base)
        tracemalloc.stop()
