"""Relire / Review tab: the queue, a variant with its checks, version diff, and decisions."""

from __future__ import annotations

import difflib
import html

import gradio as gr

from ..charter import load_brand
from ..errors import AssistantError
from ..platforms import measure, platform_ids
from ..review import approve, describe, error_count, request_changes
from ..settings import get_settings
from ..store import Store, latest_version, variants_query
from .cards import card_html
from .i18n import t
from .identity import acting

STATUSES = ["in_review", "draft", "changes_requested", "approved", "rejected", "published"]
COLUMNS = ["id", "network", "status", "errors", "text"]


def queue(store: Store, status: str | None, network: str | None) -> list[list]:
    with store.session() as session:
        rows = session.scalars(variants_query(None, status or None, network or None))
        return [
            [
                r.id,
                r.platform,
                r.status,
                error_count(latest_version(session, r.id)),
                r.text[:80].replace("\n", " "),
            ]
            for r in rows
        ]


def version_diff(info: dict) -> str:
    """The last two versions side by side: deletions marked on the left, insertions right."""
    versions = info["versions"]
    if len(versions) < 2:
        return "<p>1 version</p>"
    old, new = versions[-2], versions[-1]
    left, right = [], []
    matcher = difflib.SequenceMatcher(None, old["text"], new["text"])
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        before, after = html.escape(old["text"][a1:a2]), html.escape(new["text"][b1:b2])
        if op == "equal":
            left.append(before)
            right.append(after)
            continue
        if before:
            left.append(f"<del style='background:#ffebe9'>{before}</del>")
        if after:
            right.append(f"<ins style='background:#dafbe1'>{after}</ins>")
    cell = "style='vertical-align:top;white-space:pre-wrap;width:50%;padding:6px'"
    return (
        "<table class='diff' style='width:100%;border-collapse:collapse'><tr>"
        f"<th>v{old['number']} · {html.escape(old['author'])} ({old['cause']})</th>"
        f"<th>v{new['number']} · {html.escape(new['author'])} ({new['cause']})</th></tr>"
        f"<tr><td {cell}>{''.join(left)}</td><td {cell}>{''.join(right)}</td></tr></table>"
    )


def details(store: Store, variant_id: float | None) -> tuple[str, str, str]:
    if not variant_id:
        return "", "", ""
    try:
        info = describe(store, int(variant_id))
    except AssistantError as exc:
        raise gr.Error(str(exc)) from None
    charter = load_brand(info["brand"], get_settings().brand_dir)
    card = card_html(info, charter, measure(info["text"], info["platform"]).length)
    audit = "\n".join(
        f"- {a['at']:%Y-%m-%d %H:%M} {a['actor']}: {a['action']} "
        f"({a['from']} → {a['to']})" + (f" — {a['reason']}" if a["reason"] else "")
        for a in info["audit"]
    )
    comments = "\n".join(f"- **{c['author']}**: {c['body']}" for c in info["comments"])
    override = f"\n\n**Override:** {info['override_reason']}" if info["override_reason"] else ""
    return (
        card,
        version_diff(info),
        (audit or "—") + ("\n\n" + comments if comments else "") + override,
    )


def build(store: Store) -> None:
    with gr.Row():
        status = gr.Dropdown(STATUSES, value="in_review", label=t("status"))
        network = gr.Dropdown(["", *platform_ids()], value="", label=t("network"))
        refresh = gr.Button(t("refresh"), elem_id="review-refresh")
    table = gr.Dataframe(
        headers=COLUMNS,
        value=queue(store, "in_review", None),
        interactive=False,
        elem_id="review-queue",
    )
    with gr.Row():
        variant_id = gr.Number(label=t("variant_id"), precision=0, elem_id="review-variant")
        reviewer = gr.Textbox("reviewer", label=t("reviewer"), elem_id="reviewer")
        role = gr.Dropdown(["reviewer", "admin", "author"], value="reviewer", label=t("role"))
        open_button = gr.Button(t("open"), elem_id="review-open")
    card = gr.HTML(elem_id="review-card")
    diff = gr.HTML(elem_id="review-diff")
    history = gr.Markdown(elem_id="review-history")
    with gr.Row():
        approve_button = gr.Button(t("approve"), variant="primary", elem_id="approve")
        reason = gr.Textbox(label=t("override_reason"))
        override_button = gr.Button(t("override"), elem_id="override")
    with gr.Row():
        note = gr.Textbox(label=t("comment"))
        changes_button = gr.Button(t("request_changes"), elem_id="request-changes")
    outcome = gr.Markdown(elem_id="review-outcome")

    refresh.click(lambda s, n: queue(store, s, n), [status, network], table)
    status.change(lambda s, n: queue(store, s, n), [status, network], table)
    open_button.click(lambda v: details(store, v), variant_id, [card, diff, history])

    def select(evt: gr.SelectData, data) -> float:
        row = evt.index[0] if isinstance(evt.index, list) else evt.index
        return float(data.iloc[row, 0])

    table.select(select, table, variant_id)

    def decide(action: str):
        def run(v, who, r, why, comment_text, s, n, request: gr.Request):
            if not v:
                raise gr.Error("Choose a variant / choisissez une variante.")
            actor = acting(request, who or "reviewer", r)
            try:
                if action == "approve":
                    row = approve(store, int(v), actor)
                elif action == "override":
                    row = approve(store, int(v), actor, why)
                else:
                    row = request_changes(store, int(v), actor, comment_text)
            except AssistantError as exc:
                raise gr.Error(str(exc)) from None
            return (f"variant {row.id}: **{row.status}**", *details(store, v), queue(store, s, n))

        return run

    inputs = [variant_id, reviewer, role, reason, note, status, network]
    outputs = [outcome, card, diff, history, table]
    approve_button.click(decide("approve"), inputs, outputs)
    override_button.click(decide("override"), inputs, outputs)
    changes_button.click(decide("changes"), inputs, outputs)
