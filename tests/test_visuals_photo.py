"""Photos of absurd proportions are refused from their header, before any pixel is decoded."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw, ImageFile

from assistant.core.charter import load_brand
from assistant.core.errors import VisualError
from assistant.visuals import render_all

from .conftest import ROOT

HEADLINE = "Autumn trail sale: 30% off all rain jackets"


def trail():
    return load_brand("trailforge", ROOT / "brand_guides")


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (19_500_000, 2),  # 39 M pixels: under Pillow's bomb cap, it used to crash the crop
        (2, 19_500_000),
        (4_200, 200),  # 21:1, a strip rather than a photo
        (25_000, 1_500),  # a side longer than any useful photo
    ],
)
def test_photo_with_absurd_proportions_is_refused_before_decoding(
    tmp_path, monkeypatch, width, height
):
    strip = tmp_path / "strip.png"
    Image.new("1", (width, height)).save(strip)  # 1 bit per pixel: a few MB at most
    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda image: decoded.append(image))
    with pytest.raises(VisualError, match=rf"{width}×{height} px image cannot be used") as caught:
        render_all(trail(), HEADLINE, ["x"], strip, tmp_path / "out")
    assert decoded == []  # the header was enough: nothing was decoded
    assert caught.value.key == "photo_proportions"
    assert not (tmp_path / "out").exists()  # refused before any file is written


def test_wide_panorama_is_still_accepted(tmp_path):
    panorama = tmp_path / "panorama.jpg"
    image = Image.new("RGB", (4_000, 1_000), (90, 120, 80))
    ImageDraw.Draw(image).ellipse((3000, 300, 3400, 700), fill=(220, 60, 40))
    image.save(panorama, quality=90)
    images = render_all(trail(), HEADLINE, ["x"], panorama, tmp_path / "out")
    assert images and all(i.width > 0 and i.bytes > 0 for i in images)
