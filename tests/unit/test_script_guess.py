"""The script and orientation guess made from a page's image before any Tesseract run (``ocr.script``).

On the committed fixtures (no Tesseract here: the guess is numpy and OpenCV
on the image the engine reads) and on those pages turned as a wrong EXIF
tag delivers them. The same guess over a larger rendered set is measured by
``bench/script_guess.py``.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from storytime.core.images import prepare_upload
from storytime.ocr.script import HANGUL, LATIN, guess
from storytime.ocr.tesseract import TesseractDetectText

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SCRIPTS = {"ko": HANGUL, "en": LATIN}
# The road sign's three words are too few marks to judge, and the shop sign's two rows on a rough
# wall: no guess, read as before.
NO_GUESS = {"darknet_eagle.jpg", "easyocr_korean.png", "paddleocr_korean_1_sign.jpg"}


def index() -> dict[str, str]:
    rows = [line.split("\t") for line in (FIXTURES / "index.tsv").read_text("utf-8").splitlines()[1:] if line]
    return {row[0]: row[1] for row in rows}


def page(name: str) -> Image.Image:
    """The fixture as the engine reads it: stored, greyscale, at most max_side."""
    return TesseractDetectText()._open(prepare_upload((FIXTURES / name).read_bytes(), None).data)


@pytest.mark.parametrize(("name", "lang"), sorted(index().items()))
def test_each_fixture_page_is_guessed_right_upright(name, lang):
    found = guess(page(name))
    if name in NO_GUESS:
        assert found is None
        return
    assert found is not None and found.script == SCRIPTS[lang]
    assert found.across is True
    # The sachet photo's few bare vowel bars do not say which way up (OSD's to say).
    assert found.rotation == (None if name == "awssamples_test.jpeg" else 0)


@pytest.mark.parametrize("name", ["tesseract_phototest.png", "paddleocr_img_12.png", "gen_en_two_column_photo.jpg"])
@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_a_latin_page_turned_is_seen_turned_and_which_way(name, degrees):
    # Turned counter-clockwise by `degrees`: the engine turns it back clockwise by as much.
    found = guess(page(name).rotate(degrees, expand=True))
    assert found is not None and found.script == LATIN
    assert found.across is (degrees == 180)
    assert found.rotation == degrees


@pytest.mark.parametrize("name", ["gen_ko_prose_photo.jpg", "gen_ko_anthem_photo.jpg", "gen_ko_dialogue_photo.jpg",
                                  "awssamples_test.jpeg"])
@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_a_korean_page_turned_is_still_hangul_on_its_side_when_it_is_and_which_way(name, degrees):
    found = guess(page(name).rotate(degrees, expand=True))
    assert found is not None and found.script == HANGUL
    assert found.across is (degrees == 180)
    assert found.rotation == (None if name == "awssamples_test.jpeg" else degrees)


@pytest.mark.parametrize("image", [
    Image.new("L", (1200, 900), 255),                                              # blank paper
    Image.new("L", (8, 8), 0),                                                     # too small to hold text
    Image.linear_gradient("L").resize((900, 1200)),                                # light, no marks
    Image.fromarray((np.random.default_rng(1).random((1200, 900)) * 255).astype("uint8")),   # grain
], ids=["blank", "tiny", "gradient", "noise"])
def test_an_image_without_text_gets_no_guess(image):
    assert guess(image) is None


@pytest.mark.parametrize("name", ["gen_ko_prose_photo.jpg", "awssamples_test.jpeg", "tesseract_phototest.png"])
def test_the_marks_boxes_are_opencvs_bounding_rects(name):
    """_outer_boxes (min and max of each outer contour's points at once) is
    cv2.boundingRect of each contour without a parent, box for box."""
    import cv2
    from storytime.ocr.script import _outer_boxes

    ink = cv2.adaptiveThreshold(np.asarray(page(name)), 255, cv2.ADAPTIVE_THRESH_MEAN_C,
                                cv2.THRESH_BINARY_INV, 31, 25)
    contours, hierarchy = cv2.findContours(ink, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    expected = np.array([cv2.boundingRect(c) for c, link in zip(contours, hierarchy[0]) if link[3] < 0],
                        dtype=float).T
    assert len(expected[0]) > 100
    assert np.array_equal(np.array(_outer_boxes(contours, hierarchy)), expected)
