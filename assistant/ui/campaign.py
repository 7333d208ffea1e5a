"""Campagne / Campaign tab: the calendar in each brief's time zone, its warnings, exports to
download (an export changes no status), and "mark as published" behind a confirmation.

Like the review queue, the campaign list and calendar load when the tab is shown, after
every action, and again only when the store's change marker moved while the tab is visible
(the page's script asks for it, `live.py`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import gradio as gr
import pandas as pd

from ..core.errors import AssistantError
from ..core.platforms import get_platform
from ..core.store import Store
from ..publishing import campaign as campaigns
from ..publishing import review as workflow
from ..publishing import review_queue
from ..publishing.export import export_campaign
from ..publishing.live_marker import opaque
from . import client_links, imports
from .boundary import handled
from .downloads import download_folder
from .i18n import error_text, request_language, t, tr
from .identity import acting
from .live import live_panel
from .review import local_time, refused, status_label
from .templates import render_html

log = logging.getLogger("assistant.ui")

EXPORTS = {
    "Hootsuite CSV": "hootsuite",
    "Buffer (JSON)": "buffer",
    "CSV": "csv",
    "JSON": "json",
    "ZIP": "zip",
}
EXTENSIONS = {"buffer": "json", "csv": "csv", "json": "json", "zip": "zip"}
CALENDAR_LIMIT = 1000
# The library words its calendar warnings in English; these read them back into their parts
# so the page can word them in the reader's language.
WARNING_PATTERNS = {
    "warn_spacing": re.compile(
        r"^(?P<network>[\w-]+): variants (?P<first>\d+) and (?P<second>\d+) are "
        r"(?P<minutes>-?\d+) min apart \(brand minimum (?P<minimum>\d+) min\)$"
    ),
    "warn_empty_day": re.compile(r"^no post planned on (?P<day>[\d-]+) \(the brand posts daily\)$"),
}


def campaign_choices(store: Store, brand: str | None = None) -> list[tuple[str, int]]:
    """The campaigns to choose from, only `brand`'s when a brand is given ("" gives none)."""
    return [
        (f"{c['id']} · {c['name']} ({c['brand']})", c["id"])
        for c in campaigns.list_campaigns(store)
        if brand is None or c["brand"] == brand
    ]


def warning_text(warning: Any, lang: str) -> str:
    """A calendar warning in the reader's language (a keyed error, or a known sentence)."""
    if isinstance(warning, AssistantError):
        return error_text(warning, lang)
    text = str(warning)
    for key, pattern in WARNING_PATTERNS.items():
        found = pattern.match(text)
        if found:
            return tr(key, lang, **found.groupdict())
    return text


def calendar_frame(store: Store, campaign_id: int, lang: str) -> pd.DataFrame:
    """The campaign's planned posts, each time in its brief's zone (10:00 Paris reads 10:00)."""
    items = [
        i
        for i in review_queue.queue(store, campaign_id=campaign_id, limit=CALENDAR_LIMIT)
        if i.status != "rejected"
    ]
    items.sort(key=lambda i: (i.publish_at is None, i.publish_at or 0, i.platform))
    zones = sorted({i.timezone for i in items if i.publish_at is not None and i.timezone})
    when = tr("cal_when", lang, zone=zones[0]) if len(zones) == 1 else tr("cal_when_plain", lang)
    columns = [when, *(tr(f"cal_{c}", lang) for c in ("network", "variant", "status", "text"))]
    rows = [
        [
            local_time(i.publish_at, i.timezone)
            + ("" if len(zones) == 1 or not i.publish_at else f" ({i.timezone})"),
            get_platform(i.platform).name,
            i.id,
            status_label(i.status, lang),
            " ".join((i.text or "").split())[:90],
        ]
        for i in items
    ]
    return pd.DataFrame(rows, columns=columns)


def warnings_html(store: Store, campaign_id: int, lang: str) -> str:
    _entries, warnings = campaigns.calendar(store, campaign_id)
    return render_html(
        "campaign_notes",
        kind="warning",
        title=tr("calendar_warnings_title", lang) if warnings else "",
        items=[warning_text(w, lang) for w in warnings],
        empty=tr("calendar_ok", lang),
    )


def show(store: Store, campaign_id: int | None, lang: str) -> tuple[Any, str]:
    if not campaign_id:
        return pd.DataFrame([]), ""
    return calendar_frame(store, int(campaign_id), lang), warnings_html(
        store, int(campaign_id), lang
    )


