"""Charte / Brand tab: the charter shown readably, and validation of an uploaded one.

An uploaded charter names its font and logo relative to the brand folder (as the shipped
ones do: `trailforge/logo.png`), so it is checked in a staging folder that sees the
configured brand folder's sub-folders: the shipped examples pass, a path leaving the brand
folder is refused. Errors name the uploaded file and the field, never a server path.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import gradio as gr

from ..core.charter import Charter, load_brand, load_charter
from ..core.errors import AssistantError, CharterError
from ..core.limits import limits
from ..core.platforms import get_platform
from ..core.settings import get_settings
from .boundary import handled
from .cards import logo_data_uri
from .i18n import error_text, request_language, t, tr
from .templates import render_html

LABELS = [
    "logo",
    "languages",
    "tone",
    "address",
    "typography",
    "do",
    "dont",
    "substitutions",
    "forbidden",
    "accepted",
    "hashtags",
    "hashtags_max",
    "emoji",
    "signature",
    "cta",
    "legal",
    "colours",
    "font",
    "networks",
    "review",
]


def charter_html(charter: Charter, lang: str) -> str:
    """The charter as the Brand tab shows it, labels in the reader's language."""
    review = charter.review
    policy = tr(
        "charter_review_policy",
        lang,
        spacing=review.min_spacing_minutes,
        self=tr("charter_allowed" if review.allow_self_approval else "charter_refused", lang),
    ) + (tr("charter_review_daily", lang) if review.posts_per_day else "")
    emoji = (
        tr("charter_emoji_yes", lang, max=charter.emoji.max)
        if charter.emoji.allowed
        else tr("charter_emoji_no", lang)
    )
    return render_html(
        "charter",
        c=charter,
        logo=logo_data_uri(str(charter.logo_path)),
        labels={k: tr(f"charter_{k}", lang) for k in LABELS},
        address=tr(f"charter_address_{charter.voice.address}", lang),
        typography=tr(f"charter_typography_{charter.typography}", lang),
        emoji=emoji,
        colours=list(charter.visual.colors.model_dump().items()),
        networks=[get_platform(n).name for n in charter.networks],
        review=policy,
    )


def _scrub(text: str, *paths: Path) -> str:
    """Server paths out of a message: the staging folder goes, the brand folder keeps its name."""
    for path in paths:
        for form in {str(path), str(path.resolve())}:
            text = text.replace(form + "/", "").replace(form, path.name)
    return text


def validate_charter_file(path: str | Path, lang: str) -> str:
    """Check an uploaded charter against the configured brand folder; the verdict as HTML."""
    upload = Path(path)
    name = upload.name
    size = upload.stat().st_size
    bound = limits().upload_bytes
    if size > bound:
        return _verdict(
            lang,
            name,
            problem=tr("charter_too_big", lang, size=size, limit=bound),
            fix=tr("charter_fix_size", lang),
        )
    brand_dir = Path(get_settings().brand_dir).resolve()
    with tempfile.TemporaryDirectory(prefix="charter-") as folder:
        stage = Path(folder)
        staged = stage / name
        shutil.copyfile(upload, staged)
        for entry in brand_dir.iterdir():
            if entry.is_dir():
                (stage / entry.name).symlink_to(entry, target_is_directory=True)
        try:
            charter = load_charter(staged, brand_root=brand_dir)
        except CharterError as exc:
            field, problem, fix = exc.worded(lang)
            return _verdict(
                lang,
                name,
                field=field,
                problem=_scrub(problem, stage, brand_dir),
                fix=_scrub(fix, stage, brand_dir),
            )
        except AssistantError as exc:
            return _verdict(lang, name, problem=_scrub(error_text(exc, lang), stage, brand_dir))
    return _verdict(
        lang, name, ok=True, problem=tr("charter_valid_detail", lang, name=charter.name)
    )


def _verdict(
    lang: str, file: str, *, ok: bool = False, field: str = "", problem: str = "", fix: str = ""
) -> str:
    return render_html(
        "charter_verdict",
        kind="ok" if ok else "refused",
        title=tr("charter_valid" if ok else "charter_invalid", lang),
        file=file,
        field=field,
        field_label=tr("charter_field", lang),
        problem=problem,
        fix=fix,
    )


def build(brands: list[str], tab: gr.Tab | None = None) -> gr.Dropdown:
    chooser = gr.Dropdown(
        brands, value=brands[0] if brands else None, label=t("brand"), elem_id="brand-chooser"
    )
    shown = gr.HTML(elem_id="charter")
    upload = gr.File(
        label=t("upload_charter"),
        file_types=[".yaml", ".yml"],
        type="filepath",
        elem_id="charter-upload",
    )
    verdict = gr.HTML(elem_id="charter-verdict")

    @handled
    def show(slug: str | None, request: gr.Request) -> str:
        if not slug:
            return ""
        return charter_html(load_brand(slug, get_settings().brand_dir), request_language(request))

    @handled
    def validate(path: str | None, request: gr.Request) -> tuple[str, None]:
        """The verdict stays; the drop zone is emptied, ready for the next file."""
        return (validate_charter_file(path, request_language(request)) if path else ""), None

    chooser.change(show, chooser, shown, concurrency_limit=None)
    if tab is not None:
        tab.select(show, chooser, shown, concurrency_limit=None, show_progress="hidden")
    upload.upload(validate, upload, [verdict, upload], concurrency_limit=2)
    return chooser
