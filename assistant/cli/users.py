"""`assistant users add|passwd|role|remove|list`: the accounts of the app's own login.

A password is typed twice without echo at a terminal, or read from the first line of stdin
for a script (`printf '%s\\n' "$PW" | assistant users add alice --role reviewer`); it never
goes on the command line, where `ps` and the shell's history would show it."""

from __future__ import annotations

import getpass
import sys

import typer

from ..core.errors import InputError
from .common import check_format, print_json

ROLE_HELP = "author, reviewer or admin"


def _store():
    from ..core.settings import get_settings
    from ..core.store import open_store

    return open_store(get_settings().database_url())


def _password(name: str) -> str:
    """The new password: typed twice without echo at a terminal, else stdin's first line."""
    stream = sys.stdin
    if stream is not None and stream.isatty():
        first = getpass.getpass(f"Password for {name}: ")
        if getpass.getpass("Again: ") != first:
            raise InputError.keyed("password_mismatch")
        return first
    line = stream.readline() if stream is not None else ""
    return line.rstrip("\r\n")


def add(
    name: str = typer.Argument(..., help="The login name, e.g. alice"),
    role: str = typer.Option("author", "--role", help=ROLE_HELP),
) -> None:
    """Create an account; the password is asked (or read from stdin)."""
    from ..core import users

    account = users.add(_store(), name, _password(name), role)
    typer.echo(f"User {account.name} added ({account.role}).")


def passwd(name: str = typer.Argument(..., help="The login name")) -> None:
    """Change an account's password; its open sessions end."""
    from ..core import users

    users.existing(_store(), name)  # an unknown name is refused before the password is asked
    account = users.set_password(_store(), name, _password(name))
    typer.echo(f"Password of {account.name} changed; their sessions ended.")


def role(
    name: str = typer.Argument(..., help="The login name"),
    new_role: str = typer.Argument(..., metavar="ROLE", help=ROLE_HELP),
) -> None:
    """Give an account another role."""
    from ..core import users

    account = users.set_role(_store(), name, new_role)
    typer.echo(f"User {account.name} is now {account.role}.")


def remove(name: str = typer.Argument(..., help="The login name")) -> None:
    """Delete an account; its sessions end, what it did stays under its name."""
    from ..core import users

    users.remove(_store(), name)
    typer.echo(f"User {name} removed.")


def listing(
    output: str = typer.Option("text", "--format", help="text or json"),
) -> None:
    """The accounts: name, role, created."""
    from ..core import users

    accounts = users.listed(_store())
    if check_format(output) == "json":
        print_json([a.to_dict() for a in accounts])
        return
    for account in accounts:
        typer.echo(f"{account.name}\t{account.role}\t{account.created_at:%Y-%m-%d}")


def register(app: typer.Typer) -> None:
    group = typer.Typer(no_args_is_help=True, help="The accounts of the app's own login.")
    group.command("add")(add)
    group.command("passwd")(passwd)
    group.command("role")(role)
    group.command("remove")(remove)
    group.command("list")(listing)
    app.add_typer(group, name="users")
