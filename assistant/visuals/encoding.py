"""Byte-capped encoding: PNG or JPEG without metadata, as small as a network's limit needs."""

from __future__ import annotations

import io

from PIL import Image

from ..core.errors import VisualError

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


def _save(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()
