"""Layout geometry from `data/layouts.yaml`, fonts, and fitting a headline to its box."""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

import regex
import yaml
from PIL import ImageDraw, ImageFont

from ..core.charter import Charter

LAYOUTS_FILE = Path(__file__).parent.parent / "data" / "layouts.yaml"
NO_BREAK = "\u00a0"
# spaces a line must not break at: inside an amount ("49 €", "€ 49", "20 %"), before French
# high punctuation ("vite !") and inside guillemets; the text keeps its own no-break spaces
GLUED_SPACE = regex.compile(
    r"(?<=\d) (?=[\p{Sc}%‰])|(?<=\p{Sc}) (?=\d)|(?<=\d) (?=\d{3}\b)|(?<=«) | (?=[!?:;»])"
)
BREAKABLE = regex.compile(r"[^\S\u00a0\u2007\u202f]+")


@cache
def layouts() -> dict:
    return yaml.safe_load(LAYOUTS_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=64)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def load_font(charter: Charter, size: int, notes: list[str]) -> ImageFont.ImageFont:
    """The brand font, or Pillow's default scalable font with a warning."""
    try:
        return _font(str(charter.font_path), size)
    except OSError:
        notes.append(f"font {charter.visual.font} unreadable: used Pillow's default font")
        return ImageFont.load_default(size)


def fraction_box(spec: dict, area: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    left, top, right, bottom = area
    w, h = right - left, bottom - top
    return (
        left + round(spec["left"] * w),
        top + round(spec["top"] * h),
        left + round(spec["right"] * w),
        top + round(spec["bottom"] * h),
    )


def safe_area(size_name: str, width: int, height: int) -> tuple[int, int, int, int]:
    zones = layouts()["safe_zones"]
    zone = zones.get(size_name, zones["default"])
    return (
        round(zone["left"] * width),
        round(zone["top"] * height),
        width - round(zone["right"] * width),
        height - round(zone["bottom"] * height),
    )


def wrap_to_box(
    draw: ImageDraw.ImageDraw,
    text: str,
    charter: Charter,
    box: tuple,
    layout: dict,
    height: int,
    notes: list[str],
) -> tuple[ImageFont.ImageFont, list[str], int]:
    """The largest font size whose wrapped lines fit the box (binary search)."""
    width, box_h = box[2] - box[0], box[3] - box[1]
    low, high = max(8, round(layout["font_min"] * height)), round(layout["font_max"] * height)
    best = None
    while low <= high:
        size = (low + high) // 2
        font = load_font(charter, size, notes)
        lines = _wrap(text, font, width)
        line_h = round(size * layout["line_spacing"])
        if (
            lines
            and line_h * len(lines) <= box_h
            and all(font.getlength(ln) <= width for ln in lines)
        ):
            best, low = (font, lines, line_h), size + 1
        else:
            high = size - 1
    if best is None:
        font = load_font(charter, low, notes)
        notes.append("headline too long for the image: shortened")
        lines = _wrap(text, font, width)[: max(1, box_h // max(1, low))]
        best = (font, lines, low)
    return best


def _unbreakable_words(text: str) -> list[str]:
    """Words a line may break between; an amount, a number's groups and French punctuation
    stay with what they belong to (a headline never ends on "49" with "€" below it)."""
    return [w for w in BREAKABLE.split(GLUED_SPACE.sub(NO_BREAK, text)) if w]


def _wrap(text: str, font: ImageFont.ImageFont, width: int) -> list[str]:
    lines, current = [], ""
    for word in _unbreakable_words(text):
        trial = f"{current} {word}".strip()
        if font.getlength(trial) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    return [*lines, current] if current else lines
