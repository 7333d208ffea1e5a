"""Drawing visuals in a worker process.

Pillow lays text out while holding Python's lock, so a render in the app process makes every
other person's click wait for it; one worker process draws on the machine's other core
instead. The worker only draws (no database): the caller keeps reading and writing the store.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


def _pool_now() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            # spawn, not fork: the app process has threads (and open database connections)
            context = multiprocessing.get_context("spawn")
            _pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_ready)
        return _pool


def _ready() -> None:
    import assistant.visuals  # noqa: F401  (loaded once, before the first render)


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
    global _pool
    try:
        ok, value = _pool_now().submit(_guarded, fn, args, kwargs).result()
    except (BrokenProcessPool, OSError, RuntimeError):
        with _lock:
            _pool = None
        ok, value = False, None
    return value if ok else fn(*args, **kwargs)


def warm() -> None:
    """Start the worker now, so the first render does not pay for starting it."""
    _pool_now().submit(int)
