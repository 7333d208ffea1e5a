"""`assistant` command line: thin shells over the library, one module per command group."""

from __future__ import annotations

import os
import sys

import typer

from ..errors import AssistantError
from . import brands, campaign, check, draft, render

app = typer.Typer(
    help="Editorial assistant: draft, check, render, review and export social posts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for module in (brands, draft, check, render, campaign):
    module.register(app)


def main() -> None:
    """Entry point: domain errors become one readable line and exit status 2."""
    try:
        app(standalone_mode=False)
    except AssistantError as exc:
        if os.environ.get("ASSISTANT_DEBUG"):
            raise
        typer.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("Aborted.", err=True)
        sys.exit(130)
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
