"""The Campaign tab's client approval links: create one (its address shown once, to copy),
list them with their status (sent, opened, decided, expired, revoked), revoke one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import gradio as gr
import pandas as pd

from ..core.charter import load_brand
from ..core.clock import reader_time
from ..core.errors import AssistantError, InputError
from ..core.html import plain_prefix
from ..core.settings import get_settings
from ..core.store import Store
from ..publishing import client_links
from ..publishing.campaign import brand_timezone, find_campaign
from .boundary import handled, refusal
from .i18n import error_text, request_language, t, tr
from .identity import acting

READS = {"concurrency_limit": None, "show_progress": "minimal"}


def base_url(request: gr.Request | None) -> str | None:
    """Where the client reaches this app: `ASSISTANT_PUBLIC_URL`, else the address the
    person creating the link used (a proxy's forwarded host, scheme and path first)."""
    if get_settings().public_url:
        return None  # the library uses it
    headers = getattr(request, "headers", None) or {}
    host = headers.get("x-forwarded-host") or headers.get("host")
    scheme = headers.get("x-forwarded-proto") or "http"
    prefix = plain_prefix(headers.get("x-forwarded-prefix") or "")
    return f"{scheme}://{host}{prefix}" if host else None


def campaign_zone(store: Store, campaign_id: int) -> str:
    """The brand's zone: expiry times are read where the brand works."""
    slug = find_campaign(store, campaign_id)["brand"]
    return brand_timezone(load_brand(slug, get_settings().brand_dir))


def links_frame(store: Store, campaign_id: Any, lang: str) -> pd.DataFrame:
    columns = [tr(f"links_col_{c}", lang) for c in ("id", "label", "status", "expires", "variants")]
    if not campaign_id:
        return pd.DataFrame([], columns=columns)
    zone = campaign_zone(store, int(campaign_id))
    rows = [
        [
            link["id"],
            link["label"],
            tr(f"link_status_{link['status']}", lang),
            reader_time(datetime.fromisoformat(link["expires_at"]), zone, lang),
            ", ".join(f"#{v['variant_id']} v{v['version']}" for v in link["variants"]),
        ]
        for link in client_links.list_links(store, int(campaign_id))
    ]
    return pd.DataFrame(rows, columns=columns)


def _variant_ids(text: str) -> list[int] | None:
    parts = [p.strip() for p in (text or "").replace(";", ",").split(",") if p.strip()]
    if not parts:
        return None
    if not all(p.isdigit() for p in parts):
        raise InputError(
            f"“{text}”: variant ids are numbers separated by commas.",
            key="link_bad_ids",
            value=text,
        )
    return [int(p) for p in parts]


def build(store: Store, chooser: gr.Dropdown, tab: gr.Tab | None) -> None:
    """The panel, under the calendar's campaign chooser."""
    with gr.Accordion(t("links_title"), open=False, elem_id="client-links"):
        gr.Markdown(t("links_hint"), elem_classes=["hint"])
        with gr.Row():
            variants = gr.Textbox("", label=t("links_variants"), elem_id="link-variants")
            expires = gr.Textbox("7d", label=t("links_expires"), elem_id="link-expires")
            label = gr.Textbox("", label=t("links_label"), elem_id="link-label")
            password = gr.Textbox(
                "", label=t("links_password"), type="password", elem_id="link-password"
            )
        create = gr.Button(t("links_create"), variant="primary", elem_id="link-create")
        url = gr.Textbox(
            "", label=t("links_url"), interactive=False, buttons=["copy"], elem_id="link-url"
        )
        table = gr.Dataframe(interactive=False, wrap=True, elem_id="links-table")
        with gr.Row():
            link_id = gr.Number(None, label=t("links_id"), precision=0, elem_id="link-id")
            revoke = gr.Button(t("links_revoke"), variant="stop", elem_id="link-revoke", scale=0)

    @handled
    def listing(campaign_id: Any, request: gr.Request):
        return links_frame(store, campaign_id, request_language(request))

    @handled
    def make(
        campaign_id: Any, ids: str, duration: str, name: str, secret: str, request: gr.Request
    ):
        lang = request_language(request)
        if not campaign_id:
            return refusal(tr("choose_campaign", lang), lang, 3)
        try:
            made = client_links.create_link(
                store,
                int(campaign_id),
                acting(request, "", "author"),
                variant_ids=_variant_ids(ids),
                expires=duration or None,
                label=name or "client",
                password=secret or None,
                base_url=base_url(request),
            )
        except AssistantError as exc:
            return refusal(error_text(exc, lang), lang, 3)
        when = reader_time(made.expires_at, campaign_zone(store, int(campaign_id)), lang)
        gr.Info(tr("links_created", lang, id=made.id, when=when), title=tr("toast_done", lang))
        return made.url, links_frame(store, campaign_id, lang), ""

    @handled
    def withdraw(campaign_id: Any, which: Any, request: gr.Request):
        lang = request_language(request)
        try:
            client_links.revoke_link(store, int(which or 0), acting(request, "", "author"))
        except AssistantError as exc:
            gr.Warning(error_text(exc, lang), title=tr("toast_refused", lang))
            return gr.skip()
        gr.Info(tr("links_revoked", lang, id=int(which)), title=tr("toast_done", lang))
        return links_frame(store, campaign_id, lang)

    create.click(
        make, [chooser, variants, expires, label, password], [url, table, password],
        concurrency_limit=2,
    )  # fmt: skip
    revoke.click(withdraw, [chooser, link_id], table, concurrency_limit=2)
    chooser.change(listing, chooser, table, **READS)
    if tab is not None:
        tab.select(listing, chooser, table, **READS)
