"""Folders for the files the UI hands to the browser (audit reports, inbox and campaign
exports). Gradio copies a returned file into its own cache when the handler returns, after
which our copy is no longer read; so each new folder is made under one parent in the system's
temporary folder and only the latest `downloads_kept` of each kind are kept: nothing piles
up, and a file is removed only after `downloads_kept` newer ones of its kind were made
(long after Gradio copied it, unless that many people download at the same instant)."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import regex

from ..core.limits import limits

PARENT = "assistant-downloads"


def downloads_root() -> Path:
    """The one folder every download folder lives in (private to the server's user)."""
    root = Path(tempfile.gettempdir()) / PARENT
    root.mkdir(mode=0o700, exist_ok=True)
    return root


def download_folder(kind: str) -> Path:
    """A fresh folder for one download of `kind` ("audit", "inbox-export", "export"); the
    oldest folders of that kind past the bound are removed. The name carries the time it
    was made, so the order holds even where the file system's clock is coarse."""
    root = downloads_root()
    folder = Path(tempfile.mkdtemp(prefix=f"{kind}-{time.time_ns():020d}-", dir=root))
    _prune(root, kind, keep=limits().downloads_kept)
    return folder


def _prune(root: Path, kind: str, keep: int) -> None:
    named = regex.compile(rf"{regex.escape(kind)}-(\d{{20}})-[^-]+")
    mine = sorted(p.name for p in root.iterdir() if named.fullmatch(p.name) and p.is_dir())
    for old in mine[: max(0, len(mine) - keep)]:
        shutil.rmtree(root / old, ignore_errors=True)  # another worker may be removing it too
