"""Which way an upload reaches its working resolution (``TesseractDetectText._read_decoded``).

A photo bigger than ``max_side`` is glanced at on a small copy; when that
finds big Latin print, it is measured on a cheap area-averaged copy at
``max_side`` and goes from its decoded size straight to its working size in
one resize, the LANCZOS copy at ``max_side`` made only when it is read. Any
other page is fitted (LANCZOS) and measured as before. Survey and reads are
scripted; the images are real.
"""
from __future__ import annotations

import pytest
from PIL import Image
from storytime.ocr.reading import Frame, Line, Reading, Word
from storytime.ocr.scale import TARGET, fitted_size, glance, shrunk, shrunk_from, survey_copy
from storytime.ocr.script import HANGUL, LATIN, Guess, Survey
from storytime.ocr.tesseract import TesseractDetectText

PHONE = (4032, 3024)       # a 12 MP phone photo as decoded
FITTED = (2400, 1800)      # the same at max_side


GLANCE = (1008, 756)       # its small copy


class Planned(TesseractDetectText):
    """Notes the size of each image surveyed and each page image read; the
    survey answers text ``height`` px high at ``frame`` px wide, scaled to
    the image it is given (``glanced`` instead on the small copy)."""

    def __init__(self, height: float | None, script: str = LATIN, found: float | None = None,
                 frame: int = 2400, glanced: float | None = None, scripts: list[str] | None = None,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.height, self.script, self.found, self.frame = height, script, found, frame
        self.glanced = glanced if glanced is not None else height
        self.scripts = scripts or []        # the script each survey in turn finds, then ``script``
        self.surveyed: list[tuple[int, int]] = []
        self.pages: list[tuple[int, int]] = []
        self.fitted = 0

    def _fit(self, image):
        self.fitted += 1
        return super()._fit(image)

    def _survey(self, image):
        self.surveyed.append(image.size)
        if self.scripts:
            self.script = self.scripts.pop(0)
        height = self.glanced if image.size == GLANCE else self.height
        return Survey(Guess(self.script, True, 0), height and height * image.width / self.frame)

    def _read_page(self, image, language, found):
        self.pages.append(image.size)
        height = self.found if self.found is not None else TARGET
        words = [Word(f"w{i}", 90, 10 + 100 * i, 10, 80, height) for i in range(5)]
        return Reading([Line(words)], image.width, image.height, 3, frame=Frame(0, 0.0, image.size, image.size))


def grey(size: tuple[int, int]) -> Image.Image:
    return Image.new("L", size, 200)


def test_big_print_on_a_big_photo_is_measured_on_a_cheap_copy_and_read_at_its_working_size():
    engine = Planned(height=60)         # over 1.5 x 32
    engine._read_decoded(grey(PHONE))
    assert engine.surveyed == [GLANCE, FITTED] and engine.fitted == 0     # no LANCZOS copy made
    assert engine.pages == [shrunk(grey(FITTED), TARGET / 60).size]


def test_the_working_size_is_the_one_a_shrink_of_the_fitted_page_would_have():
    image = grey(PHONE)
    for scale in (0.3, 0.45, 0.62):
        assert shrunk_from(image, FITTED, scale).size == shrunk(grey(FITTED), scale).size


def test_big_hangul_print_is_shrunk_from_the_fitted_copy_to_its_larger_target():
    # Korean reads 1-3 characters worse from a photo shrunk in one resize: the fitted copy's pixels are kept.
    engine = Planned(height=80, script=HANGUL, found=40)
    engine._read_decoded(grey(PHONE))
    assert engine.surveyed == [GLANCE, FITTED] and engine.fitted == 1
    assert engine.pages == [shrunk(grey(FITTED), 40 / 80).size]


@pytest.mark.parametrize("height", [None, 20, 47])
def test_a_big_photo_of_small_print_is_glanced_at_then_fitted_and_measured_as_before(height):
    engine = Planned(height=height)     # 47 px: just under 1.5 x 32, not shrunk
    engine._read_decoded(grey(PHONE))
    assert engine.surveyed == [GLANCE, FITTED] and engine.pages == [FITTED] and engine.fitted == 1


def test_print_the_glance_took_for_big_is_read_fitted_as_the_copy_at_max_side_measures_it():
    engine = Planned(height=30, glanced=60)
    engine._read_decoded(grey(PHONE))
    assert engine.surveyed == [GLANCE, FITTED, FITTED] and engine.pages == [FITTED] and engine.fitted == 1


def test_print_the_glance_took_for_latin_is_read_as_before_when_the_copy_finds_hangul():
    engine = Planned(height=80, found=40, scripts=[LATIN, HANGUL, HANGUL])   # glance, copy, fitted
    engine._read_decoded(grey(PHONE))
    assert engine.surveyed == [GLANCE, FITTED, FITTED] and engine.fitted == 1
    assert engine.pages == [shrunk(grey(FITTED), 40 / 80).size]


def test_a_page_no_bigger_than_max_side_is_measured_once_as_it_is():
    engine = Planned(height=20, frame=1800)
    engine._read_decoded(grey((1800, 2400)))
    assert engine.surveyed == [(1800, 2400)] and engine.pages == [(1800, 2400)]


def test_text_read_much_smaller_than_planned_is_read_again_at_max_side():
    engine = Planned(height=100, found=10)      # the marks misled: the reading finds 10 px words
    engine._read_decoded(grey(PHONE))
    assert len(engine.pages) == 2 and engine.pages[0][0] < 2400 and engine.pages[1] == FITTED
    assert engine.fitted == 1


def test_no_working_height_reads_every_page_at_max_side():
    engine = Planned(height=100, working_text_height=None)
    engine._read_decoded(grey(PHONE))
    assert engine.pages == [FITTED]


def test_the_survey_copy_is_the_size_the_engine_fits_the_page_to():
    assert survey_copy(grey(PHONE), 2400).size == FITTED


@pytest.mark.parametrize(("size", "small"), [(PHONE, GLANCE), ((3000, 4000), (750, 1000)), ((2401, 10), (801, 4))])
def test_the_glance_is_at_most_half_max_side(size, small):
    assert glance(grey(size), 2400).size == small


@pytest.mark.parametrize(("size", "fitted"), [((4032, 3024), (2400, 1800)), ((3000, 4000), (1800, 2400)),
                                              ((2400, 1000), (2400, 1000)), ((640, 480), (640, 480)),
                                              ((9000, 2), (2400, 1))])
def test_fitted_size_brings_the_longer_side_to_max_side(size, fitted):
    assert fitted_size(size, 2400) == fitted
