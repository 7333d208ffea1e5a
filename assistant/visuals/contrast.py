"""WCAG 2 contrast of a text colour over the pixels behind it."""

from __future__ import annotations

import numpy as np

MIN_CONTRAST = 4.5

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
