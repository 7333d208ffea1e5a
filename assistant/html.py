"""HTML only from Jinja2 templates with autoescape on: whatever a person or a charter wrote is
escaped (Markdown syntax included, never rendered) and a missing value is an error, not an
empty string. The proof sheet and the UI read their own folders through this one setup."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape


@cache
def html_templates(folder: Path) -> Environment:
    """The template environment of one folder, built once."""
    return Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
