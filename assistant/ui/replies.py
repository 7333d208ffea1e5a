"""Répondre / Replies tab: the inbox sorted by priority, one comment in its thread with its
badges, three editable reply options with their checks and one-click fixes, and the
workflow (use, approve, send for review, copy, answered, no reply), a confirmed bulk "hide
spam" and the export. Every decision goes through the library (`assistant.replies`), so the
rules are the CLI's: a complaint's reply is never approved by its author."""

from __future__ import annotations

import csv
import logging
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from .. import inbox, replies
from ..charter import load_brand
from ..community import INTENTS
from ..errors import AssistantError
from ..inbox_tables import ITEM_STATUSES
from ..platforms import get_platform, platform_ids
from ..proofing import Match, apply
from ..settings import get_settings
from ..store import Store
from .boundary import handled
from .i18n import error_text, request_language, t, tr
from .identity import acting
from .templates import render_html

log = logging.getLogger("assistant.ui")

COLUMNS = (
    "id",
    "priority",
    "intent",
    "sentiment",
    "left",
    "escalation",
    "network",
    "status",
    "text",
)
OPTIONS = replies.OPTIONS
PREVIEW_CHARS = 140
WRITES = {"concurrency_limit": 8, "concurrency_id": "reply-decisions"}
READS = {"concurrency_limit": None, "show_progress": "minimal"}


# ---- words and rows -------------------------------------------------------------------------


def headers(lang: str) -> list[str]:
    return [tr(f"rp_col_{c}", lang) for c in COLUMNS]


def time_left_text(
    due: str | datetime | None, lang: str, at: datetime | None = None
) -> tuple[str, bool]:
    """ "3 h left" or "late by 2 h" against the comment's due time, and whether it is late."""
    if not due:
        return "", False
    moment = datetime.fromisoformat(due) if isinstance(due, str) else due
    hours = (moment - (at or datetime.now(UTC))).total_seconds() / 3600
    if hours < 0:
        return tr("rp_late", lang, hours=f"{-hours:.0f}"), True
    return tr("rp_left", lang, hours=f"{hours:.0f}"), False


def inbox_row(item: dict, lang: str) -> list[Any]:
    text = " ".join(item["text"].split())
    return [
        item["id"],
        item["priority"],
        tr(f"intent_{item['intent']}", lang),
        tr(f"sentiment_{item['sentiment']}", lang),
        time_left_text(item["due_at"], lang)[0]
        if item["status"] not in ("answered", "hidden", "no_reply")
        else "",
        item["escalation"] or "",
        get_platform(item["network"]).name,
        tr(f"inbox_{item['status']}", lang),
        text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…",
    ]


def inbox_frame(store: Store, brand: str, shown: str, intent: str, lang: str) -> pd.DataFrame:
    items = inbox.list_items(
        store,
        brand or None,
        status=None if shown in ("todo", "") else shown,
        intent=intent or None,
        open_only=shown == "todo",
    )
    rows = [inbox_row(inbox.to_dict(i), lang) for i in items]
    return pd.DataFrame(rows, columns=headers(lang))


# ---- one comment ----------------------------------------------------------------------------


def thread_html(store: Store, item_id: int, lang: str) -> str:
    shown = inbox.thread(store, item_id)
    info = replies.describe(store, item_id)
    item = shown["item"]
    left, late = time_left_text(item["due_at"], lang)
    closed = item["status"] in ("answered", "hidden", "no_reply")
    badges = {
        "intent": tr(f"intent_{item['intent']}", lang),
        "sentiment": tr(f"sentiment_{item['sentiment']}", lang),
        "left": "" if closed else left,
        "late": late and not closed,
        "escalation": tr("rp_to_role", lang, role=info["role"]) if info["role"] else "",
        "sensitive": tr("rp_sensitive", lang) if info["sensitive"] else "",
        "status": tr(f"inbox_{item['status']}", lang),
    }
    labels = {
        "post": tr("rp_thread_post", lang),
        "parent": tr("rp_thread_parent", lang),
        "children": tr("rp_thread_replies", lang),
    }
    return render_html(
        "reply_thread",
        item=item,
        post=shown["post"] or "",
        parent=shown["parent"],
        children=shown["children"],
        permalink=shown["permalink"] or "",
        network=get_platform(item["network"]).name,
        badges=badges,
        labels=labels,
    )


