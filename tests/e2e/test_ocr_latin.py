"""French, Spanish and German pages nobody named: one full read, with their own model.

The image shows their accents (``ocr.accents``); a strip of 2 lines read
with eng says which language; the page is then read once with that model
(it was read with eng, then again with its model). English pages show no
accents and are read as before: one eng run. Real Tesseract on rendered
pages, through both runners (``ocr.runner_api`` and ``ocr.runner_cli``).
"""
from __future__ import annotations

import pytest
from storytime.core.language import clear_latin_language, detect_language, voice_for
from storytime.core.reading import read_page
from storytime.ocr.runner_api import ApiRunner
from storytime.ocr.runner_cli import CliRunner
from storytime.ocr.script import survey
from storytime.ocr.tesseract import TesseractDetectText

from tests.cer import cer
from tests.e2e.pages import DEJAVU_SERIF, FRENCH_STORY, GERMAN_STORY, SPANISH_STORY, photograph, render_page

pytestmark = pytest.mark.e2e

LIBERATION_SERIF = "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"

ENGLISH_STORY = [
    "It was the best of times, it was the worst of times,",
    "it was the age of wisdom, it was the age of foolishness,",
    "it was the epoch of belief, it was the epoch of incredulity,",
    "it was the season of Light, it was the season of Darkness,",
    "it was the spring of hope, it was the winter of despair,",
    "we had everything before us, we had nothing before us,",
    "we were all going direct to Heaven, we were all going direct",
]


class Counting:
    """A runner that notes each run: (languages, psm, image size)."""

    def __init__(self, runner) -> None:
        self.runner, self.runs = runner, []

    def run(self, image, psm, languages):
        self.runs.append((languages, psm, image.size))
        return self.runner.run(image, psm, languages)

    def osd(self, image, characters):
        self.runs.append(("osd", 0, image.size))
        return self.runner.osd(image, characters)

    def warm(self, languages):
        self.runner.warm(languages)


@pytest.fixture(scope="module", params=["api", "cli"])
def runner(request):
    return ApiRunner() if request.param == "api" else CliRunner()


def full_page_runs(runs):
    """The runs over the whole page (not a strip of it: a strip is under half its area)."""
    largest = max(width * height for _, _, (width, height) in runs)
    return [(languages, psm) for languages, psm, (width, height) in runs if width * height * 2 >= largest]


@pytest.mark.parametrize(("story", "language", "model", "accented"), [
    (FRENCH_STORY, "fr", "fra", "évêque"), (SPANISH_STORY, "es", "spa", "añadidura"),
    (GERMAN_STORY, "de", "deu", "Träumen")])
@pytest.mark.parametrize("photographed", [False, True])
def test_an_unnamed_latin_page_is_one_full_read_with_its_model(runner, story, language, model, accented,
                                                               photographed):
    page = render_page(story, font=DEJAVU_SERIF, size=34)
    page = photograph(page, angle=2) if photographed else page
    counting = Counting(runner)
    text = read_page(TesseractDetectText(runner=counting)(page)["TextDetections"])
    assert full_page_runs(counting.runs) == [(model, 3)]
    assert [(languages, psm) for languages, psm, _ in counting.runs] == [("eng", 6), (model, 3)]   # the strip first
    assert accented in text
    assert cer("\n".join(story), text) <= 0.01
    assert detect_language(text) == language and voice_for(language).language == language


def test_a_turned_french_page_is_one_full_read_turned(runner):
    counting = Counting(runner)
    page = render_page(FRENCH_STORY, font=DEJAVU_SERIF, size=34, rotate=180)
    text = read_page(TesseractDetectText(runner=counting)(page)["TextDetections"])
    assert full_page_runs(counting.runs) == [("fra", 3)]
    assert cer("\n".join(FRENCH_STORY), text) <= 0.01


@pytest.mark.parametrize("photographed", [False, True])
def test_an_english_page_is_one_eng_run_as_before(runner, photographed):
    page = render_page(ENGLISH_STORY, font=DEJAVU_SERIF, size=34)
    page = photograph(page, angle=2) if photographed else page
    counting = Counting(runner)
    text = read_page(TesseractDetectText(runner=counting)(page)["TextDetections"])
    assert [(languages, psm) for languages, psm, _ in counting.runs] == [("eng", 3)]
    assert cer("\n".join(ENGLISH_STORY), text) <= 0.01


def test_the_image_shows_accents_on_french_spanish_german_pages_and_none_on_english():
    import io

    from PIL import Image
    shares = {}
    for name, story in (("fr", FRENCH_STORY), ("es", SPANISH_STORY), ("de", GERMAN_STORY), ("en", ENGLISH_STORY)):
        image = Image.open(io.BytesIO(photograph(render_page(story, font=DEJAVU_SERIF, size=34), angle=2)))
        shares[name] = survey(image.convert("L")).guess.accents
    assert all(shares[name].many for name in ("fr", "es", "de")), shares
    assert not shares["en"].many and shares["en"].share < 0.002, shares


@pytest.mark.parametrize("font", [DEJAVU_SERIF, LIBERATION_SERIF])
def test_the_strip_is_two_whole_lines_near_the_accents(font):
    # Liberation Serif at 28 px: a cut at a fixed height around the accents kept one line of it.
    engine = TesseractDetectText(runner=ApiRunner())
    image = engine._fit(engine._decode(render_page(FRENCH_STORY, font=font, size=28)))
    found = survey(image).guess.accents
    read = engine._read_strip(engine._straighten(image, 0)[0], found)
    assert len(read.lines) == 2
    assert all(min(cer(line, story_line) for story_line in FRENCH_STORY) <= 0.1 for line in read.text.splitlines())
    assert clear_latin_language(read.text) == "fr"
