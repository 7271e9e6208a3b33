"""Big print read at a working resolution (``ocr.scale``), on real Tesseract.

A read of a shrunk image answers in the input's frame like a full-size read:
its words' polygons land on the same words. A large-print page (a children's
book photographed, ``bench/large_print.py``) is read shrunk, as well as at
full size.
"""
from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont
from storytime.core.images import prepare_upload
from storytime.core.reading import read_page
from storytime.ocr.detections import detections
from storytime.ocr.script import survey
from storytime.ocr.tesseract import TesseractDetectText

from bench.large_print import PAGES, render_page
from tests.cer import cer

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BARE = str.maketrans("", "", ".,;:!?()\u201c\u201d\"'")


class SizedEngine(TesseractDetectText):
    """The real engine, noting the size of every image Tesseract reads, and
    of each page image ``read`` reads (shrunk, then perhaps at full size)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.sizes: list[tuple[int, int]] = []
        self.pages: list[tuple[int, int]] = []

    def _read_page(self, image, language, found):
        self.pages.append(image.size)
        return super()._read_page(image, language, found)

    def _lines(self, image, psm, languages):
        self.sizes.append(image.size)
        return super()._lines(image, psm, languages)


def unique_words(response: dict, truth: str) -> dict[str, dict]:
    """Geometry of each word read once that the ground truth has once."""
    expected = truth.translate(BARE).split()
    found: dict[str, list] = {}
    for item in response["TextDetections"]:
        text = item["DetectedText"].translate(BARE)
        if item["Type"] == "WORD" and len(text) >= 2 and expected.count(text) == 1:
            found.setdefault(text, []).append(item["Geometry"])
    return {text: geometries[0] for text, geometries in found.items() if len(geometries) == 1}


def assert_same_places(shrunk: dict, full: dict, truth: str, aspect: float, tolerance: float = 0.25) -> None:
    """Words both reads found in boxes of the same height (most of them; the
    engine's box sometimes takes in a mark above or below a word, in either
    read) have centres within ``tolerance`` text heights of each other
    (``aspect``: the image's height / width)."""
    ours, theirs = unique_words(shrunk, truth), unique_words(full, truth)
    shared = sorted(set(ours) & set(theirs))
    assert len(shared) >= 0.8 * len(theirs) and len(shared) >= 8, (len(shared), len(theirs))
    alike = [text for text in shared
             if abs(ours[text]["BoundingBox"]["Height"] / theirs[text]["BoundingBox"]["Height"] - 1) < 0.15]
    assert len(alike) >= 0.7 * len(shared), (alike, shared)
    for text in alike:
        height = theirs[text]["BoundingBox"]["Height"]        # of the image's height
        (x, y), (u, v) = centre(ours[text]), centre(theirs[text])
        assert abs(x - u) < tolerance * height * aspect and abs(y - v) < tolerance * height, (text, (x, y), (u, v))


def centre(geometry: dict) -> tuple[float, float]:
    points = geometry["Polygon"]
    return sum(p["X"] for p in points) / 4, sum(p["Y"] for p in points) / 4


def aspect(data: bytes) -> float:
    width, height = Image.open(io.BytesIO(data)).size
    return height / width


@pytest.mark.parametrize("degrees", [0, 90])
def test_a_read_at_scale_puts_every_word_where_a_full_size_read_does(degrees):
    """A real photo, its text (29 px) brought to 16 px: the engine reads a
    smaller image, and answers in the input's frame all the same."""
    image = Image.open(FIXTURES / "paddleocr_img_12.png")
    out = io.BytesIO()
    image.rotate(degrees, expand=True).save(out, "PNG")
    data = prepare_upload(out.getvalue(), None).data
    truth = (FIXTURES / "paddleocr_img_12.png.gt.txt").read_text("utf-8")
    small, full = SizedEngine(working_text_height=16), SizedEngine(working_text_height=None)
    at_scale, at_full = small(data), full(data)
    assert max(small.sizes[0]) < 0.8 * max(full.sizes[0])
    assert cer(truth, read_page(at_scale["TextDetections"])) <= cer(truth, read_page(at_full["TextDetections"])) + 0.01
    assert_same_places(at_scale, at_full, truth, aspect(data))


@pytest.mark.parametrize("name", ["en_falling_160", "ko_story_120"])
def test_a_large_print_page_is_read_shrunk_as_well_as_at_full_size(name):
    """A 4000 px phone photo of a picture book: read by default at a fraction
    of the engine's 2400 px, to the same text as a read at 2400 px, its words
    in the same places."""
    (seed, page), = [(seed, page) for seed, page in enumerate(PAGES, 300) if page.name == name]
    photo, lines = render_page(page, seed)
    data = prepare_upload(photo, None).data
    truth = "\n".join(lines)
    shrunk, full = SizedEngine(), SizedEngine(working_text_height=None)
    at_scale, at_full = shrunk(data), full(data)
    assert max(shrunk.sizes[0]) <= 0.6 * max(full.sizes[0]) and max(full.sizes[0]) == 2400
    assert len(shrunk.pages) == 1         # read once, shrunk
    ours, theirs = (cer(truth, read_page(r["TextDetections"])) for r in (at_scale, at_full))
    assert ours <= 0.03 and ours <= theirs + 0.01, (ours, theirs)
    assert_same_places(at_scale, at_full, truth, aspect(data))


def dotted_page(font_size: int, dots: int) -> tuple[bytes, str]:
    """Small print under a picture of big dots: the dots are most of the
    page's marks, so its text looks twice as big as it is."""
    rng = random.Random(1)
    image = Image.new("L", (1800, 2400), 245)
    draw = ImageDraw.Draw(image)
    for _ in range(dots):
        x, y, r = rng.randint(0, 1800), rng.randint(0, 1400), rng.randint(25, 40)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=rng.randint(60, 160))
    face = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", font_size)
    lines = ["Alice was beginning to get very tired of sitting by her sister",
             "on the bank, and of having nothing to do: once or twice she",
             "had peeped into the book her sister was reading, but it had no"]
    for i, line in enumerate(lines):
        draw.text((100, 1550 + i * round(font_size * 1.6)), line, font=face, fill=20)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue(), "\n".join(lines)


