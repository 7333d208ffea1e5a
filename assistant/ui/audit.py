"""Bilan / Audit tab: upload the networks' exports, watch the posts and links being checked,
read the figures and the weekday × hour heatmap, filter the findings, download the full
report, and turn a faulty post into a brief in the Draft tab ("draft a corrected version")."""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from ..analytics import (
    AuditReport,
    Slot,
    apply_slots,
    audit_files,
    formula_names,
    run_audit,
)
from ..analytics.report import report_view
from ..charter import load_brand
from ..errors import InputError
from ..settings import get_settings
from ..store import Store
from .boundary import handled
from .campaign import campaign_choices
from .i18n import request_language, t, tr
from .templates import render_html

COLUMNS = ("severity", "network", "post_id", "kind", "message")
ALL = "*"


def _charter(slug: str | None):
    return load_brand(slug, get_settings().brand_dir) if slug else None


def summary_html(report: AuditReport, lang: str) -> str:
    """The figures a CM reads first, in the reader's language (the notes stay as written)."""
    errors = sum(f.severity == "error" for f in report.findings)
    warnings = sum(f.severity == "warning" for f in report.findings)
    days = tr("audit_weekdays", lang).split(",")
    slots = [
        f"{s.network}: {days[s.weekday]} {s.hour:02d}:00 ({s.median_rate * 100:.2f} %, n={s.posts})"
        for s in report.slots()
    ]
    view = report_view(report)
    for heatmap in view["heatmaps"].values():
        heatmap["days"] = [d[:3] for d in days]
    labels = {
        key: tr(f"audit_{key}", lang)
        for key in ("network", "posts", "per_week", "gap", "heatmap", "slots", "no_slot", "notes")
    }
    labels["rate"] = tr("audit_rate_total", lang)
    return render_html(
        "audit_summary",
        headline=tr(
            "audit_summary",
            lang,
            posts=len(report.posts),
            errors=errors,
            warnings=warnings,
            formula=report.formula.label,
        ),
        labels=labels,
        view=view,
        slots=slots,
        notes=report.notes,
    )


def finding_rows(report: AuditReport) -> list[dict[str, Any]]:
    """Findings as rows, each with the post's text when it has one (for the Draft tab)."""
    texts = {(p.network, p.post_id): p.text for p in report.posts}
    return [{**f.to_dict(), "text": texts.get((f.network, f.post_id), "")} for f in report.findings]


def filtered(rows: list[dict], network: str, kind: str, severity: str) -> list[dict]:
    return [
        r
        for r in rows
        if network in (ALL, r["network"])
        and kind in (ALL, r["kind"])
        and severity in (ALL, r["severity"])
    ]


def table(rows: list[dict], lang: str) -> pd.DataFrame:
    names = [tr(f"audit_col_{c if c != 'post_id' else 'post'}", lang) for c in COLUMNS]
    return pd.DataFrame([[r[c] for c in COLUMNS] for r in rows], columns=names)


