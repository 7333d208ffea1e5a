# Longer than 400 lines: one tab: the queue, the variant on screen and the decisions are wired together in `build` and share its components.
"""Relire / Review tab: a live queue, one variant with its checks, history and version diff,
and the decisions (approve, approve with override, request changes).

The queue is read in one query when the tab is shown and again only when the store's change
marker moved (the page's script asks for it while the tab is visible, `live.py`), so idle
reviewers cost almost nothing.
A decision updates the affected row of the table the reviewer already has, never re-reads the
whole queue, and an approval names the text version that was on screen.
"""

from __future__ import annotations

import contextlib
import difflib
import logging
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import gradio as gr
import pandas as pd

from ..core.charter import load_brand
from ..core.clock import tz_from_name
from ..core.errors import AssistantError, ConflictError, NotFound
from ..core.platforms import get_platform, platform_ids
from ..core.settings import get_settings
from ..core.store import Store
from ..publishing import review as workflow
from ..publishing import review_queue
from ..publishing.live_marker import opaque, shared_marker
from . import cards, lexicon
from .boundary import handled
from .i18n import error_text, request_language, t, table, tr
from .identity import acting, role_note
from .live import live_panel
from .templates import render_html

log = logging.getLogger("assistant.ui")

COLUMNS = ("id", "when", "network", "status", "errors", "text")
PREVIEW_CHARS = 160
DECISION_CONCURRENCY = 8  # writes are short; more wait on the database lock than gain


@dataclass(frozen=True)
class Seen:
    """What the reviewer has on screen: the variant and the text version an approval names."""

    id: int
    text_version: int


# ---- words -----------------------------------------------------------------------------------


def word(key: str, lang: str, fallback: str = "", **params: Any) -> str:
    """A translated word when the table has one (statuses, actions, causes), else `fallback`."""
    return tr(key, lang, **params) if key in table() else fallback


def status_label(status: str, lang: str) -> str:
    return word(f"workflow_{status}", lang, status)


def local_time(moment: datetime | None, zone: str | None, *, named: bool = False) -> str:
    """A stored (UTC) moment shown in the brief's or brand's time zone: 10:00 Paris is 10:00.
    `named` adds the zone's abbreviation (CET, EST, UTC) where a reader in another zone
    could misread the hour, as in a variant's history."""
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # the store keeps UTC; SQLite drops the zone
    if zone:
        with contextlib.suppress(KeyError, ValueError):
            moment = moment.astimezone(tz_from_name(zone))
    shown = f"{moment:%Y-%m-%d %H:%M}"
    return f"{shown} {moment:%Z}" if named else shown


# ---- the queue -------------------------------------------------------------------------------


def _error_count(errors: Any) -> int:
    return len(errors) if isinstance(errors, list | tuple) else int(errors or 0)


def queue_row(item: Any, lang: str) -> list[Any]:
    text = " ".join((item.text or "").split())
    return [
        item.id,
        local_time(item.publish_at, item.timezone, named=True),
        get_platform(item.platform).name,
        status_label(item.status, lang),
        _error_count(item.errors),
        text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…",
    ]


def headers(lang: str) -> list[str]:
    return [tr(f"col_{c}", lang) for c in COLUMNS]


def queue_frame(
    store: Store, status: str | None, network: str | None, lang: str, import_id: Any = None
) -> pd.DataFrame:
    """The queue as the table shows it, headers and statuses in the reader's language;
    `import_id` keeps the variants of one spreadsheet import."""
    batch = int(import_id) if import_id else None
    items = review_queue.queue(
        store, status=status or None, platform=network or None, import_id=batch
    )
    return pd.DataFrame([queue_row(i, lang) for i in items], columns=headers(lang))


