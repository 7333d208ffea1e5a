"""`assistant` command line: thin shells over the library, one module per command group."""

from __future__ import annotations

import os
import sys

import typer

from ..errors import AssistantError
from . import brands, campaign, check, draft, lexicon, render

app = typer.Typer(
    help="Editorial assistant: draft, check, render, review and export social posts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for module in (brands, draft, check, render, campaign, lexicon):
    module.register(app)


def main() -> None:
    """Entry point: usage errors exit 2 (click), domain errors one readable line and exit 2."""
    try:
        app()
    except AssistantError as exc:
        if os.environ.get("ASSISTANT_DEBUG"):
            raise
        typer.echo(f"Error: {exc}", err=True)
        sys.exit(2)
