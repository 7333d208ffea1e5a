"""The package's own data files (`assistant/data/*.yaml`): the limits, word lists and
messages that modules keep out of their code, each parsed once per process."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@cache
def data_file(name: str) -> Any:
    """`assistant/data/<name>` parsed, read on first use and kept: its readers only read it."""
    return yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))
