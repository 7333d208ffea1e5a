# Longer than 400 lines: one tab whose cards, drafting stream and restore-after-reload share the browser state and components wired in `build`.
"""Rédiger / Draft tab: brief in, one card per network as each variant completes.

Every action on a card acts on the text on screen; the working context (brand, campaign,
author, time, networks, brief, cards) lives in the browser so a reload brings it back.

What a reload relies on, and why each holds whatever the timing:

- The context (`REMEMBERED`) is written to the browser (`BrowserState`) whenever any part of
  it changes, the cards' ids and the brief's id included: drafting streams them in, and
  each streamed value is remembered as it arrives. (They used to be remembered only by a
  `.then` after the whole drafting chain, visuals included, so a reload while visuals were
  still rendering brought back the brief without its cards.)
- On load, `_Restore` gives back the kept context, or the author's latest brief when the
  kept ids belong to it; it sets the ids and a new `tick` in one output, and the cards are
  drawn from `tick.change` only, so one draw sees both. In team mode a brief whose units
  still wait or run in the queue is then followed (`follow_queued`): its cards come in as
  the workers save them, and Resume is not offered while they are on it.
- A redraw while someone types (visuals arriving, another card saved) keeps the box they
  type in: the box is keyed by variant, stored version and conflict, and Gradio keeps the
  value of a keyed box the user changed. (Without the key, the redraw wrote the text the
  server had last seen into the box, and the keystrokes typed meanwhile were lost, in the
  box and in the browser's copy.)
- An edit not yet saved lives in the browser (`scripts/draft.js`, localStorage keyed by the
  variant id, matched to a card through `#edit-<id>` and the card's `.saved-text`) and is
  put back into its box once the card is drawn; the box's `input` then re-checks it. The
  server keeps nothing of it across a reload.
- Nothing on this path depends on the review news: they are read only when the page's
  script saw the change marker move while cards are shown, and their redraw is the
  writer's click.
  Each redraw records the statuses it drew (`as_drawn`), so a decision made while a redraw
  was pending is still news.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import gradio as gr

from ..core.actors import Actor
from ..core.charter import Charter, load_brand
from ..core.errors import AssistantError, ConflictError, NotFound
from ..core.llm import default_provider_name, make_provider
from ..core.platforms import all_platforms
from ..core.settings import get_settings
from ..core.store import Store
from ..proofing import apply
from ..proofing.match import SEVERITY_RANK
from ..publishing import brief_jobs, jobs
from ..publishing.brief_drafts import draft_brief_async, missing_variants, resume_brief_async
from ..publishing.campaign import (
    add_brief,
    brand_timezone,
    find_or_create_campaign,
    latest_work,
    parse_when,
    render_brief_visuals,
    render_variant_visuals,
)
from ..publishing.live_marker import opaque, shared_marker
from ..publishing.review import current, edit, save_text, snapshot, submit
from ..publishing.review_queue import change_marker, describe
from . import lexicon
from .boundary import handled
from .cards import CardView, card_html, conflict_html
from .i18n import error_text, request_language, t, tr
from .identity import acting, browser_owner, owned
from .live import live_panel
from .offload import elsewhere, soon_elsewhere
from .templates import render_html

PICKER_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class Loader:
    """What a page load calls to bring the working context back, with its components."""

    fn: Callable
    inputs: list
    outputs: list
    form: Any = None  # the form's components, for tabs that open a brief here
    # once the context is back: follow the brief the workers are still drafting (team mode)
    then: Callable | None = None
    then_inputs: list | None = None
    then_outputs: list | None = None


def charter_of(slug: str | None) -> Charter | None:
    return load_brand(slug, get_settings().brand_dir) if slug else None


def default_slot(zone: str) -> str:
    """Tomorrow 10:00 in the brand's zone, as the picker shows it."""
    tomorrow = datetime.now(ZoneInfo(zone)) + timedelta(days=1)
    return tomorrow.replace(hour=10, minute=0, second=0, microsecond=0).strftime(PICKER_FORMAT)


