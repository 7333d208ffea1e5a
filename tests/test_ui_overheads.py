"""The server's per-event and idle overheads stay trimmed (measured by `benchmarks/load.py`:
these settings took 50 idle Review tabs from 7.4 % to 4.5 % of a core)."""

from __future__ import annotations

import importlib
import sys

import gradio as gr
import pytest

from assistant.ui import overheads


def test_the_queue_looks_for_work_every_20_ms_not_every_millisecond():
    with gr.Blocks() as app:
        gr.Button().click(lambda: None)
    app.queue()
    overheads.calm_queue(app)
    assert app._queue.sleep_when_free >= overheads.QUEUE_LOOK_SECONDS
    assert app._queue.progress_update_sleep_when_free >= overheads.PROGRESS_SECONDS


def test_the_monitoring_summary_is_not_recomputed_after_every_event(monkeypatch):
    monkeypatch.delenv("GRADIO_ANALYTICS_CACHE_FREQUENCY", raising=False)
    overheads.trim()
    with gr.Blocks() as app:
        gr.Button().click(lambda: None)
    app.queue()
    assert app._queue.ANAYLTICS_CACHE_FREQUENCY >= overheads.SUMMARY_EVERY


def _without_matplotlib_in_memory(monkeypatch) -> None:
    """As in a process that never imported Matplotlib (monkeypatch puts back what was there)."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.delitem(sys.modules, "matplotlib")


def test_a_missing_matplotlib_is_not_searched_for_on_every_event(monkeypatch):
    """Without Matplotlib installed (its finder says so), the import fails at once."""
    _without_matplotlib_in_memory(monkeypatch)
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "matplotlib" else real_find_spec(name, *a),
    )
    overheads.trim()
    assert "matplotlib" in sys.modules and sys.modules["matplotlib"] is None
    with pytest.raises(ImportError):
        import matplotlib  # noqa: F401


def test_an_installed_matplotlib_is_left_importable(monkeypatch):
    _without_matplotlib_in_memory(monkeypatch)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: object())
    overheads.trim()
    assert "matplotlib" not in sys.modules
