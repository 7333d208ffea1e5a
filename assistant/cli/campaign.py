# Longer than 400 lines: the `campaign`, `review` and `export` commands share their options and the acting person, registered in this order for the help.
"""`assistant campaign …`, `assistant review …` and `assistant export`."""

from __future__ import annotations

import getpass
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Column, Table

from ..core.clock import local_text
from ..core.errors import StoreError
from ..core.llm import make_provider
from ..core.platforms import parse_platform_list
from ..core.settings import get_settings
from ..core.store import open_store
from ..publishing import review as workflow
from ..publishing import review_queue
from ..publishing.brief_drafts import (
    draft_brief,
    incomplete_briefs,
    missing_variants,
    resume_brief,
)
from ..publishing.campaign import (
    add_brief,
    brand_timezone,
    calendar,
    create_campaign,
    find_campaign,
    list_campaigns,
    parse_when,
)
from ..publishing.export import FORMATS, export_campaign
from .common import TEXT_ARG, TEXT_OPTION, brand, check_format, print_json, read_text_arg

campaign_app = typer.Typer(
    help="Campaigns: create, add briefs (drafted at once), list, show.", no_args_is_help=True
)
review_app = typer.Typer(
    help="Review: list the queue, edit, submit, approve, request changes.", no_args_is_help=True
)
AS = typer.Option(None, "--as", help="Who acts (default: $ASSISTANT_USER or your login).")
ROLE = typer.Option("reviewer", "--role", help="author | reviewer | admin")
AUTHOR_ROLE = typer.Option("author", "--role", help="author | reviewer | admin")
SEEN = typer.Option(
    None,
    "--version",
    help="The version you read (vN in `review show`, `reply show`): refused if it moved since.",
)
FMT = typer.Option("text", "--format", help="text or json")
OVERRIDE = typer.Option(None, "--override", help="Reason to approve over errors")


def actor(name: str | None, role: str) -> workflow.Actor:
    """`--as`, else the Settings user when set (ASSISTANT_USER), else the login name."""
    settings = get_settings()
    configured = settings.user if "user" in settings.model_fields_set else None
    return workflow.Actor(name or configured or getpass.getuser(), role)


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
    zone = brand_timezone(brand(brand_slug))
    created = create_campaign(
        open_store(), name, brand_slug, parse_when(starts, zone), parse_when(ends, zone)
    )
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
    as_text: bool = TEXT_OPTION,
) -> None:
    """Add a brief to a campaign (saved first), then draft its variants into the store."""
    check_format(fmt)
    store = open_store()
    author = actor(who, "author")
    text = read_text_arg(brief, as_text or None, what="the brief").strip()
    charter = brand(find_campaign(store, campaign_id)["brand"])
    networks = parse_platform_list(platforms) if platforms else charter.networks
    zone = brand_timezone(charter)
    saved = add_brief(
        store, campaign_id, text, networks, parse_when(at, zone), author.name, variants=variants
    )
    try:
        drafted = _drafted(store, saved.id, author.name, provider, fmt, resume=False)
    except StoreError as exc:
        raise StoreError(
            f"{exc} The brief is saved as {saved.id}: once the database is back, run "
            f"`assistant campaign resume {saved.id}` to draft what is missing.",
            key=exc.key,
            **exc.params,
        ) from None
    if fmt == "json":
        print_json({"brief_id": saved.id, "variants": drafted})
    else:
        typer.echo(f"brief {saved.id} saved; {len(drafted)} variant(s) drafted:")
        for v in drafted:
            typer.echo(
                f"  #{v['variant_id']} {v['platform']} {v['status']} {v['length']}/{v['max_length']}"
            )