def picker_value(moment: datetime | None, zone: str) -> str | None:
    """A stored time shown in the brand's zone."""
    return moment.astimezone(ZoneInfo(zone)).strftime(PICKER_FORMAT) if moment else None


def provider_notice(lang: str) -> str:
    settings = get_settings()
    name = default_provider_name(settings)
    if name == "none":
        return tr("provider_none", lang)
    if name == "openai":
        return tr("provider_openai", lang, model=settings.model, where=settings.openai_base_url)
    return tr("provider_local", lang, path=settings.local_model_path or "GGUF")


@dataclass
class _Form:
    """The brief form: who, what, where and when, and the buttons that start drafting."""

    brand: gr.Dropdown
    author: gr.Textbox
    campaign_name: gr.Textbox
    notice: gr.Markdown
    brief: gr.Textbox
    networks: gr.CheckboxGroup
    variants: gr.Slider
    when: gr.DateTime
    generate: gr.Button
    resume: gr.Button
    progress_note: gr.Markdown


REMEMBERED = (
    "brand", "author", "campaign", "when", "networks", "brief", "variants", "ids", "brief_id"
)  # fmt: skip


def _form_panel(brands: list[str]) -> _Form:
    first = charter_of(brands[0]) if brands else None
    zone = brand_timezone(first)
    with gr.Row():
        brand = gr.Dropdown(brands, value=brands[0] if brands else None, label=t("brand"))
        author = gr.Textbox(get_settings().user, label=t("author"), elem_id="author")
        campaign_name = gr.Textbox("", label=t("campaign"), elem_id="campaign-name")
    notice = gr.Markdown(elem_id="provider-status")
    brief = gr.Textbox(lines=5, label=t("brief"), elem_id="brief")
    brief_length = gr.Markdown("", elem_id="brief-length")
    networks = gr.CheckboxGroup(
        [(p.name, p.id) for p in all_platforms().values()],
        value=first.networks if first else [],
        label=t("networks"),
        elem_id="networks",
    )
    with gr.Row():
        variants = gr.Slider(1, 3, value=1, step=1, label=t("variants"))
        when = gr.DateTime(
            default_slot(zone),
            include_time=True,
            type="string",
            timezone=zone,
            label=t("publish_at"),
            info=zone,
            elem_id="publish-at",
        )
    with gr.Row():
        generate = gr.Button(t("generate"), variant="primary", elem_id="generate")
        resume = gr.Button(t("resume"), visible=False, elem_id="resume")
    progress_note = gr.Markdown(elem_id="draft-progress")
    what = (brand, author, campaign_name, notice, brief, networks, variants, when)
    form = _Form(*what, generate, resume, progress_note)

    @handled
    def count(text: str, request: gr.Request) -> str:
        return tr("draft_chars", request_language(request), n=len(text or ""))

    brief.change(count, brief, brief_length, trigger_mode="always_last", show_progress="hidden")

    @handled
    def brand_changed(slug: str):
        charter = charter_of(slug)
        return gr.update(value=charter.networks if charter else []), gr.update(
            info=brand_timezone(charter)
        )

    brand.input(brand_changed, brand, [networks, when])
    return form


@handled
def remember(
    brand, author, campaign, when, networks, brief, variants, ids, brief_id, request: gr.Request
) -> dict:
    """The working context as the browser keeps it (REMEMBERED), and whose it is."""
    values = (brand, author, campaign, when, networks, brief, variants, ids, brief_id)
    return {**dict(zip(REMEMBERED, values, strict=True)), "owner": browser_owner(request)}


def default_campaign_name(lang: str) -> str:
    """This month's campaign, named in the reader's language ("Campaign 2026-11")."""
    return tr("campaign_default", lang, month=f"{datetime.now():%Y-%m}")