class SharedQueue:
    """The queue tables read since the change marker last moved, by filters and language.

    Every open Review tab polls; after a change they all find the marker moved at about the
    same time. One of them reads the queue, the others get that reading: a team costs one
    read per change per view, not one per person."""

    MAX_VIEWS = 64  # filters x languages; a client sending other values cannot grow it

    def __init__(self, store: Store) -> None:
        self.store = store
        self._frames: dict[tuple[str, ...], tuple[str, pd.DataFrame]] = {}
        self._reading = threading.Lock()
        self._marker = shared_marker(store)

    def recent_marker(self) -> str:
        return self._marker.recent()

    def fresh_marker(self) -> str:
        return self._marker.fresh()

    def frame(
        self, marker: str, status: str | None, network: str | None, lang: str, batch: Any = None
    ):
        """The table as of `marker` (read before the queue, so a frame is never older than
        the marker it is kept under); `batch` keeps one import's variants."""
        key = (status or "", network or "", lang, str(int(batch)) if batch else "")
        with self._reading:
            kept = self._frames.get(key)
            if kept is None or kept[0] != marker:
                if len(self._frames) >= self.MAX_VIEWS:
                    self._frames.clear()
                kept = (marker, queue_frame(self.store, status, network, lang, batch))
                self._frames[key] = kept
        return kept[1]


def update_row(frame: Any, variant_id: int, status: str, shown_status: str | None, lang: str):
    """The table after a decision: the decided row gets its new status, or leaves a view
    filtered on another status. The rest of the queue is not read again."""
    frame = pd.DataFrame(frame).copy()
    if frame.empty:
        return frame
    ids = pd.to_numeric(frame.iloc[:, 0], errors="coerce")
    if shown_status and status != shown_status:
        return frame[ids != variant_id].reset_index(drop=True)
    frame.iloc[(ids == variant_id).to_numpy().nonzero()[0], 3] = status_label(status, lang)
    return frame


def drop_row(frame: Any, variant_id: int):
    frame = pd.DataFrame(frame)
    if frame.empty:
        return frame
    return frame[pd.to_numeric(frame.iloc[:, 0], errors="coerce") != variant_id].reset_index(
        drop=True
    )


# ---- one variant -----------------------------------------------------------------------------


def version_diff(info: dict, lang: str) -> str:
    """The last two versions side by side: deletions marked on the left, insertions right."""
    versions = info["versions"]
    title = tr("diff_title", lang)
    if len(versions) < 2:
        return render_html("review_diff", title=title, single=tr("diff_single", lang))
    old, new = versions[-2], versions[-1]
    left: list[tuple[str, str]] = []
    right: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, old["text"], new["text"], autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        before, after = old["text"][a1:a2], new["text"][b1:b2]
        if op == "equal":
            left.append(("equal", before))
            right.append(("equal", after))
            continue
        if before:
            left.append(("del", before))
        if after:
            right.append(("ins", after))
    return render_html(
        "review_diff",
        title=title,
        single="",
        old_head=_version_head(old, lang),
        new_head=_version_head(new, lang),
        left=left,
        right=right,
    )


def _version_head(version: dict, lang: str) -> str:
    cause = word(f"cause_{version['cause']}", lang, version["cause"])
    return tr("diff_version", lang, number=version["number"], author=version["author"], cause=cause)


def history_html(info: dict, lang: str) -> str:
    """Audit, comments and override reason, as escaped text in the brief's time zone."""
    zone = info.get("timezone")
    events = [
        {
            "at": local_time(a["at"], zone, named=True),
            "actor": a["actor"],
            "action": word(f"history_action_{a['action']}", lang, a["action"]),
            "from": status_label(a["from"], lang) if a["from"] else "",
            "to": status_label(a["to"], lang) if a["to"] else "",
            "reason": a["reason"] or "",
        }
        for a in info["audit"]
    ]
    comments = [
        {
            "at": local_time(c["created_at"], zone, named=True),
            "author": c["author"],
            "body": c["body"],
        }
        for c in info["comments"]
    ]
    labels = {
        "title": tr("history_title", lang),
        "comments": tr("history_comments", lang),
        "override": tr("history_override", lang),
        "empty": tr("history_empty", lang),
    }
    return render_html(
        "review_history",
        labels=labels,
        events=events,
        comments=comments,
        override=info.get("override_reason") or "",
    )


def text_version(info: dict) -> int:
    return int(info.get("text_version") or info["versions"][-1]["number"])


def render_card(info: dict, charter: Any, lang: str) -> str:
    """The variant's card as the Draft tab draws it."""
    return cards.card_html(cards.CardView.from_described(info), charter, lang)


def variant_view(store: Store, variant_id: int, lang: str) -> tuple[str, str, str, str, dict]:
    """The 'version shown' line, card, diff, history and what the reviewer has seen (the
    order of VIEW_OUTPUTS)."""
    info = review_queue.describe(store, variant_id)
    charter = load_brand(info["brand"], get_settings().brand_dir)
    card = render_card(info, charter, lang)
    number = text_version(info)
    seen_line = render_html(
        "review_seen", number=number, label=tr("text_version_shown", lang, number=number)
    )
    seen = asdict(Seen(info["id"], number))
    return seen_line, card, version_diff(info, lang), history_html(info, lang), seen


