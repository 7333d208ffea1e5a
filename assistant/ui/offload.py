"""Drawing visuals and checking typed text in worker processes.

Pillow lays text out, and the proofing engines parse, while holding Python's lock, so a
render or a live check in the app process makes every other person's click wait for it;
the workers do that work on the machine's other core instead. They only compute (no
database): the caller keeps reading and writing the store.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

# one lane for renders, one for the checks people wait on as they type: a batch of renders
# after a draft never holds up someone's live check
LANES = {"render": 1, "typing": 1}
ORPHAN_CHECK_SECONDS = 1.0
PATIENCE_SECONDS = 1.5
_lock = threading.Lock()
_pools: dict[str, ProcessPoolExecutor] = {}


def _pool_now(lane: str) -> ProcessPoolExecutor:
    with _lock:
        if lane not in _pools:
            # spawn, not fork: the app process has threads (and open database connections)
            context = multiprocessing.get_context("spawn")
            _pools[lane] = ProcessPoolExecutor(
                max_workers=LANES[lane],
                mp_context=context,
                initializer=_ready,
                initargs=(os.getpid(), lane),
            )
        return _pools[lane]


def _ready(parent: int, lane: str) -> None:
    """Load what the workers run once, before the first render or check, and leave with the
    app: a worker holds its own queue's pipe open, so it would never see the app die. The
    app's id comes from the app: an app stopped while its worker was still starting leaves
    the worker already adopted by another process, whose id it must not wait on."""
    threading.Thread(target=_follow, args=(parent,), daemon=True).start()
    import assistant.publishing.review
    import assistant.visuals  # noqa: F401

    if lane == "typing":
        from assistant.proofing import warm_up

        warm_up()


def _follow(parent: int) -> None:
    """Exit as soon as the app process is gone (killed, crashed or stopped by a signal)."""
    while os.getppid() == parent:
        time.sleep(ORPHAN_CHECK_SECONDS)
    os._exit(0)


def _guarded(fn: Callable[..., Any], args: tuple, kwargs: dict) -> tuple[bool, Any]:
    """In the worker: a failure comes back as a flag, not as an exception object, which may
    not survive the trip between processes."""
    try:
        return True, fn(*args, **kwargs)
    except Exception:  # re-run in the caller, which raises it as it is
        return False, None


def elsewhere(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`fn(*args, **kwargs)` in the worker; a failure, or a worker that is gone, runs it here
    again so the caller gets the same result or the same error as without a worker."""
    return _in_worker("render", fn, args, kwargs, None)


def soon_elsewhere(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """The same for work someone is waiting on as they type, in its own lane: when its
    worker is busy (several people typing, a worker still loading its engines) for longer
    than PATIENCE_SECONDS, it runs here instead of keeping the person waiting."""
    return _in_worker("typing", fn, args, kwargs, PATIENCE_SECONDS)


def _in_worker(
    lane: str, fn: Callable[..., Any], args: tuple, kwargs: dict, patience: float | None
) -> Any:
    try:
        ok, value = _pool_now(lane).submit(_guarded, fn, args, kwargs).result(timeout=patience)
    except TimeoutError:
        ok, value = False, None
    except (BrokenProcessPool, OSError, RuntimeError):
        with _lock:
            _pools.pop(lane, None)
        ok, value = False, None
    return value if ok else fn(*args, **kwargs)


def warm() -> None:
    """Start the workers now (the typing worker loads its checkers as it starts), so the
    first render or live check does not pay for starting them."""
    for lane, workers in LANES.items():
        pool = _pool_now(lane)
        for _ in range(workers):
            pool.submit(int)
