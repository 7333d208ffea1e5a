# Longer than 400 lines: one tab: `build` wires the thread, the three options and the workflow buttons to handlers that share its components.
"""Répondre / Replies tab: the inbox sorted by priority, one comment in its thread with its
badges, three editable reply options with their checks and one-click fixes, and the
workflow (use, approve, send for review, copy, answered, no reply), a confirmed bulk "hide
spam" and the export. Every decision goes through the library (`assistant.community.replies`), so the
rules are the CLI's: a complaint's reply is never approved by its author."""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from ..community import inbox, replies, reply_jobs, reply_options
from ..community.charter_section import INTENTS
from ..community.inbox_tables import CLOSED, ITEM_STATUSES
from ..core.charter import load_brand
from ..core.errors import AssistantError
from ..core.platforms import get_platform, platform_ids
from ..core.settings import get_settings
from ..core.store import Store
from ..proofing import Match, apply
from ..proofing.match import worded
from .boundary import handled
from .downloads import download_folder
from .i18n import request_language, t, tr
from .identity import acting, browser_owner, owned, role_note
from .review import outcome_html as outcome
from .review import refused
from .templates import render_html

log = logging.getLogger("assistant.ui")

# the tone, the network and the escalation's role are on the opened comment's badges; the
# list keeps what decides the order of work, so it fits a laptop and a phone without scrolling
COLUMNS = ("id", "priority", "intent", "left", "status", "text")
OPTIONS = reply_options.OPTIONS
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


def escalation_title(brand: str, name: str | None, lang: str) -> str:
    """The escalation rule as a person reads it in `lang` (charter `title`), "" when none."""
    if not name:
        return ""
    rule = load_brand(brand, get_settings().brand_dir).community.rule(name)
    return rule.title_in(lang) if rule else name


def inbox_row(item: dict, lang: str, escalation: str = "") -> list[Any]:
    """One line of the inbox; an escalated comment's intent names its rule ("crise · santé")."""
    text = " ".join(item["text"].split())
    intent = tr(f"intent_{item['intent']}", lang)
    return [
        item["id"],
        item["priority"],
        f"{intent} · {escalation}" if escalation else intent,
        time_left_text(item["due_at"], lang)[0]
        if item["status"] not in ("answered", "hidden", "no_reply")
        else "",
        tr(f"inbox_{item['status']}", lang),
        text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…",
    ]


def listed_items(store: Store, brand: str, shown: str, intent: str) -> list[Any]:
    """The comments the inbox lists for a brand (all brands when none), a status filter
    (`todo` for the open ones, empty for all) and an intent filter (empty for all)."""
    return inbox.list_items(
        store,
        brand or None,
        status=None if shown in ("todo", "") else shown,
        intent=intent or None,
        open_only=shown == "todo",
    )


def inbox_frame(store: Store, brand: str, shown: str, intent: str, lang: str) -> pd.DataFrame:
    items = listed_items(store, brand, shown, intent)
    rows = [
        inbox_row(inbox.to_dict(i), lang, escalation_title(i.brand, i.escalation, lang))
        for i in items
    ]
    return pd.DataFrame(rows, columns=headers(lang))


def alerts_html(store: Store, brand: str, lang: str) -> str:
    """The bursts of the brand shown (or of every brand), one line each, above the inbox: the
    first sign of a bad buzz is seen before any single row."""
    from html import escape

    from ..community.alerts import alerts

    lines = [
        tr(
            "rp_alert",
            lang,
            count=len(a.ids),
            title=a.title_in(lang),
            first=f"{a.first_at:%d/%m %H:%M}",
            last=f"{a.last_at:%H:%M}",
            ids=", #".join(map(str, a.ids)) if lang == "en" else ", ".join(map(str, a.ids)),
        )
        for a in alerts(store, brand or None)
    ]
    return "".join(f'<p class="replies-alert" role="alert">⚠ {escape(line)}</p>' for line in lines)


