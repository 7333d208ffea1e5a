"""Helpers shared by the command modules: reading input, printing JSON, loading a brand."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from ..charter import Charter, load_brand
from ..settings import get_settings


def read_text_arg(value: str | None) -> str:
    """TEXT, a file path, or '-' / nothing for stdin."""
    if value is None or value == "-":
        if sys.stdin is None or sys.stdin.isatty():
            raise typer.BadParameter("give the text as an argument, a file, or on stdin")
        return sys.stdin.read()
    try:
        is_file = "\n" not in value and Path(value).is_file()
    except OSError:  # a text longer than a file name can be
        is_file = False
    return Path(value).read_text(encoding="utf-8") if is_file else value


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def brand(slug: str | None) -> Charter | None:
    return load_brand(slug, get_settings().brand_dir) if slug else None


def check_format(value: str, allowed: tuple[str, ...] = ("text", "json")) -> str:
    if value not in allowed:
        raise typer.BadParameter(f"expected one of {', '.join(allowed)}", param_hint="--format")
    return value
