"""The working resolution a page is read at (``ocr.scale``): big print shrunk, small print never."""
from __future__ import annotations

import pytest
from PIL import Image
from storytime.ocr.reading import Frame, Line, Reading, Word
from storytime.ocr.scale import BIG, MIN_SIDE, TARGET, shrunk, working_scale
from storytime.ocr.tesseract import TesseractDetectText

PHONE = (1800, 2400)      # a 12 MP phone photo as the engine holds it (max_side 2400)


@pytest.mark.parametrize("height", [80, 120, 200])
def test_big_print_is_brought_to_the_target_height(height):
    scale = working_scale(height, PHONE)
    assert scale < 1
    assert height * scale == pytest.approx(TARGET) or min(PHONE) * scale == pytest.approx(MIN_SIDE)


@pytest.mark.parametrize("height", [8, 20, 28, 30, TARGET, BIG * TARGET - 0.1])
def test_text_not_clearly_big_is_read_as_it_is(height):
    # A Korean page at 28-30 px read erratically shrunk; small text is enlarged after a read, not here.
    assert working_scale(height, PHONE) == 1.0


def test_unknown_height_is_read_as_it_is():
    assert working_scale(None, PHONE) == 1.0


@pytest.mark.parametrize("height", [1, 10, 25, 60, 100, 400, 5000])
@pytest.mark.parametrize("size", [(640, 480), (1800, 2400), (2400, 1000), (700, 3000)])
def test_never_enlarges_and_never_shrinks_the_short_side_below_the_floor(height, size):
    scale = working_scale(height, size)
    assert scale <= 1.0
    assert scale == 1.0 or min(size) * scale >= MIN_SIDE - 1e-9


def test_the_floor_holds_the_scale_above_what_the_text_alone_asks():
    # Text 400 px high would go to a tenth; the short side stops it at MIN_SIDE.
    assert working_scale(400, PHONE) == pytest.approx(MIN_SIDE / min(PHONE))


def test_a_smaller_target_shrinks_more():
    assert working_scale(150, (3000, 4000), target=30) < working_scale(150, (3000, 4000), target=45) < 1


def test_shrunk_keeps_the_aspect_and_leaves_a_scale_of_one_alone():
    image = Image.new("L", (1800, 2400), 255)
    assert shrunk(image, 1.0) is image
    small = shrunk(image, 0.5)
    assert small.size == (900, 1200)
    assert small.mode == "L"


def words_of_height(height: float, size: tuple[int, int], upright: tuple[int, int] | None = None) -> Reading:
    words = [Word(f"word{i}", 90, 10 + 100 * i, 10, 80, height) for i in range(5)]
    return Reading([Line(words)], size[0], size[1], 3, frame=Frame(0, 0.0, upright or size, upright or size))


@pytest.mark.parametrize(("found", "planned", "kept"), [(32, 32, True), (40, 32, True), (20, 32, True),
                                                        (19, 32, False), (10, 40, False)])
def test_a_shrunk_reading_is_kept_when_its_text_is_about_as_high_as_planned(found, planned, kept):
    assert TesseractDetectText._as_measured(words_of_height(found, (900, 1200)), planned) is kept


def test_a_shrunk_reading_enlarged_after_the_read_is_judged_at_the_shrunk_scale():
    # _rescaled read the shrunk page twice as large: its 30 px words are 15 px of the shrunk page.
    assert not TesseractDetectText._as_measured(words_of_height(30, (1800, 2400), upright=(900, 1200)), 32)


def test_a_shrunk_reading_with_no_words_is_not_kept():
    assert not TesseractDetectText._as_measured(Reading([], 900, 1200, 3, frame=Frame(0, 0.0, (900, 1200),
                                                                                        (900, 1200))), 32)
