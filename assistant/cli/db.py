"""`assistant db upgrade`: bring the database's schema to this version of the tool.

Every process opening the store upgrades it too (on PostgreSQL under an advisory lock, so
processes starting at once upgrade once); this command makes the upgrade a step of its own,
run before the app's processes and workers start on a new version."""

from __future__ import annotations

import typer


def upgrade() -> None:
    """Upgrade the database (ASSISTANT_DB_URL, else the SQLite file) to the newest schema."""
    from ..core.settings import get_settings
    from ..core.store import Store

    store = Store(get_settings().database_url())
    try:
        before, after = store.migrated
    finally:
        store.dispose()
    if before == after:
        typer.echo(f"Database already at {after}: nothing to upgrade.")
    else:
        typer.echo(f"Database upgraded from {before or 'an empty database'} to {after}.")


def register(app: typer.Typer) -> None:
    group = typer.Typer(no_args_is_help=True, help="The database's schema.")
    group.command("upgrade")(upgrade)
    app.add_typer(group, name="db")