def build(store: Store, brands: list[str]) -> Loader:
    """The tab's components and events; returns what a page load calls."""
    context = gr.BrowserState({}, storage_key="assistant-draft-context")
    form = _form_panel(brands)
    ids = gr.State([])
    brief_id = gr.State(None)
    tick = gr.State(0)
    conflicts = gr.State({})
    kept = [form.brand, form.author, form.campaign_name, form.when, form.networks, form.brief,
            form.variants]  # fmt: skip
    remembered = [*kept, ids, brief_id]
    quiet = {"show_progress": "hidden", "trigger_mode": "always_last"}
    # the ids and the brief's id too, as drafting streams them in: a reload at any moment
    # (visuals still rendering) brings the cards back
    triggers = [c.change for c in kept] + [ids.change, brief_id.change]
    gr.on(triggers, remember, remembered, context, **quiet)
    drafting = _Drafting(store)
    asked = [form.brand, form.brief, form.networks, form.variants, form.when, form.author]
    form.generate.click(
        drafting.run,
        [*asked, form.campaign_name],
        [ids, form.progress_note, tick, brief_id, form.resume],
        show_progress="minimal",
    )
    form.resume.click(
        drafting.resume,
        [brief_id, ids, form.author],
        [ids, form.progress_note, tick, form.resume],
        show_progress="minimal",
    )
    _review_news(store, ids, tick)  # above the cards
    _cards(store, ids, tick, form.author, conflicts)
    return Loader(
        _Restore(store, brands),
        [context, form.author],
        [*remembered, form.resume, form.notice, tick],
        form,
        drafting.follow_queued,
        [brief_id],
        [ids, form.progress_note, tick, form.resume],
    )


def _cards(
    store: Store, ids: gr.State, tick: gr.State, author: gr.Textbox, conflicts: gr.State
) -> None:
    """The cards redraw when `tick` moves (and only then): every change of the ids or of a
    pending conflict comes with a new tick, so one redraw never races another."""

    @gr.render(inputs=[ids, tick, author, conflicts], triggers=[tick.change])
    @handled
    def cards(variant_ids: list[int], _tick: int, typed: str, pending: dict, request: gr.Request):
        lang = request_language(request)
        who = acting(request, typed, "author")
        for variant_id in variant_ids or []:
            typed = UNSAVED.get(request.session_hash, variant_id)
            _variant_card(store, variant_id, lang, who, tick, conflicts, pending or {}, typed)


NEWS_STATUSES = {"approved", "changes_requested", "rejected", "published"}


def _review_news(store: Store, ids: gr.State, tick: gr.State) -> None:
    """What reviewers did to the cards on screen (approved, sent back with a comment) shows
    above them within seconds. The cards redraw only when the writer asks, so an edit in
    progress is never replaced under their hands. Read only when the page's script saw the
    change marker move while the tab shows cards (`live.py`)."""
    news = gr.HTML(elem_id="review-news")
    redraw = gr.Button(t("news_redraw"), size="sm", visible=False, elem_id="review-news-redraw")
    drawn = gr.State({})
    live = live_panel("review-news")
    marker = live.marker
    shared = shared_marker(store)

    @handled
    def poll(variant_ids: list[int], known: str, before: dict, request: gr.Request):
        if not variant_ids:  # nothing on screen to bring news of: no read
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        if opaque(shared.recent()) == known:  # one read a second for every open Draft tab
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        current = opaque(shared.fresh())
        if current == known:
            return current, gr.skip(), gr.skip(), gr.skip()
        now_seen, items = _news_since(store, variant_ids, before, request_language(request))
        if not items:
            return current, {**now_seen, **before}, gr.skip(), gr.skip()
        return (
            current,
            before,
            _news_html(items, request_language(request)),
            gr.update(visible=True),
        )

    @handled
    def as_drawn(variant_ids: list[int], before: dict, request: gr.Request):
        """A redraw shows each card as stored now: that is the baseline news are measured
        from. A decision made since the last baseline is shown, not swallowed: a card's
        visuals finishing after a reviewer's decision redraw it, and taking that redraw for
        the baseline lost the decision (the writer's own "show the changes" starts afresh)."""
        known = opaque(change_marker(store)) if variant_ids else ""  # first: later is news
        seen, items = _news_since(store, variant_ids or [], before or {}, request_language(request))
        if not items:
            return seen, known, gr.skip(), gr.skip()
        html = _news_html(items, request_language(request))
        return seen, known, html, gr.update(visible=True)

    # not queued: one cached read when nothing moved, it need not wait behind drafting
    live.refresh.click(
        poll,
        [ids, marker, drawn],
        [marker, drawn, news, redraw],
        queue=False,
        show_progress="hidden",
    )
    redraw.click(
        lambda: (_next(), "", gr.update(visible=False), {}), None, [tick, news, redraw, drawn]
    )
    tick.change(as_drawn, [ids, drawn], [drawn, marker, news, redraw], show_progress="hidden")


