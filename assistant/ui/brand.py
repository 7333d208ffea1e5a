"""Charte / Brand tab: the charter shown readably, and validation of an uploaded one."""

from __future__ import annotations

import html

import gradio as gr

from ..charter import Charter, load_brand, load_charter
from ..errors import CharterError
from ..settings import get_settings
from .cards import logo_data_uri
from .i18n import t


def charter_html(charter: Charter) -> str:
    c = charter.visual.colors
    swatches = "".join(
        f'<span class="swatch" style="background:{v}" title="{k} {v}"></span>'
        for k, v in c.model_dump().items()
    )
    subs = "".join(
        f"<li>{html.escape(a)} → {html.escape(b)}</li>"
        for a, b in charter.vocabulary.substitutions.items()
    )
    legal = "".join(f"<li>{html.escape(m.text)}</li>" for m in charter.legal)
    return (
        f'<img src="{logo_data_uri(str(charter.logo_path))}" width=72 alt="logo">'
        f"<h3>{html.escape(charter.name)}</h3><p>{html.escape(charter.description)}</p>"
        f"<p><b>Voice:</b> {html.escape(', '.join(charter.voice.tone))} · "
        f"<b>address:</b> {charter.voice.address} · <b>typography:</b> {charter.typography}</p>"
        f"<p><b>Do:</b> {html.escape('; '.join(charter.voice.do))}</p>"
        f"<p><b>Don't:</b> {html.escape('; '.join(charter.voice.dont))}</p>"
        f"<p><b>Substitutions:</b></p><ul>{subs}</ul>"
        f"<p><b>Forbidden:</b> {html.escape(', '.join(charter.vocabulary.forbidden))}</p>"
        f"<p><b>Accepted words:</b> {html.escape(', '.join(charter.vocabulary.accepted))}</p>"
        f"<p><b>Hashtags:</b> {html.escape(' '.join(charter.hashtags.brand))}</p>"
        f"<p><b>Legal:</b></p><ul>{legal}</ul>"
        f"<p><b>Colours:</b></p>{swatches}"
        f"<p><b>Font:</b> {html.escape(charter.visual.font)} "
        f"({html.escape(charter.visual.font_license)})</p>"
        f"<p><b>Networks:</b> {', '.join(charter.networks)}</p>"
    )


def validate_upload(path: str | None) -> str:
    if not path:
        return ""
    try:
        charter = load_charter(path)
    except CharterError as exc:
        return f"❌ {exc}"
    return f"✅ {charter.name}: valid."


def build(brands: list[str]) -> gr.Dropdown:
    chooser = gr.Dropdown(brands, value=brands[0] if brands else None, label=t("brand"))
    shown = gr.HTML(_show(brands[0]) if brands else "", elem_id="charter")
    chooser.change(_show, chooser, shown)
    upload = gr.File(label=t("upload_charter"), file_types=[".yaml", ".yml"], type="filepath")
    verdict = gr.Markdown(elem_id="charter-verdict")
    upload.change(validate_upload, upload, verdict)
    return chooser


def _show(slug: str) -> str:
    return charter_html(load_brand(slug, get_settings().brand_dir)) if slug else ""
