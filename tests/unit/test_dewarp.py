"""Curved pages are flattened before OCR, flat ones never (ocr/dewarp.py), on the real fixtures."""
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from PIL import Image
from storytime.core.images import prepare_upload
from storytime.ocr.dewarp import CURVED, Warp, curvature, flatten_if_curved, text_lines
from storytime.ocr.tesseract import TesseractDetectText

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CURVED_PAGES = ["pagedewarp_boston_cooking_a.jpg", "pagedewarp_boston_cooking_b.jpg"]
FLAT_PAGES = ["ocrmypdf_epson.png", "tesseract_phototest.png", "paddleocr_img_12.png", "gen_en_dense_photo.jpg",
              "gen_en_two_column_photo.jpg", "gen_en_wrap_illustration_photo.jpg", "gen_ko_prose_photo.jpg",
              "gen_ko_dialogue_photo.jpg", "awssamples_test.jpeg"]


@cache
def page(name: str) -> Image.Image:
    """The page as the engine reads it: stored (EXIF applied), grey, at most max_side."""
    return TesseractDetectText()._open(prepare_upload((FIXTURES / name).read_bytes(), None).data)


@pytest.mark.parametrize("name", FLAT_PAGES)
def test_a_flat_page_is_not_flattened(name):
    bend = curvature(text_lines(page(name)))
    assert bend is None or bend < CURVED * 0.7        # clear of the threshold, not just under it
    assert flatten_if_curved(page(name)) is None


@pytest.mark.parametrize("name", CURVED_PAGES)
def test_a_curved_page_is_flattened_and_its_lines_come_out_straight(name):
    assert curvature(text_lines(page(name))) > CURVED * 1.2
    flat, warp = flatten_if_curved(page(name))
    assert warp.size == flat.size
    # About the page's size in the photo: the text keeps its resolution.
    assert 0.5 < flat.height / page(name).height < 1.2
    assert curvature(text_lines(flat)) < CURVED * 0.7      # flat as the flat pages are


@pytest.mark.parametrize("name, box", [("pagedewarp_boston_cooking_a.jpg", (0.17, 0.0, 0.88, 1.0)),
                                       ("pagedewarp_boston_cooking_b.jpg", (0.12, 0.0, 0.93, 1.0))])
def test_a_close_up_of_a_curved_page_is_flattened_too(name, box):
    """Cropped to its text, so that the lines run to the image's edges."""
    photo = page(name)
    close_up = photo.crop(tuple(round(f * size) for f, size in zip(box, photo.size * 2)))
    assert curvature(text_lines(close_up)) > CURVED * 1.2
    flat, _ = flatten_if_curved(close_up)
    assert curvature(text_lines(flat)) < CURVED * 0.7      # flat as the flat pages are


@pytest.mark.parametrize("name", CURVED_PAGES)
def test_ink_of_the_flattened_page_maps_back_to_ink_in_the_photo(name):
    """Warp.to_source is the remap's own mapping: the dark pixels of the
    flattened page come from dark pixels of the photo."""
    photo = page(name)
    flat, warp = flatten_if_curved(photo)
    width, height = flat.size
    pixels, source = flat.load(), photo.load()
    ink = [(x, y) for y in range(0, height, 7) for x in range(0, width, 7) if pixels[x, y] < 80]
    assert len(ink) > 200
    back = [source[min(max(round(u), 0), photo.width - 1), min(max(round(v), 0), photo.height - 1)]
            for u, v in (warp.to_source(x, y) for x, y in ink)]
    assert sum(1 for value in back if value < 120) > 0.9 * len(back)


def test_warp_interpolates_between_its_grid_points():
    # Source = (2x + 10, 3y + 5) at every 16th output pixel of a 33 x 17 image.
    xs = [[2.0 * 16 * i + 10 for i in range(3)] for _ in range(2)]
    ys = [[3.0 * 16 * j + 5] * 3 for j in range(2)]
    warp = Warp(xs, ys, 16.0, 16.0, (33, 17))
    assert warp.to_source(0, 0) == pytest.approx((10, 5))
    assert warp.to_source(20, 8) == pytest.approx((50, 29))
    assert warp.to_source(32, 16) == pytest.approx((74, 53))
    assert warp.to_source(40, 30) == pytest.approx((74, 53))    # outside: the nearest edge


def test_the_flattening_libraries_load_only_when_a_page_is_read():
    """The zip Lambdas import storytime without numpy, scipy or OpenCV."""
    code = ("import sys, storytime.ocr.dewarp; "
            "print(sorted({'numpy', 'scipy', 'cv2', 'page_dewarp'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