def _news_since(
    store: Store, variant_ids: list[int], before: dict, lang: str
) -> tuple[dict, list[dict]]:
    """Each card's state now, and the news lines of the cards that moved since `before`."""
    now_seen, items = {}, []
    for variant_id in variant_ids:
        try:
            info = describe(store, variant_id)
        except NotFound:
            continue
        now_seen[str(variant_id)] = _seen(info)
        old = before.get(str(variant_id))
        if old is not None and old != now_seen[str(variant_id)]:
            items += _news_item(info, lang, commented=len(info["comments"]) > old[1])
    return now_seen, items


def _news_html(items: list[dict], lang: str) -> str:
    return render_html("review_news", title=tr("news_title", lang), items=items)


def _seen(info: dict) -> list:
    """What news are about: a variant's status and how many comments it has."""
    return [info["status"], len(info["comments"])]


def _news_item(info: dict, lang: str, commented: bool) -> list[dict]:
    """One line for a variant a reviewer moved or commented on (the writer's own sends are
    not news)."""
    comment = info["comments"][-1] if commented else None
    if info["status"] not in NEWS_STATUSES and comment is None:
        return []
    return [
        {
            "network": info["network"],
            "status": tr(f"workflow_{info['status']}", lang),
            "comment": comment["body"] if comment else "",
            "author": comment["author"] if comment else "",
        }
    ]


