"""ocr.filters gives the pixels Pillow's MaxFilter and MinFilter give."""
import random

import pytest
from PIL import Image, ImageDraw, ImageFilter
from storytime.ocr.filters import max_filter, min_filter


def _speckled(width: int, height: int, seed: int) -> Image.Image:
    """Grey noise with dark strokes, some of them on the image's edges."""
    rng = random.Random(seed)
    image = Image.frombytes("L", (width, height), bytes(rng.randrange(256) for _ in range(width * height)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(width), rng.randrange(height)
        draw.line((x, y, rng.randrange(width), rng.randrange(height)), fill=rng.choice((0, 255)), width=2)
    draw.line((0, 0, width - 1, 0), fill=0)
    return image


@pytest.mark.parametrize("size", [3, 5, 7, 9])
@pytest.mark.parametrize("width, height, seed", [(37, 23, 1), (120, 80, 2), (5, 61, 3)])
def test_the_same_pixels_as_pillow(size, width, height, seed):
    image = _speckled(width, height, seed)
    assert max_filter(image, size).tobytes() == image.filter(ImageFilter.MaxFilter(size)).tobytes()
    assert min_filter(image, size).tobytes() == image.filter(ImageFilter.MinFilter(size)).tobytes()


def test_an_image_smaller_than_the_window():
    image = _speckled(3, 2, 4)
    assert max_filter(image, 9).tobytes() == image.filter(ImageFilter.MaxFilter(9)).tobytes()
    assert min_filter(image, 9).tobytes() == image.filter(ImageFilter.MinFilter(9)).tobytes()


@pytest.mark.parametrize("mode, size", [("RGB", 5), ("L", 4)])
def test_only_grey_images_and_odd_sizes(mode, size):
    with pytest.raises(ValueError):
        max_filter(Image.new(mode, (10, 10)), size)
