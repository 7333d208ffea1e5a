"""HTML for a variant card imitating a network post: avatar, text with highlighted matches,
the "see more" cut and a coloured counter."""

from __future__ import annotations

import base64
import html
from functools import lru_cache
from typing import Any

from ..charter import Charter
from ..platforms import fold_index, get_platform

SEVERITY_CLASS = {"error": "m-error", "warning": "m-warning", "info": "m-info"}


@lru_cache(maxsize=16)
def logo_data_uri(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return "data:image/png;base64," + base64.b64encode(handle.read()).decode()
    except OSError:
        return ""


def highlight(text: str, matches: list[dict[str, Any]]) -> str:
    """The text as HTML with each match wrapped in a span coloured by severity."""
    pieces, cursor = [], 0
    for match in sorted(matches, key=lambda m: m["offset"]):
        start, end = match["offset"], match["offset"] + match["length"]
        if start < cursor or end <= start:
            continue
        pieces.append(html.escape(text[cursor:start]))
        title = html.escape(match["message"], quote=True)
        css = SEVERITY_CLASS[match["severity"]]
        pieces.append(f'<mark class="{css}" title="{title}">{html.escape(text[start:end])}</mark>')
        cursor = end
    pieces.append(html.escape(text[cursor:]))
    return "".join(pieces)


def counter(length: int, max_length: int) -> str:
    state = "over" if length > max_length else "near" if length > 0.9 * max_length else "ok"
    return f'<span class="counter {state}">{length} / {max_length}</span>'


def card_html(info: dict[str, Any], charter: Charter, length: int) -> str:
    """One card: the network's look, highlighted text, fold marker, counter, status."""
    platform = get_platform(info["platform"])
    text = info["text"]
    fold = fold_index(text, platform)
    body = highlight(text, info["matches"])
    fold_note = (
        (
            f'<div class="fold">… {platform.name} cuts here: “see more” after '
            f"{platform.see_more} characters</div>"
        )
        if fold
        else ""
    )
    avatar = logo_data_uri(str(charter.logo_path))
    error = f'<div class="m-error">{html.escape(info["error"])}</div>' if info.get("error") else ""
    return (
        f'<div class="card" data-variant="{info["id"]}" data-platform="{platform.id}">'
        f'<header><img src="{avatar}" alt=""><span>{html.escape(charter.name)}</span>'
        f'<span class="net">{platform.name} · <span class="status">{info["status"]}</span></span>'
        f"</header>{error}<div class=body>{body}</div>{fold_note}"
        f"<footer>{counter(length, platform.max_length)} · {info['errors']} error(s)</footer></div>"
    )
