"""Live panels: each panel's poll timer runs only while its tab is shown, so a browser left
on another tab (or on the Draft tab all day) asks the server nothing."""

from __future__ import annotations

import time
from collections.abc import Callable

import gradio as gr

from .boundary import handled


class RecentMarker:
    """The store's change marker as of at most a second ago: fifty open tabs polling every
    few seconds read it about once a second between them, not eight times. A change shows
    one second later at most, against a poll interval of several."""

    SECONDS = 1.0  # polls within this of each other share one read

    def __init__(self, read: Callable[[], str]) -> None:
        self._read = read
        self._marker: tuple[float, str] = (-self.SECONDS, "")

    def recent(self) -> str:
        read_at, marker = self._marker
        if time.monotonic() - read_at < self.SECONDS:
            return marker
        return self.fresh()

    def fresh(self) -> str:
        read_at = time.monotonic()  # before the read: a change during it is not hidden
        marker = self._read()
        self._marker = (read_at, marker)
        return marker


def follow_tabs(tabs: list[tuple[gr.Tab, gr.Timer | None]]) -> None:
    """Showing a tab starts its own timer and stops every other one."""
    timers = [timer for _tab, timer in tabs if timer is not None]
    if not timers:
        return
    for tab, own in tabs:

        def switch(own: gr.Timer | None = own) -> list:
            return [gr.Timer(active=timer is own) for timer in timers]

        tab.select(handled(switch), None, timers, queue=False, show_progress="hidden")
