"""Live panels (the Review queue, the Draft tab's review news, the Campaign calendar) stay
fresh without Gradio events while nothing changes.

The page's script (`scripts/live.js`) asks `GET /live/marker` for the store's change marker
(opaque, `publishing/live_marker.py`) every `LIVE_SECONDS`, only while a live panel is shown
and the browser tab is visible, and compares it with the marker the panel was drawn at (a
hidden box the panel's handlers fill). Only when they differ does it press the panel's hidden
refresh button, whose handler re-reads what moved. An idle browser costs one tiny GET every
few seconds (no Gradio queue, no event stream, no session state); a browser on another tab,
or hidden, asks nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from ..publishing.live_marker import MARKER_PATH
from .i18n import LANGUAGES, tr

LIVE_SECONDS = 4  # how often a shown live panel asks; a change shows within this (+1 s)
# while the route answers no marker (logged out, an error, a proxy's page) the script skips
# ever more rounds, at most this many: one question every ~4 minutes
MAX_SKIP = 64

# What the page's script follows: the panel `name` is live while `shown` matches a visible
# element; it reads `#<name>-marker` and presses `#<name>-live`.
PANELS = [
    {"shown": "#review-queue", "name": "review"},
    {"shown": "#tab-draft .card", "name": "review-news"},  # news only about cards on screen
    {"shown": "#calendar", "name": "calendar"},
]


@dataclass
class LivePanel:
    """A panel's hidden marker box (the opaque marker its content was read at) and hidden
    refresh button (pressed by the page's script when the store's marker moved)."""

    marker: gr.Textbox
    refresh: gr.Button


def live_panel(name: str) -> LivePanel:
    """`#<name>-marker` and `#<name>-live`, in the page but not shown."""
    marker = gr.Textbox("", visible="hidden", elem_id=f"{name}-marker", interactive=False)
    return LivePanel(marker, gr.Button(visible="hidden", elem_id=f"{name}-live"))


def script_settings() -> dict[str, Any]:
    """The page script's settings: where to ask (relative to the page, so a proxy's path
    prefix is kept), how often, and which panels to follow."""
    return {
        "url": MARKER_PATH.lstrip("/"),
        "every_ms": LIVE_SECONDS * 1000,
        "max_skip": MAX_SKIP,
        "panels": PANELS,
        "logged_out": {lang: tr("live_logged_out", lang) for lang in LANGUAGES},
        "logout_unsaved": {lang: tr("logout_unsaved", lang) for lang in LANGUAGES},
    }
