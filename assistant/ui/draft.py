"""Rédiger / Draft tab: brief in, one card per network as each variant completes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import gradio as gr

from ..campaign import (
    add_brief,
    draft_brief_async,
    find_or_create_campaign,
    latest_work,
    parse_when,
    render_brief_visuals,
)
from ..charter import load_brand
from ..errors import AssistantError
from ..llm import make_provider, provider_status
from ..platforms import all_platforms, measure
from ..proofing import Match, apply, check_text
from ..review import Actor, describe, edit, submit
from ..settings import get_settings
from ..store import Store
from .cards import card_html
from .i18n import t
from .identity import acting


def default_slot() -> str:
    tomorrow = datetime.now(ZoneInfo("Europe/Paris")) + timedelta(days=1)
    return tomorrow.replace(hour=10, minute=0, second=0, microsecond=0).isoformat()


def _match_from_dict(raw: dict) -> Match:
    return Match(
        offset=raw["offset"],
        length=raw["length"],
        message=raw["message"],
        rule_id=raw["rule"]["id"],
        category=raw["rule"]["category"]["id"],
        severity=raw["severity"],
        source=raw["source"],
        replacements=tuple(r["value"] for r in raw["replacements"]),
    )


def build(store: Store, brands: list[str]) -> tuple[gr.Dropdown, Callable, list]:
    """The tab's components and events; returns the brand picker, and what a page load calls
    (with its outputs) to bring back the work in progress."""
    with gr.Row():
        brand = gr.Dropdown(brands, value=brands[0] if brands else None, label=t("brand"))
        author = gr.Textbox("cm", label=t("author"))
        campaign_name = gr.Textbox(f"Campagne {datetime.now():%Y-%m}", label=t("campaign"))
    gr.Markdown(provider_status(), elem_id="provider-status")
    brief = gr.Textbox(lines=5, label=t("brief"), elem_id="brief")
    brief_length = gr.Markdown("0", elem_id="brief-length")
    first = load_brand(brands[0], get_settings().brand_dir) if brands else None
    networks = gr.CheckboxGroup(
        [(p.name, p.id) for p in all_platforms().values()],
        value=first.networks if first else [],
        label=t("networks"),
        elem_id="networks",
    )
    with gr.Row():
        variants = gr.Slider(1, 3, value=1, step=1, label=t("variants"))
        when = gr.Textbox(default_slot(), label=t("publish_at"))
    generate = gr.Button(t("generate"), variant="primary", elem_id="generate")
    progress_note = gr.Markdown(elem_id="draft-progress")
    ids = gr.State([])
    tick = gr.State(0)

    brief.change(
        lambda text: f"{len(text)} caractères / characters",
        brief,
        brief_length,
        trigger_mode="always_last",
        show_progress="hidden",
    )
    brand.change(
        lambda slug: gr.update(value=load_brand(slug, get_settings().brand_dir).networks),
        brand,
        networks,
    )

    async def run(
        slug, text, chosen, count, slot, typed, name, request: gr.Request, progress=gr.Progress()
    ):
        who = acting(request, typed, "author").name
        if not text or not text.strip():
            raise gr.Error("Écrivez un message / write a brief first.")
        if not chosen:
            raise gr.Error("Choisissez au moins un réseau / tick at least one network.")
        try:
            campaign_id = find_or_create_campaign(store, name or "Campagne", slug)
            saved = add_brief(store, campaign_id, text.strip(), list(chosen), parse_when(slot), who)
            provider = make_provider()
        except AssistantError as exc:
            raise gr.Error(str(exc)) from None
        total, done = len(chosen) * int(count), []
        progress(0, desc="drafting")
        yield done, f"0 / {total}", gr.skip()
        async for _variant, variant_id in draft_brief_async(
            store, saved.id, provider, who, int(count)
        ):
            done = [*done, variant_id]
            progress(len(done) / total, desc=f"{len(done)} / {total}")
            yield done, f"{len(done)} / {total}", gr.skip()
        try:
            await asyncio.to_thread(render_brief_visuals, store, saved.id)
        except AssistantError as exc:
            gr.Warning(f"Visuels / visuals: {exc}")
        # same ids, so a new tick is what makes the cards redraw with their images
        yield done, f"{total} / {total} · visuels prêts / visuals ready", _next()

    generate.click(
        run,
        [brand, brief, networks, variants, when, author, campaign_name],
        [ids, progress_note, tick],
        show_progress="minimal",
    )

    @gr.render(inputs=[ids, tick, author])
    def cards(variant_ids: list[int], _tick: int, typed: str, request: gr.Request) -> None:
        who = acting(request, typed, "author").name
        for variant_id in variant_ids:
            _variant_card(store, variant_id, tick, who)

    def restore(slug: str):
        """After a reload: the last brief, its networks and its cards, from the store."""
        work = latest_work(store, slug) if slug else None
        if work is None:
            return gr.skip(), gr.skip(), []
        return work.text, work.networks, work.variant_ids

    return brand, restore, [brief, networks, ids]


def _variant_card(store: Store, variant_id: int, tick: gr.State, who: str) -> None:
    info = describe(store, variant_id)
    charter = load_brand(info["brand"], get_settings().brand_dir)
    length = measure(info["text"], info["platform"]).length
    with gr.Group(elem_classes=["variant"]):
        card = gr.HTML(card_html(info, charter, length))
        if info["images"]:
            gr.Gallery(
                [
                    (path, f"{Path(path).stem.rsplit('-', 2)[-2]} · {info['alt_text']}")
                    for path in info["images"]
                ],
                columns=len(info["images"]),
                height=220,
                object_fit="contain",
                label=f"Visuels · alt : {info['alt_text']}",
                elem_classes=["visuals"],
            )
        fixes = [m for m in info["matches"] if m["replacements"]][:6]
        if fixes:
            with gr.Row():
                for raw in fixes:
                    replacement = raw["replacements"][0]["value"]
                    original = info["text"][raw["offset"] : raw["offset"] + raw["length"]]
                    label = f"{original or '¶'} → {replacement.strip() or '␣'}"[:60]
                    button = gr.Button(label, size="sm", elem_classes=["fix"])
                    button.click(_fixer(store, info, raw, replacement, who), None, tick)
        box = gr.Textbox(
            info["text"], lines=4, label=t("edit"), elem_classes=["edit"], interactive=True
        )
        with gr.Row():
            save = gr.Button(t("save"), size="sm")
            send = gr.Button(t("submit"), size="sm", elem_classes=["send"])
        box.input(
            _live_check(info, charter),
            box,
            card,
            trigger_mode="always_last",
            show_progress="hidden",
        )
        save.click(_saver(store, info, who), [box, tick], tick)
        box.blur(_saver(store, info, who, only_if_changed=True), [box, tick], tick)
        send.click(_sender(store, info, who), tick, tick)


def _live_check(info: dict, charter):
    """Re-check the text being typed and redraw the card; nothing is saved until Save."""

    def live(text: str) -> str:
        matches = [
            m.to_dict()
            for m in check_text(text, info["language"], charter, info["platform"]).matches
        ]
        errors = sum(m["severity"] == "error" for m in matches)
        draft = {**info, "text": text, "matches": matches, "errors": errors}
        return card_html(draft, charter, measure(text, info["platform"]).length)

    return live


def _fixer(store: Store, info: dict, raw: dict, replacement: str, who: str):
    def fix() -> int:
        text, _rest = apply(info["text"], _match_from_dict(raw), replacement)
        try:
            edit(store, info["id"], text, Actor(who or "cm", "author"), info["version"], "fix")
        except AssistantError as exc:
            raise gr.Error(str(exc)) from None
        return _next()

    return fix


def _saver(store: Store, info: dict, who: str, only_if_changed: bool = False):
    def save(text: str, current_tick: int):
        if only_if_changed and text == info["text"]:
            return gr.skip()
        try:
            edit(store, info["id"], text, Actor(who or "cm", "author"), info["version"])
        except AssistantError as exc:
            raise gr.Error(str(exc)) from None
        return _next()

    return save


def _sender(store: Store, info: dict, who: str):
    def send(current_tick: int) -> int:
        try:
            submit(store, info["id"], Actor(who or "cm", "author"))
        except AssistantError as exc:
            raise gr.Error(str(exc)) from None
        gr.Info(f"variant {info['id']} → in_review")
        return _next()

    return send


_counter = iter(range(1, 10**9))


def _next() -> int:
    """A fresh number so the render sees a changed state after a fix."""
    return next(_counter)
