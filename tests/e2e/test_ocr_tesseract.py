"""TesseractDetectText against real Tesseract: Rekognition-shaped answers,
text recognised, page orientation and small skew found from the text."""
import io
import json
import math
import statistics
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from PIL import Image
from storytime.core.images import prepare_upload
from storytime.core.reading import read_page
from storytime.errors import EngineError, UnreadableImage
from storytime.ocr.frames import rotate_point, unrotate_point
from storytime.ocr.skew import estimate_skew, fanned
from storytime.ocr.tesseract import TesseractDetectText

from tests.cer import cer
from tests.e2e.pages import KOREAN_STORY, photograph, render_page

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def engine():
    return TesseractDetectText()


@pytest.fixture(scope="module")
def validator():
    schema = json.loads((files("storytime.ocr") / "schemas" / "detect_text_response.json")
                        .read_text("utf-8"))
    return jsonschema.Draft202012Validator(schema)


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def ground_truth(name: str) -> str:
    return (FIXTURES / f"{name}.gt.txt").read_text("utf-8")


def png_rotated(data: bytes, degrees_ccw: int) -> bytes:
    image = Image.open(io.BytesIO(data))
    image = image.rotate(degrees_ccw, expand=True) if degrees_ccw else image
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def lines(response):
    return [d for d in response["TextDetections"] if d["Type"] == "LINE"]


def words(response):
    return [d for d in response["TextDetections"] if d["Type"] == "WORD"]


def text(response) -> str:
    return "\n".join(d["DetectedText"] for d in lines(response))


def rotate_point_ccw(x: float, y: float, degrees: int) -> tuple[float, float]:
    """Where a normalised point lands when the image is turned counter-clockwise."""
    if degrees == 90:
        return y, 1 - x
    if degrees == 180:
        return 1 - x, 1 - y
    if degrees == 270:
        return 1 - y, x
    return x, y


@pytest.fixture(scope="module")
def phototest(engine):
    return engine(fixture_bytes("tesseract_phototest.png"))


@pytest.fixture(scope="module")
def phototest_rotated(engine):
    data = fixture_bytes("tesseract_phototest.png")
    return {deg: engine(png_rotated(data, deg)) for deg in (90, 180, 270)}


def test_response_matches_rekognition_schema(phototest, validator):
    validator.validate(phototest)
    assert phototest["TextModelVersion"] == "3.0"


def test_lines_then_words_with_parent_ids(phototest):
    detections = phototest["TextDetections"]
    n_lines = len(lines(phototest))
    assert n_lines > 0
    assert [d["Type"] for d in detections] == ["LINE"] * n_lines + ["WORD"] * (len(detections) - n_lines)
    assert [d["Id"] for d in detections] == list(range(len(detections)))
    for line in lines(phototest):
        children = [w["DetectedText"] for w in words(phototest) if w["ParentId"] == line["Id"]]
        assert " ".join(children) == line["DetectedText"]


def test_phototest_is_read(phototest):
    assert cer(ground_truth("tesseract_phototest.png"), text(phototest)) <= 0.05


def test_upright_polygon_starts_top_left_and_goes_clockwise(phototest):
    for d in phototest["TextDetections"]:
        p = d["Geometry"]["Polygon"]
        box = d["Geometry"]["BoundingBox"]
        assert p[0]["X"] < p[1]["X"] and p[0]["Y"] < p[3]["Y"]        # TL, TR, BR, BL
        assert p[0]["X"] == pytest.approx(box["Left"]) and p[0]["Y"] == pytest.approx(box["Top"])


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_rotated_page_gives_same_words(phototest, phototest_rotated, degrees):
    rotated = phototest_rotated[degrees]
    assert [w["DetectedText"] for w in words(rotated)] == [w["DetectedText"] for w in words(phototest)]
    assert text(rotated) == text(phototest)


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_rotated_polygons_follow_the_text(phototest, phototest_rotated, degrees, validator):
    rotated = phototest_rotated[degrees]
    validator.validate(rotated)
    for upright, turned in zip(phototest["TextDetections"], rotated["TextDetections"]):
        for p, q in zip(upright["Geometry"]["Polygon"], turned["Geometry"]["Polygon"]):
            x, y = rotate_point_ccw(p["X"], p["Y"], degrees)
            assert q["X"] == pytest.approx(x, abs=0.01)
            assert q["Y"] == pytest.approx(y, abs=0.01)


