"""`assistant campaign …`, `assistant review …` and `assistant export`."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ..campaign import add_brief, calendar, create_campaign, draft_brief, list_campaigns, parse_when
from ..errors import WorkflowError
from ..export import FORMATS, export_campaign
from ..llm import make_provider
from ..platforms import parse_platform_list
from ..review import (
    Actor,
    approve,
    comment,
    describe,
    error_count,
    reject,
    request_changes,
    submit,
)
from ..store import VariantRow, latest_version, open_store, variants_query
from .common import brand, check_format, print_json, read_text_arg

campaign_app = typer.Typer(
    help="Campaigns: create, add briefs (drafted at once), list, show.", no_args_is_help=True
)
review_app = typer.Typer(
    help="Review: list the queue, submit, approve, request changes.", no_args_is_help=True
)
AS = typer.Option(None, "--as", help="Who acts (default: $ASSISTANT_USER or your login).")
ROLE = typer.Option("reviewer", "--role", help="author | reviewer | admin")
FMT = typer.Option("text", "--format", help="text or json")


def actor(name: str | None, role: str) -> Actor:
    return Actor(name or os.environ.get("ASSISTANT_USER") or getpass.getuser(), role)


@campaign_app.command("new")
def campaign_new(
    name: str = typer.Argument(...),
    brand_slug: str = typer.Option(..., "--brand"),
    starts: str = typer.Option(None, "--from"),
    ends: str = typer.Option(None, "--to"),
    fmt: str = FMT,
) -> None:
    """Create a campaign."""
    check_format(fmt)
    created = create_campaign(open_store(), name, brand_slug, parse_when(starts), parse_when(ends))
    print_json(
        {"id": created.id, "name": name, "brand": brand_slug}
    ) if fmt == "json" else typer.echo(f"campaign {created.id} created: {name} ({brand_slug})")


@campaign_app.command("add")
def campaign_add(
    campaign_id: int = typer.Option(..., "--campaign"),
    brief: str = typer.Argument(None, help="The brief, a file, or '-'."),
    at: str = typer.Option(None, "--at", help="Publication time, ISO 8601"),
    platforms: str = typer.Option("", "--platforms", "-p"),
    variants: int = typer.Option(1, "--variants", "-n", min=1, max=5),
    provider: str = typer.Option(None, "--provider"),
    who: str = AS,
    fmt: str = FMT,
) -> None:
    """Add a brief to a campaign (saved first), then draft its variants into the store."""
    check_format(fmt)
    store = open_store()
    author = actor(who, "author")
    text = read_text_arg(brief).strip()
    campaign = next((c for c in list_campaigns(store) if c["id"] == campaign_id), None)
    if campaign is None:
        raise WorkflowError(f"no campaign with id {campaign_id}")
    charter = brand(campaign["brand"])
    networks = parse_platform_list(platforms) if platforms else charter.networks
    saved = add_brief(store, campaign_id, text, networks, parse_when(at), author.name)
    drafted = [
        {"variant_id": vid, **v.to_dict()}
        for v, vid in draft_brief(store, saved.id, make_provider(provider), author.name, variants)
    ]
    if fmt == "json":
        print_json({"brief_id": saved.id, "variants": drafted})
    else:
        typer.echo(f"brief {saved.id} saved; {len(drafted)} variant(s) drafted:")
        for v in drafted:
            typer.echo(
                f"  #{v['variant_id']} {v['platform']} {v['status']} {v['length']}/{v['max_length']}"
            )


@campaign_app.command("list")
def campaign_list(fmt: str = FMT) -> None:
    """List campaigns."""
    check_format(fmt)
    found = list_campaigns(open_store())
    if fmt == "json":
        print_json(found)
        return
    table = Table("id", "name", "brand", "briefs")
    for c in found:
        table.add_row(str(c["id"]), c["name"], c["brand"], str(c["briefs"]))
    Console().print(table)


@campaign_app.command("show")
def campaign_show(campaign_id: int = typer.Argument(...), fmt: str = FMT) -> None:
    """A campaign's calendar: posts by time and network, with warnings."""
    check_format(fmt)
    entries, warnings = calendar(open_store(), campaign_id)
    if fmt == "json":
        print_json({"posts": [e.__dict__ for e in entries], "warnings": warnings})
        return
    table = Table("when", "network", "variant", "status", "text")
    for e in entries:
        table.add_row(
            e.publish_at.isoformat() if e.publish_at else "—",
            e.platform,
            str(e.variant_id),
            e.status,
            e.text[:60].replace("\n", " "),
        )
    Console().print(table)
    for warning in warnings:
        typer.echo(f"warning: {warning}")


