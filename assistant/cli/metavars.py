"""What the help shows for each value to type: a metavar (`ID…`, `TEXT`, `x|linkedin`), not
the Python type Typer prints by default (`<list[int]>`, `<str>`, `<bool>`)."""

from __future__ import annotations

import functools
from typing import Any

import click
from typer.core import TyperArgument, TyperGroup, TyperOption


def argument_metavar(param: click.Argument) -> str:
    """The argument's own metavar, else its name: `variant_ids` (several) reads `ID…`,
    `slug` reads `SLUG`."""
    if param.metavar:
        return param.metavar
    name = (param.name or "value").upper()
    if param.nargs == 1:
        return name
    return name.removesuffix("S").rpartition("_")[2] + "…"


TYPE_WORDS = {
    "str": "TEXT",
    "int": "INTEGER",
    "int range": "INTEGER",  # its range follows: "INTEGER [1<=x<=5]"
    "float": "NUMBER",
    "float range": "NUMBER",
    "path": "PATH",
}


def option_metavar(param: TyperOption, ctx: click.Context) -> str | None:
    """What follows the option in help: its metavar, its choices, or its type as a word
    (`TEXT`, `INTEGER`, `PATH`); nothing for a flag."""
    if param.is_flag or param.count:
        return None
    if param.metavar:
        return param.metavar
    typed = TyperOption.display_type(param, ctx).strip("<>")  # "str", "list[int]", "a|b"
    bare = typed.removeprefix("list[").removesuffix("]") if typed.startswith("list[") else typed
    if "|" in bare:
        return bare
    return TYPE_WORDS.get(bare, bare.upper())


def _shown(value: str | None) -> Any:
    return lambda *args, **kwargs: value


def plain_metavars(command: click.Command) -> None:
    """Every parameter of `command` and its subcommands shows a metavar instead of a type."""
    for param in command.params:
        if isinstance(param, TyperArgument):
            metavar = argument_metavar(param)
            param.metavar = metavar
            param.display_type_rich = _shown(None)  # the name column already says it
            param._usage_display_name = _shown(metavar if param.required else f"[{metavar}]")
        elif isinstance(param, TyperOption):
            param.display_type_rich = functools.partial(option_metavar, param)
    command.get_help_option = functools.partial(_help_option, command.get_help_option)
    for sub in getattr(command, "commands", {}).values():
        plain_metavars(sub)


def _help_option(built: Any, ctx: click.Context) -> click.Option | None:
    """`--help`, a flag: nothing after it."""
    option = built(ctx)
    if isinstance(option, TyperOption):
        option.display_type_rich = _shown(None)
    return option


class MetavarGroup(TyperGroup):
    """The root group: its commands, once built, show metavars in their help."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_metavars(self)
