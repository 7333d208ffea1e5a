"""A user's photo: opened safely, converted to sRGB, cropped around its subject."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageCms, ImageFilter, ImageOps

from ..core.errors import VisualError
from .layout import layouts

Image.MAX_IMAGE_PIXELS = 40_000_000  # a photo above this is refused as a decompression bomb
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
# Bilinear after Pillow's box reduction (reducing_gap) keeps photos sharp at a third of
# Lanczos' cost; the backgrounds are covered by a band and text anyway.
PHOTO_RESAMPLING = Image.Resampling.BILINEAR
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")  # what a photo may be, whatever its name says


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
                check_proportions(photo.size, str(path))
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


def check_photo(data: bytes, where: str) -> None:
    """Refuse bytes the visuals could not use as a photo (not a JPEG, PNG or WebP, truncated,
    a bomb, absurd proportions), before anything is saved: a photo found unusable only once
    drafted would leave its variants without visuals and the import unfinished. JPEG is
    decoded at an eighth of its size, enough to find a truncated stream."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=PHOTO_FORMATS) as photo:
                check_proportions(photo.size, where)
                photo.draft("RGB", (photo.width // 8 or 1, photo.height // 8 or 1))
                photo.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise VisualError(
            f"{where}: image too large ({exc}); at most {Image.MAX_IMAGE_PIXELS:,} pixels."
        ) from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise VisualError(f"{where}: not a readable image ({exc}).") from None


def check_proportions(size: tuple[int, int], where: str) -> None:
    """Refuse a photo with an absurd side or aspect ratio before decoding it.

    A 19.5 M × 2 px strip stays under Pillow's pixel cap, yet nothing useful can be cropped
    from it and the saliency map of its 160 px thumbnail is empty; the header is enough to say
    no, so the pixels are never read.
    """
    rules = layouts()["photo"]
    width, height = size
    short, long = sorted(size)
    if long > rules["max_side"] or short < rules["min_side"] or long > short * rules["max_ratio"]:
        raise VisualError(
            f"{where}: a {width}×{height} px image cannot be used as a photo; use one with sides "
            f"between {rules['min_side']} and {rules['max_side']:,} px and a long side at most "
            f"{rules['max_ratio']} times the short one.",
            key="photo_proportions",
            width=width,
            height=height,
        )


class PhotoSource:
    """A user's photo prepared once: its saliency map, and crops already resized, so networks
    asking for the same aspect ratio (16:9 at 1280 and 1200 px, say) share one big resize."""

    RATIO_TOLERANCE = 0.01

    def __init__(self, photo: Image.Image) -> None:
        check_proportions(photo.size, "photo")
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
