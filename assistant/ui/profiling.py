"""An optional profile of the UI's handlers, to find where a click's time goes under load.

Off unless `ASSISTANT_PROFILE=<file>` is set: then every handler call runs under cProfile (in
its own thread, so concurrent calls do not mix) and, when the server stops, `<file>` gets
each handler's calls, total time and top functions by cumulative time.
"""

from __future__ import annotations

import atexit
import cProfile
import io
import os
import pstats
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

TARGET = os.environ.get("ASSISTANT_PROFILE", "")
TOP = 18
_lock = threading.Lock()
_stats: dict[str, pstats.Stats] = {}
_totals: dict[str, list[float]] = {}


@contextmanager
def profiled(name: str) -> Iterator[None]:
    if not TARGET:
        yield
        return
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        spent = time.perf_counter() - started
        with _lock:
            _totals.setdefault(name, []).append(spent)
            if name in _stats:
                _stats[name].add(profile)
            else:
                _stats[name] = pstats.Stats(profile)


def dump() -> None:
    """Write the report, heaviest handler first."""
    if not TARGET or not _totals:
        return
    out = io.StringIO()
    for name, spent in sorted(_totals.items(), key=lambda kv: -sum(kv[1])):
        out.write(f"\n=== {name}: {len(spent)} calls, {sum(spent):.2f}s, "
                  f"{sum(spent) / len(spent) * 1000:.1f} ms each\n")  # fmt: skip
        stats = _stats[name]
        stats.stream = out
        stats.sort_stats("cumulative").print_stats(TOP)
    with open(TARGET, "w", encoding="utf-8") as file:
        file.write(out.getvalue())


if TARGET:
    atexit.register(dump)
