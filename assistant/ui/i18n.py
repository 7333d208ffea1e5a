"""UI strings in French and English, read from `data/ui/*.yaml` (one file per tab, keys unique
across files). Labels go through Gradio's I18n (the browser's language); messages built on
the server (toasts, errors, card text) through `tr()` with the request's language."""

from __future__ import annotations

from functools import cache
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any

import gradio as gr
import yaml

from ..core.errors import AssistantError, CharterError
from ..proofing.rules import fill

UI_DIR = Path(__file__).resolve().parent.parent / "data" / "ui"
LANGUAGES = ("en", "fr")


@cache
def table() -> dict[str, dict[str, str]]:
    """key -> {language: text}, merged from every file; a key defined twice is an error."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(UI_DIR.glob("*.yaml")):
        for key, texts in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if key in merged:
                raise ValueError(f"{path.name}: UI string {key!r} is already defined elsewhere")
            merged[key] = texts
    return merged


def strings(lang: str) -> dict[str, str]:
    return {key: texts[lang] for key, texts in table().items()}


I18N = gr.I18n(**{lang: strings(lang) for lang in LANGUAGES})


def t(key: str) -> object:
    """A translatable label (translated in the browser)."""
    return I18N(key)


LANG_COOKIE = "assistant-lang"


def chosen_language(cookie_header: str) -> str | None:
    """The language the reader chose with the page's FR/EN switch (a cookie), if any."""
    cookies = SimpleCookie()
    try:
        cookies.load(cookie_header)
    except CookieError:
        return None
    chosen = cookies.get(LANG_COOKIE)
    return chosen.value if chosen is not None and chosen.value in LANGUAGES else None


def request_language(request: gr.Request | None) -> str:
    """fr or en: the reader's choice on the page's switch (remembered in a cookie), else the
    browser's Accept-Language (first supported one), else fr."""
    headers = (getattr(request, "headers", None) or {}) if request is not None else {}
    chosen = chosen_language(headers.get("cookie", ""))
    if chosen:
        return chosen
    header = headers.get("accept-language", "")
    for part in header.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "fr"


def tr(key: str, lang: str, **params: Any) -> str:
    """A server-built message in one language, `{placeholders}` filled in."""
    texts = table()[key]
    return fill(texts.get(lang) or texts["en"], lang, **params)


STATUS_PARAMS = ("status", "to")


def error_text(exc: AssistantError, lang: str) -> str:
    """An error in the reader's language when it has a key we word, else its own message;
    a workflow status named in it ("in_review") is worded too ("en relecture"); a charter
    problem is worded in the reader's language with its file's name."""
    if isinstance(exc, CharterError):
        field, problem, fix = exc.worded(lang)
        where = f"{exc.path}: {field}" if field else exc.path
        return f"{where}: {problem}" + (f" {fix}" if fix else "")
    if exc.key and exc.key in table():
        try:
            return tr(exc.key, lang, **_worded_statuses(exc.key, exc.params, lang))
        except (KeyError, IndexError):
            pass
    return str(exc)


def _worded_statuses(key: str, params: dict, lang: str) -> dict:
    prefix = "inbox_" if key.startswith("reply_") else "workflow_"
    worded = dict(params)
    for name in STATUS_PARAMS:
        value = params.get(name)
        if isinstance(value, str) and f"{prefix}{value}" in table():
            worded[name] = tr(f"{prefix}{value}", lang)
    return worded
