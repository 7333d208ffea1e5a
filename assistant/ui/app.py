"""The Blocks app: four tabs over one store; brand errors are shown, not fatal."""

from __future__ import annotations

import gradio as gr

from ..charter import load_all
from ..settings import get_settings
from ..store import Store, open_store
from . import brand, campaign, draft, review
from .i18n import I18N, t
from .live import follow_tabs
from .templates import stylesheet


def build_app(store: Store | None = None) -> gr.Blocks:
    store = store or open_store()
    good, bad = load_all(get_settings().brand_dir)
    slugs = [c.slug for c in good]
    with gr.Blocks(title="Assistant éditorial / Editorial assistant") as app:
        gr.Markdown(t("title"), elem_id="app-title")
        for error in bad:
            gr.Markdown(f"⚠️ Charte invalide / broken charter: `{error}`")
        with gr.Tabs(overflow_behavior="wrap"):  # on a phone every tab stays one tap away
            with gr.Tab(t("tab_draft"), elem_id="tab-draft") as draft_tab:
                brand_picker, restore, restored = draft.build(store, slugs)
            with gr.Tab(t("tab_review"), elem_id="tab-review") as review_tab:
                review_timer = review.build(store, review_tab)
            with gr.Tab(t("tab_campaign"), elem_id="tab-campaign") as campaign_tab:
                campaign_timer = campaign.build(store, campaign_tab)
            with gr.Tab(t("tab_brand"), elem_id="tab-brand") as brand_tab:
                brand.build(slugs, brand_tab)
        follow_tabs(
            [
                (draft_tab, None),
                (review_tab, review_timer),
                (campaign_tab, campaign_timer),
                (brand_tab, None),
            ]
        )
        app.load(restore, brand_picker, restored)
    return app


def launch_options() -> dict:
    """Theme, CSS and translations, passed to launch() as Gradio 6 wants."""
    data = get_settings().data_dir
    data.mkdir(parents=True, exist_ok=True)
    return {
        "css": stylesheet(),
        "i18n": I18N,
        "theme": gr.themes.Soft(),
        "allowed_paths": [str(data)],
    }
