"""`assistant brands accept-word SLUG WORD`: add a word to a brand's accepted words.

`assistant brands` stays the listing (and `--validate`); this module turns it into a group
whose bare call still lists, so the word command sits where people look for brand commands.
"""

from __future__ import annotations

import getpass
import inspect
import os
from collections.abc import Callable

import typer

from ..core.settings import get_settings
from ..publishing.lexicon import accept_word


def accept_word_command(
    slug: str = typer.Argument(..., help="The brand, e.g. maison-lemoine"),
    word: str = typer.Argument(..., help="One word, as it is written (product or place name)"),
    who: str = typer.Option(None, "--as", help="Who adds it (default: $ASSISTANT_USER or login)."),
) -> None:
    """Accept WORD as correctly spelt in every post of the brand; the change is logged."""
    actor = who or os.environ.get("ASSISTANT_USER") or getpass.getuser()
    change = accept_word(slug, word, actor, get_settings().brand_dir)
    if change.added:
        typer.echo(f"{change.brand}: “{change.word}” added to the accepted words.")
    else:
        typer.echo(f"{change.brand}: “{change.word}” was already accepted.")


def _listing_when_alone(listing: Callable) -> Callable:
    """The group's callback: run the listing command when no sub-command is given, with the
    listing's own options (read from its signature, so they stay in step with it)."""
    signature = inspect.signature(listing, eval_str=True)

    def callback(ctx: typer.Context, **options: object) -> None:
        if ctx.invoked_subcommand is None:
            listing(**options)

    context = inspect.Parameter(
        "ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context
    )
    callback.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[context, *signature.parameters.values()]
    )
    callback.__doc__ = listing.__doc__
    return callback


def register(app: typer.Typer) -> None:
    """Replace the `brands` command by a group: bare `brands` lists, `accept-word` adds."""
    listing = next(
        c for c in app.registered_commands if (c.name or c.callback.__name__) == "brands"
    )
    app.registered_commands.remove(listing)
    group = typer.Typer(no_args_is_help=False)
    group.callback(invoke_without_command=True, help=listing.callback.__doc__)(
        _listing_when_alone(listing.callback)
    )
    group.command("accept-word")(accept_word_command)
    app.add_typer(group, name="brands")