def notes(kind: str, message: str, items: list[str] | None = None, title: str = "") -> str:
    return render_html(
        "campaign_notes",
        kind=kind,
        title=title or message,
        items=items or [],
        empty="",
    )


def approved_ids(store: Store, campaign_id: int) -> list[int]:
    return [
        i.id
        for i in review_queue.queue(
            store, status="approved", campaign_id=campaign_id, limit=CALENDAR_LIMIT
        )
    ]


def export_files(
    store: Store, campaign_id: int, kind: str, lang: str = "en"
) -> tuple[list[str], list[str], list[str]]:
    """Write one export to a fresh folder; the files, each variant left out (not approved)
    with its status, and the export's warnings, worded for the person exporting."""
    folder = download_folder("export")
    target = (
        folder if kind == "hootsuite" else folder / f"campaign-{campaign_id}.{EXTENSIONS[kind]}"
    )
    result = export_campaign(store, campaign_id, kind, target)
    left_out = [
        tr(
            "export_left_out",
            lang,
            id=item.variant_id,
            network=get_platform(item.platform).name,
            status=status_label(item.status, lang),
        )
        for item in result.left_out
    ]
    return [str(p) for p in result.files], left_out, [str(w) for w in result.warnings]


def publishing(store: Store):
    """The handler of "yes, mark as published": outputs confirm box, notes, marker, calendar
    table and warnings."""

    @handled
    def publish(campaign_id: Any, who: str, request: gr.Request):
        """Each approved variant goes through the review workflow (audited), one by one."""
        lang = request_language(request)
        actor = acting(request, who, "reviewer")
        done, failed = 0, []
        for vid in approved_ids(store, int(campaign_id)):
            try:
                workflow.publish(store, vid, actor)
                done += 1
            except AssistantError as exc:
                log.info("refused publish of %s: %s", vid, exc)
                failed.append(f"{vid} ({error_text(exc, lang)})")
        if failed:
            message = tr("publish_partial", lang, count=done, failed="; ".join(failed))
            gr.Warning(message, title=tr("toast_refused", lang))
        else:
            message = tr("publish_done", lang, count=done)
            gr.Info(message, title=tr("toast_done", lang))
        return (
            gr.update(visible=False),
            notes("done" if not failed else "refused", message),
            opaque(review_queue.change_marker(store)),
            *show(store, campaign_id, lang),
        )

    return publish


READS = {"concurrency_limit": None, "show_progress": "minimal"}


@dataclass
class _Calendar:
    """The chosen campaign, its calendar and warnings, the marker they were read at and the
    hidden button the page's script presses when the store's marker moved."""

    chooser: gr.Dropdown
    table: gr.Dataframe
    warnings: gr.HTML
    marker: gr.Textbox
    live: gr.Button

    def listing(self) -> list:
        return [self.marker, self.chooser, self.table, self.warnings]


def _calendar_panel(store: Store, tab: gr.Tab | None) -> _Calendar:
    with gr.Row():
        chooser = gr.Dropdown([], label=t("campaign"), elem_id="campaign")
        refresh = gr.Button(t("refresh"), elem_id="campaign-refresh", scale=0)
    gr.Markdown(t("campaign_hint"), elem_classes=["hint"])
    table = gr.Dataframe(
        interactive=False,
        wrap=True,
        elem_id="calendar",
        column_widths=["17%", "10%", "8%", "14%", "51%"],
    )
    warnings = gr.HTML(elem_id="calendar-warnings")
    live = live_panel("calendar")
    calendar = _Calendar(chooser, table, warnings, live.marker, live.refresh)

    def _reload(current: Any, lang: str) -> tuple:
        choices = campaign_choices(store)
        ids = [c[1] for c in choices]
        value = current if current in ids else (ids[-1] if ids else None)
        return gr.update(choices=choices, value=value), *show(store, value, lang)

    @handled
    def load(current: Any, request: gr.Request):
        lang = request_language(request)
        return opaque(review_queue.change_marker(store)), *_reload(current, lang)

    @handled
    def poll(known: str, current: Any, request: gr.Request):
        moved = opaque(review_queue.change_marker(store))
        if moved == known:
            return tuple(gr.skip() for _ in range(4))
        return moved, *_reload(current, request_language(request))

    @handled
    def pick(current: Any, request: gr.Request):
        return show(store, current, request_language(request))

    listing = calendar.listing()
    refresh.click(load, chooser, listing, **READS)
    if tab is not None:
        tab.select(load, chooser, listing, **READS)
    calendar.live.click(
        poll, [calendar.marker, chooser], listing, queue=False, show_progress="hidden"
    )
    chooser.input(pick, chooser, [table, calendar.warnings], **READS)
    return calendar