def test_upside_down_first_point_is_lower_right_of_third(phototest_rotated):
    for line in lines(phototest_rotated[180]):
        p = line["Geometry"]["Polygon"]
        assert p[0]["X"] > p[2]["X"] and p[0]["Y"] > p[2]["Y"]


def test_photographed_book_page_is_read(engine):
    response = engine(fixture_bytes("paddleocr_img_12.png"))
    assert cer(ground_truth("paddleocr_img_12.png"), text(response)) <= 0.05


@pytest.mark.parametrize("degrees", [0, 180])
def test_korean_page_is_read(engine, validator, degrees):
    response = engine(render_page(KOREAN_STORY, size=32, rotate=degrees))
    validator.validate(response)
    assert cer("\n".join(KOREAN_STORY), text(response)) <= 0.10
    if degrees == 180:
        for line in lines(response):
            p = line["Geometry"]["Polygon"]
            assert p[0]["X"] > p[2]["X"] and p[0]["Y"] > p[2]["Y"]


def test_photo_without_text_has_almost_no_lines(engine, validator):
    response = engine(fixture_bytes("darknet_eagle.jpg"))
    validator.validate(response)
    assert len(lines(response)) <= 1


@pytest.mark.parametrize("payload", [b"", b"this is not an image", b"\x89PNG\r\n\x1a\n" + b"\0" * 64],
                         ids=["empty", "text", "truncated-png"])
def test_non_image_is_unreadable_a_final_error(engine, payload):
    with pytest.raises(UnreadableImage):
        engine(payload)


def test_missing_language_raises_engine_error():
    with pytest.raises(EngineError, match="tesseract"):
        TesseractDetectText(languages="xxx_no_such_language")(fixture_bytes("tesseract_phototest.png"))


# ------------------------------------------------------------------ skew
def english_story() -> list[str]:
    return [line for line in ground_truth("tesseract_phototest.png").splitlines() if line.strip()]


def read_photo(engine, data: bytes) -> tuple[dict, tuple[int, int]]:
    """Engine answer for a photo as the pipeline uploads it, and that image's size."""
    prepared = prepare_upload(data, None).data
    return engine(prepared), Image.open(io.BytesIO(prepared)).size


@pytest.fixture(scope="module")
def english_skewed(engine):
    return read_photo(engine, photograph(render_page(english_story()), angle=-6, blur=1.2))


@pytest.mark.parametrize("angle", [0.0, 0.7, -4.0, 11.5])
@pytest.mark.parametrize("size", [(640, 480), (501, 933)])
def test_unrotate_point_inverts_rotate_point(angle, size):
    rotated_size = Image.new("L", size).rotate(angle, expand=True).size
    for x, y in [(0, 0), (size[0], 0), (123.4, 77.7), (size[0] / 2, size[1] / 2), (size[0], size[1])]:
        u, v = rotate_point(x, y, angle, size, rotated_size)
        assert unrotate_point(u, v, angle, size, rotated_size) == pytest.approx((x, y), abs=1e-9)


