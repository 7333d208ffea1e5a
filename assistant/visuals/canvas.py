"""One image of one size: background or photo, headline, scrim if needed, logo."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image, ImageColor, ImageDraw

from ..core.charter import Charter
from .contrast import MIN_CONTRAST, contrast_ratio
from .layout import fraction_box, layouts, safe_area, wrap_to_box
from .photo import PhotoSource


@dataclass
class Canvas:
    """A drawn image with what tests and the writer need: contrast reached, text and logo boxes."""

    image: Image.Image
    contrast: float
    text_colour: str
    scrim: bool
    text_box: tuple[int, int, int, int]
    logo_box: tuple[int, int, int, int] | None


@lru_cache(maxsize=8)
def _logo(path: str) -> Image.Image | None:
    try:
        with Image.open(path) as logo:
            return logo.convert("RGBA")
    except (OSError, ValueError):
        return None


@lru_cache(maxsize=32)
def _logo_at(path: str, side: int) -> Image.Image:
    """The logo scaled to fit a side, once per size."""
    mark = _logo(path).copy()
    mark.thumbnail((side, side), Image.Resampling.LANCZOS)
    return mark


def _background(charter: Charter, width: int, height: int) -> Image.Image:
    top = ImageColor.getrgb(charter.visual.colors.primary)
    bottom = tuple(round(c * 0.55) for c in top)
    ramp = np.linspace(0, 1, height)[:, None, None]
    pixels = (1 - ramp) * np.array(top) + ramp * np.array(bottom)
    return Image.fromarray(np.broadcast_to(pixels, (height, width, 3)).astype(np.uint8), "RGB")


def _choose_text_colour(image: Image.Image, box: tuple, charter: Charter) -> tuple[str, float]:
    behind = np.asarray(image.crop(box).convert("RGB"))
    options = [charter.visual.colors.text_light, charter.visual.colors.text_dark]
    scored = [(contrast_ratio(ImageColor.getrgb(c), behind), c) for c in options]
    ratio, colour = max(scored)
    return colour, ratio


def _add_scrim(image: Image.Image, box: tuple, colour: str) -> None:
    """A dark (or light) veil behind the text when no charter colour reaches 4.5:1."""
    veil = (0, 0, 0, 170) if sum(ImageColor.getrgb(colour)) > 380 else (255, 255, 255, 190)
    pad = 12
    ImageDraw.Draw(image, "RGBA").rectangle(
        (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad), fill=veil
    )


def draw_canvas(
    charter: Charter,
    headline: str,
    size_name: str,
    width: int,
    height: int,
    photo: Image.Image | PhotoSource | None,
    subline: str,
    notes: list[str],
) -> Canvas:
    """One image of one size: background or photo, text sized to its box, logo, contrast."""
    kind = "photo_card" if photo is not None else "text_card"
    layout = layouts()[kind]
    area = safe_area(size_name, width, height)
    if photo is not None:
        source = photo if isinstance(photo, PhotoSource) else PhotoSource(photo)
        image = source.background(width, height)
        _draw_band(image, layout, area, charter)
    else:
        image = _background(charter, width, height)
    draw = ImageDraw.Draw(image)
    box = fraction_box(layout["headline"], area)
    font, lines, line_h = wrap_to_box(draw, headline, charter, box, layout, height, notes)
    used = (box[0], box[1], box[2], box[1] + line_h * len(lines))
    colour, ratio = _choose_text_colour(image, used, charter)
    scrim = ratio < MIN_CONTRAST
    if scrim:
        _add_scrim(image, used, colour)
        colour, ratio = _choose_text_colour(image, used, charter)
        notes.append(f"{size_name}: no charter colour reached {MIN_CONTRAST}:1; added a scrim")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((box[0], box[1] + i * line_h), line, font=font, fill=colour)
    if subline and layout.get("subline"):
        sub_box = fraction_box(layout["subline"], area)
        sub_font, sub_lines, _ = wrap_to_box(
            draw, subline, charter, sub_box, {**layout, "font_max": 0.04}, height, notes
        )
        draw.text(sub_box[:2], " ".join(sub_lines), font=sub_font, fill=colour)
    logo_box = _paste_logo(image, charter, layout["logo"], area, notes)
    return Canvas(image, ratio, colour, scrim, used, logo_box)


def _draw_band(image: Image.Image, layout: dict, area: tuple, charter: Charter) -> None:
    band = fraction_box(
        {"left": 0, "right": 1, **layout["band"]}, (0, area[1], image.width, area[3])
    )
    rgb = ImageColor.getrgb(charter.visual.colors.primary)
    alpha = round(255 * layout["band_opacity"])
    # an RGBA drawing context blends in place: no full-image RGBA copies
    ImageDraw.Draw(image, "RGBA").rectangle(
        (0, band[1], image.width, image.height), fill=(*rgb, alpha)
    )


def _paste_logo(
    image: Image.Image, charter: Charter, spec: dict, area: tuple, notes: list[str]
) -> tuple[int, int, int, int] | None:
    logo = _logo(str(charter.logo_path))
    if logo is None:
        notes.append(f"logo {charter.visual.logo} unreadable: left out")
        return None
    mark = _logo_at(str(charter.logo_path), round(spec["size"] * min(image.size)))
    x = area[2] - mark.width if "right" in spec["corner"] else area[0]
    y = area[3] - mark.height if "bottom" in spec["corner"] else area[1]
    image.paste(mark, (x, y), mark)
    return (x, y, x + mark.width, y + mark.height)