class _Drafting:
    """Generate and resume: save the brief first, then stream the variants in."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @handled
    async def run(
        self,
        slug,
        text,
        chosen,
        count,
        slot,
        typed,
        name,
        request: gr.Request,
        progress=gr.Progress(),
    ):
        lang = request_language(request)
        who = acting(request, typed, "author").name
        zone = brand_timezone(charter_of(slug))
        campaign_id = find_or_create_campaign(self.store, name or default_campaign_name(lang), slug)
        saved = add_brief(
            self.store,
            campaign_id,
            text or "",
            list(chosen or []),
            parse_when(slot, zone),
            who,
            variants=int(count),
            timezone=zone,
        )
        total, done = len(chosen) * int(count), []
        progress(0, desc=tr("draft_progress", lang, done=0, total=total))
        yield done, tr("draft_progress", lang, done=0, total=total), _next(), saved.id, gr.skip()
        if jobs.queued():  # team mode: the workers draft and draw, this follows the store
            await asyncio.to_thread(brief_jobs.defer_missing, self.store, saved.id, who)
            async for ids, note, resume in _from_workers(self.store, saved.id, lang, progress):
                yield ids, note, _next(), saved.id, resume
            return
        provider = make_provider()
        async for _variant, variant_id in draft_brief_async(
            self.store, saved.id, provider, who, variants=int(count)
        ):
            done = [*done, variant_id]
            note = tr("draft_progress", lang, done=len(done), total=total)
            progress(len(done) / total, desc=note)
            yield done, note, _next(), saved.id, gr.skip()
        note = tr("draft_visuals", lang, done=len(done), total=total)
        yield done, note, _next(), saved.id, gr.update(visible=False)
        try:
            await asyncio.to_thread(render_brief_visuals, self.store, saved.id, elsewhere)
        except AssistantError as exc:
            gr.Warning(tr("visuals_failed", lang, reason=str(exc)), title=tr("toast_refused", lang))
        yield (
            done,
            tr("draft_done", lang, done=len(done), total=total),
            _next(),
            saved.id,
            gr.skip(),
        )

    @handled
    async def resume(self, brief_id, variant_ids, typed, request: gr.Request):
        """Draft the variants an interrupted run never saved."""
        lang = request_language(request)
        if not brief_id:
            raise AssistantError("nothing to resume", key="nothing_to_resume")
        who = acting(request, typed, "author").name
        if jobs.queued():  # team mode: the missing units go to the workers
            await asyncio.to_thread(brief_jobs.defer_missing, self.store, brief_id, who)
            async for ids, note, resume in _from_workers(self.store, brief_id, lang):
                yield ids, note, _next(), resume
            return
        done = list(variant_ids or [])
        async for _variant, variant_id in resume_brief_async(
            self.store, brief_id, make_provider(), who
        ):
            done.append(variant_id)
            yield done, tr("draft_resumed", lang, n=len(done)), _next(), gr.skip()
        await asyncio.to_thread(render_brief_visuals, self.store, brief_id, elsewhere)
        yield done, tr("draft_resumed", lang, n=len(done)), _next(), gr.update(visible=False)

    @handled
    async def follow_queued(self, brief_id, request: gr.Request):
        """After a reload in team mode, the brief the workers are still drafting: its cards
        come in as they are saved, as if the page had never left (it defers nothing: the
        units are queued already). Anything else: nothing to follow."""
        pending = brief_id and jobs.queued()
        if pending:
            pending = await asyncio.to_thread(jobs.pending_for_brief, brief_id, self.store)
        if not pending:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        async for ids, note, resume in _from_workers(
            self.store, brief_id, request_language(request)
        ):
            yield ids, note, _next(), resume


async def _from_workers(
    store: Store, brief_id: int, lang: str, progress: Callable | None = None
) -> AsyncIterator[tuple[list[int], str, Any]]:
    """Team mode's drafting of a saved brief whose units are queued: (card ids, progress
    note, Resume button) each time the store moves. A unit that failed or a worker that is
    down ends it with a warning; the brief stays resumable."""
    async for now in brief_jobs.follow_async(store, brief_id):
        ids, total = list(now.ids), now.total
        if now.state == "drafting":
            key = "draft_visuals" if now.complete else "draft_progress"
            if progress is not None:
                progress(len(ids) / max(total, 1), desc=tr(key, lang, done=len(ids), total=total))
            # no Resume while the workers are on it: pressing it would only follow them again
            yield ids, tr(key, lang, done=len(ids), total=total), gr.update(visible=False)
        elif now.state == "done":
            if now.drawn < len(ids):  # the worker could not draw some (a photo, a font)
                missing = len(ids) - now.drawn
                gr.Warning(
                    tr("visuals_not_drawn", lang, n=missing), title=tr("toast_refused", lang)
                )
            yield ids, tr("draft_done", lang, done=len(ids), total=total), gr.update(visible=False)
        else:
            note = (
                error_text(brief_jobs.no_worker(), lang)
                if now.state == "no_worker"
                else tr("draft_units_failed", lang, done=len(ids), total=total)
            )
            gr.Warning(note, title=tr("toast_refused", lang))
            yield ids, note, gr.update(visible=not now.complete)


class _Restore:
    """After a reload: the context kept in the browser, else the author's own latest brief."""

    def __init__(self, store: Store, brands: list[str]) -> None:
        self.store, self.brands = store, brands

    @handled
    def __call__(self, kept: dict, typed: str, request: gr.Request):
        lang = request_language(request)
        kept = owned(kept, request)
        slug = kept.get("brand") if kept.get("brand") in self.brands else None
        slug = slug or (self.brands[0] if self.brands else None)
        who = acting(request, kept.get("author") or typed, "author").name
        zone = brand_timezone(charter_of(slug))
        work = self._latest(slug, who)
        ids = kept.get("ids") or []
        brief_id = kept.get("brief_id")
        if work is not None and (not kept.get("brief") or brief_id == work.brief_id):
            ids, brief_id = list(work.variant_ids), work.brief_id
        when = kept.get("when") or (
            picker_value(getattr(work, "publish_at", None), zone) if work else None
        )
        return (
            gr.update(value=slug),
            gr.update(value=who),
            _value(
                kept.get("campaign")
                or getattr(work, "campaign_name", None)
                or default_campaign_name(lang)
            ),
            gr.update(value=when, info=zone) if when else gr.update(info=zone),
            _value(kept.get("networks") or (work.networks if work else None)),
            _value(kept.get("brief") or (work.text if work else None)),
            _value(kept.get("variants") or (work.variants if work else None)),
            ids,
            brief_id,
            gr.update(visible=self._interrupted(brief_id)),
            provider_notice(lang),
            _next(),
        )

    def _latest(self, slug: str | None, who: str):
        if not slug:
            return None
        return latest_work(self.store, slug, who)

    def _interrupted(self, brief_id: int | None) -> bool:
        """Variants missing and nobody drafting them: a brief whose units wait in the
        team's queue is followed after the load instead (`follow_queued`)."""
        if not brief_id:
            return False
        try:
            missing = bool(missing_variants(self.store, brief_id))
        except NotFound:
            return False
        return missing and jobs.pending_for_brief(brief_id, self.store) == 0


