"""`assistant` command line: thin shells over the library, one module per command group.

Exit status: 0 fine, 1 a finding (see each command), 2 bad usage or bad input (one line on
stderr), 70 an unexpected failure (EX_SOFTWARE from sysexits.h: a bug, not the user's input;
its traceback is in `<data>/logs/assistant.log`, the user sees where).
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from functools import cache

import typer

from ..core.errors import AssistantError

EXIT_INPUT = 2
EXIT_SOFTWARE = 70
log = logging.getLogger("assistant.cli")

# command modules in registration order (lexicon turns `brands` into a group, so it comes last)
MODULES = (
    "brands",
    "draft",
    "check",
    "render",
    "campaign",
    "links",
    "inbox",
    "reply",
    "audit",
    "worker",
    "db",
    "users",
    "lexicon",
)
# the modules a command needs: a command imports only its own, so `assistant count` does not
# pay for SQLAlchemy, numpy and the visuals (start-up is most of a short command's time)
COMMAND_MODULES = {
    "brands": ("brands", "lexicon"),
    "platforms": ("brands",),
    "count": ("brands",),
    "draft": ("draft",),
    "check": ("check",),
    "render": ("render",),
    "campaign": ("campaign",),
    "review": ("campaign", "links"),
    "export": ("campaign",),
    "inbox": ("inbox",),
    "reply": ("reply",),
    "audit": ("audit",),
    "worker": ("worker",),
    "db": ("db",),
    "users": ("users",),
}


def build_app(modules: tuple[str, ...] = MODULES) -> typer.Typer:
    """The Typer app with the commands of `modules` (all by default)."""
    from .metavars import MetavarGroup

    app = typer.Typer(
        cls=MetavarGroup,
        help="Editorial assistant: draft, check, render, review and export social posts.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    app.callback()(_group)  # a group even when one command is registered
    for name in MODULES:
        if name in modules:
            importlib.import_module(f"{__name__}.{name}").register(app)
    return app


def _group() -> None:
    """Editorial assistant: draft, check, render, review and export social posts."""


@cache
def _whole_app() -> typer.Typer:
    return build_app()


def __getattr__(name: str) -> typer.Typer:
    """`from assistant.cli import app`: the whole command line (tests, documentation)."""
    if name == "app":
        return _whole_app()
    raise AttributeError(name)


def _modules_for(argv: list[str]) -> tuple[str, ...]:
    command = next((a for a in argv if not a.startswith("-")), None)
    return COMMAND_MODULES.get(command or "", MODULES)


def main(argv: list[str] | None = None) -> None:
    """The CLI's one error boundary: usage errors exit 2 (click), a domain error one readable
    line and exit 2, anything else a short message naming the log holding its traceback, 70."""
    args = sys.argv[1:] if argv is None else argv
    try:
        build_app(_modules_for(args))(args=args, prog_name="assistant")
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
    from ..core.logfile import setup_logging

    path = setup_logging()
    if path is None:
        return "(no log: the data folder is not writable; rerun with ASSISTANT_DEBUG=1)"
    log.exception("unexpected error in `assistant %s`", " ".join(sys.argv[1:2]))
    return str(path)
