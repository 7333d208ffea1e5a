"""Costs Gradio pays on every event, or every millisecond, that this app has no use for.

Measured with a sampling profiler under 25 simultaneous users, they were a sixth of the
server's busy time, paid by every click:

- After each event Gradio's queue recomputes its monitoring summary (a pandas group-by and
  percentiles over up to 10,000 past events, ~10 % of the busy time). The summary only feeds
  the monitoring dashboard, which this app does not enable; it is recomputed every
  `SUMMARY_EVERY` events over the last `SUMMARY_EVENTS` instead.
- Each event enters and leaves a Matplotlib backend guard that runs `import matplotlib`
  twice; without Matplotlib installed, each import searches the whole `sys.path` before
  failing (~7 %). When Matplotlib is absent, the import now fails at once.
- While nobody clicks, Gradio's queue looks for new events every millisecond and for progress
  to send every 10 ms: 2.4 % of a core for a server with no visitor at all, half the budget
  of 50 open tabs. It looks every `QUEUE_LOOK_SECONDS` instead (an event waits 10 ms more
  on average before it starts) and sends progress at most `PROGRESS_SECONDS` apart.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from typing import Any

SUMMARY_EVERY = 1000
SUMMARY_EVENTS = 1000
QUEUE_LOOK_SECONDS = 0.02
PROGRESS_SECONDS = 0.1


def trim() -> None:
    """Apply both before the Blocks (and their queue) are created; a deployment's own
    `GRADIO_ANALYTICS_*` settings are kept."""
    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", str(SUMMARY_EVERY))
    os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", str(SUMMARY_EVENTS))
    if "matplotlib" not in sys.modules and importlib.util.find_spec("matplotlib") is None:
        sys.modules["matplotlib"] = None  # type: ignore[assignment]  # "not installed", cached


def calm_queue(app: Any) -> None:
    """Space out the queue's idle checks (after `app.queue()`, which creates the queue).
    Gradio keeps both intervals as plain attributes; a version without them is left as is."""
    queue = getattr(app, "_queue", None)
    if queue is None:
        return
    if hasattr(queue, "sleep_when_free"):
        queue.sleep_when_free = max(queue.sleep_when_free, QUEUE_LOOK_SECONDS)
    if hasattr(queue, "progress_update_sleep_when_free"):
        queue.progress_update_sleep_when_free = max(
            queue.progress_update_sleep_when_free, PROGRESS_SECONDS
        )