def write_report(report: AuditReport) -> list[str]:
    """The HTML report and its figures as files the browser downloads."""
    import json

    folder = Path(tempfile.mkdtemp(prefix="audit-"))
    page = folder / f"audit-{report.brand}.html"
    page.write_text(report.html(), encoding="utf-8")
    page.with_suffix(".csv").write_text(report.figures_csv(), encoding="utf-8")
    page.with_suffix(".json").write_text(
        json.dumps(report.to_json(), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return [str(page), str(page.with_suffix(".csv")), str(page.with_suffix(".json"))]


def build(store: Store, brands: list[str], tabs: gr.Tabs | None = None, draft: Any = None) -> None:
    """The tab's components; `draft` is the Draft tab's form (brand, brief, networks) and
    `tabs` the tab set, to open a faulty post there as a brief."""
    with gr.Row():
        brand = gr.Dropdown(
            brands, value=brands[0] if brands else None, label=t("brand"), elem_id="audit-brand"
        )
        rate = gr.Dropdown(
            [(t(f"audit_rate_{n}"), n) for n in formula_names()],
            value=formula_names()[0],
            label=t("audit_rate"),
            elem_id="audit-rate",
        )
        links = gr.Checkbox(False, label=t("audit_links"), elem_id="audit-links")
    files = gr.File(
        file_count="multiple",
        type="filepath",
        label=t("audit_files"),
        file_types=[".csv", ".xlsx", ".xls", ".json"],
        elem_id="audit-files",
    )
    run = gr.Button(t("audit_run"), variant="primary", elem_id="audit-run")
    summary = gr.HTML(elem_id="audit-summary-box")
    with gr.Row():
        network = gr.Dropdown(
            [(t("audit_all"), ALL)],
            value=ALL,
            label=t("audit_filter_network"),
            elem_id="audit-filter-network",
        )
        kind = gr.Dropdown(
            [(t("audit_all"), ALL)],
            value=ALL,
            label=t("audit_filter_kind"),
            elem_id="audit-filter-kind",
        )
        severity = gr.Dropdown(
            [(t("audit_all"), ALL), "error", "warning", "info"],
            value=ALL,
            label=t("audit_filter_severity"),
            elem_id="audit-filter-severity",
        )
    grid = gr.Dataframe(
        label=t("audit_findings"), interactive=False, wrap=True, elem_id="audit-findings"
    )
    selected_text = gr.Textbox(
        label=t("audit_selected"), interactive=False, lines=3, elem_id="audit-selected"
    )
    fix = gr.Button(t("audit_fix"), elem_id="audit-fix")
    with gr.Row():
        target = gr.Dropdown([], label=t("audit_apply_campaign"), elem_id="audit-campaign")
        apply = gr.Button(t("audit_apply"), elem_id="audit-apply")
    applied = gr.HTML(elem_id="audit-applied")
    report_files = gr.File(
        label=t("audit_report_file"),
        file_count="multiple",
        interactive=False,
        elem_id="audit-report",
    )
    rows = gr.State([])
    shown = gr.State([])
    chosen = gr.State(None)
    slots = gr.State([])

    @handled
    def audit(slug, paths, formula, check, request: gr.Request, progress=gr.Progress()):
        lang = request_language(request)
        if not paths:
            raise InputError(tr("audit_no_files", lang), key="audit_no_files")
        exports = audit_files(paths)

        def step(stage: str, done: int, total: int) -> None:
            progress((done, total), desc=tr(f"audit_progress_{stage}", lang))

        report = run_audit(
            exports,
            _charter(slug),
            slug or "",
            formula=formula,
            network=check,
            store=store,
            progress=step,
        )
        found = finding_rows(report)
        networks = sorted({r["network"] for r in found})
        kinds = sorted({r["kind"] for r in found})
        all_label = tr("audit_all", lang)
        return (
            summary_html(report, lang),
            found,
            found,
            table(found, lang),
            gr.update(choices=[(all_label, ALL), *networks], value=ALL),
            gr.update(choices=[(all_label, ALL), *kinds], value=ALL),
            write_report(report),
            [asdict(s) for s in report.slots()],
            gr.update(choices=campaign_choices(store)),
        )

    run.click(
        audit,
        [brand, files, rate, links],
        [summary, rows, shown, grid, network, kind, report_files, slots, target],
        concurrency_limit=2,
    )

    @handled
    def apply_to(campaign_id, found_slots, request: gr.Request):
        """The campaign's briefs moved onto the slots just recommended, in one click."""
        lang = request_language(request)
        if not campaign_id:
            raise InputError(tr("audit_no_campaign", lang), key="audit_no_campaign")
        moved = apply_slots(store, int(campaign_id), [Slot(**s) for s in found_slots or []])
        items = [tr("audit_moved", lang, **m) for m in moved]
        return render_html(
            "campaign_notes",
            kind="info",
            title=tr("audit_applied", lang),
            items=items,
            empty=tr("audit_nothing_moved", lang),
        )

    apply.click(apply_to, [target, slots], applied)

    @handled
    def refilter(found, net, what, level, request: gr.Request):
        rows_now = filtered(found or [], net or ALL, what or ALL, level or ALL)
        return rows_now, table(rows_now, request_language(request)), None, ""

    for box in (network, kind, severity):
        box.input(
            refilter,
            [rows, network, kind, severity],
            [shown, grid, chosen, selected_text],
            show_progress="hidden",
        )

    def pick(current: list[dict], evt: gr.SelectData):
        row = current[evt.index[0]] if current and evt.index[0] < len(current) else None
        if row is None or not row["post_id"]:
            return None, ""
        return row, row["text"]

    grid.select(pick, shown, [chosen, selected_text], show_progress="hidden")

    if draft is None or tabs is None:
        return

    @handled
    def open_in_draft(row, slug, request: gr.Request):
        if not row or not row.get("text"):
            raise InputError(
                tr("audit_nothing_selected", request_language(request)),
                key="audit_nothing_selected",
            )
        return gr.Tabs(selected="draft"), slug, row["text"], [row["network"]]

    fix.click(open_in_draft, [chosen, brand], [tabs, draft.brand, draft.brief, draft.networks])