@pytest.mark.parametrize("angle", [-7.0, 3.3])
def test_unrotate_point_matches_pillow(angle):
    """A dot drawn on an image, turned by Pillow, maps back to where it was drawn."""
    image = Image.new("L", (400, 300), 255)
    image.paste(0, (300, 60, 310, 70))                     # dot centred at (305, 65)
    turned = image.rotate(angle, expand=True, fillcolor=255, resample=Image.BICUBIC)
    dark = [(i % turned.width + 0.5, i // turned.width + 0.5)
            for i, value in enumerate(turned.tobytes()) if value < 128]
    cx, cy = statistics.fmean(p[0] for p in dark), statistics.fmean(p[1] for p in dark)
    assert rotate_point(305, 65, angle, image.size, turned.size) == pytest.approx((cx, cy), abs=0.5)
    assert unrotate_point(cx, cy, angle, image.size, turned.size) == pytest.approx((305, 65), abs=0.5)


@pytest.mark.parametrize("name", ["render", "photo", "tesseract_phototest.png"])
def test_unskewed_page_has_no_skew(name):
    if name == "render":
        data = render_page(KOREAN_STORY)
    elif name == "photo":
        data = photograph(render_page(KOREAN_STORY), angle=0, blur=1.2)
    else:
        data = fixture_bytes(name)
    assert abs(estimate_skew(Image.open(io.BytesIO(data)))) < 0.5


@pytest.mark.parametrize("angle", [-5, 7])
def test_skew_is_measured(angle):
    image = Image.open(io.BytesIO(photograph(render_page(KOREAN_STORY), angle=angle, blur=1.2)))
    assert estimate_skew(image) == pytest.approx(-angle, abs=0.5)


@pytest.mark.parametrize("angle", [-5, 7])
def test_skewed_korean_page_is_read(engine, validator, angle):
    response, _ = read_photo(engine, photograph(render_page(KOREAN_STORY), angle=angle, blur=1.2))
    validator.validate(response)
    assert cer("\n".join(KOREAN_STORY), read_page(response["TextDetections"])) <= 0.10


def test_skewed_english_page_is_read(english_skewed, validator):
    response, _ = english_skewed
    validator.validate(response)
    assert cer("\n".join(english_story()), read_page(response["TextDetections"])) <= 0.05


def test_skewed_page_polygons_are_slanted_like_the_text(english_skewed):
    """Turned 6 degrees clockwise, each line runs down to the right by 6 degrees
    in the photo; polygons keep the text's top-left corner first."""
    response, (width, height) = english_skewed
    long_lines = [d for d in lines(response) if len(d["DetectedText"]) >= 20]
    assert len(long_lines) >= 5
    for line in long_lines:
        p = [(q["X"] * width, q["Y"] * height) for q in line["Geometry"]["Polygon"]]
        top = math.degrees(math.atan2(p[1][1] - p[0][1], p[1][0] - p[0][0]))
        bottom = math.degrees(math.atan2(p[2][1] - p[3][1], p[2][0] - p[3][0]))
        assert top == pytest.approx(6, abs=1.5) and bottom == pytest.approx(6, abs=1.5)
        assert p[0][0] < p[1][0] and p[0][1] < p[3][1]
        box = line["Geometry"]["BoundingBox"]
        xs = [q["X"] for q in line["Geometry"]["Polygon"]]
        ys = [q["Y"] for q in line["Geometry"]["Polygon"]]
        assert box["Left"] == pytest.approx(min(xs)) and box["Top"] == pytest.approx(min(ys))
        assert box["Left"] + box["Width"] == pytest.approx(max(xs))
        assert box["Top"] + box["Height"] == pytest.approx(max(ys))
        assert 0 <= box["Left"] and box["Left"] + box["Width"] <= 1
        assert 0 <= box["Top"] and box["Top"] + box["Height"] <= 1


def test_curved_page_polygons_map_back_onto_the_photo():
    """A curved page is read flattened (ocr/dewarp.py); its words' polygons are
    mapped back to the photo: a word also found by a read of the photo as it
    is (no flattening: boxes measured on the photo itself) lands where that
    read put it, within half a text height."""
    data = prepare_upload(fixture_bytes("pagedewarp_boston_cooking_b.jpg"), None).data
    flattened, as_is = TesseractDetectText()(data), TesseractDetectText(curved=None)(data)
    bare = str.maketrans("", "", ".,;:()")
    truth = ground_truth("pagedewarp_boston_cooking_b.jpg").translate(bare).split()

    def unique_words(response):
        found = {}
        for word in words(response):
            text = word["DetectedText"].translate(bare)
            if len(text) >= 5 and truth.count(text) == 1:
                found.setdefault(text, []).append(word["Geometry"])
        return {text: geometries[0] for text, geometries in found.items() if len(geometries) == 1}

    def centre(geometry):
        points = geometry["Polygon"]
        return (sum(p["X"] for p in points) / 4, sum(p["Y"] for p in points) / 4)

    ours, theirs = unique_words(flattened), unique_words(as_is)
    shared = sorted(set(ours) & set(theirs))
    assert len(shared) >= 20
    for text in shared:
        (x, y), (u, v) = centre(ours[text]), centre(theirs[text])
        height = theirs[text]["BoundingBox"]["Height"]
        assert abs(x - u) < 0.01 and abs(y - v) < height / 2, (text, (x, y), (u, v))


# ------------------------------------------------ runs per page (speed)
class CountingEngine(TesseractDetectText):
    """The real engine, counting its Tesseract runs."""

    def __init__(self) -> None:
        super().__init__()
        self.runs: list[str] = []

    def _lines(self, image, psm, languages):
        self.runs.append(f"ocr {languages}")
        return super()._lines(image, psm, languages)

    def _osd(self, image):
        self.runs.append("osd")
        return super()._osd(image)


def test_upright_english_page_is_one_tesseract_run():
    engine = CountingEngine()
    engine(fixture_bytes("paddleocr_img_12.png"))
    assert engine.runs == ["ocr eng"]


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_turned_latin_page_is_read_once_turned_by_its_image_guess(degrees):
    """Which way up a Latin page is comes from its image (ocr.script), before
    any run: one read, no OSD (it was eng, OSD, eng; eng, kor, OSD, eng upside down)."""
    engine = CountingEngine()
    response = engine(png_rotated(fixture_bytes("tesseract_phototest.png"), degrees))
    assert engine.runs == ["ocr eng"]
    assert cer(ground_truth("tesseract_phototest.png"), read_page(response["TextDetections"])) <= 0.02


def test_upright_korean_page_is_one_kor_read():
    """The image says Hangul (ocr.script) before any run: read with kor
    first and kept, no eng read, no OSD (it was eng, then kor)."""
    engine = CountingEngine()
    response = engine(render_page(KOREAN_STORY, size=32))
    assert engine.runs == ["ocr kor", "ocr kor"]     # the second: its one weak word again (second look)
    assert cer("\n".join(KOREAN_STORY), read_page(response["TextDetections"])) <= 0.10


def test_upside_down_korean_page_is_turned_by_one_osd_run():
    # Hangul shows no baseline to tell which way up: kor as given, eng as given, then OSD.
    engine = CountingEngine()
    response = engine(render_page(KOREAN_STORY, size=32, rotate=180))
    assert engine.runs == ["ocr kor", "ocr eng", "osd", "ocr kor", "ocr kor"]    # the last: second look
    assert cer("\n".join(KOREAN_STORY), read_page(response["TextDetections"])) <= 0.10


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_turned_korean_photo_is_read_once_turned_by_its_image_guess(degrees):
    """Its bare vowel bars (ㅣ) stand after their consonants: the image says
    which way up (ocr.script), one kor run (it was eng, kor, OSD, kor upside down)."""
    engine = CountingEngine()
    response = engine(png_rotated(fixture_bytes("gen_ko_anthem_photo.jpg"), degrees))
    assert engine.runs == ["ocr kor"]
    assert cer(ground_truth("gen_ko_anthem_photo.jpg"), read_page(response["TextDetections"])) <= 0.0153


@pytest.mark.parametrize("degrees", [90, 270])
def test_korean_page_on_its_side_goes_straight_to_osd(degrees):
    # Seven short lines: too few vowel bars to say which way up.
    engine = CountingEngine()
    response = engine(render_page(KOREAN_STORY, size=32, rotate=degrees))
    assert engine.runs == ["osd", "ocr kor", "ocr kor"]     # the last: second look
    assert cer("\n".join(KOREAN_STORY), read_page(response["TextDetections"])) <= 0.10


def test_french_page_is_read_once_with_the_french_model_after_a_strip():
    from tests.e2e.pages import DEJAVU_SERIF, FRENCH_STORY
    engine = CountingEngine()
    response = engine(render_page(FRENCH_STORY, font=DEJAVU_SERIF, size=34))
    # eng: two lines near its accents, which tell French (test_ocr_latin.py pins the sizes)
    assert engine.runs == ["ocr eng", "ocr fra"]
    assert cer("\n".join(FRENCH_STORY), read_page(response["TextDetections"])) <= 0.01


@pytest.mark.parametrize("angle", [-5, 7])
def test_an_evenly_skewed_page_is_not_a_fan(angle):
    image = Image.open(io.BytesIO(photograph(render_page(KOREAN_STORY), angle=angle, blur=1.2))).convert("L")
    assert not fanned(image)


def test_a_page_photographed_at_a_slant_is_a_fan_and_left_unturned():
    # Its top lines lean one way, its bottom lines the other (-1.55 / +2.75).
    image = Image.open(io.BytesIO(fixture_bytes("gen_ko_dialogue_photo.jpg"))).convert("L")
    assert fanned(image)
    assert TesseractDetectText()._straighten(image, 0)[1].skew == 0.0


@pytest.mark.parametrize("language", ["fr", "ko"])
def test_a_page_whose_language_is_named_is_one_run(language):
    from tests.e2e.pages import DEJAVU_SERIF, FRENCH_STORY
    story, page = ((FRENCH_STORY, render_page(FRENCH_STORY, font=DEJAVU_SERIF, size=34)) if language == "fr"
                   else (KOREAN_STORY, render_page(KOREAN_STORY, size=32)))
    engine = CountingEngine()
    response = engine(page, language=language)
    # Korean: one more small run, the second look at its one weak word.
    assert engine.runs == {"fr": ["ocr fra"], "ko": ["ocr kor", "ocr kor"]}[language]
    assert cer("\n".join(story), read_page(response["TextDetections"])) <= (0.01 if language == "fr" else 0.10)