def _value(value: Any):
    return gr.update(value=value) if value else gr.skip()


def _variant_card(
    store: Store,
    variant_id: int,
    lang: str,
    who: Actor,
    tick: gr.State,
    conflicts: gr.State,
    pending: dict,
    typed: tuple[int, str] | None = None,
) -> None:
    try:
        view = CardView.from_described(describe(store, variant_id))
    except NotFound:
        return
    charter = load_brand(view.brand, get_settings().brand_dir)
    clash = pending.get(str(variant_id))
    actions = _CardActions(store, view, charter, who)
    # typed over the version now stored: a save, a fix or someone else's edit drops it
    typed_text = typed[1] if typed and typed[0] == view.version and not clash else None
    shown = _as_typed(view, charter, typed_text)
    # a class, not an id: Gradio writes a group's id on two nested elements
    with gr.Group(elem_classes=["variant", f"variant-{variant_id}"]):
        card = gr.HTML(card_html(shown, charter, lang, view.text))
        if clash:
            gr.HTML(conflict_html(clash, view.text, lang))
            with gr.Row():
                keep = gr.Button(t("conflict_keep_mine"), size="sm", elem_classes=["keep-mine"])
                take = gr.Button(t("conflict_take_theirs"), size="sm", elem_classes=["take-theirs"])
        fixable = [m for m in view.matches if m.get("replacements")]
        # errors first (a changed fact among many hints must keep its one-click fix)
        fixes = sorted(fixable, key=lambda m: (SEVERITY_RANK[m["severity"]], m["offset"]))[:6]
        if fixes and not clash:
            with gr.Row(elem_classes=["fixes"]):
                for raw in fixes:
                    replacement = raw["replacements"][0]["value"]
                    original = view.text[raw["offset"] : raw["offset"] + raw["length"]]
                    label = f"{original or '¶'} → {replacement.strip() or '␣'}"[:60]
                    button = gr.Button(label, size="sm", elem_classes=["fix"])
                    fix_key = f"card-{variant_id}-fix-{raw['offset']}-{original}-{replacement}"
                    _with_visuals(
                        button.click(actions.fixer(raw, replacement), None, tick, key=fix_key),
                        actions,
                        tick,
                        fix_key,
                    )
        if not clash:
            lexicon.card_buttons(store, view, who, lang, tick)
        box = gr.Textbox(
            clash or shown.text,
            lines=4,
            label=t("edit"),
            elem_classes=["edit"],
            elem_id=f"edit-{variant_id}",
            interactive=view.status != "published",  # a published post no longer changes
            # a redraw of the same stored version (visuals arriving) keeps what is being typed
            # in the box; a new version or a conflict shown or settled gives a new box
            key=f"edit-{variant_id}-v{view.version}-{'clash' if clash else 'text'}",
        )
        with gr.Row():
            save = gr.Button(t("save"), size="sm", elem_classes=["save"])
            send = gr.Button(t("submit"), size="sm", elem_classes=["send"])
    # Every event has a key naming its card and action: an event sent from a card drawn
    # before a redraw reaches the same action of the redrawn card (never a missing handler).
    key = f"card-{variant_id}"
    # `change` as well as `input`: a paste or a restored draft re-checks at once
    gr.on(
        [box.input, box.change],
        actions.live,
        box,
        card,
        trigger_mode="always_last",
        show_progress="hidden",
        key=f"{key}-live",
    )
    steps = [(box.blur, actions.autosave, "autosave"), (save.click, actions.save, "save")]
    steps.append((send.click, actions.send, "send"))
    if clash:
        steps.append((keep.click, actions.keep_mine, "keep"))
        take.click(
            actions.take_theirs,
            conflicts,
            [tick, conflicts],
            js=f"(c) => {{ window.assistantForget?.('{variant_id}'); return c; }}",
            key=f"{key}-take",
        )
    for trigger, handler, name in steps:
        _with_visuals(
            trigger(handler, [box, conflicts], [tick, conflicts], key=f"{key}-{name}"),
            actions,
            tick,
            f"{key}-{name}",
        )


