"""Campagne / Campaign tab: the calendar, its warnings, and exports to download."""

from __future__ import annotations

import tempfile
from pathlib import Path

import gradio as gr

from ..campaign import calendar, list_campaigns
from ..errors import AssistantError
from ..export import export_campaign
from ..store import Store
from .i18n import t

EXPORTS = {
    "Hootsuite CSV": "hootsuite",
    "Buffer (JSON)": "buffer",
    "CSV": "csv",
    "JSON": "json",
    "ZIP": "zip",
}


def campaign_choices(store: Store) -> list[tuple[str, int]]:
    return [(f"{c['id']} · {c['name']} ({c['brand']})", c["id"]) for c in list_campaigns(store)]


def show(store: Store, campaign_id: int | None) -> tuple[list[list], str]:
    if not campaign_id:
        return [], ""
    entries, warnings = calendar(store, int(campaign_id))
    rows = [
        [
            e.publish_at.isoformat() if e.publish_at else "—",
            e.platform,
            e.variant_id,
            e.status,
            e.text[:70].replace("\n", " "),
        ]
        for e in entries
    ]
    return rows, "\n".join(f"- ⚠️ {w}" for w in warnings) or "✓"


def build(store: Store) -> None:
    with gr.Row():
        chooser = gr.Dropdown(campaign_choices(store), label=t("campaign"), elem_id="campaign")
        refresh = gr.Button(t("refresh"), elem_id="campaign-refresh")
    table = gr.Dataframe(
        headers=["when", "network", "variant", "status", "text"],
        interactive=False,
        elem_id="calendar",
    )
    warnings = gr.Markdown(elem_id="calendar-warnings")
    with gr.Row():
        fmt = gr.Radio(
            list(EXPORTS), value="Hootsuite CSV", label=t("export_format"), elem_id="export-format"
        )
        export_button = gr.Button(t("export"), variant="primary", elem_id="export")
    files = gr.File(file_count="multiple", elem_id="export-files")

    def reload(current):
        choices = campaign_choices(store)
        value = (
            current
            if any(c[1] == current for c in choices)
            else (choices[-1][1] if choices else None)
        )
        return gr.update(choices=choices, value=value), *show(store, value)

    refresh.click(reload, chooser, [chooser, table, warnings])
    chooser.change(lambda c: show(store, c), chooser, [table, warnings])

    def run_export(campaign_id, label):
        if not campaign_id:
            raise gr.Error("Choose a campaign / choisissez une campagne.")
        kind = EXPORTS[label]
        folder = Path(tempfile.mkdtemp(prefix="export-"))
        target = folder if kind == "hootsuite" else folder / f"campaign-{campaign_id}.{_ext(kind)}"
        try:
            written = export_campaign(store, int(campaign_id), kind, target)
        except AssistantError as exc:
            raise gr.Error(str(exc)) from None
        return [str(p) for p in written], *show(store, campaign_id)

    export_button.click(run_export, [chooser, fmt], [files, table, warnings])


def _ext(kind: str) -> str:
    return {"buffer": "json", "csv": "csv", "json": "json", "zip": "zip"}[kind]
