"""Skew measured on one shared working copy (ocr/skew.py), on drawn pages."""
import pytest
from PIL import Image, ImageDraw, ImageFilter
from storytime.ocr.skew import SKEW_WORK_SIDE, estimate_skew, fanned, working_copy


def _page(angle: float, size=(1500, 2000)) -> Image.Image:
    """Lines of dark "words" on light paper, turned ``angle`` degrees counter-clockwise
    on a dark table (so estimate_skew should answer about -angle)."""
    page = Image.new("L", size, 235)
    draw = ImageDraw.Draw(page)
    for y in range(150, size[1] - 150, 48):
        for x in range(120, size[0] - 200, 130):
            draw.rectangle((x, y, x + 100, y + 20), fill=30)
    return page.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=40)


def test_the_working_copy_is_grey_and_small_and_a_small_grey_image_is_its_own():
    photo = _page(0).convert("RGB")
    small = working_copy(photo)
    assert small.mode == "L" and max(small.size) == SKEW_WORK_SIDE
    assert small.width / small.height == pytest.approx(photo.width / photo.height, abs=0.01)
    assert working_copy(small) is small


@pytest.mark.parametrize("angle", [0.0, 0.6, 2.5, -4.0])
def test_the_working_copy_measures_what_the_page_measures(angle):
    page = _page(angle)
    small = working_copy(page)
    assert estimate_skew(small) == estimate_skew(page) == pytest.approx(-angle, abs=0.3)
    assert fanned(small) == fanned(page) is False


def test_a_skew_sure_to_stay_under_min_angle_is_not_refined():
    page = working_copy(_page(0.4))
    assert estimate_skew(page) == pytest.approx(-0.4, abs=0.2)     # measured when asked
    assert estimate_skew(page, min_angle=1.0) == 0.0                # under 1 degree: left alone anyway


@pytest.mark.parametrize("angle", [1.2, -2.5])
def test_a_skew_that_may_reach_min_angle_is_measured_to_the_last_step(angle):
    page = working_copy(_page(angle))
    assert estimate_skew(page, min_angle=1.0) == estimate_skew(page) == pytest.approx(-angle, abs=0.3)


@pytest.mark.parametrize("width, height, seed", [(1, 9, 1), (7, 30, 2), (640, 480, 3), (999, 120, 4), (1000, 64, 5)])
def test_row_means_are_pillows_one_column_box_resize(width, height, seed):
    import random

    from storytime.ocr.skew import row_means

    rng = random.Random(seed)
    for values in ((0, 255), tuple(range(256))):          # an ink map, and any grey
        image = Image.frombytes("L", (width, height), bytes(rng.choice(values) for _ in range(width * height)))
        column = image.resize((1, height), Image.BOX).tobytes()
        assert row_means(image).tolist() == list(column)


@pytest.mark.parametrize("angle", [0.3, 0.7, 0.9, 1.0, 1.1, -0.95, -1.05])
def test_min_angle_changes_only_answers_under_it(angle):
    """With min_angle the answer is the full search's when that reaches
    min_angle; under it, the full search's or 0.0 (cut short): tried near
    the threshold, where the cut is decided."""
    page = working_copy(_page(angle))
    full, cut = estimate_skew(page), estimate_skew(page, min_angle=1.0)
    assert cut == full if abs(full) >= 1.0 else cut in (full, 0.0)


