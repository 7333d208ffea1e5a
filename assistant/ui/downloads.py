"""Folders for the files the UI hands to the browser (audit reports, inbox and campaign
exports). Gradio copies a returned file into its own cache when the handler returns, after
which our copy is no longer read; so each new folder is made under one parent in the system's
temporary folder and only the latest `downloads_kept` of each kind are kept: nothing piles
up, and a file is never removed while its handler may still hand it over."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ..limits import limits

PARENT = "assistant-downloads"


def downloads_root() -> Path:
    """The one folder every download folder lives in (private to the server's user)."""
    root = Path(tempfile.gettempdir()) / PARENT
    root.mkdir(mode=0o700, exist_ok=True)
    return root


def download_folder(kind: str) -> Path:
    """A fresh folder for one download of `kind` ("audit", "inbox-export", "export"); the
    oldest folders of that kind past the bound are removed."""
    root = downloads_root()
    folder = Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=root))
    _prune(root, kind, keep=limits().downloads_kept)
    return folder


def _prune(root: Path, kind: str, keep: int) -> None:
    mine = [p for p in root.glob(f"{kind}-*") if p.is_dir() and _kind(p) == kind]
    mine.sort(key=lambda p: p.stat().st_mtime_ns)
    for old in mine[: max(0, len(mine) - keep)]:
        shutil.rmtree(old, ignore_errors=True)  # another worker may be removing it too


def _kind(folder: Path) -> str:
    """The kind a folder was made for: its name less mkdtemp's random 8-character tail."""
    return folder.name[: -len("-xxxxxxxx")]
