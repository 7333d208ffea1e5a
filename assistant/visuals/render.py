"""Render one headline (and optionally one photo) in every size a brand's networks need.

Each distinct pixel size is drawn once and encoded per byte limit, so ten networks cost as
many renders as they have distinct sizes.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from ..core.charter import Charter
from ..core.errors import VisualError
from ..core.platforms import get_platform
from .canvas import Canvas, draw_canvas
from .encoding import Encodings
from .photo import PhotoSource, open_photo

MAX_HEADLINE = 280


@dataclass
class RenderedImage:
    """One written image: the JSON shape of `assistant render --format json`."""

    platform: str
    size: str
    width: int
    height: int
    path: str
    bytes: int
    format: str
    contrast: float
    text_colour: str
    scrim: bool
    alt_text: str
    warnings: list[str]

    def to_dict(self) -> dict:
        return asdict(self)


Size = tuple[str, int, int]


def _draw_all(
    charter: Charter,
    headline: str,
    caps: dict[Size, int],
    fmt: str,
    source: PhotoSource | None,
    subline: str,
    notes: list[str],
) -> dict[Size, tuple[Canvas, Encodings]]:
    """Draw and encode every size, one thread per aspect ratio (Pillow releases the GIL while
    resizing, drawing and encoding); within a ratio the largest first, so the smaller ones
    reuse its resize. `caps` gives each size its smallest byte limit."""
    groups: dict[float, list[Size]] = {}
    for key in sorted(caps, key=lambda k: k[1] * k[2], reverse=True):
        ratio = next((r for r in groups if abs(r - key[1] / key[2]) / r < 0.01), key[1] / key[2])
        groups.setdefault(ratio, []).append(key)

    def draw_group(keys: list[Size]) -> list[tuple[Size, tuple[Canvas, Encodings]]]:
        done = []
        for key in keys:
            canvas = draw_canvas(charter, headline, *key, source, subline, notes)
            encodings = Encodings(canvas.image, fmt)
            encodings.under(caps[key])  # encode here, in parallel, what the writer will take
            done.append((key, (canvas, encodings)))
        return done

    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        return {key: pair for group in pool.map(draw_group, groups.values()) for key, pair in group}


def render_all(
    charter: Charter,
    headline: str,
    platforms: list[str] | None = None,
    photo: str | Path | None = None,
    out_dir: str | Path = "out",
    subline: str = "",
    alt_text: str = "",
) -> list[RenderedImage]:
    """Every image size of the given networks (default: the brand's), written to out_dir."""
    headline = " ".join(headline.split())
    if not headline:
        raise VisualError("the headline is empty")
    notes: list[str] = []
    if len(headline) > MAX_HEADLINE:
        headline = headline[:MAX_HEADLINE].rsplit(" ", 1)[0] + "…"
        notes.append(f"headline longer than {MAX_HEADLINE} characters: shortened")
    source = PhotoSource(open_photo(photo)) if photo else None
    profiles = [get_platform(p) for p in (platforms or charter.networks)]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    alt = alt_text or headline
    caps: dict[Size, int] = {}
    for profile in profiles:
        for size in profile.image_sizes:
            key = (size.name, size.width, size.height)
            caps[key] = min(caps.get(key, profile.max_image_bytes), profile.max_image_bytes)
    fmt = "JPEG" if source is not None else "PNG"
    drawn = _draw_all(charter, headline, caps, fmt, source, subline, notes)
    results = []
    for profile in profiles:
        for size in profile.image_sizes:
            canvas, encodings = drawn[(size.name, size.width, size.height)]
            data, ext = encodings.under(profile.max_image_bytes)
            path = out / f"{charter.slug}-{profile.id}-{size.name}-{size.width}x{size.height}.{ext}"
            path.write_bytes(data)
            results.append(
                RenderedImage(
                    profile.id,
                    size.name,
                    size.width,
                    size.height,
                    str(path),
                    len(data),
                    ext,
                    canvas.contrast,
                    canvas.text_colour,
                    canvas.scrim,
                    alt,
                    sorted(set(notes)),
                )
            )
    return results
