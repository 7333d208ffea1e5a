"""Visuals: exact sizes, byte limits, contrast, logo pixels, safe areas, salient crops, bad input."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from PIL import Image, ImageDraw
from typer.testing import CliRunner

from assistant.cli import app
from assistant.core.charter import load_brand
from assistant.core.errors import VisualError
from assistant.core.platforms import get_platform
from assistant.visuals import draw_canvas, open_photo, render_all, safe_area, salient_crop_box

from .conftest import ROOT

HEADLINE = "Autumn trail sale: 30% off all rain jackets"


def trail():
    return load_brand("trailforge", ROOT / "brand_guides")


def render_cli(headline: str, out, *extra: str):
    """`assistant render` for the English brand."""
    arguments = ["render", "--brand", "trailforge", "--headline", headline, "--out", str(out)]
    return CliRunner().invoke(app, [*arguments, *extra])


def test_render_cli_acceptance(tmp_path):
    result = render_cli(HEADLINE, tmp_path, "--format", "json")
    assert result.exit_code == 0, result.output
    files = json.loads(result.stdout)["files"]
    expected = {
        (p, s.width, s.height) for p in trail().networks for s in get_platform(p).image_sizes
    }
    assert {(f["platform"], f["width"], f["height"]) for f in files} == expected
    for f in files:
        with Image.open(f["path"]) as image:
            assert image.size == (f["width"], f["height"])
            assert not image.getexif()
        assert f["bytes"] <= get_platform(f["platform"]).max_image_bytes
        assert f["contrast"] >= 4.5 and f["alt_text"] == HEADLINE


def test_logo_region_holds_logo_colours_and_text_stays_in_safe_area():
    notes = []
    canvas = draw_canvas(trail(), HEADLINE, "story", 1080, 1920, None, "", notes)
    x0, y0, x1, y1 = canvas.logo_box
    region = np.asarray(canvas.image.crop((x0, y0, x1, y1)))
    orange = np.all(np.abs(region.astype(int) - [255, 107, 26]) < 30, axis=-1).mean()
    assert orange > 0.3  # the logo's orange disc is there
    left, top, right, bottom = safe_area("story", 1080, 1920)
    tx0, ty0, tx1, ty1 = canvas.text_box
    assert left <= tx0 and top <= ty0 and tx1 <= right and ty1 <= bottom
    assert y1 <= bottom  # nothing in the zone stories cover


def test_huge_headline_is_shortened_not_overflowing(tmp_path):
    images = render_all(trail(), "Very long headline " * 60, ["x"], out_dir=tmp_path)
    assert images and any("shortened" in w for w in images[0].warnings)


def test_scrim_added_when_no_colour_reaches_contrast(tmp_path):
    grey = tmp_path / "grey.jpg"
    Image.new("RGB", (1600, 1200), (118, 118, 118)).save(grey)
    charter = trail().model_copy(
        update={
            "visual": trail().visual.model_copy(
                update={
                    "colors": trail().visual.colors.model_copy(
                        update={
                            "text_light": "#9A9A9A",
                            "text_dark": "#5A5A5A",
                            "primary": "#777777",
                        }
                    )
                }
            )
        }
    )
    notes = []
    canvas = draw_canvas(charter, HEADLINE, "square", 1080, 1080, open_photo(grey), "", notes)
    assert canvas.scrim and canvas.contrast >= 4.5


def test_salient_region_survives_the_crop(tmp_path):
    photo = Image.new("RGB", (3000, 1000), (200, 220, 240))
    draw = ImageDraw.Draw(photo)
    for i in range(0, 400, 20):  # a busy, saturated subject near the right edge
        draw.rectangle((2450 + i % 200, 300 + i, 2650, 320 + i), fill=(220, 30, 30))
    box = salient_crop_box(photo, 1080, 1350)
    assert box[0] <= 2450 and box[2] >= 2650
    assert box[2] - box[0] < 1000  # a crop was taken, not the whole width


def test_bad_inputs_give_clear_errors(tmp_path):
    text = tmp_path / "notes.jpg"
    text.write_text("not an image")
    with pytest.raises(VisualError, match="not a readable image"):
        open_photo(text)
    bomb = tmp_path / "bomb.png"
    Image.new("1", (10000, 9000)).save(bomb)
    with pytest.raises(VisualError, match="too large"):
        open_photo(bomb)
    result = render_cli("x", tmp_path, "--photo", str(text))
    assert result.exit_code != 0


def test_a_headline_never_breaks_an_amount_or_french_punctuation_onto_the_next_line():
    """A visual reading "49" at the end of a line and "€" below it, or a lone "!" starting a
    line, is a typesetting fault a CM would have to fix by hand in another tool."""
    from assistant.visuals.layout import _wrap, load_font

    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    font = load_font(charter, 60, [])
    headline = "Le coffret des 70 ans à 49 € seulement ! Code « HIVER » : 20 % sur 1 000 coffrets"
    for width in range(120, 1400, 7):  # every place a line could end
        lines = _wrap(headline, font, width)
        assert " ".join(lines).replace("\u00a0", " ") == headline
        for line, following in itertools.pairwise(lines):
            assert not (line[-1].isdigit() and following[0] in "€%"), (width, lines)
            assert following[0] not in "!?:;»€%", (width, lines)
            assert not line.endswith("«"), (width, lines)