@review_app.command("list")
def review_list(
    campaign_id: int = typer.Option(None, "--campaign"),
    status: str = typer.Option(None, "--status"),
    platform: str = typer.Option(None, "--platform"),
    fmt: str = FMT,
) -> None:
    """The review queue, filtered."""
    check_format(fmt)
    store = open_store()
    with store.session() as session:
        rows = [
            {
                "id": r.id,
                "platform": r.platform,
                "status": r.status,
                "version": r.version,
                "errors": error_count(latest_version(session, r.id)),
                "text": r.text,
            }
            for r in session.scalars(variants_query(campaign_id, status, platform))
        ]
    if fmt == "json":
        print_json(rows)
        return
    table = Table("id", "network", "status", "errors", "text")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["platform"],
            r["status"],
            str(r["errors"]),
            r["text"][:60].replace("\n", " "),
        )
    Console().print(table)


@review_app.command("show")
def review_show(variant_id: int, fmt: str = FMT) -> None:
    """One variant: text, checks, versions, comments, audit log, override reason."""
    check_format(fmt)
    found = describe(open_store(), variant_id)
    if fmt == "json":
        print_json(found)
        return
    typer.echo(
        f"variant {found['id']} · {found['network']} · {found['status']} · v{found['version']}"
    )
    typer.echo(found["text"])
    for m in found["matches"]:
        typer.echo(f"  {m['severity']}: {m['message']}")
    if found["override_reason"]:
        typer.echo(f"override: {found['override_reason']} (by {found['approved_by']})")
    for c in found["comments"]:
        typer.echo(f"  comment by {c['author']}: {c['body']}")
    for a in found["audit"]:
        typer.echo(f"  {a['at']:%Y-%m-%d %H:%M} {a['actor']} {a['action']} {a['from']} → {a['to']}")


@review_app.command("submit")
def review_submit(variant_ids: list[int], who: str = AS, role: str = ROLE) -> None:
    """Send variants to review."""
    for variant_id in variant_ids:
        row = submit(open_store(), variant_id, actor(who, role))
        typer.echo(f"variant {row.id}: {row.status}")


@review_app.command("approve")
def review_approve(
    variant_ids: list[int],
    who: str = AS,
    role: str = ROLE,
    override: str = typer.Option(None, "--override", help="Reason to approve over errors"),
) -> None:
    """Approve variants (submitted to review first if still drafts)."""
    store = open_store()
    for variant_id in variant_ids:
        _ensure_in_review(store, variant_id, actor(who, role))
        row = approve(store, variant_id, actor(who, role), override)
        typer.echo(
            f"variant {row.id}: {row.status}" + (" (override)" if row.override_reason else "")
        )


def _ensure_in_review(store, variant_id: int, who: Actor) -> None:
    with store.session() as session:
        row = session.get(VariantRow, variant_id)
        status = row.status if row else None
    if status in ("draft", "changes_requested"):
        submit(store, variant_id, who)


@review_app.command("request-changes")
def review_request_changes(
    variant_id: int,
    message: str = typer.Option(..., "--comment", "-m"),
    who: str = AS,
    role: str = ROLE,
) -> None:
    """Send a variant back with a comment."""
    store = open_store()
    _ensure_in_review(store, variant_id, actor(who, role))
    row = request_changes(store, variant_id, actor(who, role), message)
    typer.echo(f"variant {row.id}: {row.status}")


@review_app.command("override")
def review_override(
    variant_id: int, reason: str = typer.Option(..., "--reason"), who: str = AS, role: str = ROLE
) -> None:
    """Approve over error matches, recording the reason."""
    review_approve([variant_id], who, role, reason)


@review_app.command("reject")
def review_reject(
    variant_id: int, reason: str = typer.Option("", "--reason"), who: str = AS, role: str = ROLE
) -> None:
    row = reject(open_store(), variant_id, actor(who, role), reason)
    typer.echo(f"variant {row.id}: {row.status}")


@review_app.command("comment")
def review_comment(variant_id: int, body: str = typer.Argument(...), who: str = AS) -> None:
    """Comment on a variant."""
    comment(open_store(), variant_id, actor(who, "reviewer"), body)
    typer.echo(f"comment added to variant {variant_id}")


def export(
    campaign_id: int = typer.Option(..., "--campaign"),
    fmt: str = typer.Option(..., "--format", help="|".join(FORMATS)),
    out: Path = typer.Option(
        ..., "--out", help="File, or folder (campaign-ID.EXT inside; hootsuite: a folder)"
    ),
    who: str = AS,
    force: bool = typer.Option(False, "--force", help="Overwrite existing export files."),
) -> None:
    """Export a campaign's approved variants for a scheduler (no status changes)."""
    check_format(fmt, FORMATS)
    del who  # kept for scripts that pass it; exporting records no one
    result = export_campaign(open_store(), campaign_id, fmt, out, force=force)
    for path in result.files:
        typer.echo(str(path))
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)


def register(app: typer.Typer) -> None:
    app.add_typer(campaign_app, name="campaign")
    app.add_typer(review_app, name="review")
    app.command()(export)
