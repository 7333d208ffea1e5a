"""A variant card imitating a network post: avatar, text with highlighted matches, the
"see more" cut, a coloured counter, the visuals from their served files, and under it the
list of mistakes (readable without a mouse). HTML only through `templates/card.html.j2`."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from PIL import Image

from ..core.charter import Charter
from ..core.platforms import fold_index, get_platform, measure
from ..proofing.match import worded
from .i18n import tr
from .templates import render_html

SEVERITY_CLASS = {"error": "m-error", "warning": "m-warning", "info": "m-info"}


@dataclass(frozen=True)
class CardView:
    """What one card shows of a stored variant (a snapshot taken when the card was drawn)."""

    id: int
    platform: str
    status: str
    text: str
    version: int
    brand: str
    language: str
    brief_id: int
    matches: list[dict[str, Any]]
    errors: int
    images: list[str] = field(default_factory=list)
    alt_text: str = ""
    draft_status: str = "ok"
    error: str | None = None
    cut: str | None = None
    visuals_current: bool = True
    timezone: str = ""
    publish_at: datetime | None = None
    brief_text: str = ""

    @classmethod
    def from_described(cls, info: dict[str, Any]) -> CardView:
        """From `review.describe`."""
        return cls(
            id=info["id"],
            platform=info["platform"],
            status=info["status"],
            text=info["text"],
            version=info["version"],
            brand=info["brand"],
            language=info["language"],
            brief_id=info["brief_id"],
            matches=list(info["matches"] or []),
            errors=info["errors"],
            images=list(info["images"] or []),
            alt_text=info["alt_text"] or "",
            draft_status=info["draft_status"] or "ok",
            error=info["error"],
            cut=info["cut"],
            visuals_current=info["visuals_current"],
            timezone=info["timezone"] or "",
            publish_at=info["publish_at"],
            brief_text=info["brief_text"] or "",
        )

    def with_text(self, text: str, matches: list[dict[str, Any]]) -> CardView:
        """The same card showing a text being typed (nothing saved)."""
        errors = sum(m["severity"] == "error" for m in matches)
        return replace(self, text=text, matches=matches, errors=errors)


@lru_cache(maxsize=16)
def logo_data_uri(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return "data:image/png;base64," + base64.b64encode(handle.read()).decode()
    except OSError:
        return ""


def segments(text: str, matches: list[dict[str, Any]], lang: str = "fr") -> list[dict[str, Any]]:
    """The text cut into plain pieces and matched pieces (with their severity class)."""
    pieces, cursor = [], 0
    for match in sorted(matches, key=lambda m: m["offset"]):
        start, end = match["offset"], match["offset"] + match["length"]
        if start < cursor or end <= start:
            continue
        pieces.append({"text": text[cursor:start]})
        pieces.append(
            {
                "text": text[start:end],
                "css": SEVERITY_CLASS.get(match["severity"], "m-info"),
                "message": worded(match, lang),
            }
        )
        cursor = end
    pieces.append({"text": text[cursor:]})
    return [p for p in pieces if p["text"]]


def explanations(
    text: str, matches: list[dict[str, Any]], lang: str = "fr"
) -> list[dict[str, str]]:
    """One line per mistake: the word (or, for what is missing from the text, a word saying
    so), why in the reader's language, and the first suggestion."""
    found = []
    for match in sorted(matches, key=lambda m: m["offset"]):
        word = text[match["offset"] : match["offset"] + match["length"]]
        replacements = [r["value"] for r in match.get("replacements") or []]
        found.append(
            {
                "word": word or tr("card_not_in_text", lang),
                "message": worded(match, lang),
                "suggestion": replacements[0] if replacements else "",
                "css": SEVERITY_CLASS.get(match["severity"], "m-info"),
            }
        )
    return found


def image_url(path: str) -> str:
    """The served file itself (stable URL, nothing copied), relative to the page."""
    return "gradio_api/file=" + quote(str(Path(path).resolve()))


def size_of(path: str) -> str:
    """The image's real size ('1080x1080'), read from its header only (Pillow opens lazily:
    no pixel is decoded); '' when the file cannot be read. A file's name may say anything."""
    try:
        with Image.open(path) as image:
            width, height = image.size
    except (OSError, ValueError):  # missing, unreadable or not an image
        return ""
    return f"{width}x{height}"


def card_html(
    view: CardView, charter: Charter, lang: str = "fr", saved_text: str | None = None
) -> str:
    """One card: the network's look, highlighted text, fold, counter, status, visuals."""
    platform = get_platform(view.platform)
    length = measure(view.text, platform).length
    fold = fold_index(view.text, platform)
    over = length > platform.max_length
    near = length > 0.9 * platform.max_length
    return render_html(
        "card",
        view=view,
        lang=lang,
        network=platform.name,
        brand_name=charter.name,
        avatar=logo_data_uri(str(charter.logo_path)),
        pieces=segments(view.text, view.matches, lang),
        explanations=explanations(view.text, view.matches, lang),
        status=status_text(view, lang),
        fold_note=tr("card_fold", lang, network=platform.name, n=platform.see_more) if fold else "",
        counter_state="over" if over else "near" if near else "ok",
        length=length,
        max_length=platform.max_length,
        errors_note=tr("card_errors", lang, n=view.errors),
        cut_note=tr("card_cut", lang) if view.cut else "",
        images=[
            {"url": image_url(path), "size": size_of(path), "alt": view.alt_text}
            for path in view.images
        ],
        updating=tr("card_updating", lang) if view.images and not view.visuals_current else "",
        alt_label=tr("card_alt", lang),
        mistakes_label=tr("card_mistakes", lang),
        saved_text=view.text if saved_text is None else saved_text,
    )


def status_text(view: CardView, lang: str) -> str:
    """The workflow status in words, and `truncated` when drafting cut the text."""
    words = tr(f"card_status_{view.status}", lang)
    if view.draft_status in ("truncated", "error"):
        words += " · " + tr(f"card_status_{view.draft_status}", lang)
    return words


def conflict_html(mine: str, theirs: str, lang: str) -> str:
    """Both texts side by side when someone else saved in between."""
    return render_html(
        "conflict",
        note=tr("conflict_note", lang),
        mine_label=tr("conflict_mine", lang),
        theirs_label=tr("conflict_theirs", lang),
        mine=mine,
        theirs=theirs,
    )