def checks_html(option: dict | None, lang: str) -> str:
    if not option:
        return ""
    checks = [
        {
            "severity": c["severity"],
            "message": c["message"],
            "fix": ", ".join(r["value"] for r in c["replacements"][:3]),
        }
        for c in option["checks"]
        if c["severity"] in ("error", "warning")
    ]
    return render_html(
        "reply_checks",
        option=option["option"],
        length=tr("rp_length", lang, length=option["length"], max=option["max_length"]),
        fits=option["fits"],
        checks=checks,
        clean=tr("rp_checks_none", lang),
    )


def option_outputs(options: list[dict], lang: str) -> list[Any]:
    """The three option boxes and their checks; an escalated comment's note fills the first."""
    values: list[Any] = []
    for index, style in enumerate(OPTIONS):
        option = options[index] if index < len(options) else None
        label = tr(f"rp_option_{option['option'] if option else style}", lang)
        values.append(gr.update(value=option["text"] if option else "", label=label))
    values += [checks_html(options[i] if i < len(options) else None, lang) for i in range(3)]
    return values


def outcome(kind: str, message: str) -> str:
    return render_html("review_outcome", kind=kind, message=message)


def _refused(exc: AssistantError, lang: str, what: str) -> str:
    log.info("refused %s: %s", what, exc)
    message = error_text(exc, lang)
    gr.Warning(message, title=tr("toast_refused", lang))
    return outcome("refused", message)


def _done(message: str, lang: str) -> str:
    gr.Info(message, title=tr("toast_done", lang))
    return outcome("done", message)


def _skip(n: int) -> tuple:
    return tuple(gr.skip() for _ in range(n))


def fix_all(text: str, lang: str, charter: Any, network: str) -> str:
    """Every check's first suggestion applied, from the end so offsets stay right."""
    found = sorted(
        (Match.from_dict(c) for c in replies_checks(text, lang, charter, network)),
        key=lambda m: m.offset,
        reverse=True,
    )
    for match in found:
        if match.replacements and match.severity in ("error", "warning"):
            text, _ = apply(text, match, match.replacements[0])
    return text


def replies_checks(text: str, lang: str, charter: Any, network: str) -> list[dict]:
    return [m.to_dict() for m in replies.reply_checks(text, lang, charter, network)]


# ---- the panel ------------------------------------------------------------------------------