def _fan(top: float, bottom: float, size=(1400, 2000)) -> Image.Image:
    """A page whose top half's lines lean ``top`` degrees and bottom half's ``bottom``."""
    upper = _page(top, (size[0], size[1] // 2)).resize((size[0], size[1] // 2))
    lower = _page(bottom, (size[0], size[1] // 2)).resize((size[0], size[1] // 2))
    page = Image.new("L", size)
    page.paste(upper, (0, 0))
    page.paste(lower, (0, size[1] // 2))
    return page


@pytest.mark.parametrize(("top", "bottom"), [(1.5, -2.0), (-1.0, 1.5), (1.0, 0.6), (-2.5, 0.3), (0.0, 3.0),
                                             (1.2, -0.5), (-1.6, -1.6)])
def test_fanned_answers_as_both_halves_measured_in_full(top, bottom):
    """The fan test leaves a half's search unfinished when the verdict is
    already sure; its answer is the one from both halves measured in full."""
    small = working_copy(_fan(top, bottom))
    width, height = small.size
    upper = estimate_skew(small.crop((0, 0, width, height // 2)))
    lower = estimate_skew(small.crop((0, height // 2, width, height)))
    assert fanned(small) == (upper * lower < 0 and abs(upper - lower) >= 2.0)


@pytest.mark.parametrize("angle", [2.5, -1.3, 0.6])
@pytest.mark.parametrize("sign", [1, -1])
def test_a_skew_asked_of_one_sign_is_the_skew_or_zero_when_it_leans_the_other_way(angle, sign):
    page = working_copy(_page(angle))
    full = estimate_skew(page)
    assert full == pytest.approx(-angle, abs=0.3)
    assert estimate_skew(page, sign=sign) == (full if full * sign > 0 else 0.0)


@pytest.mark.parametrize("angle", [0.0, 0.6, 2.5, -4.0, 7.3])
def test_projected_profiles_pick_the_whole_degree_the_turned_map_picks(angle):
    """The coarse search projects the ink's pixels instead of turning the map:
    level, the same sharpness; turned, within 3 % of the peak's, and the same best
    whole degree (measured on every fixture and large-print page too)."""
    from storytime.ocr.skew import _ink_map, _profile_sharpness, _Projected

    ink = _ink_map(working_copy(_page(angle)))
    projected = _Projected(ink)
    assert projected.sharpness(0) == _profile_sharpness(ink, 0)
    degrees = range(-15, 16)
    turned = [_profile_sharpness(ink, a) for a in degrees]
    counted = [projected.sharpness(a) for a in degrees]
    assert max(degrees, key=lambda a: counted[a + 15]) == max(degrees, key=lambda a: turned[a + 15])
    assert all(abs(c - t) <= 0.03 * max(turned) for c, t in zip(counted, turned))     # within 3 % of the peak


@pytest.mark.parametrize("angle", [0.0, 0.6, -2.5, 11.0])
def test_turning_only_the_inks_window_gives_the_whole_turns_sharpness(angle):
    """The finer steps turn only the part of the map the ink can land in,
    with Pillow's own fixed-point offsets: the same number, to the unit,
    as turning the whole map (also on every fixture and large-print page
    and their halves, 2,250 angles)."""
    import random

    from storytime.ocr.skew import _ink_map, _profile_sharpness, _Turned

    rng = random.Random(7)
    small = working_copy(_page(angle))
    width, height = small.size
    for part in (small, small.crop((0, 0, width, height // 2)), small.crop((100, 300, 500, 700))):
        ink = _ink_map(part)
        turned = _Turned(ink)
        for turn in [0.0, 0.05, -0.05, 15.0, -15.0] + [round(rng.uniform(-15, 15), 2) for _ in range(20)]:
            assert turned.sharpness(turn) == _profile_sharpness(ink, turn)


@pytest.mark.parametrize("seed", range(5))
def test_dark_on_paper_is_pillows_subtract_point_and_multiply(seed):
    """_dark_on_paper (OpenCV) gives the map ImageChops.subtract, the point at
    20 and ImageChops.multiply by a 0/255 paper mask gave, pixel for pixel."""
    import numpy as np
    from PIL import ImageChops
    from storytime.ocr.skew import _dark_on_paper

    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(32, 300)), int(rng.integers(32, 300)))
    image = Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8))
    background = image.filter(ImageFilter.BoxBlur(int(rng.integers(3, 13))))
    paper = Image.fromarray((rng.random(shape) < rng.uniform(0.2, 0.9)).astype(np.uint8) * 255)
    pillow = ImageChops.multiply(ImageChops.subtract(background, image).point(lambda v: 255 if v > 20 else 0),
                                 paper)
    assert _dark_on_paper(background, image, paper).tobytes() == pillow.tobytes()


@pytest.mark.parametrize("seed", range(12))
def test_projected_sharpness_skipping_the_column_test_is_the_same(seed):
    """At a turn where the ink's box stays inside the map no pixel is dropped,
    and the column test is skipped: the sharpness is the one with every pixel
    tested, at every whole degree and at fine steps, on maps whose ink keeps
    clear of the edges and on maps whose ink touches them."""
    import math

    import numpy as np
    from storytime.ocr.skew import _Projected

    rng = np.random.default_rng(seed)
    height, width = int(rng.integers(40, 400)), int(rng.integers(40, 400))
    ink = (rng.random((height, width)) < 0.03).astype(np.uint8) * 255
    if seed % 2:
        margin = int(rng.integers(1, min(height, width) // 4))
        ink[:margin], ink[-margin:], ink[:, :margin], ink[:, -margin:] = 0, 0, 0, 0
    projected = _Projected(Image.fromarray(ink))
    weight = int(0.5 + (1.0 / width) * (1 << 22)) * 255  # Pillow's BOX row mean of 255-valued pixels
    inside = 0
    for angle in [*range(-15, 16), *np.round(np.arange(-3, 3, 0.05), 2)]:
        radians = -math.radians(angle)
        cos, sin = round(math.cos(radians), 15), round(math.sin(radians), 15)
        x = np.floor(cos * projected.u - sin * projected.v + width / 2.0)
        y = np.floor(sin * projected.u + cos * projected.v + height / 2.0)
        rows = y[(x >= 0) & (x < width) & (y >= 0) & (y < height)].astype(np.int64) if angle else projected.rows
        steps = np.diff(np.minimum((np.bincount(rows, minlength=height) * weight + (1 << 21)) >> 22, 255))
        assert projected.sharpness(float(angle)) == int(steps @ steps), angle
        inside += bool(angle) and projected._all_inside(cos, sin)
    assert inside or not seed % 2          # the shortcut is taken where the ink keeps clear
