"""The one log file, `<data>/logs/assistant.log`: where both shells write what the user cannot
fix (with its traceback) and the UI its refusals, so a bug report can point at one place."""

from __future__ import annotations

import logging
from pathlib import Path

from .settings import get_settings

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_path() -> Path:
    return get_settings().data_dir / "logs" / "assistant.log"


def setup_logging() -> Path | None:
    """Send the `assistant` loggers to the log file of the current settings (once per file);
    the file's path, or None when the data folder is not writable."""
    path = log_path()
    root = logging.getLogger("assistant")
    for handler in list(root.handlers):
        if getattr(handler, "_assistant", None) == path:
            return path
        if getattr(handler, "_assistant", None) is not None:  # settings moved: follow them
            root.removeHandler(handler)
            handler.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    handler._assistant = path  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path
