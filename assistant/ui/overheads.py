"""Two costs Gradio pays on every event that this app has no use for.

Measured with a sampling profiler under 25 simultaneous users, they were a sixth of the
server's busy time, paid by every click:

- After each event Gradio's queue recomputes its monitoring summary (a pandas group-by and
  percentiles over up to 10,000 past events, ~10 % of the busy time). The summary only feeds
  the monitoring dashboard, which this app does not enable; it is recomputed every
  `SUMMARY_EVERY` events over the last `SUMMARY_EVENTS` instead.
- Each event enters and leaves a Matplotlib backend guard that runs `import matplotlib`
  twice; without Matplotlib installed, each import searches the whole `sys.path` before
  failing (~7 %). When Matplotlib is absent, the import now fails at once.
"""

from __future__ import annotations

import importlib.util
import os
import sys

SUMMARY_EVERY = 1000
SUMMARY_EVENTS = 1000


def trim() -> None:
    """Apply both before the Blocks (and their queue) are created; a deployment's own
    `GRADIO_ANALYTICS_*` settings are kept."""
    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", str(SUMMARY_EVERY))
    os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", str(SUMMARY_EVENTS))
    if "matplotlib" not in sys.modules and importlib.util.find_spec("matplotlib") is None:
        sys.modules["matplotlib"] = None  # type: ignore[assignment]  # "not installed", cached