class UnsavedEdits:
    """The last text each open page typed in each card, as the live check saw it.

    The cards are redrawn from the store when visuals arrive or another card is saved; a
    card being edited is redrawn with its typed text and that text's checks, so a redraw
    never puts the saved text back over an edit (the box keeps the edit, the card would not).
    Keyed by the page's session: another person's page never sees it."""

    MAX = 2000

    def __init__(self) -> None:
        self._texts: OrderedDict[tuple[str, int], tuple[int, str]] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, session: str | None, variant_id: int, version: int, text: str) -> None:
        """`text` typed over stored `version` of the variant."""
        if not session:
            return
        with self._lock:
            self._texts[(session, variant_id)] = (version, text)
            self._texts.move_to_end((session, variant_id))
            while len(self._texts) > self.MAX:
                self._texts.popitem(last=False)

    def get(self, session: str | None, variant_id: int) -> tuple[int, str] | None:
        with self._lock:
            return self._texts.get((session or "", variant_id))


UNSAVED = UnsavedEdits()


def _as_typed(view: CardView, charter: Charter, typed_text: str | None) -> CardView:
    """The card as the page last typed it, when that differs from the saved text."""
    if not typed_text or typed_text == view.text:
        return view
    matches = soon_elsewhere(
        snapshot, typed_text, charter, view.platform, view.language, view.brief_text
    )
    return view.with_text(typed_text, matches)


def _with_visuals(event, actions: _CardActions, tick: gr.State, key: str) -> None:
    """After a change of text, redraw the card's visuals from it (in the background)."""
    event.then(actions.refresh_visuals, None, tick, show_progress="hidden", key=f"{key}-visuals")


