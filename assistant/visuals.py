"""Render one headline (and optionally one photo) in every size a brand's networks need.

Geometry comes from `data/layouts.yaml`. Each distinct pixel size is drawn once and encoded
per byte limit, so ten networks cost as many renders as they have distinct sizes.
"""

from __future__ import annotations

import io
import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import yaml
from PIL import Image, ImageCms, ImageColor, ImageDraw, ImageFilter, ImageFont, ImageOps

from .charter import Charter
from .errors import VisualError
from .platforms import get_platform

LAYOUTS_FILE = Path(__file__).parent / "data" / "layouts.yaml"
Image.MAX_IMAGE_PIXELS = 40_000_000  # a photo above this is refused as a decompression bomb
MIN_CONTRAST = 4.5
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
MAX_HEADLINE = 280
# Bilinear after Pillow's box reduction (reducing_gap) keeps photos sharp at a third of
# Lanczos' cost; the backgrounds are covered by a band and text anyway.
PHOTO_RESAMPLING = Image.Resampling.BILINEAR


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


@dataclass
class _Canvas:
    image: Image.Image
    contrast: float
    text_colour: str
    scrim: bool
    text_box: tuple[int, int, int, int]
    logo_box: tuple[int, int, int, int] | None


@cache
def layouts() -> dict:
    return yaml.safe_load(LAYOUTS_FILE.read_text(encoding="utf-8"))


_CHANNEL = np.arange(256) / 255.0
SRGB_TO_LINEAR = np.where(
    _CHANNEL <= 0.04045, _CHANNEL / 12.92, ((_CHANNEL + 0.055) / 1.055) ** 2.4
)
LUMINANCE_WEIGHTS = np.array([0.2126, 0.7152, 0.0722])


def relative_luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG 2 relative luminance of sRGB values in 0..255 (last axis RGB), by lookup table."""
    return SRGB_TO_LINEAR[np.asarray(rgb)[..., :3].astype(np.uint8)] @ LUMINANCE_WEIGHTS


def contrast_ratio(text_rgb: tuple[int, int, int], background: np.ndarray) -> float:
    """The worst (5th percentile) WCAG contrast of a text colour over the pixels behind it."""
    text_l = float(relative_luminance(np.array(text_rgb)))
    sample = background[::2, ::2]  # every other pixel: the same percentile, a quarter of the work
    back_l = relative_luminance(sample.reshape(-1, sample.shape[-1]))
    ratios = (np.maximum(text_l, back_l) + 0.05) / (np.minimum(text_l, back_l) + 0.05)
    return round(float(np.percentile(ratios, 5)), 2)


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


def to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """RGB pixels in sRGB: a photo tagged with another profile (Adobe RGB, Display P3) is
    converted, since the output carries no profile and networks assume sRGB."""
    if icc_profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            return ImageCms.profileToProfile(image, source, SRGB, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # an unreadable profile: keep the pixels as they are
    return image if image.mode == "RGB" else image.convert("RGB")


def open_photo(path: str | Path) -> Image.Image:
    """Open a user's photo safely: bombs, corrupt and non-image files give a clear error."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as photo:
                photo.load()
                upright = ImageOps.exif_transpose(photo)  # a copy: the file can close
                return to_srgb(upright, photo.info.get("icc_profile"))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise VisualError(
            f"{path}: image too large ({exc}); at most {Image.MAX_IMAGE_PIXELS:,} pixels."
        ) from None
    except FileNotFoundError:
        raise VisualError(f"{path}: no such file.") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise VisualError(f"{path}: not a readable image ({exc}).") from None


