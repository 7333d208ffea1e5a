"""`assistant review link create|list|revoke`: client approval links (see
`assistant/publishing/client_links.py`)."""

from __future__ import annotations

import os

import typer

from ..core.store import open_store
from ..publishing import client_links
from .campaign import AS, actor, review_app
from .common import check_format, print_json, print_listing

link_app = typer.Typer(
    help="Client approval links: a client approves the exact versions, without an account.",
    no_args_is_help=True,
)
PASSWORD_ENV = "ASSISTANT_LINK_PASSWORD"


def _variant_ids(value: str | None) -> list[int] | None:
    if not value:
        return None
    try:
        return [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise typer.BadParameter(
            "a comma-separated list of variant ids", param_hint="--variants"
        ) from None


def _password(asked: bool) -> str | None:
    """`--password`: from $ASSISTANT_LINK_PASSWORD when set, else typed twice, unseen."""
    if not asked:
        return None
    return os.environ.get(PASSWORD_ENV) or typer.prompt(
        "Password for the client", hide_input=True, confirmation_prompt=True
    )


@link_app.command("create")
def link_create(
    campaign_id: int = typer.Option(..., "--campaign"),
    variants: str = typer.Option(None, "--variants", help="e.g. 3,4,9 (default: all open)"),
    expires: str = typer.Option(None, "--expires", help="7d (default), 48h; at most 30d"),
    label: str = typer.Option("client", "--label", help="Who the client is, as decisions show"),
    password: bool = typer.Option(
        False, "--password", help=f"Ask for a password (typed, or ${PASSWORD_ENV})"
    ),
    who: str = AS,
    fmt: str = typer.Option("text", "--format", help="text or json"),
) -> None:
    """Create a link; its address is shown once (only its hash is kept)."""
    check_format(fmt)
    created = client_links.create_link(
        open_store(),
        campaign_id,
        actor(who, "author"),
        variant_ids=_variant_ids(variants),
        expires=expires,
        label=label,
        password=_password(password),
    )
    if fmt == "json":
        print_json(created.to_dict())
        return
    typer.echo(created.url)
    typer.echo(
        f"link {created.id} until {created.expires_at.isoformat()} for "
        + ", ".join(f"#{v['variant_id']} v{v['version']}" for v in created.variants)
        + " (shown once: copy it now)"
    )


# `link list`'s table: each column's header and how a link's cell is written
LINK_COLUMNS = {
    "id": lambda link: str(link["id"]),
    "campaign": lambda link: str(link["campaign_id"]),
    "label": lambda link: link["label"],
    "status": lambda link: link["status"],
    "expires": lambda link: link["expires_at"][:16],
    "variants": lambda link: ", ".join(
        f"#{v['variant_id']} v{v['version']}" for v in link["variants"]
    ),
}


@link_app.command("list")
def link_list(
    campaign_id: int = typer.Option(None, "--campaign"),
    fmt: str = typer.Option("text", "--format", help="text or json"),
) -> None:
    """Links with their status: sent, opened, decided, expired, revoked."""
    check_format(fmt)
    found = client_links.list_links(open_store(), campaign_id)
    print_listing(fmt, found, found, LINK_COLUMNS)


@link_app.command("revoke")
def link_revoke(
    link_id: int = typer.Argument(...),
    who: str = AS,
    fmt: str = typer.Option("text", "--format", help="text or json"),
) -> None:
    """Close a link for good."""
    check_format(fmt)
    done = client_links.revoke_link(open_store(), link_id, actor(who, "author"))
    print_json(done) if fmt == "json" else typer.echo(f"link {link_id} revoked")


def register(app: typer.Typer) -> None:
    """Under `review` (registered by the campaign module, which comes first)."""
    del app
    if not any(group.name == "link" for group in review_app.registered_groups):
        review_app.add_typer(link_app, name="link")
