"""Uneven light (``ocr.light``) on the real fixtures: which pages are evened
out, and what that gives back."""
from pathlib import Path

import pytest
from storytime.core.images import prepare_upload
from storytime.ocr.light import uneven
from storytime.ocr.tesseract import TesseractDetectText

from bench.quality import product

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

# Photographed-like pages lit from one corner, and nothing else.
UNEVEN = {"gen_en_dense_photo.jpg", "gen_en_two_column_photo.jpg", "gen_en_wrap_illustration_photo.jpg",
          "gen_ko_anthem_photo.jpg", "gen_ko_dialogue_photo.jpg", "gen_ko_prose_photo.jpg"}
EVEN = {"tesseract_phototest.png", "ocrmypdf_epson.png",            # scans
        "paddleocr_img_12.png", "pagedewarp_boston_cooking_a.jpg",  # book photos in even light
        "pagedewarp_boston_cooking_b.jpg", "awssamples_test.jpeg",
        "easyocr_korean.png",                                        # light letters on a green sign
        "darknet_eagle.jpg"}                                         # no page at all


def _as_read(name: str):
    """The image as the engine measures it (stored upload, grey, scaled)."""
    engine = TesseractDetectText()
    return engine._open(prepare_upload((FIXTURES / name).read_bytes(), None).data)


@pytest.mark.parametrize("name", sorted(UNEVEN))
def test_pages_lit_from_one_side_are_evened_out(name):
    assert uneven(_as_read(name))


@pytest.mark.parametrize("name", sorted(EVEN))
def test_evenly_lit_scans_photos_and_signs_are_left_alone(name):
    assert not uneven(_as_read(name))


def test_the_two_column_photo_keeps_its_line_starts_in_the_dim_left_column():
    # Without the evening out: "e was beginning", "er sister" (raw tesseract too).
    text, *_ = product(TesseractDetectText(), FIXTURES / "gen_en_two_column_photo.jpg")
    assert "Alice was beginning" in text
    assert "by her sister" in text
