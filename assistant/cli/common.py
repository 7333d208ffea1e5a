"""Helpers shared by the command modules: reading input, printing JSON, loading a brand."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import regex
import typer

from ..core.errors import InputError
from ..core.limits import clean_text, decode_utf8, limits, read_text_file

if TYPE_CHECKING:
    from ..core.charter import Charter

# one word ending in a file extension (`post.txt`, `brief.md`), or holding a path separator
FILE_EXTENSION = regex.compile(r"\.[A-Za-z0-9]{1,8}$")
TEXT_ARG = typer.Argument(None, help="The text, a file, or '-' for stdin.")
TEXT_OPTION = typer.Option(
    False, "--text", help="Read the argument as the text itself, even if it looks like a path."
)


def looks_like_path(value: str) -> bool:
    """One line, no whitespace, and a separator or an extension: a name the user meant as a
    file, so a typo in it must say "no such file" rather than be checked as the text."""
    if not value or any(ch.isspace() for ch in value) or "://" in value:
        return False
    return "/" in value or "\\" in value or bool(FILE_EXTENSION.search(value))


def read_text_arg(
    value: str | None,
    text: bool | None = None,
    *,
    what: str = "the text",
    limit: int | None = None,
) -> str:
    """The one rule for a positional TEXT-or-FILE argument, in every command.

    `-` or nothing reads stdin (as bytes, so bad UTF-8 is refused, not mangled); a value that
    looks like a path is a FILE that must exist; anything else is the text itself. `text=True`
    (the `--text` flag) forces the value to be text; `text=False` accepts FILE or `-` only.
    `limit` bounds the result in characters and refuses control characters."""
    if value is None or value == "-":
        body = _read_stdin(what)
    elif text:
        body = value
    elif text is False or looks_like_path(value):
        body = read_text_file(value, what)
    else:
        body = value
    return clean_text(body, what, limit) if limit is not None else body


def _read_stdin(what: str) -> str:
    stream = sys.stdin
    if stream is None or stream.isatty():
        raise typer.BadParameter("give the text as an argument, a file, or on stdin")
    bound = limits().text_file_bytes
    raw = stream.buffer.read(bound + 1) if hasattr(stream, "buffer") else stream.read(bound + 1)
    data = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else raw
    if len(data) > bound:
        raise InputError(
            f"{what} on stdin is over {bound:,} bytes.",
            key="file_too_large",
            path="stdin",
            size=len(data),
            limit=bound,
        )
    return decode_utf8(data, "stdin")


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def print_listing(
    fmt: str, data: Any, rows: Iterable[Any], columns: dict[str, Callable[[Any], str]], **shown: Any
) -> None:
    """A listing command's answer: `data` as JSON, or `rows` as a table, one column per entry
    of `columns` (its header, and how a row's cell is written); `shown` goes to rich's print."""
    if fmt == "json":
        print_json(data)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(*columns)
    for row in rows:
        table.add_row(*(cell(row) for cell in columns.values()))
    Console().print(table, **shown)


def brand(slug: str | None) -> Charter | None:
    """The brand's charter, or None without a slug (imported here: not every command needs it)."""
    if not slug:
        return None
    from ..core.charter import load_brand
    from ..core.settings import get_settings

    return load_brand(slug, get_settings().brand_dir)


def check_format(value: str, allowed: tuple[str, ...] = ("text", "json")) -> str:
    if value not in allowed:
        raise typer.BadParameter(f"expected one of {', '.join(allowed)}", param_hint="--format")
    return value
