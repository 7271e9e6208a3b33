"""The grey a deskew fills its uncovered corners with: the image's own border."""
from PIL import Image, ImageDraw
from storytime.ocr.preparation import border_grey


def test_a_photo_of_a_page_on_a_dark_table_fills_with_the_dark_table():
    photo = Image.new("L", (200, 300), 45)
    ImageDraw.Draw(photo).rectangle((20, 20, 180, 280), fill=230)   # the page
    assert border_grey(photo) == 45


def test_a_scan_whose_page_fills_the_frame_fills_with_white():
    scan = Image.new("L", (200, 300), 250)
    ImageDraw.Draw(scan).rectangle((0, 100, 60, 110), fill=0)       # a line touching the edge
    assert border_grey(scan) == 250
