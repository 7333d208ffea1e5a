# Longer than 400 lines: one tab: upload, progress, figures and findings are wired together in `build` and share its components.
"""Bilan / Audit tab: upload the networks' exports, watch the posts and links being checked,
read the figures and the weekday × hour heatmap, filter the findings, download the full
report, and turn a faulty post into a brief in the Draft tab ("draft a corrected version")."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from ..analytics import (
    AuditReport,
    Slot,
    SlotRequest,
    apply_slots,
    audit_files,
    formula_names,
    preview_slots,
    run_audit,
    undo_slots,
)
from ..analytics.audit_job import queued_audit
from ..analytics.report_view import heatmap_svg, ranked_posts, report_view
from ..analytics.words import number, pct, word, worded
from ..core import jobs
from ..core.charter import load_brand
from ..core.errors import InputError
from ..core.limits import limits
from ..core.settings import get_settings
from ..core.store import Store
from ..publishing.campaign import brand_timezone
from .boundary import handled
from .campaign import campaign_choices
from .downloads import download_folder
from .draft import default_slot
from .i18n import request_language, t, tr
from .identity import acting
from .templates import render_html

COLUMNS = ("severity", "network", "post_id", "kind", "message")
ALL = "*"
COLUMN_WIDTHS = ["13%", "9%", "14%", "12%", "52%"]
SEVERITIES = ("error", "warning", "info")
EXPECTED = {"a number": "number", "a date and time": "date", "a network": "network"}


def _charter(slug: str | None):
    return load_brand(slug, get_settings().brand_dir) if slug else None


def summary_html(report: AuditReport, lang: str) -> str:
    """The figures a CM reads first, in the reader's language: overview, the heatmap of each
    network (small samples hatched), the best and worst posts, the slots and the notes."""
    errors = sum(f.severity == "error" for f in report.findings)
    warnings = sum(f.severity == "warning" for f in report.findings)
    days = tr("audit_weekdays", lang).split(",")
    slots = [
        f"{s.network}: {days[s.weekday]} {s.hour:02d}:00 ({pct(s.median_rate, lang)}, n={s.posts})"
        for s in report.slots()
    ]
    view = report_view(report, lang)
    labels = {
        key: tr(f"audit_{key}", lang)
        for key in ("network", "posts", "per_week", "gap", "heatmap", "slots", "no_slot", "notes")
    }
    labels |= {
        key: tr(f"audit_{key}", lang)
        for key in ("ranked", "col_rank", "col_post", "col_rate", "col_text", "no_ranked")
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
        heatmaps={n: heatmap_svg(n, f, lang) for n, f in report.figures.items()},
        legends={n: view["heatmaps"][n]["legend"] for n in report.figures},
        ranked={n: ranked_posts(f, lang) for n, f in report.figures.items()},
        slots=slots,
        notes=view["notes"],
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


def shown_value(column: str, value: Any, lang: str) -> Any:
    """Severity, kind and worded messages in the reader's words; other cells as the file
    wrote them."""
    if column == "message":
        return worded(value, lang)
    if column == "severity":
        return word(f"severity_{value}", lang)
    if column == "kind":
        return word(f"kind_{value}", lang)
    return value


def table(rows: list[dict], lang: str) -> pd.DataFrame:
    names = [tr(f"audit_col_{c if c != 'post_id' else 'post'}", lang) for c in COLUMNS]
    return pd.DataFrame(
        [[shown_value(c, r[c], lang) for c in COLUMNS] for r in rows], columns=names
    )


def choices(values: list[str], prefix: str, lang: str) -> list[tuple[str, str]]:
    """Filter choices: the reader's word shown, the finding's value kept."""
    return [(tr("audit_all", lang), ALL)] + [(word(f"{prefix}_{v}", lang), v) for v in values]


def check_sizes(paths: list[str], lang: str) -> None:
    """Refuse an export over the analytics bound before reading anything, in the reader's
    words (the same bound the CLI applies)."""
    bound = limits().analytics_bytes
    for path in paths:
        size = Path(path).stat().st_size
        if size > bound:
            params = {
                "what": Path(path).name,
                "size_mb": number(size / 2**20, lang),
                "limit_mb": number(bound / 2**20, lang, 0),
            }
            raise InputError(
                tr("analytics_too_big", lang, **params), key="analytics_too_big", **params
            )


def read_files(paths: list[str], lang: str) -> list:
    """The exports; a bad cell's expectation ("a number") is worded in the reader's language."""
    with cells_worded(lang):
        return audit_files(paths)


@contextmanager
def cells_worded(lang: str) -> Iterator[None]:
    """A bad cell's expectation ("a number") worded in the reader's language, whether the
    file was read here or by a worker."""
    try:
        yield
    except InputError as exc:
        expected = str(exc.params.get("expected", ""))
        for english, short in EXPECTED.items():
            if exc.key == "analytics_cell" and expected.startswith(english):
                rest = expected[len(english) :]
                exc.params["expected"] = tr(f"audit_expected_{short}", lang) + rest
                break
        raise


def audit_uploads(
    store: Store,
    slug: str,
    paths: list[str],
    options: dict[str, Any],
    lang: str,
    progress: Callable[[str, int, int], None],
) -> AuditReport:
    """The audit of the uploaded files (`options`: formula and network, the link checks).
    On one machine it runs here and the bar follows every post and link; in team mode a
    worker runs it from the files kept in the store, and the bar shows coarse stages only
    (saved, waiting for a worker, done)."""
    if jobs.queued():
        with cells_worded(lang):
            return queued_audit(paths, slug, progress=progress, **options)
    exports = read_files(paths, lang)
    return run_audit(exports, _charter(slug), slug, store=store, progress=progress, **options)


def write_report(report: AuditReport, lang: str = "en") -> list[str]:
    """The HTML report (in the reader's language) and its figures as files to download."""
    import json

    folder = download_folder("audit")
    page = folder / f"audit-{report.brand}.html"
    page.write_text(report.html(lang=lang), encoding="utf-8")
    page.with_suffix(".csv").write_text(report.figures_csv(), encoding="utf-8")
    page.with_suffix(".json").write_text(
        json.dumps(report.to_json(), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return [str(page), str(page.with_suffix(".csv")), str(page.with_suffix(".json"))]


def moves_html(planned: list[dict], lang: str, applied: bool) -> str:
    """The moves planned (a preview, nothing saved) or made: approved variants first, each
    named, then one line per brief with every network it holds (a brief moves whole)."""
    approved = [
        f"{v['id']} ({v['platform']})"
        for move in planned
        for v in move["variants"]
        if v["status"] == "approved"
    ]
    items = [tr("audit_moved", lang, **{**m, "network": ", ".join(m["networks"])}) for m in planned]
    title = tr("audit_applied" if applied else "audit_preview", lang)
    page = ""
    if approved:
        key = "audit_approved_moved" if applied else "audit_approved_will_move"
        page = render_html(
            "campaign_notes", kind="warning", title=tr(key, lang), items=approved, empty=""
        )
    return page + render_html(
        "campaign_notes",
        kind="info",
        title=title,
        items=items,
        empty=tr("audit_nothing_moved", lang),
    )


def build(
    store: Store,
    brands: list[str],
    tabs: gr.Tabs | None = None,
    draft: Any = None,
    tab: gr.Tab | None = None,
) -> None:
    """The tab's components; `draft` is the Draft tab's form (brand, brief, networks) and
    `tabs` the tab set, to open a faulty post there as a brief; `tab` this tab, to show the
    logged-in user as the one applying slots."""
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
            [(t("audit_all"), ALL)],  # the levels found come with the findings, worded
            value=ALL,
            label=t("audit_filter_severity"),
            elem_id="audit-filter-severity",
        )
    grid = gr.Dataframe(  # shown once there are findings: an empty grid reads "1 2 3"
        label=t("audit_findings"),
        interactive=False,
        wrap=True,
        visible=False,
        column_widths=COLUMN_WIDTHS,  # the message keeps room on a phone
        elem_id="audit-findings",
    )
    selected_text = gr.Textbox(
        label=t("audit_selected"), interactive=False, lines=3, elem_id="audit-selected"
    )
    fix = gr.Button(t("audit_fix"), elem_id="audit-fix")
    with gr.Row():
        target = gr.Dropdown([], label=t("audit_apply_campaign"), elem_id="audit-campaign")
        who = gr.Textbox(get_settings().user, label=t("rp_who"), elem_id="audit-who")
        role = gr.Dropdown(
            [(t(f"review_role_{r}"), r) for r in ("reviewer", "admin", "author")],
            value="reviewer",
            label=t("role"),
            elem_id="audit-role",
            allow_custom_value=True,  # the label may come back: `acting` reads it as its role
        )
        apply = gr.Button(t("audit_apply"), elem_id="audit-apply")
    applied = gr.HTML(elem_id="audit-applied")
    confirm = gr.Button(
        t("audit_confirm"), visible=False, variant="primary", elem_id="audit-confirm"
    )
    undo = gr.Button(t("audit_undo"), visible=False, elem_id="audit-undo")
    moves = gr.State([])
    planned = gr.State([])  # the preview shown: what Confirm agrees to move
    audited = gr.State(None)  # the brand whose audit recommended the slots
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
        check_sizes(paths, lang)

        def step(stage: str, done: int, total: int) -> None:
            progress((done, total), desc=tr(f"audit_progress_{stage}", lang))

        options = {"formula": formula, "network": check}
        report = audit_uploads(store, slug or "", paths, options, lang, step)
        found = finding_rows(report)
        networks = sorted({r["network"] for r in found})
        kinds = sorted({r["kind"] for r in found})
        all_label = tr("audit_all", lang)
        levels = [s for s in SEVERITIES if any(r["severity"] == s for r in found)]
        return (
            summary_html(report, lang),
            found,
            found,
            gr.update(value=table(found, lang), visible=bool(found)),
            gr.update(choices=[(all_label, ALL), *networks], value=ALL),
            gr.update(choices=choices(kinds, "kind", lang), value=ALL),
            gr.update(choices=choices(levels, "severity", lang), value=ALL),
            write_report(report, lang),
            [asdict(s) for s in report.slots()],
            gr.update(choices=campaign_choices(store, slug or ""), value=None),
            slug,
        )

    run.click(
        audit,
        [brand, files, rate, links],
        [summary, rows, shown, grid, network, kind, severity, report_files, slots, target, audited],
        concurrency_limit=2,
        show_progress_on=[summary],  # one progress bar, where the results will show
    )

    def slot_request(campaign_id, found_slots, slug, name, kind, request) -> SlotRequest:
        """The campaign chosen, the slots the audit found, asked for the audited brand by
        the person acting (a campaign must be chosen first)."""
        if not campaign_id:
            lang = request_language(request)
            raise InputError(tr("audit_no_campaign", lang), key="audit_no_campaign")
        slots = [Slot(**s) for s in found_slots or []]
        return SlotRequest(int(campaign_id), slots, acting(request, name, kind), slug or "")

    @handled
    def preview_moves(campaign_id, found_slots, slug, name, kind, request: gr.Request):
        """What the recommended slots would move, approved variants listed first; nothing
        is saved before Confirm. Reviewers and admins only, the audited brand's campaigns."""
        lang = request_language(request)
        asked = slot_request(campaign_id, found_slots, slug, name, kind, request)
        plan = preview_slots(store, asked)
        return moves_html(plan, lang, applied=False), plan, gr.update(visible=bool(plan))

    apply.click(preview_moves, [target, slots, audited, who, role], [applied, planned, confirm])

    @handled
    def apply_to(campaign_id, found_slots, slug, name, kind, plan, request: gr.Request):
        """The moves previewed, made: an approved variant moves only if the preview listed
        it (one approved since is refused, named); each move is in the variant's trail."""
        lang = request_language(request)
        seen = [v for move in plan or [] for v in move["approved"]]
        asked = slot_request(campaign_id, found_slots, slug, name, kind, request)
        moved = apply_slots(store, asked, seen)
        page = moves_html(moved, lang, applied=True)
        return page, moved, [], gr.update(visible=False), gr.update(visible=bool(moved))

    confirm.click(
        apply_to,
        [target, slots, audited, who, role, planned],
        [applied, moves, planned, confirm, undo],
    )

    @handled
    def undo_moves(moved, slug, name, kind, request: gr.Request):
        """Every brief just moved goes back to its planned time (unless moved since)."""
        lang = request_language(request)
        undone = undo_slots(store, moved or [], actor=acting(request, name, kind), brand=slug or "")
        page = render_html(
            "campaign_notes",
            kind="info",
            title=tr("audit_undone", lang),
            items=[
                tr("audit_undo_back", lang, **{**m, "network": ", ".join(m["networks"])})
                for m in undone
            ],
            empty=tr("audit_nothing_undone", lang),
        )
        return page, [], gr.update(visible=False)

    undo.click(undo_moves, [moves, audited, who, role], [applied, moves, undo])
    if tab is not None:
        from .review import logged_in_identity

        tab.select(logged_in_identity, None, [who, role], show_progress="hidden")

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
        """The post as a brief under the audited brand; the date picker follows that brand's
        zone (label and default time), as a brand change in the Draft tab does."""
        if not row or not row.get("text"):
            raise InputError(
                tr("audit_nothing_selected", request_language(request)),
                key="audit_nothing_selected",
            )
        zone = brand_timezone(_charter(slug))
        return (
            gr.Tabs(selected="draft"),
            slug,
            row["text"],
            [row["network"]],
            gr.update(value=default_slot(zone), timezone=zone, info=zone),
        )

    fix.click(
        open_in_draft,
        [chosen, brand],
        [tabs, draft.brand, draft.brief, draft.networks, draft.when],
    )