@pytest.mark.parametrize(("font_size", "dots"), [(24, 400), (32, 600)])
def test_text_the_marks_made_look_big_is_read_again_at_full_size(font_size, dots):
    """Shrunk, the 24 px print reads at half the height planned; the 32 px
    print under more dots reads as nothing. Either way it is read again."""
    data, truth = dotted_page(font_size, dots)
    measured = survey(Image.open(io.BytesIO(data)).convert("L"))
    assert measured.text_height > 1.8 * font_size       # the dots misled the survey
    engine = SizedEngine()
    text = read_page(engine(data)["TextDetections"])
    assert len(engine.pages) == 2 and engine.pages[0][0] < 1800 and engine.pages[1] == (1800, 2400)
    assert cer(truth, text) <= 0.02


@pytest.mark.parametrize("name", ["en_rabbit_120", "ko_lucky_150"])
def test_a_big_photo_read_from_its_decoded_size_reads_as_one_fitted_first(name):
    """The upload path (measured on a cheap copy, one resize from the decoded
    photo to the working size) against the page fitted to 2400 px (LANCZOS)
    and measured there, as it was read before: a working image of the same
    size within a pixel or two, the same text, its words in the same places."""
    (seed, page), = [(seed, page) for seed, page in enumerate(PAGES, 300) if page.name == name]
    photo, lines = render_page(page, seed)
    data = prepare_upload(photo, None).data
    truth = "\n".join(lines)
    direct, fitted = SizedEngine(), SizedEngine()
    at_direct = direct(data)
    at_fitted = detections(fitted._second_look(fitted.read(fitted._open(data))))
    assert len(direct.pages) == len(fitted.pages) == 1
    assert max(abs(a - b) for a, b in zip(direct.pages[0], fitted.pages[0])) <= 2
    ours, theirs = (cer(truth, read_page(r["TextDetections"])) for r in (at_direct, at_fitted))
    assert ours <= theirs + 0.01, (ours, theirs)
    assert_same_places(at_direct, at_fitted, truth, aspect(data))
