"""The text detector on real photos (``ocr.text_lines_found``), and when the engine uses it."""
from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageOps
from storytime.core.images import prepare_upload
from storytime.core.reading import read_page
from storytime.ocr import text_lines_found
from storytime.ocr.runner_api import ApiRunner
from storytime.ocr.tesseract import TesseractDetectText
from storytime.ocr.text_lines_found import find_lines

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def photo(name: str) -> Image.Image:
    return ImageOps.exif_transpose(Image.open(FIXTURES / name)).convert("L")


def test_the_shop_signs_two_lines_are_found_on_the_rough_wall():
    image = photo("paddleocr_korean_1_sign.jpg")          # 1836 x 2448; the sign's rows near 800-1300
    lines = find_lines(image)
    assert len(lines) == 2
    (_, top1, _, bottom1), (_, top2, _, bottom2) = lines
    assert 700 < top1 < 850 and 950 < bottom1 < 1100 and 1000 < top2 < 1150 and 1250 < bottom2 < 1400
    assert all(right - left > 1500 for left, _, right, _ in lines)  # each row whole, across the sign


@pytest.mark.parametrize("size", [(800, 600), (40, 30)])
def test_a_blank_photo_has_no_lines(size):
    assert find_lines(Image.new("L", size, 200)) == []


@pytest.fixture(scope="module")
def engine():
    return TesseractDetectText(runner=ApiRunner())


def read(engine, name: str) -> str:
    return read_page(engine((FIXTURES / name).read_bytes())["TextDetections"])


def test_a_sign_on_a_rough_wall_is_read_from_its_lines(engine):
    words = read(engine, "paddleocr_korean_1_sign.jpg").split()
    assert words[:3] == ["얼음.", "석유", "문의"] and words[3] == "벨을"   # was "He 누르세요 2"


def test_a_road_signs_columns_are_read_one_after_the_other(engine):
    assert read(engine, "easyocr_korean.png").split() == ["서울", "Seoul", "56Km", "평양", "Pyeongyang", "205Km"]


def test_a_page_never_runs_the_detector(engine, monkeypatch):
    calls = []
    monkeypatch.setattr(text_lines_found, "_net", None)
    real = text_lines_found.find_lines
    monkeypatch.setattr("storytime.ocr.sign_reading.find_lines", lambda image: calls.append(1) or real(image))
    assert read(engine, "tesseract_phototest.png").startswith("This is a lot of 12 point text")
    assert calls == []


def rendered(engine, name: str, seed: int = 300) -> tuple[str, str]:
    """A sign of ``bench/sign_set.py`` photographed on its wall, read; and its text."""
    from bench.sign_set import photo as sign_photo
    data, text = sign_photo(name, seed)
    return read_page(engine(prepare_upload(data, None).data)["TextDetections"]), text


@pytest.mark.parametrize("name", ["fr_station", "de_shop", "es_exit"])
def test_a_signs_latin_lines_are_read_with_their_languages_model(engine, name):
    # fr_station read "Gare du Nord / 0065 aux 04815 / Sortie 0016 rue" (kor+eng); de_shop's first
    # read kept 2 of Tesseract's 32 lines, "J is / Offnungszeiten 7 bis 18", as confident.
    # es_exit: "gatida de emeraencia" (kor+eng, mean word confidence 41; spa 61).
    text, truth = rendered(engine, name)
    assert text.split() == truth.split()


@pytest.mark.parametrize("name", ["fr_closed", "de_entry"])
def test_a_signs_confident_found_lines_win_over_a_wall_read_as_text(engine, name):
    # Moved on its wall (seed 500): de_entry was "5) / 35 / 은 은 / 2 ㅇ ..." (the wall, more words);
    # fr_closed's second line "Ouvertàa9h" (fra, 25) was dropped, spa reads it "Ouvert a 9 h" (92).
    text, truth = rendered(engine, name, 500)
    assert text.split() == truth.replace("à", "a").split()


def test_a_tilted_sign_whose_first_read_is_mostly_noise_is_read_from_its_lines(tmp_path, engine):
    from bench.sign_set import grey_wall_sign
    grey_wall_sign(tmp_path)     # was read "de secours ie Sort a Wy", confidently
    assert read_page(engine((tmp_path / "fr_exit_grey.jpg").read_bytes())["TextDetections"]) == "Sortie de secours"
