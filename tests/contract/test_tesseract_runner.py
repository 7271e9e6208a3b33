"""The two Tesseract runners (``ocr.runner``) answer alike, on real Tesseract and real pages.

Every run the engine makes reading a fixture page (its psm 3/4 reads, the
second look's psm 6 run on its stacked sheet, OSD on a turned page) is
recorded on the ``tesseract`` program (``CliRunner``) and made again in
process (``ApiRunner``, models kept warm across pages): the same TSV
(words, boxes, confidences) and the same text, run for run.
"""
from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image
from storytime.core.images import prepare_upload
from storytime.errors import EngineError
from storytime.ocr.runner import SETTINGS
from storytime.ocr.runner_api import ApiRunner, _image_set, word_table
from storytime.ocr.runner_cli import CliRunner
from storytime.ocr.tesseract import TesseractDetectText

from tests.e2e.pages import KOREAN_STORY, render_page

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


class Recording:
    """A runner passing each call on and noting it with its answer."""

    def __init__(self, runner) -> None:
        self.runner, self.calls = runner, []

    def warm(self, languages):
        self.runner.warm(languages)

    def run(self, image, psm, languages):
        answer = self.runner.run(image, psm, languages)
        self.calls.append(("run", image.copy(), (psm, languages), answer))
        return answer

    def osd(self, image, characters):
        answer = self.runner.osd(image, characters)
        self.calls.append(("osd", image.copy(), (characters,), answer))
        return answer


def photo(name: str, turn: int = 0) -> bytes:
    """The fixture's bytes, or the page turned ``turn`` degrees counter-clockwise as a PNG."""
    data = (FIXTURES / name).read_bytes()
    if not turn:
        return data
    out = io.BytesIO()
    page(name).rotate(turn, expand=True).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def api() -> ApiRunner:
    return ApiRunner()


def page(name: str) -> Image.Image:
    return TesseractDetectText()._open(prepare_upload((FIXTURES / name).read_bytes(), None).data)


# English upright; English on its side (OSD, Latin); the Korean sachet (kor
# psm 4, the second look's psm 6 sheets in kor and eng); a rendered Korean
# page on its side (OSD with Hangul, kor psm 4).
PAGES = {
    "english": lambda: photo("tesseract_phototest.png"),
    "english on its side": lambda: photo("tesseract_phototest.png", 90),
    "korean sachet": lambda: photo("awssamples_test.jpeg"),
    "korean on its side": lambda: render_page(KOREAN_STORY, size=32, rotate=90),
}


def recorded(name: str, runner) -> list[tuple]:
    recording = Recording(runner)
    TesseractDetectText(runner=recording)(PAGES[name]())
    return recording.calls


@pytest.mark.parametrize("name", PAGES)
def test_every_run_of_a_page_answers_the_same_in_process(api, name):
    calls = recorded(name, CliRunner())
    assert calls
    for kind, image, args, answer in calls:
        assert getattr(api, kind)(image, *args) == answer, (kind, args)


def test_the_pages_cover_each_kind_of_run(api):
    runs = {(kind, args[0] if kind == "run" else None) for name in PAGES for kind, _, args, _ in recorded(name, api)}
    assert {("run", 3), ("run", 4), ("run", 6), ("osd", None)} <= runs


def test_the_engine_answers_the_same_on_either_runner(api):
    data = photo("tesseract_phototest.png", 90)
    assert TesseractDetectText(runner=api)(data) == TesseractDetectText(runner=CliRunner())(data)


@pytest.mark.parametrize("make", [CliRunner, ApiRunner])
def test_an_unknown_language_is_an_engine_error(make):
    with pytest.raises(EngineError):
        make().run(page("tesseract_phototest.png"), 3, "xxx_no_such_language")


@pytest.mark.parametrize("make", [CliRunner, ApiRunner])
def test_a_run_beyond_its_timeout_is_an_engine_error_and_the_next_run_reads(make):
    dense = page("gen_en_dense_photo.jpg")
    runner = make(timeout=0.01)
    with pytest.raises(EngineError, match="did not finish"):
        runner.run(dense, 3, "eng")
    runner.timeout = 60
    small = page("tesseract_phototest.png")
    assert "quick brown dog" in runner.run(small, 3, "eng")[1]


def test_osd_without_text_has_no_opinion_on_either_runner(api):
    blank = Image.new("L", (400, 300), 255)
    assert api.osd(blank, 20) is None
    assert CliRunner().osd(blank, 20) is None


def test_pages_read_at_once_answer_as_read_one_at_a_time(api):
    english, korean = page("tesseract_phototest.png"), page("gen_ko_anthem_photo.jpg")
    calls = [(english, 3, "eng"), (korean, 4, "kor"), (english, 3, "eng"), (korean, 4, "kor")]
    alone = [api.run(*call) for call in calls]
    with ThreadPoolExecutor(len(calls)) as pool:
        together = list(pool.map(lambda call: api.run(*call), calls))
    assert together == alone


@pytest.mark.parametrize(("name", "psm", "languages"), [
    ("tesseract_phototest.png", 3, "eng"),
    ("gen_ko_anthem_photo.jpg", 4, "kor"),
    ("awssamples_test.jpeg", 6, "kor"),
    ("ocrmypdf_epson.png", 3, "eng"),      # many blocks and paragraphs
])
def test_the_word_table_is_tesseracts_own_row_for_row(api, name, psm, languages):
    image = page(name)
    with api._api(languages) as tess:
        tess.SetPageSegMode(psm)
        with _image_set(tess, image):
            assert tess.Recognize(0)
            own = tess.GetTSVText(0)
            assert own.count("\n") > 20
            assert word_table(tess, image.width, image.height) == own


def test_the_word_table_of_a_page_without_text_is_the_page_row(api):
    image = Image.new("L", (300, 200), 255)
    with api._api("eng") as tess:
        tess.SetPageSegMode(3)
        with _image_set(tess, image):
            assert tess.Recognize(0)
            assert word_table(tess, 300, 200) == tess.GetTSVText(0) == "1\t1\t0\t0\t0\t0\t0\t0\t300\t200\t-1\t\n"


# Tesseract's own values of the variables ``ocr.runner.SETTINGS`` changes.
TESSERACT_DEFAULTS = {"textord_all_prop": "0"}


@pytest.mark.parametrize(("name", "psm", "languages"), [
    ("tesseract_phototest.png", 3, "eng"),
    ("awssamples_test.jpeg", 4, "kor"),     # a photo with vertical text beside the rows
    ("ocrmypdf_epson.png", 3, "eng"),
])
def test_every_run_has_the_settings_and_they_change_no_word(api, name, psm, languages):
    assert SETTINGS.keys() == TESSERACT_DEFAULTS.keys()
    image = page(name)

    def table(tess) -> str:
        with _image_set(tess, image):
            assert tess.Recognize(0)
            return word_table(tess, image.width, image.height)

    with api._api(languages) as tess:
        assert {key: tess.GetVariableAsString(key) for key in SETTINGS} == SETTINGS
        tess.SetPageSegMode(psm)
        settled = table(tess)
        try:
            for key, value in TESSERACT_DEFAULTS.items():     # process-wide in Tesseract: put back below
                assert tess.SetVariable(key, value)
            plain = table(tess)
        finally:
            for key, value in SETTINGS.items():
                tess.SetVariable(key, value)
    assert settled.count("\n") > 20
    assert settled == plain
