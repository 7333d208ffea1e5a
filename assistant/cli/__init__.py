"""`assistant` command line: thin shells over the library, one module per command group.

Exit status: 0 fine, 1 a finding (see each command), 2 bad usage or bad input (one line on
stderr), 70 an unexpected failure (EX_SOFTWARE from sysexits.h: a bug, not the user's input;
its traceback is in `<data>/logs/assistant.log`, the user sees where).
"""

from __future__ import annotations

import logging
import os
import sys

import typer

from ..errors import AssistantError
from ..settings import get_settings
from . import brands, campaign, check, draft, render

EXIT_INPUT = 2
EXIT_SOFTWARE = 70
log = logging.getLogger("assistant.cli")

app = typer.Typer(
    help="Editorial assistant: draft, check, render, review and export social posts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for module in (brands, draft, check, render, campaign):
    module.register(app)


def main(argv: list[str] | None = None) -> None:
    """The CLI's one error boundary: usage errors exit 2 (click), a domain error one readable
    line and exit 2, anything else a short message naming the log holding its traceback, 70."""
    try:
        app(args=argv, prog_name="assistant")
    except AssistantError as exc:
        if os.environ.get("ASSISTANT_DEBUG"):
            raise
        typer.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_INPUT)
    except Exception:
        if os.environ.get("ASSISTANT_DEBUG"):
            raise
        where = _log_unexpected()
        typer.echo(
            f"Unexpected error: this is a bug, not your input. The details are in {where}.",
            err=True,
        )
        sys.exit(EXIT_SOFTWARE)


def _log_unexpected() -> str:
    """Write the current exception's traceback to `<data>/logs/assistant.log`; its path."""
    folder = get_settings().data_dir / "logs"
    path = folder / "assistant.log"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        return "(no log: the data folder is not writable; rerun with ASSISTANT_DEBUG=1)"
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    try:
        log.exception("unexpected error in `assistant %s`", " ".join(sys.argv[1:2]))
    finally:
        log.removeHandler(handler)
        handler.close()
    return str(path)