def outcome_html(kind: str, message: str) -> str:
    return render_html("review_outcome", kind=kind, message=message)


def refused(exc: AssistantError, lang: str, what: str) -> str:
    """An expected refusal: one info log line, one toast, the same words next to the buttons."""
    log.info("refused %s: %s", what, exc)
    message = error_text(exc, lang)
    gr.Warning(message, title=tr("toast_refused", lang))
    return message


VIEW_OUTPUTS = 5  # seen line, card, diff, history, seen state
OUTCOME_KEYS = {"approve": "outcome_approved", "override": "outcome_override"}


def _refusal(message: str, lang: str) -> tuple:
    """A refused decision: one toast, the message next to the buttons, nothing else redrawn."""
    gr.Warning(message, title=tr("toast_refused", lang))
    return outcome_html("refused", message), *_skip(VIEW_OUTPUTS + 2)


def _missing(action: str, comment_text: str, why: str) -> str | None:
    if action == "changes" and not (comment_text or "").strip():
        return "comment_required"
    if action == "override" and not (why or "").strip():
        return "override_required"
    return None


def decision(store: Store, action: str):
    """The handler of one decision button (approve, override, changes).

    Outputs: outcome, seen line, card, diff, history, seen state, queue table, marker. The
    table comes back with the decided row updated (the queue is not read again) and the
    marker is moved to the store's, so this reviewer's queue does not reload for their own
    decision."""

    @handled
    def run(
        shown: dict | None,
        who: str,
        typed_role: str,
        why: str,
        comment_text: str,
        frame: Any,
        shown_status: str,
        request: gr.Request,
    ):
        lang = request_language(request)
        if not shown:
            return _refusal(tr("choose_variant", lang), lang)
        vid = int(shown["id"])
        missing = _missing(action, comment_text, why)
        if missing:
            return _refusal(tr(missing, lang), lang)
        actor = acting(request, who, typed_role)
        try:
            if action == "changes":
                row = workflow.request_changes(store, vid, actor, comment_text)
            else:
                row = workflow.approve(
                    store,
                    vid,
                    actor,
                    override=why if action == "override" else None,
                    seen_version=int(shown["text_version"]),
                )
        except NotFound:
            log.info("refused %s: variant %s is gone", action, vid)
            refusal = _refusal(tr("variant_gone", lang, id=vid), lang)
            return *refusal[:-2], drop_row(frame, vid), gr.skip()
        except ConflictError as exc:
            message = refused(exc, lang, action)
            shown_again = variant_view(store, vid, lang) if exc.key == "text_moved" else None
            if shown_again is None:
                return outcome_html("refused", message), *_skip(VIEW_OUTPUTS + 2)
            # the text moved under the reviewer: the new one is shown, to be reviewed again
            return outcome_html("refused", message), *shown_again, gr.skip(), gr.skip()
        except AssistantError as exc:
            return outcome_html("refused", refused(exc, lang, action)), *_skip(VIEW_OUTPUTS + 2)
        message = tr(OUTCOME_KEYS.get(action, "outcome_changes"), lang, id=vid)
        gr.Info(message, title=tr("toast_done", lang))
        log.info("%s: %s on variant %s", actor.name, action, vid)
        return (
            outcome_html("done", message),
            *variant_view(store, vid, lang),
            update_row(frame, vid, row.status, shown_status, lang),
            opaque(review_queue.change_marker(store)),
        )

    return run


# ---- the panel -------------------------------------------------------------------------------


def _skip(n: int) -> tuple:
    return tuple(gr.skip() for _ in range(n))


@dataclass
class _Queue:
    """The filters and the queue table, with the marker it was read at and the hidden
    button the page's script presses when the store's marker moved."""

    status: gr.Dropdown
    network: gr.Dropdown
    batch: gr.Number
    refresh: gr.Button
    table: gr.Dataframe
    marker: gr.Textbox
    live: gr.Button


