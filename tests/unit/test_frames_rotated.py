"""The deskew turn (ocr/frames.rotated): Pillow's canvas and placement, so
that rotate_point / unrotate_point map words back to the photo."""
import pytest
from PIL import Image
from storytime.ocr.frames import rotate_point, rotated, unrotate_point

DOTS = [(50, 40), (300, 60), (200, 250), (380, 280)]


def _dotted(size=(401, 300)) -> Image.Image:
    image = Image.new("L", size, 255)
    for x, y in DOTS:
        image.paste(0, (x, y, x + 6, y + 6))     # a dot centred at (x + 3, y + 3)
    return image


def _dark_centre(image: Image.Image, near: tuple[float, float]) -> tuple[float, float]:
    """Centre of the darkness (255 - grey) within 12 px of ``near``."""
    ink = [(x + 0.5, y + 0.5, 255 - image.getpixel((x, y))) for y in range(int(near[1]) - 12, int(near[1]) + 13)
           for x in range(int(near[0]) - 12, int(near[0]) + 13)
           if 0 <= x < image.width and 0 <= y < image.height]
    total = sum(w for _, _, w in ink)
    return sum(x * w for x, _, w in ink) / total, sum(y * w for _, y, w in ink) / total


@pytest.mark.parametrize("angle", [1.35, -3.7, 12.0, 0.0])
@pytest.mark.parametrize("size", [(401, 300), (300, 401), (640, 481)])
def test_the_canvas_is_pillows(angle, size):
    image = _dotted(size)
    assert rotated(image, angle, 255).size == image.rotate(angle, expand=True).size


@pytest.mark.parametrize("angle", [1.35, -3.7, 12.0])
def test_each_dot_lands_where_rotate_point_says_and_maps_back(angle):
    image = _dotted()
    turned = rotated(image, angle, 255)
    for x, y in DOTS:
        centre = rotate_point(x + 3, y + 3, angle, image.size, turned.size)
        assert _dark_centre(turned, centre) == pytest.approx(centre, abs=0.1)
        assert unrotate_point(*_dark_centre(turned, centre), angle, image.size, turned.size) == \
            pytest.approx((x + 3, y + 3), abs=0.1)


def test_the_uncovered_corners_take_the_fill_and_the_pixels_are_pillows_bilinear_ones():
    image = _dotted()
    turned = rotated(image, 5.0, 60)
    assert turned.getpixel((0, 0)) == turned.getpixel((turned.width - 1, turned.height - 1)) == 60
    pillow = image.rotate(5.0, resample=Image.BILINEAR, expand=True, fillcolor=60)
    inside = (40, 40, turned.width - 40, turned.height - 40)      # clear of the image's edge, which
    ours, theirs = turned.crop(inside).tobytes(), pillow.crop(inside).tobytes()    # each blends its own way
    assert max(abs(a - b) for a, b in zip(ours, theirs)) <= 2
