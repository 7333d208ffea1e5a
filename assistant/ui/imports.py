"""The Campaign tab's Import panel: a month of briefs from one spreadsheet.

Upload, then a preview of the file as read with each cell in error marked and worded in the
reader's language; start saves the briefs (all or nothing) and drafts them in a background
thread. The bar reads the counts the store keeps, on a timer, so a reload or another browser
shows the same progress; an import stopped half way (the app restarted) is resumed with one
click; the clean variants are approved in one click, the others listed for one-by-one review.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gradio as gr

from ..core.charter import load_all
from ..core.errors import AssistantError
from ..core.limits import limits, read_bounded
from ..core.platforms import get_platform
from ..core.settings import get_settings
from ..core.store import Store
from ..publishing import brief_import as bulk
from ..publishing import jobs
from .boundary import handled, refusal
from .i18n import error_text, request_language, t, tr
from .identity import acting, role_note
from .templates import render_html

log = logging.getLogger("assistant.ui")
POLL_SECONDS = 2
PREVIEW_ROWS = 1000
PANEL_AGAIN = "already_imported_panel"  # a file imported before: the panel's box asks again
_running: dict[int, threading.Thread] = {}
_lock = threading.Lock()


def running(import_id: int) -> bool:
    """Whether this app is drafting that import now."""
    with _lock:
        worker = _running.get(import_id)
        return worker is not None and worker.is_alive()


def template_file(lang: str) -> str:
    """The template in the reader's language with next week's dates, written once a day per
    language into the system's temporary folder (a download is a file, and Gradio serves
    files from there)."""
    folder = Path(tempfile.gettempdir()) / "assistant-templates"
    folder.mkdir(exist_ok=True)
    path = folder / f"briefs-template-{lang}-{datetime.now(UTC):%Y%m%d}.csv"
    if not path.exists():
        written = path.with_suffix(f".{os.getpid()}.tmp")
        # with a BOM, so that Excel reads the accents
        written.write_text(bulk.template_text(lang), encoding="utf-8-sig")
        os.replace(written, path)
    return str(path)


def _live(store: Store, import_id: int) -> bool:
    """Drafted now, by this app or by another process whose counts keep moving."""
    return running(import_id) or bulk.drafting_elsewhere(store, import_id)


def start_drafting(store: Store, import_id: int, author: str) -> bool:
    """Draft the import's missing units in a background thread, once per import at a time;
    False when it is already running here."""
    with _lock:
        worker = _running.get(import_id)
        if worker is not None and worker.is_alive():
            return False
        worker = threading.Thread(
            target=_draft, args=(store, import_id, author), daemon=True, name=f"import-{import_id}"
        )
        _running[import_id] = worker
        worker.start()
        return True


def _draft(store: Store, import_id: int, author: str) -> None:
    try:
        jobs.defer("import", store, import_id=import_id, author=author)
    except Exception:  # a background thread has no page to report to: the log has it
        log.exception("import %s stopped", import_id)


def _upload(path: Any, what: str) -> bulk.File:
    source = Path(str(path))
    data = read_bounded(source, limits().brief_import_bytes, what, name=source.name)
    return bulk.File(source.name, data)


def preview_html(plan: bulk.Plan, data: bytes, lang: str) -> str:
    """The file as read, its cells in error marked with their message, and every error listed."""
    messages: dict[tuple[int, str], str] = {}
    for problem in plan.problems:
        messages.setdefault((problem.row, problem.column), problem.message(lang))
    rows = bulk.records(data, plan.file_name)
    header = [str(c or "").strip() for c in next(rows, [])]
    shown = []
    for number, cells in enumerate(rows, start=2):
        if number > PREVIEW_ROWS + 1:
            break
        names = [h.lower() for h in header]
        row_cells = [
            {
                "text": bulk.cell_text(value)[:300],
                "message": messages.get((number, names[i] if i < len(names) else "")),
            }
            for i, value in enumerate(cells)
        ]
        if any(bulk.cell_text(v) for v in cells):
            shown.append(
                {
                    "number": number,
                    "cells": row_cells,
                    "bad": any(row == number for row, _c in messages),
                }
            )
    errors = [
        tr("import_error_line" if e["column"] else "import_error_line_row", lang, **e)
        for e in plan.report(None, lang)["errors"]
    ]
    title = (
        tr("import_errors_title", lang, count=len(errors))
        if errors
        else tr("import_clean", lang, briefs=len(plan.briefs), variants=plan.variants)
    )
    return render_html(
        "import_preview",
        title=title,
        errors=errors,
        header=header,
        rows=shown,
        row_label=tr("import_row", lang),
    )


def progress_html(store: Store, import_id: int | None, lang: str) -> str:
    if not import_id:
        return render_html(
            "campaign_notes", kind="info", title="", items=[], empty=tr("import_none", lang)
        )
    counts = bulk.progress(store, import_id)
    status = counts.status
    if status in ("running", "saved") and not _live(store, import_id):
        status = "stopped"
    with store.session() as session:
        from ..core.store import BriefImport

        name = session.get(BriefImport, import_id).file_name
    text = tr("import_progress", lang, id=import_id, file=name, **_counts(counts))
    return render_html(
        "import_progress",
        id=import_id,
        total=max(1, counts.variants),
        drafted=counts.drafted,
        status=status,
        text=text,
        status_text=tr(f"import_status_{status}", lang),
    )


def _counts(counts: bulk.Progress) -> dict[str, int]:
    return {
        name: getattr(counts, name)
        for name in ("drafted", "variants", "checked", "rendered", "errors")
    }


def latest_import(store: Store) -> int | None:
    return bulk.latest_import_id(store)


def bulk_outcome(result: bulk.BulkResult, lang: str) -> str:
    items = []
    for left in result.left:
        network = get_platform(left["platform"]).name
        if left["reason"] == "needs_override":
            items.append(
                tr(
                    "import_needs_override",
                    lang,
                    id=left["id"],
                    network=network,
                    errors=left["errors"],
                )
            )
        else:
            refusal = result.refusals.get(left["id"])
            message = error_text(refusal, lang) if refusal else left.get("message", "")
            items.append(
                tr("import_refused_line", lang, id=left["id"], network=network, message=message)
            )
    title = tr("import_approved", lang, count=len(result.approved))
    if items:
        title += " " + tr("import_left", lang)
    return render_html("campaign_notes", kind="done", title=title, items=items, empty="")


def build(store: Store, tab: gr.Tab | None = None) -> gr.Timer:
    """The Import panel; returns its timer (ticking while an import is drafted)."""
    slugs = [c.slug for c in load_all(get_settings().brand_dir)[0]]
    with gr.Accordion(t("import_title"), open=False, elem_id="import-panel"):
        gr.Markdown(t("import_hint"), elem_classes=["hint"])
        with gr.Row():
            brand = gr.Dropdown(
                slugs,
                value=slugs[0] if slugs else None,
                label=t("import_brand"),
                elem_id="import-brand",
            )
            campaign = gr.Textbox(label=t("import_campaign"), elem_id="import-campaign")
            template = gr.DownloadButton(
                t("import_template"), value=template_file("en"), elem_id="import-template", scale=0
            )
        with gr.Row():
            sheet = gr.File(
                file_types=[".csv", ".xlsx"],
                type="filepath",
                label=t("import_file"),
                elem_id="import-file",
            )
            photos = gr.File(
                file_types=[".zip"],
                type="filepath",
                label=t("import_photos"),
                elem_id="import-photos",
            )
        with gr.Row():
            again = gr.Checkbox(False, label=t("import_again"), elem_id="import-again")
            check = gr.Button(t("import_check"), elem_id="import-check")
            start = gr.Button(
                t("import_start"), variant="primary", elem_id="import-start", interactive=False
            )
        preview = gr.HTML(elem_id="import-preview")
        bar = gr.HTML(elem_id="import-progress")
        with gr.Row():
            resume = gr.Button(t("import_resume"), elem_id="import-resume", visible=False)
            reviewer = gr.Textbox(
                "", label=t("import_reviewer"), info=role_note(), elem_id="import-reviewer"
            )
            approve = gr.Button(t("import_approve"), elem_id="import-approve")
        outcome = gr.HTML(elem_id="import-outcome")
        shown = gr.State(None)
        timer = gr.Timer(POLL_SECONDS, active=False)

    def _bar(import_id: int | None, lang: str) -> tuple:
        active = bool(import_id) and _live(store, import_id)
        stopped = (
            bool(import_id)
            and not active
            and bulk.progress(store, import_id).status in ("running", "saved")
        )
        return (
            progress_html(store, import_id, lang),
            gr.Timer(active=active),
            gr.update(visible=stopped),
        )

    def _plan(path: Any, zipped: Any, slug: str) -> tuple[bulk.Plan, bytes]:
        sheet = _upload(path, "a file of briefs")
        photos = _upload(zipped, "a ZIP of photos") if zipped else None
        return bulk.read_plan(store, sheet, slug, photos), sheet.data

    @handled
    def check_file(path: Any, zipped: Any, slug: str, again: bool, request: gr.Request):
        lang = request_language(request)
        if not path:
            gr.Warning(tr("import_no_file", lang), title=tr("toast_refused", lang))
            return "", gr.update(interactive=False)
        plan, data = _plan(path, zipped, slug)
        try:
            if not again:
                bulk.refuse_again(store, plan, lang, PANEL_AGAIN)
        except AssistantError as exc:
            gr.Warning(error_text(exc, lang), title=tr("toast_refused", lang))
            return preview_html(plan, data, lang), gr.update(interactive=False)
        return preview_html(plan, data, lang), gr.update(interactive=not plan.problems)

    @handled
    def start_import(
        path: Any, zipped: Any, slug: str, name: str, again: bool, request: gr.Request
    ):
        lang = request_language(request)
        if not path or not slug or not (name or "").strip():  # a file first, then its brand
            missing = "import_no_file" if not path else "import_need_brand"
            return refusal(tr(missing, lang), lang, 6)
        author = acting(request, "", "author").name
        sheet = _upload(path, "a file of briefs")
        plan, import_id = bulk.import_briefs(
            store,
            sheet,
            slug,
            name.strip(),
            author,
            photos=_upload(zipped, "a ZIP of photos") if zipped else None,
            lang=lang,
            again=bool(again),
            again_key=PANEL_AGAIN,
            campaign_by_id=False,  # the box asks for a name: "42" is week 42, not campaign 42
        )
        if import_id is None:
            return (
                preview_html(plan, sheet.data, lang),
                gr.update(interactive=False),
                None,
                *_bar(None, lang),
            )
        start_drafting(store, import_id, author)
        return (
            preview_html(plan, sheet.data, lang),
            gr.update(interactive=False),
            import_id,
            *_bar(import_id, lang),
        )

    @handled
    def poll(import_id: int | None, request: gr.Request):
        return _bar(import_id, request_language(request))

    @handled
    def load(current: int | None, request: gr.Request):
        """On show or reload: the import shown before, else the latest, as the store counts it."""
        import_id = current or latest_import(store)
        lang = request_language(request)
        return import_id, *_bar(import_id, lang), template_file(lang)

    @handled
    def resume_import(import_id: int | None, request: gr.Request):
        lang = request_language(request)
        if import_id:
            start_drafting(store, int(import_id), acting(request, "", "author").name)
        return _bar(import_id, lang)

    @handled
    def approve_clean(import_id: int | None, who: str, request: gr.Request):
        lang = request_language(request)
        import_id = import_id or latest_import(store)
        if not import_id:
            return render_html(
                "campaign_notes", kind="info", title="", items=[], empty=tr("import_none", lang)
            )
        if not (who or "").strip() and not getattr(request, "username", None):
            gr.Warning(tr("import_name_reviewer", lang), title=tr("toast_refused", lang))
            return gr.skip()
        result = bulk.bulk_approve(store, int(import_id), acting(request, who, "reviewer"))
        gr.Info(
            tr("import_approved_of", lang, count=len(result.approved), id=import_id),
            title=tr("toast_done", lang),
        )
        return bulk_outcome(result, lang)

    listing = [bar, timer, resume]
    check.click(check_file, [sheet, photos, brand, again], [preview, start], concurrency_limit=2)
    start.click(
        start_import,
        [sheet, photos, brand, campaign, again],
        [preview, start, shown, *listing],
        concurrency_limit=2,
    )
    timer.tick(poll, shown, listing, queue=False, show_progress="hidden")
    resume.click(resume_import, shown, listing, concurrency_limit=2)
    approve.click(approve_clean, [shown, reviewer], outcome, concurrency_limit=2)
    if tab is not None:
        tab.select(load, shown, [shown, *listing, template], show_progress="hidden")
    return timer
