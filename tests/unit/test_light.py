"""Which images the OCR evens the light of (``ocr.light``), on drawn pages."""
from PIL import Image, ImageDraw, ImageFilter
from storytime.ocr.light import even_out, flatten, uneven


def _page(left: int, right: int, ink: int = 40, size=(400, 300)) -> Image.Image:
    """Paper whose brightness runs from ``left`` to ``right``, with lines of
    dark print across it."""
    width, height = size
    page = Image.linear_gradient("L").rotate(90, expand=True).resize(size)   # 0 left -> 255 right
    page = page.point(lambda v: round(left + (right - left) * v / 255))
    draw = ImageDraw.Draw(page)
    for y in range(30, height - 30, 24):
        for x in range(20, width - 20, 30):
            draw.rectangle((x, y, x + 18, y + 8), fill=min(ink, left, right))
    return page


def test_a_page_lit_from_one_side_is_uneven():
    assert uneven(_page(110, 230))


def test_an_evenly_lit_page_is_left_alone():
    page = _page(225, 230)
    assert not uneven(page)
    assert even_out(page) is page


def test_a_blank_scan_is_left_alone():
    assert not uneven(Image.new("L", (400, 300), 255))


def test_light_letters_on_a_dark_plate_are_left_alone():
    sign = Image.new("L", (400, 300), 60)
    draw = ImageDraw.Draw(sign)
    for y in range(40, 260, 50):
        draw.rectangle((40, y, 360, y + 14), fill=235)
    assert not uneven(sign)


def test_flattening_makes_the_dim_paper_white_and_keeps_the_ink_dark():
    page = _page(110, 230)
    flat = flatten(page)
    assert flat.getpixel((10, 150)) >= 225          # dim paper at the left edge
    assert flat.getpixel((25, 34)) <= 110           # ink printed on it
    assert page.getpixel((10, 150)) <= 120


def test_the_division_gives_pillows_own_pixels():
    """_divided is ImageMath's float division and F -> L conversion (clipped,
    truncated), pixel for pixel, including ink brighter than its paper."""
    from PIL import ImageMath
    from storytime.ocr.light import _divided

    image = _page(60, 250)
    background = image.filter(ImageFilter.GaussianBlur(9)).point(lambda v: max(0, v - 30))
    for floor in (1, 37.5):
        pillow = ImageMath.lambda_eval(lambda a, f=floor: a["im"] * 255 / a["max"](a["bg"], f),
                                       im=image.convert("F"), bg=background.convert("F")).convert("L")
        assert _divided(image, background, floor).tobytes() == pillow.tobytes()


def test_the_division_in_strips_is_the_float32_division_for_every_pair_of_greys():
    """_divided, worked in strips of rows, against the float32 steps on whole
    arrays, for every grey over every paper level (a 256-row image: the last
    strip is a short one), at whole and half floors."""
    import numpy as np
    from storytime.ocr.light import _divided

    greys = np.tile(np.arange(256, dtype=np.uint8), (250, 1))
    papers = np.tile(np.arange(250, dtype=np.uint8), (256, 1)).T.copy()
    for floor in (0.5, 1, 1.5, 57, 64.5, 111.5, 112, 127.5, 254.5, 255, 300):
        im, bg = greys.astype(np.float32), np.maximum(papers.astype(np.float32), np.float32(floor))
        expected = np.minimum(im * np.float32(255) / bg, np.float32(255)).astype(np.uint8)
        got = np.asarray(_divided(Image.fromarray(greys), Image.fromarray(papers), floor))
        assert (got == expected).all(), floor


def test_evening_out_is_flatten_with_its_own_paper_map():
    """even_out makes the 1/8 copy once for the paper map and the unevenness
    test: the page it gives is flatten's, byte for byte."""
    from storytime.ocr.light import paper_map

    page = _page(110, 230, size=(640, 480))
    assert uneven(page)
    assert even_out(page).tobytes() == flatten(page, paper_map(page)).tobytes() == flatten(page).tobytes()