class PhotoSource:
    """A user's photo prepared once: its saliency map, and crops already resized, so networks
    asking for the same aspect ratio (16:9 at 1280 and 1200 px, say) share one big resize."""

    RATIO_TOLERANCE = 0.01

    def __init__(self, photo: Image.Image) -> None:
        self.photo = photo
        small = photo.copy()
        small.thumbnail((160, 160))
        self._scale = photo.width / small.width
        edges = np.asarray(small.convert("L").filter(ImageFilter.FIND_EDGES), dtype=np.float64)
        saturation = np.asarray(small.convert("HSV"), dtype=np.float64)[..., 1]
        weight = edges + 0.5 * saturation
        self._small_size = small.size
        self._integral = np.pad(weight.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
        self._resized: list[Image.Image] = []

    def crop_box(self, width: int, height: int) -> tuple[int, int, int, int]:
        """The crop of the target ratio holding the most detail (edges and saturation)."""
        small_w, small_h = self._small_size
        target = width / height
        crop_w = min(small_w, round(small_h * target))
        crop_h = min(small_h, round(crop_w / target))
        i = self._integral
        sums = (
            i[crop_h:, crop_w:]
            - i[:-crop_h, crop_w:]
            - i[crop_h:, :-crop_w]
            + i[:-crop_h, :-crop_w]
        )
        y, x = np.unravel_index(int(np.argmax(sums)), sums.shape)
        s = self._scale
        return round(x * s), round(y * s), round((x + crop_w) * s), round((y + crop_h) * s)

    def background(self, width: int, height: int) -> Image.Image:
        """The photo cropped around its subject and resized to width × height."""
        ratio = width / height
        for done in self._resized:
            close = abs(done.width / done.height - ratio) / ratio < self.RATIO_TOLERANCE
            if close and done.width >= width and done.height >= height:
                return done.resize((width, height), PHOTO_RESAMPLING, reducing_gap=2.0)
        cropped = self.photo.crop(self.crop_box(width, height))
        image = cropped.resize((width, height), PHOTO_RESAMPLING, reducing_gap=2.0)
        self._resized.append(image)
        return image.copy()


def salient_crop_box(photo: Image.Image, width: int, height: int) -> tuple[int, int, int, int]:
    """The crop of the target ratio holding the most detail (edges and saturation)."""
    return PhotoSource(photo).crop_box(width, height)


def _box(spec: dict, area: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
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


def _wrap(text: str, font: ImageFont.ImageFont, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if font.getlength(trial) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    return [*lines, current] if current else lines


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
) -> _Canvas:
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
    box = _box(layout["headline"], area)
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
        sub_box = _box(layout["subline"], area)
        sub_font, sub_lines, _ = wrap_to_box(
            draw, subline, charter, sub_box, {**layout, "font_max": 0.04}, height, notes
        )
        draw.text(sub_box[:2], " ".join(sub_lines), font=sub_font, fill=colour)
    logo_box = _paste_logo(image, charter, layout["logo"], area, notes)
    return _Canvas(image, ratio, colour, scrim, used, logo_box)


def _draw_band(image: Image.Image, layout: dict, area: tuple, charter: Charter) -> None:
    band = _box({"left": 0, "right": 1, **layout["band"]}, (0, area[1], image.width, area[3]))
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


JPEG_QUALITIES = (90, 85, 80, 72, 64, 55, 45, 35)


class Encodings:
    """One image's encodings from best to smallest, computed only as far as a limit needs, so
    networks sharing a size share the work whatever their byte caps."""

    def __init__(self, image: Image.Image, fmt: str) -> None:
        self._clean = Image.frombytes("RGB", image.size, image.convert("RGB").tobytes())  # no EXIF
        self._size = image.size
        self._done: list[tuple[bytes, str]] = []
        self._next = self._attempts(fmt)

    def _attempts(self, fmt: str):
        if fmt == "PNG":
            yield _save(self._clean, "PNG", compress_level=3), "png"
            yield _save(self._clean.quantize(256, dither=Image.Dither.NONE), "PNG"), "png"
        for quality in JPEG_QUALITIES:
            yield _save(self._clean, "JPEG", quality=quality), "jpg"

    def under(self, max_bytes: int) -> tuple[bytes, str]:
        """The best encoding within the byte limit."""
        for data, ext in self._done:
            if len(data) <= max_bytes:
                return data, ext
        for data, ext in self._next:
            self._done.append((data, ext))
            if len(data) <= max_bytes:
                return data, ext
        width, height = self._size
        raise VisualError(f"cannot bring a {width}×{height} image under {max_bytes} bytes")


def encode(image: Image.Image, fmt: str, max_bytes: int) -> tuple[bytes, str]:
    """PNG or JPEG without metadata, quality lowered step by step until under the byte limit."""
    return Encodings(image, fmt).under(max_bytes)


def _save(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


Size = tuple[str, int, int]


def _draw_all(
    charter: Charter,
    headline: str,
    caps: dict[Size, int],
    fmt: str,
    source: PhotoSource | None,
    subline: str,
    notes: list[str],
) -> dict[Size, tuple[_Canvas, Encodings]]:
    """Draw and encode every size, one thread per aspect ratio (Pillow releases the GIL while
    resizing, drawing and encoding); within a ratio the largest first, so the smaller ones
    reuse its resize. `caps` gives each size its smallest byte limit."""
    groups: dict[float, list[Size]] = {}
    for key in sorted(caps, key=lambda k: k[1] * k[2], reverse=True):
        ratio = next((r for r in groups if abs(r - key[1] / key[2]) / r < 0.01), key[1] / key[2])
        groups.setdefault(ratio, []).append(key)

    def draw_group(keys: list[Size]) -> list[tuple[Size, tuple[_Canvas, Encodings]]]:
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