@dataclass
class _Shown:
    """The variant on screen: who reviews it, its card, history and diff."""

    variant_id: gr.Number
    reviewer: gr.Textbox
    role: gr.Dropdown
    open_button: gr.Button
    seen_line: gr.HTML
    card: gr.HTML
    seen: gr.State
    history: gr.HTML | None = None
    diff: gr.HTML | None = None

    def view(self) -> list:
        """The components `variant_view` fills, in its order."""
        return [self.seen_line, self.card, self.diff, self.history, self.seen]


@dataclass
class _Decisions:
    approve: gr.Button
    reason: gr.Textbox
    override: gr.Button
    note: gr.Textbox
    changes: gr.Button
    outcome: gr.HTML


def _queue_panel() -> _Queue:
    statuses = [(t("all_statuses"), ""), *((t(f"workflow_{s}"), s) for s in workflow.STATUSES)]
    networks = [(t("all_networks"), ""), *((get_platform(p).name, p) for p in platform_ids())]
    with gr.Row(elem_classes=["review-filters"]):
        status = gr.Dropdown(
            statuses, value="in_review", label=t("queue_status"), elem_id="review-status"
        )
        network = gr.Dropdown(
            networks, value="", label=t("queue_network"), elem_id="review-network"
        )
        batch = gr.Number(None, label=t("queue_import"), precision=0, elem_id="review-import")
        refresh = gr.Button(t("refresh"), elem_id="review-refresh", scale=0)
    gr.Markdown(t("review_hint"), elem_classes=["hint"])
    table = gr.Dataframe(
        value=pd.DataFrame([], columns=headers("fr")),
        interactive=False,
        wrap=True,
        elem_id="review-queue",
        column_widths=["6%", "14%", "9%", "12%", "7%", "52%"],
    )
    live = live_panel("review")
    return _Queue(status, network, batch, refresh, table, live.marker, live.refresh)


def _shown_panel() -> _Shown:
    seen = gr.State(None)
    with gr.Row(elem_classes=["review-who"]):
        variant_id = gr.Number(label=t("variant_id"), precision=0, elem_id="review-variant")
        reviewer = gr.Textbox(get_settings().user, label=t("reviewer"), elem_id="reviewer")
        role = gr.Dropdown(
            [(t(f"review_role_{r}"), r) for r in ("author", "reviewer", "admin")],
            value="author",
            label=t("role"),
            info=role_note(),
            elem_id="review-role",
        )
        open_button = gr.Button(t("open"), elem_id="review-open", scale=0)
    seen_line = gr.HTML(elem_id="review-seen")
    card = gr.HTML(elem_id="review-card")
    return _Shown(variant_id, reviewer, role, open_button, seen_line, card, seen)


def _decisions_panel() -> _Decisions:
    with gr.Group(elem_classes=["review-actions"]):
        with gr.Row():
            approve = gr.Button(t("approve"), variant="primary", elem_id="approve")
        with gr.Row():
            reason = gr.Textbox(label=t("override_reason"), elem_id="override-reason")
            override = gr.Button(t("override"), elem_id="override", scale=0)
        with gr.Row():
            note = gr.Textbox(label=t("comment"), elem_id="review-comment")
            changes = gr.Button(t("request_changes"), elem_id="request-changes", scale=0)
        outcome = gr.HTML(elem_id="review-outcome")
    return _Decisions(approve, reason, override, note, changes, outcome)


def _wire_queue(store: Store, queue: _Queue, tab: gr.Tab | None) -> None:
    """Load the queue when asked or shown; the live refresh reloads it only when the marker
    moved."""

    shared = SharedQueue(store)

    @handled
    def load(shown_status: str, shown_network: str, batch: Any, request: gr.Request):
        lang = request_language(request)
        marker = review_queue.change_marker(store)
        return opaque(marker), shared.frame(marker, shown_status, shown_network, lang, batch)

    @handled
    def poll(known: str, shown_status: str, shown_network: str, batch: Any, request: gr.Request):
        """Pressed when the page saw the marker move: at most one marker query a second,
        nothing sent back when this tab's queue is current. A marker that differs is read
        again first: the tab may know a newer one (its own decision) than the second-old
        one."""
        if opaque(shared.recent_marker()) == known:
            return _skip(2)
        current = shared.fresh_marker()
        if opaque(current) == known:
            return _skip(2)
        lang = request_language(request)
        frame = shared.frame(current, shown_status, shown_network, lang, batch)
        return opaque(current), frame

    filters, listing = [queue.status, queue.network, queue.batch], [queue.marker, queue.table]
    changes = (queue.status.change, queue.network.change)
    for trigger in (queue.refresh.click, *changes):
        trigger(load, filters, listing, **READS)
    queue.batch.submit(_import_statuses, [queue.status, queue.batch], queue.status).then(
        load, filters, listing, **READS
    )
    if tab is not None:
        tab.select(load, filters, listing, **READS)
    # not queued: one cached read when nothing moved, it need not wait behind decisions
    queue.live.click(poll, [queue.marker, *filters], listing, queue=False, show_progress="hidden")