def build(store: Store, slugs: list[str], tab: gr.Tab | None = None) -> None:
    """The Replies panel; showing the tab reloads the inbox."""
    with gr.Row():
        brand = gr.Dropdown(slugs, value=slugs[0] if slugs else None, label=t("rp_brand"),
                            elem_id="replies-brand", scale=1)  # fmt: skip
        upload = gr.File(label=t("rp_file"), file_types=[".csv", ".json"], type="filepath",
                         elem_id="replies-file", scale=2)  # fmt: skip
        import_button = gr.Button(t("rp_import"), elem_id="replies-import", scale=0)
    with gr.Accordion(t("rp_paste"), open=False), gr.Row():
        pasted = gr.Textbox(label=t("rp_paste"), lines=2, elem_id="replies-paste", scale=3)
        network = gr.Dropdown([(get_platform(p).name, p) for p in platform_ids()], value="facebook",
                              label=t("rp_paste_network"), scale=1)  # fmt: skip
        author = gr.Textbox(label=t("rp_paste_author"), scale=1)
        add = gr.Button(t("rp_add"), scale=0)
    with gr.Row():
        statuses = [(t("rp_open_items"), "todo"), (t("rp_all_items"), "")]
        statuses += [(t(f"inbox_{s}"), s) for s in ITEM_STATUSES]
        shown = gr.Dropdown(
            statuses, value="todo", label=t("rp_filter_status"), elem_id="replies-status"
        )
        intents = [(t("rp_all_intents"), ""), *((t(f"intent_{i}"), i) for i in INTENTS)]
        intent = gr.Dropdown(
            intents, value="", label=t("rp_filter_intent"), elem_id="replies-intent"
        )
        refresh = gr.Button(t("rp_refresh"), elem_id="replies-refresh", scale=0)
    gr.Markdown(t("rp_hint"), elem_classes=["hint"])
    table = gr.Dataframe(value=pd.DataFrame([], columns=headers("fr")), interactive=False, wrap=True,
                         elem_id="replies-inbox")  # fmt: skip
    with gr.Row():
        confirm = gr.Checkbox(
            label=t("rp_hide_confirm"), value=False, elem_id="replies-hide-confirm"
        )
        hide = gr.Button(t("rp_hide_spam"), variant="stop", elem_id="replies-hide", scale=0)
        export = gr.Button(t("rp_export"), elem_id="replies-export", scale=0)
        export_file = gr.File(
            label=t("rp_export_file"), interactive=False, elem_id="replies-export-file"
        )
    current = gr.State(None)
    thread = gr.HTML(elem_id="replies-thread")
    with gr.Row():
        who = gr.Textbox(get_settings().user, label=t("rp_who"), elem_id="replies-who")
        role = gr.Dropdown([(t(f"review_role_{r}"), r) for r in ("author", "reviewer", "admin")],
                           value="reviewer", label=t("rp_role"), elem_id="replies-role")  # fmt: skip
        provider = gr.Dropdown([(t("rp_provider_none"), "none"), ("OpenAI", "openai"), ("GGUF", "local")],
                               value="none", label=t("rp_provider"), elem_id="replies-provider")  # fmt: skip
        draft = gr.Button(t("rp_draft"), variant="primary", elem_id="replies-draft", scale=0)
    boxes, checks, uses, fixes, copies = [], [], [], [], []
    with gr.Row(equal_height=False):
        for style in OPTIONS:
            with gr.Column(elem_classes=["reply-option"]):
                boxes.append(gr.Textbox(label=t(f"rp_option_{style}"), lines=5, interactive=True,
                                        elem_id=f"reply-{style}"))  # fmt: skip
                checks.append(gr.HTML(elem_id=f"reply-{style}-checks"))
                with gr.Row():
                    uses.append(gr.Button(t("rp_use"), size="sm", elem_id=f"reply-{style}-use"))
                    fixes.append(gr.Button(t("rp_fix"), size="sm", elem_id=f"reply-{style}-fix"))
                    copies.append(gr.Button(t("rp_copy"), size="sm", elem_id=f"reply-{style}-copy"))
    override = gr.Textbox(label=t("rp_override"), elem_id="replies-override")
    with gr.Row():
        approve = gr.Button(t("rp_approve"), variant="primary", elem_id="replies-approve")
        submit = gr.Button(t("rp_submit"), elem_id="replies-submit")
        answered = gr.Button(t("rp_answered"), elem_id="replies-answered")
        no_reply = gr.Button(t("rp_no_reply"), elem_id="replies-no-reply")
    result = gr.HTML(elem_id="replies-outcome")

    listing = [brand, shown, intent]

    @handled
    def load(brand_slug: str, show: str, which: str, request: gr.Request):
        return inbox_frame(store, brand_slug, show, which, request_language(request))

    for trigger in (refresh.click, shown.change, intent.change, brand.change):
        trigger(load, listing, table, **READS)
    if tab is not None:
        tab.select(load, listing, table, **READS)

    @handled
    def import_upload(path: str | None, brand_slug: str, name: str, kind: str, show: str, which: str,
                      request: gr.Request):  # fmt: skip
        lang = request_language(request)
        if not path or not brand_slug:
            return outcome("refused", tr("rp_choose_comment", lang)), gr.skip()
        charter = load_brand(brand_slug, get_settings().brand_dir)
        try:
            done = inbox.import_file(store, charter, path, acting(request, name, kind).name)
        except AssistantError as exc:
            return _refused(exc, lang, "import"), gr.skip()
        message = tr("rp_imported", lang, added=done.added, already=done.already)
        return _done(message, lang), inbox_frame(store, brand_slug, show, which, lang)

    import_button.click(
        import_upload, [upload, brand, who, role, shown, intent], [result, table], **WRITES
    )

    @handled
    def add_pasted(text: str, net: str, writer: str, brand_slug: str, name: str, kind: str, show: str,
                   which: str, request: gr.Request):  # fmt: skip
        lang = request_language(request)
        charter = load_brand(brand_slug, get_settings().brand_dir)
        try:
            done = inbox.import_text(store, charter, text or "", net, writer or "",
                                     actor=acting(request, name, kind).name)  # fmt: skip
        except AssistantError as exc:
            return _refused(exc, lang, "paste"), gr.skip(), gr.skip()
        message = tr("rp_imported", lang, added=done.added, already=done.already)
        return _done(message, lang), "", inbox_frame(store, brand_slug, show, which, lang)

    add.click(add_pasted, [pasted, network, author, brand, who, role, shown, intent],
              [result, pasted, table], **WRITES)  # fmt: skip

    view = [current, thread, *boxes, *checks, override, result]

    def _open(item_id: int, lang: str) -> tuple:
        info = replies.describe(store, item_id)
        stored = (info["reply"] or {}).get("options") or []
        return (item_id, thread_html(store, item_id, lang), *option_outputs(stored, lang), "",
                outcome("", ""))  # fmt: skip

    @handled
    def open_row(evt: gr.SelectData, request: gr.Request):
        row = evt.row_value or []
        if not row or row[0] in (None, ""):
            return _skip(len(view))
        return _open(int(row[0]), request_language(request))

    table.select(open_row, None, view, **READS)

    @handled
    def make_options(item_id: int | None, name: str, kind: str, chosen: str, request: gr.Request):
        lang = request_language(request)
        if not item_id:
            return outcome("refused", tr("rp_choose_comment", lang)), *_skip(7)
        from ..llm import make_provider

        try:
            options = replies.draft(
                store, item_id, acting(request, name, kind), make_provider(chosen)
            )
        except AssistantError as exc:
            return _refused(exc, lang, "draft"), *_skip(7)
        shown_options = [o.to_dict() for o in options]
        message = (
            tr("rp_drafted", lang, count=len(options), id=item_id)
            if options
            else tr("rp_no_options", lang)
        )
        return (_done(message, lang), *option_outputs(shown_options, lang),
                thread_html(store, item_id, lang))  # fmt: skip

    draft.click(
        make_options, [current, who, role, provider], [result, *boxes, *checks, thread], **WRITES
    )

    def use_option(index: int):
        @handled
        def use(item_id: int | None, text: str, name: str, kind: str, request: gr.Request):
            lang = request_language(request)
            if not item_id:
                return outcome("refused", tr("rp_choose_comment", lang)), gr.skip()
            try:
                version = replies.edit(store, item_id, text or "", acting(request, name, kind),
                                       option=OPTIONS[index])  # fmt: skip
            except AssistantError as exc:
                return _refused(exc, lang, "use"), gr.skip()
            message = tr("rp_used", lang, number=version.number, id=item_id)
            return _done(message, lang), thread_html(store, item_id, lang)

        return use

    def fix_option(index: int):
        @handled
        def fix(item_id: int | None, text: str, request: gr.Request):
            lang = request_language(request)
            if not item_id or not text:
                return gr.skip(), gr.skip()
            item = inbox.get_item(store, item_id)
            charter = load_brand(item.brand, get_settings().brand_dir)
            lang_of_reply = replies.reply_language(item, charter)
            fixed = fix_all(text, lang_of_reply, charter, item.network)
            option = replies._option(
                OPTIONS[index], "public", fixed, "human", item, charter, lang_of_reply
            )
            return fixed, checks_html(option.to_dict(), lang)

        return fix

    for index in range(3):
        uses[index].click(
            use_option(index), [current, boxes[index], who, role], [result, thread], **WRITES
        )
        fixes[index].click(
            fix_option(index), [current, boxes[index]], [boxes[index], checks[index]], **READS
        )
        copies[index].click(None, boxes[index], None,
                            js="(text) => { navigator.clipboard && navigator.clipboard.writeText(text); }")  # fmt: skip

    def decision(action: str):
        @handled
        def decide(item_id: int | None, name: str, kind: str, why: str, brand_slug: str, show: str,
                   which: str, request: gr.Request):  # fmt: skip
            lang = request_language(request)
            if not item_id:
                return outcome("refused", tr("rp_choose_comment", lang)), gr.skip(), gr.skip()
            actor = acting(request, name, kind)
            try:
                if action == "approve":
                    replies.approve(store, item_id, actor, override=why or None)
                elif action == "submit":
                    replies.submit(store, item_id, actor)
                elif action == "answered":
                    replies.answered(store, item_id, actor)
                else:
                    replies.close(store, [item_id], actor, "no_reply")
            except AssistantError as exc:
                return _refused(exc, lang, action), gr.skip(), gr.skip()
            key = {"approve": "rp_approved", "submit": "rp_submitted", "answered": "rp_marked_answered",
                   "no_reply": "rp_marked_no_reply"}[action]  # fmt: skip
            log.info("%s: %s on comment %s", actor.name, action, item_id)
            return (_done(tr(key, lang, id=item_id), lang), thread_html(store, item_id, lang),
                    inbox_frame(store, brand_slug, show, which, lang))  # fmt: skip

        return decide

    inputs = [current, who, role, override, brand, shown, intent]
    for button, action in ((approve, "approve"), (submit, "submit"), (answered, "answered"),
                           (no_reply, "no_reply")):  # fmt: skip
        button.click(decision(action), inputs, [result, thread, table], **WRITES)

    @handled
    def hide_spam(sure: bool, brand_slug: str, show: str, which: str, name: str, kind: str,
                  request: gr.Request):  # fmt: skip
        lang = request_language(request)
        if not sure:
            gr.Warning(tr("rp_confirm_first", lang), title=tr("toast_refused", lang))
            return outcome("refused", tr("rp_confirm_first", lang)), gr.skip(), gr.skip()
        items = inbox.list_items(store, brand_slug or None, intent="spam", open_only=True)
        if not items:
            return outcome("refused", tr("rp_nothing_to_hide", lang)), gr.skip(), False
        try:
            done = replies.close(
                store, [i.id for i in items], acting(request, name, kind), "hidden"
            )
        except AssistantError as exc:
            return _refused(exc, lang, "hide"), gr.skip(), False
        message = tr("rp_hidden", lang, count=len(done))
        return _done(message, lang), inbox_frame(store, brand_slug, show, which, lang), False

    hide.click(
        hide_spam, [confirm, brand, shown, intent, who, role], [result, table, confirm], **WRITES
    )

    @handled
    def export_csv(brand_slug: str, request: gr.Request):
        lang = request_language(request)
        rows = inbox.export_rows(store, brand_slug or None)
        folder = Path(tempfile.mkdtemp(prefix="inbox-export-"))
        path = folder / f"inbox-{brand_slug or 'all'}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=inbox.EXPORT_KEYS)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: inbox.spreadsheet_cell(row.get(k)) for k in inbox.EXPORT_KEYS})
        return _done(tr("rp_exported", lang, count=len(rows)), lang), str(path)

    export.click(export_csv, [brand], [result, export_file], **READS)
