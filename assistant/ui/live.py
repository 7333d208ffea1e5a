"""Live panels: each panel's poll timer runs only while its tab is shown, so a browser left
on another tab (or on the Draft tab all day) asks the server nothing."""

from __future__ import annotations

import gradio as gr

from .boundary import handled


def follow_tabs(tabs: list[tuple[gr.Tab, gr.Timer | None]]) -> None:
    """Showing a tab starts its own timer and stops every other one."""
    timers = [timer for _tab, timer in tabs if timer is not None]
    if not timers:
        return
    for tab, own in tabs:

        def switch(own: gr.Timer | None = own) -> list:
            return [gr.Timer(active=timer is own) for timer in timers]

        tab.select(handled(switch), None, timers, queue=False, show_progress="hidden")