class _CardActions:
    """The handlers of one drawn card; `view` is what the card showed when it was drawn."""

    def __init__(self, store: Store, view: CardView, charter: Charter, who: Actor) -> None:
        self.store, self.view, self.charter = store, view, charter
        self.actor = who
        self.key = str(view.id)

    @handled
    def live(self, text: str, request: gr.Request) -> str:
        """Re-check the text being typed (its facts against the brief too: a changed date shows
        before saving) and redraw the card; nothing is saved."""
        if not text:
            # a box being redrawn sends nothing: drawing that would replace the check of
            # what was typed a moment before (an emptied box keeps the last card)
            return gr.skip()
        lang = request_language(request)
        UNSAVED.keep(request.session_hash, self.view.id, self.view.version, text)
        shown = _as_typed(self.view, self.charter, text)
        return card_html(shown, self.charter, lang, self.view.text)

    @handled
    def autosave(self, text: str, pending: dict, request: gr.Request):
        """Leaving the box saves it, unless nothing changed."""
        if text == self.view.text:
            return gr.skip(), gr.skip()
        return self._store(text, pending or {}, send=False)

    @handled
    def save(self, text: str, pending: dict, request: gr.Request):
        return self._store(text, pending or {}, send=False)

    @handled
    def send(self, text: str, pending: dict, request: gr.Request):
        result = self._store(text, pending or {}, send=True)
        if self.key not in result[1]:
            lang = request_language(request)
            gr.Info(tr("sent_to_review", lang, id=self.view.id), title=tr("toast_done", lang))
        return result

    @handled
    def keep_mine(self, text: str, pending: dict, request: gr.Request):
        """Save my text over theirs: the card was redrawn from their version."""
        return self._store(text, pending or {}, send=False)

    @handled
    def take_theirs(self, pending: dict, request: gr.Request):
        return _next(), _without(pending or {}, self.key)

    def _store(self, text: str, pending: dict, send: bool):
        """Save (and send) `text`; a conflict with another text becomes a choice for the user.

        The box's blur-save and a click on Save or Send run at the same time: when the
        "other" save holds this very text, carry on from it instead of reporting a conflict."""
        version = self.view.version
        for _attempt in range(3):
            try:
                if send:
                    submit(
                        self.store, self.view.id, self.actor, text=text, expected_version=version
                    )
                    return _next(), _without(pending, self.key)
                _row, stored = save_text(self.store, self.view.id, text, self.actor, version)
                # a save of the text already stored changes nothing: no redraw, no render
                changed = stored or self.key in pending
                return (_next() if changed else gr.skip()), _without(pending, self.key)
            except ConflictError:
                theirs, version = current(self.store, self.view.id)
                if theirs != text:
                    return _next(), {**pending, self.key: text}
        raise AssistantError("this card changed; reload it", key="card_changed")

    def fixer(self, raw: dict, replacement: str) -> Callable:
        from ..proofing import Match

        @handled
        def fix(request: gr.Request) -> int:
            stored, version = current(self.store, self.view.id)
            if version != self.view.version or stored != self.view.text:
                raise AssistantError("this card changed; reload it", key="card_changed")
            match = Match.from_dict(raw)
            text, _rest = apply(self.view.text, match, replacement)
            edit(self.store, self.view.id, text, self.actor, self.view.version, "fix")
            return _next()

        return fix

    @handled
    def refresh_visuals(self, request: gr.Request):
        """Re-render this card's visuals from its current text, when they are behind it.

        Several events can ask at once (the box's blur-save and the Save click each end
        here): the first one to claim the text version renders it, the others skip."""
        info = describe(self.store, self.view.id)
        if info["visuals_current"]:
            return gr.skip()
        with RENDERS.claim(self.view.id, info["text_version"]) as mine:
            if not mine or describe(self.store, self.view.id)["visuals_current"]:
                return gr.skip()  # another event renders it, or rendered it just now
            if jobs.queued():  # team mode: a worker draws it, this replica draws nothing
                brief_jobs.rerender(self.store, self.view.id)
            else:
                render_variant_visuals(self.store, self.view.id, elsewhere)
        return _next()


class RenderClaims:
    """The renders under way, per variant and text version: one render per version however
    many events ask for it at the same time (in this process, where the UI runs)."""

    def __init__(self) -> None:
        self._running: set[tuple[int, int]] = set()
        self._lock = threading.Lock()

    @contextmanager
    def claim(self, variant_id: int, text_version: int) -> Iterator[bool]:
        """Yields True to the caller that should render, False to any other meanwhile."""
        key = (variant_id, text_version)
        with self._lock:
            mine = key not in self._running
            self._running.add(key)
        try:
            yield mine
        finally:
            if mine:
                with self._lock:
                    self._running.discard(key)


RENDERS = RenderClaims()


def _without(pending: dict, key: str) -> dict:
    return {k: v for k, v in pending.items() if k != key}


_counter = iter(range(1, 10**9))


def _next() -> int:
    """A fresh number so the cards redraw from the store."""
    return next(_counter)