# ---- one comment ----------------------------------------------------------------------------


def thread_html(store: Store, item_id: int, lang: str) -> str:
    return thread_view(store, item_id, lang)[0]


def current_reply(info: dict, lang: str) -> dict | None:
    """The reply as it stands (its latest version, checks, author): what Approve approves."""
    reply = info["reply"]
    if not reply or not reply["versions"]:
        return None
    latest = reply["versions"][-1]
    checks = [
        {"severity": m["severity"], "message": worded(m, lang)}
        for m in latest["matches"]
        if m["severity"] in ("error", "warning")
    ]
    label = "rp_current_note" if reply["kind"] == "note" else "rp_current_reply"
    return {
        "number": latest["number"],
        "label": tr(label, lang),
        "meta": tr("rp_reply_meta", lang, number=latest["number"], author=latest["author"] or "?"),
        "approved": tr("rp_reply_approved", lang, name=reply["approved_by"])
        if reply["approved_by"]
        else "",
        "text": latest["text"],
        "checks": checks,
        "clean": tr("rp_checks_none", lang),
    }


def thread_view(store: Store, item_id: int, lang: str) -> tuple[str, int | None]:
    """The comment in its thread with its badges and its current reply, and the number of
    the reply's version shown (Approve names it, so a text that moved is not approved)."""
    shown = inbox.thread(store, item_id)
    info = replies.describe(store, item_id)
    item = shown["item"]
    reply = current_reply(info, lang)
    left, late = time_left_text(item["due_at"], lang)
    closed = item["status"] in ("answered", "hidden", "no_reply")
    badges = {
        "intent": tr(f"intent_{item['intent']}", lang),
        "sentiment": tr(f"sentiment_{item['sentiment']}", lang),
        "left": "" if closed else left,
        "late": late and not closed,
        "escalation": tr("rp_to_role", lang, role=role_title(info, lang)) if info["role"] else "",
        "sensitive": tr("rp_sensitive", lang) if info["sensitive"] else "",
        "status": tr(f"inbox_{item['status']}", lang),
    }
    labels = {
        "post": tr("rp_thread_post", lang),
        "parent": tr("rp_thread_parent", lang),
        "children": tr("rp_thread_replies", lang),
    }
    html = render_html(
        "reply_thread",
        item=item,
        post=shown["post"] or "",
        parent=shown["parent"],
        children=shown["children"],
        permalink=shown["permalink"] or "",
        network=get_platform(item["network"]).name,
        badges=badges,
        labels=labels,
        reply=reply,
    )
    return html, reply["number"] if reply else None


def role_title(item: dict, lang: str) -> str:
    """The escalation's role as a person reads it in `lang` (charter `role_title`)."""
    rule = load_brand(item["brand"], get_settings().brand_dir).community.rule(item["escalation"])
    return rule.role_in(lang) if rule else ""