def _export_panel(store: Store, chooser: gr.Dropdown) -> None:
    with gr.Row():
        fmt = gr.Radio(
            list(EXPORTS), value="Hootsuite CSV", label=t("export_format"), elem_id="export-format"
        )
        export_button = gr.Button(t("export"), variant="primary", elem_id="export", scale=0)
    export_notes = gr.HTML(elem_id="export-notes")
    files = gr.File(file_count="multiple", label=t("export_files"), elem_id="export-files")

    @handled
    def run_export(campaign_id: Any, label: str, request: gr.Request):
        lang = request_language(request)
        if not campaign_id:
            gr.Warning(tr("choose_campaign", lang), title=tr("toast_refused", lang))
            return gr.skip(), notes("refused", tr("choose_campaign", lang))
        try:
            written, left_out, export_warnings = export_files(
                store, int(campaign_id), EXPORTS[label], lang
            )
        except AssistantError as exc:
            return gr.skip(), notes("refused", refused(exc, lang, "export"))
        message = tr("export_done", lang, count=len(written))
        if left_out:
            message = tr("export_done_left_out", lang, count=len(written), left=len(left_out))
        export_warnings = left_out + export_warnings
        gr.Info(message, title=tr("toast_done", lang))
        title = f"{message} {tr('export_warnings_title', lang)}" if export_warnings else message
        return written, notes("done", message, export_warnings, title=title)

    export_button.click(run_export, [chooser, fmt], [files, export_notes], concurrency_limit=2)


def _publish_panel(store: Store, calendar: _Calendar) -> gr.Textbox:
    """ "Mark as published" asks first; "yes" publishes every approved variant."""
    with gr.Row():
        publisher = gr.Textbox("", label=t("publisher"), elem_id="publisher")
        publish_button = gr.Button(t("mark_published"), elem_id="mark-published", scale=0)
    with gr.Group(visible=False, elem_id="publish-confirm") as confirm_box:
        question = gr.HTML()
        with gr.Row():
            yes = gr.Button(t("publish_yes"), variant="stop", elem_id="publish-yes")
            no = gr.Button(t("publish_cancel"), elem_id="publish-cancel")
    publish_notes = gr.HTML(elem_id="publish-notes")

    @handled
    def ask(campaign_id: Any, request: gr.Request):
        lang = request_language(request)
        if not campaign_id:
            gr.Warning(tr("choose_campaign", lang), title=tr("toast_refused", lang))
            return gr.update(visible=False), "", notes("refused", tr("choose_campaign", lang))
        ids = approved_ids(store, int(campaign_id))
        if not ids:
            return gr.update(visible=False), "", notes("refused", tr("publish_none", lang))
        name = campaigns.find_campaign(store, int(campaign_id))["name"]
        text = tr("publish_confirm", lang, count=len(ids), name=name)
        return gr.update(visible=True), render_html("campaign_confirm", question=text), ""

    @handled
    def cancel():
        return gr.update(visible=False)

    publish_button.click(ask, calendar.chooser, [confirm_box, question, publish_notes], **READS)
    no.click(cancel, None, confirm_box, queue=False)
    yes.click(
        publishing(store),
        [calendar.chooser, publisher],
        [confirm_box, publish_notes, calendar.marker, calendar.table, calendar.warnings],
        concurrency_limit=4,
        concurrency_id="review-decisions",
    )
    return publisher


def build(store: Store, tab: gr.Tab | None = None) -> None:
    """The Campaign panel: calendar, exports, publishing."""
    calendar = _calendar_panel(store, tab)
    _export_panel(store, calendar.chooser)
    publisher = _publish_panel(store, calendar)
    imports.build(store, tab)
    client_links.build(store, calendar.chooser, tab)
    if tab is not None:  # with a login, who publishes is who is logged in
        tab.select(_logged_in_name, None, publisher, show_progress="hidden", queue=False)


@handled
def _logged_in_name(request: gr.Request):
    if not getattr(request, "username", None):
        return gr.skip()
    return gr.update(value=acting(request, "", "author").name, interactive=False)
