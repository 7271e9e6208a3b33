"""The file Tesseract is given: the image's own pixels, and no resolution
(Tesseract then estimates it from the text, as it always has here)."""
import io

from PIL import Image, ImageDraw
from storytime.ocr.runner_cli import image_file

X_RESOLUTION, Y_RESOLUTION = 282, 283


def _page() -> Image.Image:
    page = Image.new("L", (120, 80), 235)
    ImageDraw.Draw(page).rectangle((10, 20, 100, 30), fill=20)
    return page


def test_the_file_holds_the_same_grey_pixels():
    page = _page()
    with image_file(page) as path, Image.open(path) as written:
        assert written.format == "TIFF"
        assert written.mode == "L"
        assert written.tobytes() == page.tobytes()


def test_a_resolution_the_upload_carried_is_not_written():
    buffer = io.BytesIO()
    _page().save(buffer, format="PNG", dpi=(72, 72))    # a wrong dpi, as phones write
    uploaded = Image.open(buffer)
    uploaded.load()
    assert uploaded.info.get("dpi")
    with image_file(uploaded) as path, Image.open(path) as written:
        assert X_RESOLUTION not in written.tag_v2
        assert Y_RESOLUTION not in written.tag_v2