def checks_html(option: dict | None, lang: str) -> str:
    if not option:
        return ""
    checks = [
        {
            "severity": c["severity"],
            "message": worded(c, lang),
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
    """The three option boxes and their checks; an escalated comment's note fills the first
    and the public reply boxes are hidden (nothing to send for a self-harm comment)."""
    values: list[Any] = []
    note = bool(options) and options[0]["kind"] == "note"
    for index, style in enumerate(OPTIONS):
        option = options[index] if index < len(options) else None
        label = tr(f"rp_option_{option['option'] if option else style}", lang)
        values.append(
            gr.update(
                value=option["text"] if option else "",
                label=label,
                visible=not (note and index > 0),
            )
        )
    values += [
        checks_html(options[i], lang) if i < len(options) else unused(bool(options))
        for i in range(3)
    ]
    return values


def unused(drafted: bool) -> str:
    """An option box that does not apply (an escalated comment gets one internal note): the
    marker hides its column, box and buttons (styles/replies.css)."""
    return render_html("reply_unused") if drafted else ""


@handled
def _cleared() -> str:
    """No message: the last one is about a file or a comment no longer in hand."""
    return outcome("", "")


def _refused(exc: AssistantError, lang: str, what: str) -> str:
    return outcome("refused", refused(exc, lang, what))


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


def write_export(rows: list[dict], path: Path) -> Path:
    """The inbox as a CSV for spreadsheets: UTF-8 with a BOM, so a spreadsheet in French
    reads the accents right; formula-like cells neutralised."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=inbox.EXPORT_KEYS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: inbox.spreadsheet_cell(row.get(k)) for k in inbox.EXPORT_KEYS})
    return path


# ---- the panel ------------------------------------------------------------------------------


def work_state() -> gr.BrowserState:
    """Where the browser keeps the Replies work. Made outside the tabs: a tab not shown at
    load is not mounted, and its browser state would not be read back."""
    return gr.BrowserState({}, storage_key="assistant-replies-work")


@dataclass
class Loader:
    """What a page load calls to bring the open comment and the typed replies back."""

    fn: Any
    inputs: list
    outputs: list
    then: str | None = None  # JavaScript, once the work is back: bring this tab to the front
    then_inputs: list | None = None


def build(
    store: Store,
    slugs: list[str],
    tab: gr.Tab | None = None,
    tabs: gr.Tabs | None = None,
    work: gr.BrowserState | None = None,
) -> Loader:
    """The Replies panel; showing the tab reloads the inbox. The open comment and the text
    typed in the options are kept in the browser, so a reload loses no work."""
    with gr.Row():
        brand = gr.Dropdown(slugs, value=slugs[0] if slugs else None, label=t("rp_brand"),
                            elem_id="replies-brand", scale=1)  # fmt: skip
        upload = gr.File(label=t("rp_file"), file_types=[".csv", ".json", ".xlsx"], type="filepath",
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
    bursts = gr.HTML(elem_id="replies-alerts")
    gr.Markdown(t("rp_hint"), elem_classes=["hint"])
    table = gr.Dataframe(value=pd.DataFrame([], columns=headers("fr")), interactive=False, wrap=True,
                         elem_id="replies-inbox",
                         column_widths=["6%", "8%", "18%", "13%", "12%", "43%"])  # fmt: skip
    with gr.Row():
        confirm = gr.Checkbox(
            label=t("rp_hide_confirm"), value=False, elem_id="replies-hide-confirm"
        )
        hide = gr.Button(t("rp_hide_spam"), variant="stop", elem_id="replies-hide", scale=0)
        unhide = gr.Button(t("rp_unhide_last"), elem_id="replies-unhide", scale=0)
        export = gr.Button(t("rp_export"), elem_id="replies-export", scale=0)
        export_file = gr.File(
            label=t("rp_export_file"), interactive=False, elem_id="replies-export-file"
        )
    current = gr.State(None)
    seen = gr.State(None)  # the reply version on screen: what Approve approves
    last_hidden = gr.State([])  # the ids the last "hide" took away: what undo shows again
    work = work if work is not None else work_state()
    thread = gr.HTML(elem_id="replies-thread")
    with gr.Row():
        who = gr.Textbox(get_settings().user, label=t("rp_who"), elem_id="replies-who")
        role = gr.Dropdown([(t(f"review_role_{r}"), r) for r in ("author", "reviewer", "admin")],
                           value="author", label=t("rp_role"), info=role_note(),
                           elem_id="replies-role")  # fmt: skip
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

    @handled
    def show_bursts(brand_slug: str, request: gr.Request) -> str:
        return alerts_html(store, brand_slug, request_language(request))

    table.change(show_bursts, [brand], bursts, **READS)
    if tab is not None:
        tab.select(load, listing, table, **READS)

    @handled
    def import_upload(path: str | None, brand_slug: str, name: str, kind: str, show: str, which: str,
                      request: gr.Request):  # fmt: skip
        lang = request_language(request)
        if not path or not brand_slug:
            return outcome("refused", tr("rp_choose_file", lang)), gr.skip()
        charter = load_brand(brand_slug, get_settings().brand_dir)
        try:
            done = inbox.import_file(store, charter, path, acting(request, name, kind).name,
                                     name=Path(path).name)  # fmt: skip
        except AssistantError as exc:
            return _refused(exc, lang, "import"), gr.skip()
        message = tr("rp_imported", lang, added=done.added, already=done.already)
        return _done(message, lang), inbox_frame(store, brand_slug, show, which, lang)

    import_button.click(
        import_upload, [upload, brand, who, role, shown, intent], [result, table], **WRITES
    )
    # a new file (or a refused one) makes the last message stale
    upload.change(_cleared, None, result, show_progress="hidden")

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

    view = [current, seen, thread, *boxes, *checks, override, result]

    @handled
    def open_row(evt: gr.SelectData, request: gr.Request):
        row = evt.row_value or []
        if not row or row[0] in (None, ""):
            return _skip(len(view))
        return _reopen(store, int(row[0]), request_language(request))

    table.select(open_row, None, view, **READS)

    @handled
    def make_options(item_id: int | None, name: str, kind: str, chosen: str, request: gr.Request):
        lang = request_language(request)
        if not item_id:
            return outcome("refused", tr("rp_choose_comment", lang)), *_skip(8)
        return drafted(store, item_id, acting(request, name, kind), chosen, lang)

    draft.click(
        make_options,
        [current, who, role, provider],
        [result, *boxes, *checks, thread, seen],
        **WRITES,
    )

    def use_option(index: int):
        @handled
        def use(item_id: int | None, text: str, name: str, kind: str, request: gr.Request):
            lang = request_language(request)
            if not item_id:
                return outcome("refused", tr("rp_choose_comment", lang)), gr.skip(), gr.skip()
            try:
                version = replies.edit(store, item_id, text or "", acting(request, name, kind),
                                       option=OPTIONS[index])  # fmt: skip
            except AssistantError as exc:
                return _refused(exc, lang, "use"), gr.skip(), gr.skip()
            message = tr("rp_used", lang, number=version.number, id=item_id)
            return _done(message, lang), *thread_view(store, item_id, lang)

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
            option = reply_options.checked_option(
                OPTIONS[index], "public", fixed, "human", item, charter, lang_of_reply
            )
            return fixed, checks_html(option.to_dict(), lang)

        return fix

    for index in range(3):
        uses[index].click(
            use_option(index), [current, boxes[index], who, role], [result, thread, seen], **WRITES
        )
        fixes[index].click(
            fix_option(index), [current, boxes[index]], [boxes[index], checks[index]], **READS
        )
        copies[index].click(None, boxes[index], None,
                            js="(text) => { navigator.clipboard && navigator.clipboard.writeText(text); }")  # fmt: skip

    def decision(action: str):
        @handled
        def decide(item_id: int | None, name: str, kind: str, why: str, brand_slug: str, show: str,
                   which: str, version: int | None, request: gr.Request):  # fmt: skip
            lang = request_language(request)
            if not item_id:
                return outcome("refused", tr("rp_choose_comment", lang)), *_skip(3)
            actor = acting(request, name, kind)
            try:
                if action == "approve":
                    replies.approve(store, item_id, actor, override=why or None,
                                    seen_version=version if version else None)  # fmt: skip
                elif action == "submit":
                    replies.submit(store, item_id, actor)
                elif action == "answered":
                    replies.answered(store, item_id, actor)
                else:
                    replies.close(store, [item_id], actor, "no_reply")
            except AssistantError as exc:
                return _refused(exc, lang, action), *_skip(3)
            key = {"approve": "rp_approved", "submit": "rp_submitted", "answered": "rp_marked_answered",
                   "no_reply": "rp_marked_no_reply"}[action]  # fmt: skip
            log.info("%s: %s on comment %s", actor.name, action, item_id)
            return (_done(tr(key, lang, id=item_id), lang), *thread_view(store, item_id, lang),
                    inbox_frame(store, brand_slug, show, which, lang))  # fmt: skip

        return decide

    inputs = [current, who, role, override, brand, shown, intent, seen]
    for button, action in ((approve, "approve"), (submit, "submit"), (answered, "answered"),
                           (no_reply, "no_reply")):  # fmt: skip
        button.click(decision(action), inputs, [result, thread, seen, table], **WRITES)

    @handled
    def hide_spam(sure: bool, brand_slug: str, show: str, which: str, name: str, kind: str,
                  request: gr.Request):  # fmt: skip
        lang = request_language(request)
        if not sure:
            gr.Warning(tr("rp_confirm_first", lang), title=tr("toast_refused", lang))
            return outcome("refused", tr("rp_confirm_first", lang)), *_skip(3)
        message, ids = hide_listed_spam(
            store, brand_slug, show, which, acting(request, name, kind), lang
        )
        if not ids:
            return message, gr.skip(), False, gr.skip()
        gr.Info(tr("rp_hidden_undo", lang, count=len(ids)), title=tr("toast_done", lang))
        return message, inbox_frame(store, brand_slug, show, which, lang), False, ids

    hide.click(
        hide_spam,
        [confirm, brand, shown, intent, who, role],
        [result, table, confirm, last_hidden],
        **WRITES,
    )

    @handled
    def unhide_last(ids: list[int] | None, brand_slug: str, show: str, which: str, name: str,
                    kind: str, request: gr.Request):  # fmt: skip
        lang = request_language(request)
        message, left = unhide_batch(store, ids or [], acting(request, name, kind), lang)
        if left:
            return message, gr.skip(), gr.skip()
        if ids:
            gr.Info(tr("rp_unhidden", lang, count=len(ids)), title=tr("toast_done", lang))
        return message, inbox_frame(store, brand_slug, show, which, lang), []

    unhide.click(
        unhide_last,
        [last_hidden, brand, shown, intent, who, role],
        [result, table, last_hidden],
        **WRITES,
    )

    @handled
    def export_csv(brand_slug: str, request: gr.Request):
        lang = request_language(request)
        rows = inbox.export_rows(store, brand_slug or None)
        folder = download_folder("inbox-export")
        path = write_export(rows, folder / f"inbox-{brand_slug or 'all'}.csv")
        return _done(tr("rp_exported", lang, count=len(rows)), lang), str(path)

    export.click(export_csv, [brand], [result, export_file], **READS)

    if tab is not None:
        from .review import logged_in_identity

        tab.select(logged_in_identity, None, [who, role], **READS)
    return _keep_work(store, tabs, tab, work, current, boxes, view)


def drafted(store: Store, item_id: int, actor: Any, chosen: str | None, lang: str) -> tuple:
    """Draft's outputs: the outcome, the three options with their checks, the thread and its
    version. The options are drafted as a job (by a worker in team mode) and waited for; a
    refusal there (a closed comment) is worded here in the reader's language."""
    try:
        options = reply_jobs.draft(store, item_id, actor, chosen)
    except AssistantError as exc:
        return _refused(exc, lang, "draft"), *_skip(8)
    message = (
        tr("rp_drafted", lang, count=len(options), id=item_id)
        if options
        else tr("rp_no_options", lang)
    )
    return (_done(message, lang), *option_outputs(options, lang),
            *thread_view(store, item_id, lang))  # fmt: skip


def hide_listed_spam(
    store: Store, brand: str | None, shown: str, intent: str, actor: Any, lang: str
) -> tuple[str, list[int]]:
    """Hide the open spam among the comments listed (the brand chosen, the status and intent
    filters on screen), nothing else: the outcome to show and the ids hidden (for undo).
    Without a brand nothing is hidden: one click must not reach every brand's inbox."""
    if not brand:
        return outcome("refused", tr("rp_choose_brand_first", lang)), []
    ids = [
        item.id
        for item in listed_items(store, brand, shown, intent)
        if item.intent == "spam" and item.status not in CLOSED
    ]
    if not ids:
        return outcome("refused", tr("rp_nothing_to_hide", lang)), []
    try:
        done = replies.close(store, ids, actor, "hidden")
    except AssistantError as exc:
        return _refused(exc, lang, "hide"), []
    log.info("%s: hid %d spam comment(s) of %s", actor.name, len(done), brand)
    return outcome("done", tr("rp_hidden_undo", lang, count=len(done))), [i.id for i in done]


def unhide_batch(store: Store, ids: list[int], actor: Any, lang: str) -> tuple[str, list[int]]:
    """Show the last hidden batch again: the outcome to show and the ids still hidden (all
    of them when refused, none once done)."""
    if not ids:
        return outcome("refused", tr("rp_nothing_to_unhide", lang)), []
    try:
        done = replies.unhide(store, ids, actor)
    except AssistantError as exc:
        return _refused(exc, lang, "unhide"), ids
    log.info("%s: showed %d hidden comment(s) again", actor.name, len(done))
    return outcome("done", tr("rp_unhidden", lang, count=len(done))), []


def _keep_work(store: Store, tabs: gr.Tabs | None, tab: gr.Tab | None, work: gr.BrowserState,
               current: gr.State, boxes: list, view: list) -> Loader:  # fmt: skip
    """Keep the open comment, the typed options and whether this tab was in front in the
    browser; a page load brings them back."""
    quiet = {"show_progress": "hidden", "trigger_mode": "always_last"}

    @handled
    def remember(item_id: int | None, first: str, second: str, third: str,
                 request: gr.Request) -> dict:  # fmt: skip
        texts = [first, second, third]
        return {"item": item_id, "texts": texts, "front": True, "owner": browser_owner(request)}

    gr.on([current.change, *(b.change for b in boxes)], remember, [current, *boxes], work, **quiet)
    if tabs is not None and tab is not None:

        @handled
        def in_front(kept: dict | None, evt: gr.SelectData) -> dict:
            names = {tr("tab_replies", lang) for lang in ("fr", "en")}
            return {**(kept or {}), "front": str(evt.value) in names}

        tabs.select(in_front, work, work, **quiet)

    @handled
    def restore(kept: dict | None, request: gr.Request) -> tuple:
        kept = owned(kept, request)
        lang = request_language(request)
        try:
            opened = list(_reopen(store, int(kept["item"]), lang)) if kept.get("item") else None
        except (AssistantError, TypeError, ValueError):
            opened = None
        if opened is None:
            return _skip(len(view))
        for index, text in enumerate((kept.get("texts") or [])[:3]):
            if text:
                opened[3 + index] = {**opened[3 + index], "value": text}
        return tuple(opened)

    # a person's click on the tab: a tab brought forward from the server at load mounts its
    # menus before their labels are translated, and they then send a label as their value
    front = """(kept) => { if (kept && kept.front && kept.item) {
      const button = [...document.querySelectorAll('button[role="tab"]')]
        .find(b => (b.id || '').startsWith('tab-replies'));
      if (button) button.click(); } return []; }"""
    return Loader(restore, [work], view, front, [work])


def _reopen(store: Store, item_id: int, lang: str) -> tuple:
    """The view of a comment as opening its row gives it (see `build`'s `view`)."""
    info = replies.describe(store, item_id)
    stored = (info["reply"] or {}).get("options") or []
    html, number = thread_view(store, item_id, lang)
    return (item_id, number, html, *option_outputs(stored, lang), "", outcome("", ""))
