"""Visuals: every image size a brand's networks need, from one headline and one photo.

Geometry comes from `data/layouts.yaml`. The package is split by concern: `layout` (boxes,
fonts, text fitting), `photo` (safe loading, sRGB, salient crops), `contrast` (WCAG),
`canvas` (one image of one size), `encoding` (byte caps) and `render` (all sizes, written).
"""

from .canvas import Canvas, draw_canvas
from .contrast import MIN_CONTRAST, contrast_ratio, relative_luminance
from .encoding import Encodings
from .layout import layouts, load_font, safe_area, wrap_to_box
from .photo import PhotoSource, open_photo, salient_crop_box, to_srgb
from .render import MAX_HEADLINE, RenderedImage, render_all

__all__ = [
    "MAX_HEADLINE",
    "MIN_CONTRAST",
    "Canvas",
    "Encodings",
    "PhotoSource",
    "RenderedImage",
    "contrast_ratio",
    "draw_canvas",
    "layouts",
    "load_font",
    "open_photo",
    "relative_luminance",
    "render_all",
    "safe_area",
    "salient_crop_box",
    "to_srgb",
    "wrap_to_box",
]
