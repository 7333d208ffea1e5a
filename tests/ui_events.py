"""Finding a Gradio event of the built app by what it is attached to and what it fills."""

from __future__ import annotations

from collections.abc import Callable


def tab_select_handler(monkeypatch, tab_id: str, outputs: set[str]) -> Callable:
    """The one handler run when the tab `tab_id` is shown that fills the `outputs` (elem ids),
    in an app with two logins (alex, author; rita, reviewer)."""
    from assistant.core.settings import get_settings
    from assistant.core.store import open_store
    from assistant.ui.app import build_app

    monkeypatch.setenv("ASSISTANT_AUTH", "alex:pw1:author,rita:pw2:reviewer")
    get_settings.cache_clear()
    app = build_app(open_store())
    ids = {block._id: getattr(block, "elem_id", None) for block in app.blocks.values()}
    shown = [
        f
        for f in app.fns.values()
        if any(ids.get(t[0]) == tab_id and t[1] == "select" for t in f.targets)
        and outputs <= {getattr(o, "elem_id", None) for o in f.outputs}
    ]
    assert len(shown) == 1
    return shown[0].fn