def _drafted(
    store, brief_id: int, author: str, provider: str | None, fmt: str, resume: bool
) -> list[dict]:
    """Draft what a saved brief lacks: here (inline), or by `assistant worker` processes in
    team mode, followed with a progress bar on a terminal (stderr) until they are done."""
    from ..publishing import jobs

    if not jobs.queued():
        run = resume_brief if resume else draft_brief
        drafted = run(store, brief_id, make_provider(provider), author)
        return [{"variant_id": vid, **v.to_dict()} for v, vid in drafted]
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from ..publishing import brief_jobs

    console = Console(stderr=True)
    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=fmt == "json" or not console.is_terminal,
    )
    with bar:
        task = bar.add_task(f"brief {brief_id} (workers)", total=None)

        def follow(now: brief_jobs.Drafted) -> None:
            bar.update(task, total=now.total, completed=len(now.ids))

        drafted = brief_jobs.draft_by_workers(store, brief_id, author, follow)
    missing = missing_variants(store, brief_id)
    if missing:  # a unit failed on its worker: its log says why
        lacking = ", ".join(f"{network}#{n}" for network, n in missing)
        typer.echo(
            f"brief {brief_id} is missing {lacking} (see the workers' log); run "
            f"`assistant campaign resume {brief_id}` to draft them again",
            err=True,
        )
    return drafted


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
    """A campaign's calendar: posts by time and network, with warnings and missing variants."""
    check_format(fmt)
    store = open_store()
    entries, warnings = calendar(store, campaign_id)
    incomplete = incomplete_briefs(store, campaign_id)
    if fmt == "json":
        print_json(
            {"posts": [e.__dict__ for e in entries], "warnings": warnings, "incomplete": incomplete}
        )
        return
    # a time never splits over two lines
    table = Table(Column("when", no_wrap=True), "network", "variant", "status", "text")
    for e in entries:
        table.add_row(
            local_text(e.publish_at, e.timezone) if e.publish_at else "—",
            e.platform,
            str(e.variant_id),
            e.status,
            e.text[:60].replace("\n", " "),
        )
    Console().print(table)
    for warning in warnings:
        typer.echo(f"warning: {warning}")
    for brief in incomplete:
        typer.echo(
            f"incomplete: brief {brief['brief_id']} is missing {', '.join(brief['missing'])}; "
            f"run `assistant campaign resume {brief['brief_id']}`"
        )


@campaign_app.command("resume")
def campaign_resume(
    brief_id: int = typer.Argument(..., help="The brief whose drafting was interrupted."),
    provider: str = typer.Option(None, "--provider"),
    who: str = AS,
    fmt: str = FMT,
) -> None:
    """Draft only the variants a brief is missing (after a crash or a database stop)."""
    check_format(fmt)
    author = actor(who, "author")
    drafted = _drafted(open_store(), brief_id, author.name, provider, fmt, resume=True)
    if fmt == "json":
        print_json({"brief_id": brief_id, "variants": drafted})
        return
    typer.echo(f"brief {brief_id}: {len(drafted)} missing variant(s) drafted")
    for v in drafted:
        typer.echo(f"  #{v['variant_id']} {v['platform']} {v['status']}")


@campaign_app.command("template")
def campaign_template(
    lang: str = typer.Option(None, "--lang", help="en or fr (default: your locale)"),
) -> None:
    """Print the import template (CSV, `;`), its sample rows dated next week:
    `assistant campaign template --lang fr > briefs.csv`."""
    from ..publishing import brief_import as bulk

    lang = lang if lang in bulk.LANGS else bulk.reader_language()
    typer.echo(bulk.template_text(lang), nl=False)


@campaign_app.command("import")
def campaign_import(
    file: Path = typer.Argument(None, help="CSV (, or ;) or XLSX: one brief per row."),
    brand_slug: str = typer.Option(None, "--brand"),
    campaign: str = typer.Option(None, "--campaign", help="Campaign name (created) or id"),
    photos: Path = typer.Option(None, "--photos", help="ZIP holding the files named in `photo`"),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check the file, write nothing"),
    again: bool = typer.Option(False, "--again", help="Import a file imported before"),
    resume: int = typer.Option(None, "--resume", help="Finish an interrupted import (its id)"),
    no_visuals: bool = typer.Option(False, "--no-visuals", help="Draft and check only"),
    provider: str = typer.Option(None, "--provider"),
    lang: str = typer.Option(None, "--lang", help="en or fr (default: your locale)"),
    who: str = AS,
    fmt: str = FMT,
) -> None:
    """Import a month of briefs from a spreadsheet: checked whole (every error at once,
    nothing written on any), saved together, then drafted, checked and illustrated per
    network; `--resume ID` drafts only what an interrupted import is missing."""
    from ..publishing import brief_import as bulk

    check_format(fmt)
    lang = lang if lang in bulk.LANGS else bulk.reader_language()
    store = open_store()
    author = actor(who, "author").name
    if resume is not None:
        _run_import(store, resume, provider, author, fmt, None)
        return
    if file is None or not brand_slug or not campaign:
        raise typer.BadParameter("give FILE, --brand and --campaign (or --resume ID)")
    sheet = bulk.read_file(file)
    plan, import_id = bulk.import_briefs(
        store,
        sheet,
        brand_slug,
        campaign,
        author,
        photos=bulk.read_file(photos, "a ZIP of photos") if photos else None,
        dry_run=dry_run,
        again=again,
        visuals=not no_visuals,
        lang=lang,
    )
    report = plan.report(import_id, lang)
    if plan.problems or import_id is None:
        _print_report(report, fmt, sheet.name, dry_run, lang)
        if plan.problems:
            raise typer.Exit(2)
        return
    _run_import(store, import_id, provider, author, fmt, report)


