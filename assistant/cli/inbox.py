"""`assistant inbox …`: import comments, list the inbox, correct a label, stats, export."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ..community import corrections, inbox
from ..community.alerts import Alert, alerts
from ..core.store import open_store
from .campaign import AS, actor
from .common import brand, check_format, print_json, print_listing

inbox_app = typer.Typer(
    help="Inbox: import comments, list them by priority, correct labels, stats, export.",
    no_args_is_help=True,
)


@inbox_app.command("import")
def inbox_import(
    file: Path = typer.Argument(
        ..., help="CSV, XLSX or JSON (Facebook, YouTube, Mastodon, Bluesky)"
    ),
    brand_slug: str = typer.Option(..., "--brand", "-b", help="Brand slug in brand_guides/"),
    who: str = AS,
    provider: str = typer.Option(
        "none", "--provider", help="none (rules only) | openai | local: the model reads intents"
    ),
    fmt: str = typer.Option("text", "--format", help="text or json"),
) -> None:
    """Import comments: all or nothing, the same comments twice add nothing."""
    from ..core.llm import make_provider

    check_format(fmt)
    charter = brand(brand_slug)
    chat = make_provider(provider)
    result = inbox.import_file(open_store(), charter, file, actor(who, "author").name, chat)
    if fmt == "json":
        print_json(result.to_dict())
    else:
        typer.echo(f"{result.added} comment(s) imported, {result.already} already there.")
        for notice in result.notices():
            typer.echo(f"notice: {notice}", err=True)


@inbox_app.command("list")
def inbox_list(
    brand_slug: str = typer.Option(None, "--brand", "-b"),
    status: str = typer.Option(None, "--status"),
    intent: str = typer.Option(None, "--intent"),
    network: str = typer.Option(None, "--network"),
    open_only: bool = typer.Option(False, "--open", help="Only comments still to handle"),
    limit: int = typer.Option(500, "--limit", min=1, max=10000),
    offset: int = typer.Option(0, "--offset", min=0),
    fmt: str = typer.Option("text", "--format", help="text or json"),
) -> None:
    """The inbox, most urgent first (priority, then due time)."""
    check_format(fmt)
    items = inbox.list_items(
        open_store(), brand_slug, status, intent, network, open_only, limit, offset
    )
    rows = [inbox.to_dict(i) for i in items]
    if fmt == "json":
        print_json(rows)
        return
    for alert in alerts(open_store(), brand_slug):
        typer.echo(_alert_line(alert))
    table = Table("id", "net", "intent", "sent.", "esc.", "prio", "due", "status", "text")
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["network"],
            row["intent"],
            row["sentiment"],
            row["escalation"] or "",
            str(row["priority"]),
            (row["due_at"] or "")[:16],
            row["status"],
            " ".join(row["text"].split())[:60],
        )
    Console().print(table, markup=False, highlight=False)


def _alert_line(alert: Alert) -> str:
    when = f"{alert.first_at:%Y-%m-%d %H:%M}–{alert.last_at:%H:%M} UTC"
    return (
        f"ALERT {alert.brand}: {len(alert.ids)} comments on {alert.title_in('en')} "
        f"({alert.topic}) {when}: #{', #'.join(map(str, alert.ids))}"
    )


@inbox_app.command("alerts")
def inbox_alerts(
    brand_slug: str = typer.Option(None, "--brand", "-b"),
    fmt: str = typer.Option("text", "--format", help="text or json"),
) -> None:
    """Bursts: several comments on one topic within the charter's window (community.alerts),
    the first sign of a bad buzz; most recent first."""
    check_format(fmt)
    found = alerts(open_store(), brand_slug)
    if fmt == "json":
        print_json([a.to_dict() for a in found])
        return
    for alert in found:
        typer.echo(_alert_line(alert))
    if not found:
        typer.echo("no burst.")


@inbox_app.command("correct")
def inbox_correct(
    item_id: int = typer.Argument(...),
    label: str = typer.Argument(..., help="intent | sentiment | language | escalation | faq"),
    value: str = typer.Argument(..., help="The right value ('-' to clear escalation or faq)"),
    who: str = AS,
) -> None:
    """Correct one label of a comment (the correction is kept)."""
    item = corrections.correct(
        open_store(), item_id, label, None if value == "-" else value, actor(who, "author").name
    )
    typer.echo(f"comment {item.id}: {label} = {getattr(item, label)}")


@inbox_app.command("learn")
def inbox_learn(
    brand_slug: str = typer.Option(..., "--brand", "-b", help="Brand slug in brand_guides/"),
    field: str = typer.Option("all", "--label", help="intent | sentiment | all"),
    fmt: str = typer.Option("text", "--format", help="text or json"),
) -> None:
    """Refit the brand's own heads from its reviewed labels (corrected, or closed as they
    were): later imports of this brand are triaged with them, other brands are not."""
    from ..community import brand_heads

    check_format(fmt)
    charter = brand(brand_slug)
    fields = list(brand_heads.FIELDS) if field == "all" else [field]
    if any(f not in brand_heads.FIELDS for f in fields):
        from ..core.errors import InputError

        raise InputError(
            f"--label cannot be {field[:32]!r}; expected intent, sentiment or all.",
            key="bad_label_value",
            label="--label",
            value=field[:32],
        )
    store = open_store()
    result = {f: brand_heads.learn(store, charter, f).rows for f in fields}
    if fmt == "json":
        print_json({"brand": charter.slug, "reviewed": result})
    else:
        for name, rows in result.items():
            typer.echo(f"{charter.slug} {name}: learned from {rows} reviewed comment(s)")


# `inbox stats`' table: each column's header and how a group's cell is written
STATS_COLUMNS = {
    "network": lambda row: row["network"],
    "intent": lambda row: row["intent"],
    "answered": lambda row: str(row["answered"]),
    "median h": lambda row: "" if row["median_hours"] is None else f"{row['median_hours']:.1f}",
    "within target": lambda row: (
        "" if row["within_target"] is None else f"{row['within_target']:.0%}"
    ),
    "open": lambda row: str(row["open"]),
    "late": lambda row: str(row["late"]),
}


@inbox_app.command("stats")
def inbox_stats(
    brand_slug: str = typer.Option(None, "--brand", "-b"),
    fmt: str = typer.Option("text", "--format", help="text or json"),
) -> None:
    """Response times per network and intent: median hours, share within target, open, late."""
    check_format(fmt)
    result = inbox.stats(open_store(), brand_slug)
    print_listing(fmt, result, result["groups"], STATS_COLUMNS, markup=False, highlight=False)


@inbox_app.command("export")
def inbox_export(
    brand_slug: str = typer.Option(None, "--brand", "-b"),
    fmt: str = typer.Option(..., "--format", help="csv or json"),
) -> None:
    """Every comment with its labels, status and reply, on stdout."""
    check_format(fmt, ("csv", "json"))
    rows = inbox.export_rows(open_store(), brand_slug)
    if fmt == "json":
        print_json(rows)
        return
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=inbox.EXPORT_KEYS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: inbox.spreadsheet_cell(row.get(k)) for k in inbox.EXPORT_KEYS})
    typer.echo(out.getvalue(), nl=False)


def register(app: typer.Typer) -> None:
    app.add_typer(inbox_app, name="inbox")
