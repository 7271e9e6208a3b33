"""Curved pages are flattened before OCR, flat ones never (ocr/dewarp.py), on the real fixtures."""
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from PIL import Image
from storytime.core.images import prepare_upload
from storytime.ocr.dewarp import CURVED, Warp, contours_of, curvature, flatten_if_curved, spans_of, text_lines
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


def test_a_flat_page_and_a_korean_page_import_no_optimiser_and_no_command_line():
    """Measuring a flat page and the second look's ink search import neither
    page-dewarp's command line (its package __init__) nor scipy (0.4 s of a
    cold reader's CPU); a curved page's fit imports scipy's optimiser."""
    code = ("import sys; from PIL import Image; from storytime.ocr import dewarp, second_look; "
            "from storytime.ocr.reading import Word; "
            f"image = Image.open({str(FIXTURES / 'tesseract_phototest.png')!r}).convert('L'); "
            "assert dewarp.flatten_if_curved(image) is None; "
            "lines = [[Word('가나', 95, 10 + 150 * i, 10 + 40 * j, 50, 30) for i in range(4)] for j in range(3)]; "
            "second_look.find_targets(lines, image, 30.0); "
            "print(sorted(m for m in sys.modules "
            "if m.startswith(('scipy', 'page_dewarp.__main__', 'page_dewarp.cli'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_fits_sparsity_is_the_element_by_element_one():
    """_sparsity, built from coordinates, is the matrix the fit was first
    given element by element (a lil_matrix): the same entries, a sparse matrix too."""
    import numpy as np
    from scipy.sparse import isspmatrix, lil_matrix
    from storytime.ocr.dewarp import _sparsity

    index = np.array([[0, 0]] + [[8 + k % 3, 11 + k] for k in range(12)])
    n = 11 + 12
    expected = lil_matrix((2 * len(index), n), dtype=int)
    expected[:, :8] = 1
    for k in range(1, len(index)):
        expected[2 * k:2 * k + 2, index[k, 0]] = 1
        expected[2 * k:2 * k + 2, index[k, 1]] = 1
    found = _sparsity(index, n)
    assert found.shape == expected.shape and isspmatrix(found)      # a matrix, as lil_matrix: the fit's Jacobian type
    assert np.array_equal(found.toarray(), expected.toarray())


@pytest.mark.parametrize("name", ["gen_en_two_column_photo.jpg", "pagedewarp_boston_cooking_a.jpg",
                                  "darknet_eagle.jpg"])
def test_the_contours_are_the_librarys_own_bit_for_bit(name):
    """contours_of is page-dewarp's get_contours without its per-point loop:
    the same contours, extents and end points, to the last bit."""
    import math

    import numpy as np
    from cv2 import COLOR_GRAY2RGB, INTER_AREA, cvtColor, resize
    from page_dewarp.contours import get_contours
    from page_dewarp.mask import Mask
    from page_dewarp.options import cfg

    gray = np.asarray(page(name))
    scale = math.ceil(max(gray.shape[1] / cfg.SCREEN_MAX_W, gray.shape[0] / cfg.SCREEN_MAX_H))
    small = cvtColor(resize(gray, (0, 0), None, 1 / scale, 1 / scale, INTER_AREA), COLOR_GRAY2RGB)
    mask = Mask("page", small, np.full(small.shape[:2], 255, np.uint8), True).value
    theirs, ours = get_contours("page", small, mask), contours_of(mask)
    assert len(ours) == len(theirs) > 20
    for mine, library in zip(ours, theirs):
        assert set(vars(mine)) == set(vars(library))
        assert mine.rect == library.rect and mine.local_xrng == library.local_xrng
        assert mine.angle == library.angle and mine.pred is mine.succ is None
        for attribute in ("contour", "mask", "center", "tangent", "point0", "point1"):
            assert np.array_equal(getattr(mine, attribute), getattr(library, attribute))


@pytest.mark.parametrize("name", ["gen_en_two_column_photo.jpg", "pagedewarp_boston_cooking_a.jpg",
                                  "gen_ko_dialogue_photo.jpg", "darknet_eagle.jpg"])
def test_the_spans_are_the_librarys_own(name):
    """spans_of leaves out only pairs the library's test would refuse: the
    same contours linked into the same spans, in the same order."""
    import math

    import numpy as np
    from cv2 import COLOR_GRAY2RGB, INTER_AREA, cvtColor, resize
    from page_dewarp.mask import Mask
    from page_dewarp.options import cfg
    from page_dewarp.spans import assemble_spans

    gray = np.asarray(page(name))
    scale = math.ceil(max(gray.shape[1] / cfg.SCREEN_MAX_W, gray.shape[0] / cfg.SCREEN_MAX_H))
    small = cvtColor(resize(gray, (0, 0), None, 1 / scale, 1 / scale, INTER_AREA), COLOR_GRAY2RGB)
    mask = Mask("page", small, np.full(small.shape[:2], 255, np.uint8), True).value
    theirs_in, ours_in = contours_of(mask), contours_of(mask)      # linking marks the contours: one set each
    theirs, ours = assemble_spans("page", small, mask, list(theirs_in)), spans_of(list(ours_in))
    assert len(theirs) > 5
    assert [[theirs_in.index(c) for c in span] for span in theirs] == \
        [[ours_in.index(c) for c in span] for span in ours]


@pytest.mark.parametrize(("width", "height"), [(1800, 2400), (333, 517), (16, 16), (17, 33), (40, 7)])
def test_the_pixel_map_is_every_pixel_bilinear_between_the_grid_points(width, height):
    """_bilinear, a band of rows at a time, gives the float32 of
    across[j] * (1 - fy) + across[j + 1] * fy over the whole image at once."""
    import numpy as np
    from storytime.ocr.dewarp import GRID, _bilinear

    rows, cols = -(-height // GRID) + 1, -(-width // GRID) + 1
    grid = np.random.default_rng(width).uniform(-50, 3000, (rows, cols))
    gx, gy = np.arange(width) / GRID, np.arange(height) / GRID
    i, j = np.minimum(gx.astype(int), cols - 2), np.minimum(gy.astype(int), rows - 2)
    fx, fy = gx - i, (gy - j).reshape((-1, 1))
    across = grid[:, i] * (1 - fx) + grid[:, i + 1] * fx
    whole = (across[j] * (1 - fy) + across[j + 1] * fy).astype(np.float32)
    assert np.array_equal(_bilinear(grid, width, height), whole)