def _print_report(report: dict, fmt: str, name: str, dry_run: bool, lang: str) -> None:
    """The report in the reader's language, its framing as much as its messages."""
    from ..publishing import brief_import as bulk

    if fmt == "json":
        print_json(report)
        return
    for error in report["errors"]:
        line = "report_line" if error["column"] else "report_line_row"
        typer.echo(bulk.worded(line, lang, file=name, **error), err=True)
    if report["errors"]:
        typer.echo(bulk.worded("report_failed", lang, count=len(report["errors"])), err=True)
    elif dry_run:
        typer.echo(
            bulk.worded(
                "report_dry_run",
                lang,
                file=name,
                briefs=report["briefs"],
                variants=report["variants"],
            )
        )


def _run_import(
    store, import_id: int, provider: str | None, author: str, fmt: str, report: dict | None
) -> None:
    """Draft what the import lacks, with a progress bar on a terminal (stderr)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from ..publishing import brief_import as bulk
    from ..publishing import jobs

    start = bulk.progress(store, import_id)
    show = fmt != "json"
    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=not show,
    )
    with bar:
        task = bar.add_task(f"import {import_id}", total=start.variants, completed=start.drafted)

        def follow(counts: bulk.Progress) -> None:
            bar.update(task, completed=counts.drafted)

        if jobs.queued():  # team mode: the workers draft it, this follows the stored counts
            jobs.defer("import", import_id=import_id, author=author)
            bar.console.print(f"import {import_id} queued: `assistant worker` processes draft it")
            final = jobs.wait_for_import(store, import_id, follow)
        else:
            final = bulk.run_import(store, import_id, make_provider(provider), author, follow)
    if fmt == "json":
        shown = report or {"import_id": import_id, "errors": []}
        print_json(
            {
                **shown,
                "briefs": final.briefs,
                "variants": final.variants,
                "drafted": final.drafted,
                "checked": final.checked,
                "rendered": final.rendered,
                "with_errors": final.errors,
                "status": final.status,
            }
        )
        return
    typer.echo(
        f"import {import_id}: {final.briefs} brief(s), {final.drafted}/{final.variants} "
        f"variant(s) drafted, {final.checked} checked, {final.rendered} rendered, "
        f"{final.errors} with errors ({final.status}); review with "
        f"`assistant review list --import {import_id}`"
    )


@review_app.command("list")
def review_list(
    campaign_id: int = typer.Option(None, "--campaign"),
    status: str = typer.Option(None, "--status"),
    platform: str = typer.Option(None, "--platform"),
    limit: int = typer.Option(100, "--limit", min=1, max=1000, help="Rows per page"),
    offset: int = typer.Option(0, "--offset", min=0, help="Rows to skip"),
    import_id: int = typer.Option(None, "--import", help="Only the variants of one import"),
    fmt: str = FMT,
) -> None:
    """The review queue, filtered and paginated."""
    check_format(fmt)
    rows = review_queue.queue(open_store(), status, platform, campaign_id, limit, offset, import_id)
    if fmt == "json":
        print_json([r.__dict__ for r in rows])
        return
    table = Table("id", "network", "status", "text v", "errors", "text")
    for r in rows:
        table.add_row(
            str(r.id),
            r.platform,
            r.status,
            f"v{r.text_version}",
            str(r.errors),
            r.text[:60].replace("\n", " "),
        )
    Console().print(table)


@review_app.command("show")
def review_show(variant_id: int, fmt: str = FMT) -> None:
    """One variant: text, checks, versions, comments, audit log, override reason."""
    check_format(fmt)
    found = review_queue.describe(open_store(), variant_id)
    if fmt == "json":
        print_json(found)
        return
    when = local_text(found["publish_at"], found["timezone"]) if found["publish_at"] else "—"
    typer.echo(
        f"variant {found['id']} · {found['network']} · {found['status']} · "
        f"v{found['text_version']} · {when}"
    )
    typer.echo(found["text"])
    if found["cut"]:
        typer.echo(f"  truncated, cut: {found['cut']}")
    if not found["visuals_current"]:
        typer.echo(f"  visuals show text v{found['images_version']}: render them again")
    for m in found["matches"]:
        typer.echo(f"  {m['severity']}: {m['message']}")
    if found["override_reason"]:
        typer.echo(f"override: {found['override_reason']} (by {found['approved_by']})")
    for c in found["comments"]:
        typer.echo(f"  comment by {c['author']}: {c['body']}")
    for a in found["audit"]:
        line = f"  {local_text(a['at'], found['timezone'])} {a['actor']} {a['action']} {a['from']} → {a['to']}"
        if a["action"] == "reschedule":
            line += (
                f"; publish time {_moment(a['from_time'], found)} → {_moment(a['to_time'], found)}"
            )
        typer.echo(line)


def _moment(when, found: dict) -> str:
    """A publish time of the trail in the brief's zone, or — when there was none."""
    return local_text(when, found["timezone"]) if when else "—"


