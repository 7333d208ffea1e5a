"""The UI's one error boundary (`handled`), through real handlers: a refusal the user can act
on is one toast in their language and one info line, a bug is logged with its traceback and
the user is told where, in a few words."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

import gradio as gr
import pytest

from .conftest import use_env

FR = SimpleNamespace(headers={"accept-language": "fr-FR"}, username=None)
EN = SimpleNamespace(headers={"accept-language": "en-US"}, username=None)


@pytest.fixture()
def store():
    from assistant.core.store import open_store

    return open_store()


def _draft(store, brief: str) -> None:
    from assistant.ui.draft import _Drafting

    async def run() -> None:
        async for _ in _Drafting(store).run(
            "maison-lemoine", brief, ["x"], 1, None, "alice", "Hiver", FR
        ):
            pass

    asyncio.run(run())


def test_an_expected_error_is_one_translated_toast_and_one_info_line(store, caplog):
    with caplog.at_level(logging.INFO, logger="assistant"), pytest.raises(gr.Error) as raised:
        _draft(store, "   ")
    assert raised.value.message == "Écrivez d’abord un message : il est vide."
    lines = [r for r in caplog.records if r.name.startswith("assistant")]
    assert len(lines) == 1, [r.getMessage() for r in lines]
    assert lines[0].levelno == logging.INFO and lines[0].exc_info is None
    assert lines[0].getMessage().startswith("refused run for anonymous: the brief is empty")


def test_an_unexpected_error_is_logged_with_its_traceback_and_named_shortly(
    store, tmp_path, monkeypatch
):
    from assistant.publishing import review as workflow
    from assistant.ui import review as panel

    use_env(monkeypatch, ASSISTANT_DATA_DIR=str(tmp_path / "data"))

    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("boom in the approval")

    monkeypatch.setattr(workflow, "approve", broken)
    seen = {"id": 1, "text_version": 1}
    with pytest.raises(gr.Error) as raised:
        panel.decision(store, "approve")(seen, "bob", "reviewer", "", "", None, "", EN)
    log = tmp_path / "data" / "logs" / "assistant.log"
    message = raised.value.message
    assert str(log) in message and "Nothing you typed was lost" in message
    assert "boom" not in message and "Traceback" not in message
    written = log.read_text(encoding="utf-8")
    assert "Traceback" in written and "ZeroDivisionError: boom in the approval" in written