def _import_statuses(status: str, batch: Any) -> str:
    """An import's variants start as drafts: asking for one import while the queue shows only
    what is in review would show nothing, so the status filter widens to all."""
    return "" if batch and status == "in_review" else status


def _wire_open(store: Store, queue: _Queue, shown: _Shown, decisions: _Decisions) -> None:
    """A click on a row, or a typed id, opens a variant; the fields of the last one clear."""
    outputs = [
        shown.variant_id,
        *shown.view(),
        decisions.reason,
        decisions.note,
        decisions.outcome,
        queue.table,
    ]

    def _open(vid: int, frame: Any, lang: str) -> tuple:
        try:
            view = variant_view(store, vid, lang)
        except NotFound:
            message = tr("variant_gone", lang, id=vid)
            log.info("refused open: variant %s is gone", vid)
            gr.Warning(message, title=tr("toast_refused", lang))
            return (*_skip(1 + VIEW_OUTPUTS + 2), outcome_html("refused", message),
                    drop_row(frame, vid))  # fmt: skip
        return vid, *view, "", "", outcome_html("", ""), gr.skip()

    @handled
    def open_row(frame: Any, evt: gr.SelectData, request: gr.Request):
        row = evt.row_value or []
        if not row or row[0] in (None, ""):
            return _skip(len(outputs))
        return _open(int(row[0]), frame, request_language(request))

    @handled
    def open_typed(vid: float | None, frame: Any, request: gr.Request):
        lang = request_language(request)
        if not vid:
            gr.Warning(tr("choose_variant", lang), title=tr("toast_refused", lang))
            return _skip(len(outputs))
        return _open(int(vid), frame, lang)

    queue.table.select(open_row, queue.table, outputs, **READS)
    shown.open_button.click(open_typed, [shown.variant_id, queue.table], outputs, **READS)


def _wire_decisions(store: Store, queue: _Queue, shown: _Shown, decisions: _Decisions) -> None:
    inputs = [shown.seen, shown.reviewer, shown.role, decisions.reason, decisions.note]
    inputs += [queue.table, queue.status]
    outputs = [decisions.outcome, *shown.view(), queue.table, queue.marker]
    for button, action in (
        (decisions.approve, "approve"),
        (decisions.override, "override"),
        (decisions.changes, "changes"),
    ):
        button.click(
            decision(store, action),
            inputs,
            outputs,
            concurrency_limit=DECISION_CONCURRENCY,
            concurrency_id="review-decisions",
        )


READS = {"concurrency_limit": None, "show_progress": "minimal"}


def build(store: Store, tab: gr.Tab | None = None) -> None:
    """The Review panel; `tab` (the enclosing tab) reloads the queue whenever it is shown."""
    queue = _queue_panel()
    shown = _shown_panel()
    lexicon.build(store, shown.seen, shown.card, shown.reviewer, shown.role)
    decisions = _decisions_panel()
    shown.history = gr.HTML(elem_id="review-history")
    shown.diff = gr.HTML(elem_id="review-diff")
    _wire_queue(store, queue, tab)
    _wire_open(store, queue, shown, decisions)
    _wire_decisions(store, queue, shown, decisions)
    if tab is not None:
        tab.select(logged_in_identity, None, [shown.reviewer, shown.role], **READS)


@handled
def logged_in_identity(request: gr.Request) -> tuple[Any, Any]:
    """With a login, the name and role fields show who acts, read-only (the server uses the
    login anyway: an author must not see "reviewer" preselected)."""
    if not getattr(request, "username", None):
        return gr.skip(), gr.skip()
    actor = acting(request, "", "author")
    return (
        gr.update(value=actor.name, interactive=False),
        gr.update(value=actor.role, interactive=False),
    )