@review_app.command("edit")
def review_edit(
    variant_id: int,
    text: str = TEXT_ARG,
    who: str = AS,
    role: str = AUTHOR_ROLE,
    as_text: bool = TEXT_OPTION,
) -> None:
    """Save a new text for a variant: a new version, checked again."""
    body = read_text_arg(text, as_text or None)
    row = workflow.edit(open_store(), variant_id, body, actor(who, role))
    typer.echo(f"variant {row.id}: {row.status}, text saved")


@review_app.command("submit")
def review_submit(variant_ids: list[int], who: str = AS, role: str = ROLE) -> None:
    """Send variants to review."""
    for variant_id in variant_ids:
        row = workflow.submit(open_store(), variant_id, actor(who, role))
        typer.echo(f"variant {row.id}: {row.status}")


@review_app.command("approve")
def review_approve(
    variant_ids: list[int] = typer.Argument(None),
    who: str = AS,
    role: str = ROLE,
    override: str = OVERRIDE,
    seen: int = SEEN,
    import_id: int = typer.Option(
        None, "--import", help="Approve the clean variants of an import; list the others"
    ),
    fmt: str = FMT,
) -> None:
    """Approve variants (submitted to review first if still drafts)."""
    store = open_store()
    if import_id is not None:
        _approve_import(store, import_id, actor(who, role), variant_ids, override, seen, fmt)
        return
    if not variant_ids:
        raise typer.BadParameter("give the variant ids, or --import ID")
    for variant_id in variant_ids:
        row = workflow.approve(
            store, variant_id, actor(who, role), seen_version=seen, override=override
        )
        typer.echo(
            f"variant {row.id}: {row.status}" + (" (override)" if row.override_reason else "")
        )


def _approve_import(store, import_id, reviewer, ids, override, seen, fmt) -> None:
    """Bulk approval: clean variants approved one by one, the others listed, never approved."""
    from ..publishing.brief_import import bulk_approve

    if ids or override or seen is not None:
        raise typer.BadParameter(
            "--import approves the clean variants only: overrides and --version stay one by one"
        )
    result = bulk_approve(store, import_id, reviewer)
    if fmt == "json":
        print_json(result.to_dict())
        return
    typer.echo(f"import {import_id}: {len(result.approved)} variant(s) approved")
    for left in result.left:
        why = left.get("message") or f"{left['errors']} error(s): approve it with --override"
        typer.echo(f"  not approved: variant {left['id']} ({left['platform']}): {why}")


@review_app.command("request-changes")
def review_request_changes(
    variant_id: int,
    message: str = typer.Option(..., "--comment", "-m"),
    who: str = AS,
    role: str = ROLE,
) -> None:
    """Send a variant back with a comment."""
    row = workflow.request_changes(open_store(), variant_id, actor(who, role), message)
    typer.echo(f"variant {row.id}: {row.status}")


@review_app.command("override")
def review_override(
    variant_id: int,
    reason: str = typer.Option(..., "--reason"),
    who: str = AS,
    role: str = ROLE,
    seen: int = SEEN,
) -> None:
    """Approve over error matches, recording the reason."""
    review_approve([variant_id], who, role, reason, seen)


@review_app.command("publish")
def review_publish(
    variant_ids: list[int],
    yes: bool = typer.Option(False, "--yes", help="Confirm: the posts went out"),
    who: str = AS,
    role: str = ROLE,
) -> None:
    """Mark approved variants as published (locked from then on); recorded in the audit log."""
    if not yes:
        typer.echo(
            "marking as published locks the variants for good; add --yes to confirm.", err=True
        )
        raise typer.Exit(2)
    store = open_store()
    for variant_id in variant_ids:
        row = workflow.publish(store, variant_id, actor(who, role))
        typer.echo(f"variant {row.id}: {row.status}")


@review_app.command("reject")
def review_reject(
    variant_id: int, reason: str = typer.Option("", "--reason"), who: str = AS, role: str = ROLE
) -> None:
    row = workflow.reject(open_store(), variant_id, actor(who, role), reason)
    typer.echo(f"variant {row.id}: {row.status}")


@review_app.command("comment")
def review_comment(variant_id: int, body: str = typer.Argument(...), who: str = AS) -> None:
    """Comment on a variant."""
    workflow.comment(open_store(), variant_id, actor(who, "reviewer"), body)
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
    for item in result.left_out:
        typer.echo(f"left out (not approved): {item.describe()}", err=True)
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)


def register(app: typer.Typer) -> None:
    app.add_typer(campaign_app, name="campaign")
    app.add_typer(review_app, name="review")
    app.command()(export)
