"""The Blocks app: five tabs over one store; brand errors are shown, not fatal."""

from __future__ import annotations

import json
from pathlib import Path

import gradio as gr
from starlette.middleware import Middleware

from ..core.charter import load_all
from ..core.limits import limits
from ..core.logfile import setup_logging
from ..core.settings import get_settings
from ..core.store import Store, open_store
from . import audit, brand, campaign, draft, overheads, replies, review
from .first_script import FirstScript
from .i18n import I18N, LANGUAGES, request_language, t, tr
from .identity import NAME_FIELDS, ROLE_FIELDS, locked_identity, login_configured
from .live import script_settings
from .page_cache import PageCache
from .templates import UI_DIR, render_html, stylesheet


def build_app(store: Store | None = None) -> gr.Blocks:
    setup_logging()
    overheads.trim()
    store = store or open_store()
    good, bad = load_all(get_settings().brand_dir)
    slugs = [c.slug for c in good]
    with gr.Blocks(title="Assistant éditorial / Editorial assistant") as app:
        with gr.Row(elem_id="app-head"):
            gr.Markdown(t("title"), elem_id="app-title")
            bar = gr.HTML(render_page_bar("fr", None), elem_id="page-bar")
        for error in bad:
            gr.Textbox(str(error), label=t("broken_charter"), interactive=False)
        replies_work = replies.work_state()  # outside the tabs: read back at load
        with gr.Tabs(overflow_behavior="wrap") as tabs:  # on a phone every tab stays one tap away
            with gr.Tab(t("tab_draft"), elem_id="tab-draft", id="draft"):
                on_load = draft.build(store, slugs)
            with gr.Tab(t("tab_review"), elem_id="tab-review") as review_tab:
                review.build(store, review_tab)
            with gr.Tab(t("tab_campaign"), elem_id="tab-campaign") as campaign_tab:
                campaign.build(store, campaign_tab)
            with gr.Tab(t("tab_replies"), elem_id="tab-replies", id="replies") as replies_tab:
                replies_load = replies.build(store, slugs, replies_tab, tabs, replies_work)
            with gr.Tab(t("tab_brand"), elem_id="tab-brand") as brand_tab:
                brand.build(slugs, brand_tab)
            with gr.Tab(t("tab_audit"), elem_id="tab-audit") as audit_tab:
                audit.build(store, slugs, tabs, on_load.form, audit_tab)
        # a page load is a cheap read: it never waits behind drafting or decisions
        app.load(page_bar, None, bar, concurrency_limit=None, show_progress="hidden")
        if login_configured():  # with a login, who acts is shown and locked
            by_id = {getattr(b, "elem_id", None): b for b in app.blocks.values()}
            identity = [by_id[i] for i in (*NAME_FIELDS, *ROLE_FIELDS)]
            app.load(
                locked_identity, None, identity, concurrency_limit=None, show_progress="hidden"
            )
        app.load(on_load.fn, on_load.inputs, on_load.outputs, concurrency_limit=None).then(
            on_load.then,
            on_load.then_inputs,
            on_load.then_outputs,
            concurrency_limit=None,  # waits hold no thread: see brief_jobs.follow_async
            show_progress="hidden",
        )
        app.load(
            replies_load.fn, replies_load.inputs, replies_load.outputs, concurrency_limit=None
        ).then(None, replies_load.then_inputs, None, js=replies_load.then)
    return app


def render_page_bar(lang: str, user: str | None) -> str:
    return render_html(
        "page_bar",
        lang=lang,
        user=user,
        switch_label=tr("language_switch", lang),
        logout=tr("logout", lang, name=user or ""),
        logout_url="logout",
    )


def page_bar(request: gr.Request) -> str:
    """The language switch in the reader's language, and a way out for whoever logged in."""
    return render_page_bar(request_language(request), getattr(request, "username", None))


def page_script() -> str:
    """The page's scripts as the one function Gradio runs at load, the notification titles
    of every language given to the language script."""
    titles = {
        lang: {level: tr(key, lang) for level, key in TOAST_TITLES.items()} for lang in LANGUAGES
    }
    language = (UI_DIR / "scripts" / "language.js").read_text(encoding="utf-8")
    language = language.replace("__TOAST_TITLES__", json.dumps(titles, ensure_ascii=False))
    parts = [(UI_DIR / "scripts" / f"{name}.js").read_text(encoding="utf-8").strip()
             for name in ("draft", "when", "live")]  # fmt: skip
    parts[-1] = parts[-1].replace("__LIVE__", json.dumps(script_settings()))
    return "() => { " + " ".join(f"({part})();" for part in [*parts, language.strip()]) + " }"


# Gradio titles a notification with its level in English whatever title it is given; the
# page's script shows the title the app gives each level: gr.Info says something was done,
# gr.Warning that it was refused.
TOAST_TITLES = {
    "info": "toast_done",
    "success": "toast_done",
    "warning": "toast_refused",
    "error": "toast_error",
}


def visuals_dir() -> Path:
    return get_settings().data_dir / "visuals"


def private_paths() -> list[str]:
    """What must never be served even by mistake: the data folder's database and its journal,
    wherever the database lives, and the logs."""
    settings = get_settings()
    url = settings.database_url()
    paths = [settings.data_dir / "assistant.db", settings.data_dir / "logs"]
    if url.startswith("sqlite:///"):
        paths.append(Path(url.removeprefix("sqlite:///")))
    found = []
    for path in paths:
        found += [str(path), f"{path}-wal", f"{path}-shm", f"{path}-journal"]
    return found


def launch_options() -> dict:
    """Theme, CSS, translations and the one folder served: rendered visuals (images are shown
    from their files there, so nothing is copied per render)."""
    visuals_dir().mkdir(parents=True, exist_ok=True)
    return {
        "css": stylesheet(),
        "i18n": I18N,
        "theme": gr.themes.Soft(),
        "allowed_paths": [str(visuals_dir())],
        "blocked_paths": private_paths(),
        "js": page_script(),
        # Gradio's own footer ("Use via API", "Runs") is English-only and not this tool's
        # interface: the scriptable interface is the CLI
        "footer_links": [],
        # above every worded bound: each tab checks its own and words the refusal
        "max_file_size": limits().upload_ceiling_bytes,
        # the reader's language first, outside the page cache (which keeps Gradio's page as is)
        "app_kwargs": {"middleware": [Middleware(FirstScript), Middleware(PageCache)]},
    }
