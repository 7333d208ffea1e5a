"""`assistant audit FILE… --brand SLUG`: the état des lieux of published posts, as a gate:
exit 1 when a finding of severity error exists, 2 when a file cannot be read."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from ..core.settings import get_settings
from ..core.store import open_store
from .common import brand, check_format, print_json

if TYPE_CHECKING:
    from ..analytics import AuditReport


def audit(
    files: list[Path] = typer.Argument(..., metavar="FILE…", help="Analytics export files."),
    brand_slug: str = typer.Option(..., "--brand", "-b", help="The brand whose charter applies."),
    out: Path = typer.Option(
        None, "--out", help="Write the HTML report here (and .json/.csv figures beside it)."
    ),
    fmt: str = typer.Option("text", "--format", help="text or json"),
    no_network: bool = typer.Option(False, "--no-network", help="Do not check links."),
    rate: str = typer.Option(None, "--rate", help="impressions | reach | linkedin"),
    zone: str = typer.Option("UTC", "--zone", help="Clock of times written without a zone."),
    lang: str = typer.Option(
        None, "--lang", help="Language of the HTML report (en, fr); default: the brand's."
    ),
    apply_to: int = typer.Option(
        None,
        "--apply-slots",
        metavar="CAMPAIGN_ID",
        help="Move this campaign's briefs onto the recommended slots (reviewers and admins, "
        "the brand's own campaigns).",
    ),
    yes: bool = typer.Option(
        False, "--yes", help="With --apply-slots: also move the approved variants listed."
    ),
    who: str = typer.Option(None, "--as", help="Who applies the slots (default: your login)."),
    role: str = typer.Option("reviewer", "--role", help="author | reviewer | admin"),
) -> None:
    """Audit and measure published posts from the networks' export files."""
    from ..analytics import get_formula
    from ..analytics.imports import clock
    from ..analytics.words import languages
    from ..core.actors import require_reviewer
    from .campaign import actor

    check_format(fmt)
    mover = actor(who, role) if apply_to is not None else None
    if mover is not None:  # refused before the audit runs: nothing to wait for
        require_reviewer(mover, "apply recommended slots")
    if lang is not None and lang not in languages():
        raise typer.BadParameter(f"expected one of {', '.join(languages())}", param_hint="--lang")
    get_formula(rate)
    clock(zone)
    charter = brand(brand_slug)
    report = _audited(files, brand_slug, charter, rate, not no_network, zone)
    if out is not None:
        _write(out, report, lang or (charter.language if charter else "en"))
    moved = None
    if mover is not None:
        moved = _apply(report, apply_to, mover, brand_slug, yes)
    if fmt == "json":
        print_json(report.to_json() if moved is None else {**report.to_json(), "applied": moved})
    else:
        _print(report, out, moved)
    if report.has_errors:
        raise typer.Exit(1)


def _audited(
    files: list[Path], brand_slug: str, charter, rate: str | None, network: bool, zone: str
) -> AuditReport:
    """The audit run here, links cached in the data folder; in team mode by a worker, from
    the files kept in the store (a worker may be on another machine), with its own cache."""
    from ..analytics import LinkCache, audit_files, run_audit
    from ..analytics.audit_job import queued_audit
    from ..core import jobs

    options = {"formula": rate, "network": network}
    if jobs.queued():
        return queued_audit(files, brand_slug, zone=zone, link_cache=True, **options)
    exports = audit_files(files, zone)
    cache = LinkCache(get_settings().data_dir / "cache" / "links.json")
    report = run_audit(
        exports, charter, brand_slug, store=open_store(), link_cache=cache, **options
    )
    cache.save()
    return report


def _apply(report: AuditReport, campaign_id: int, mover, brand_slug: str, yes: bool) -> list:
    """Preview the moves; approved variants among them move only with --yes (the refusal
    lists them), and they stay approved, each move recorded in the variant's trail."""
    from ..analytics import SlotRequest, apply_slots, preview_slots

    store = open_store()
    asked = SlotRequest(campaign_id, report.slots(), mover, brand_slug)
    approved = [v for move in preview_slots(store, asked) for v in move["approved"]]
    return apply_slots(store, asked, approved if yes else ())


def _write(out: Path, report: AuditReport, lang: str) -> None:
    import json

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report.html(datetime.now(UTC), lang), encoding="utf-8")
    out.with_suffix(".json").write_text(
        json.dumps(report.figures_json(), ensure_ascii=False, indent=2, default=str),
        encoding="utf-8",
    )
    out.with_suffix(".csv").write_text(report.figures_csv(), encoding="utf-8")


def _print(report: AuditReport, out: Path | None, moved: list[dict] | None) -> None:
    console = Console(highlight=False, soft_wrap=True)
    data = report.to_json()
    console.print(f"{data['posts']} posts; rate = {report.formula.label}", markup=False)
    for network, fig in data["networks"].items():
        rate = fig["engagement_rate"]
        rhythm = data["cadence"].get(network, {})
        shown = "–" if rate is None else f"{rate * 100:.2f} %"
        console.print(
            f"  {network}: {fig['posts']} posts, engagement {shown}, "
            f"{rhythm.get('per_week') or '–'} posts/week, "
            f"longest gap {rhythm.get('longest_gap_days') or '–'} days",
            markup=False,
        )
    kinds: dict[tuple[str, str], int] = {}
    for f in report.findings:
        kinds[(f.kind, f.severity)] = kinds.get((f.kind, f.severity), 0) + 1
    for (kind, severity), count in sorted(kinds.items()):
        console.print(f"  {count} {severity} {kind} finding(s)", markup=False)
    for slot in report.slots():
        console.print(
            f"  slot: {slot.network} {slot.weekday_name} {slot.hour:02d}:00", markup=False
        )
    for note in report.notes:
        console.print(f"note: {note}", markup=False)
    for item in moved or []:
        networks = ", ".join(item["networks"])
        console.print(
            f"brief {item['brief_id']} ({networks}): {item['before']} → {item['after']}",
            markup=False,
        )
        if item["approved"]:
            listed = ", ".join(str(i) for i in item["approved"])
            console.print(f"  approved variants moved, still approved: {listed}", markup=False)
    if out is not None:
        console.print(f"report: {out}", markup=False)


def register(app: typer.Typer) -> None:
    app.command()(audit)
