"""A grey image's pixels as numpy sees them (``ocr.pixels``)."""
import numpy as np
import pytest
from PIL import Image
from storytime.ocr.pixels import grey_pixels


@pytest.mark.parametrize("size", [(1, 1), (3, 7), (1580, 2228), (1001, 13)])
def test_the_pixels_are_numpys_own_and_the_array_is_ours(size):
    rng = np.random.default_rng(size[0])
    image = Image.fromarray(rng.integers(0, 256, size[::-1], dtype=np.uint8))
    pixels = grey_pixels(image)
    assert pixels.dtype == np.uint8 and pixels.shape == size[::-1]
    assert np.array_equal(pixels, np.asarray(image))
    pixels[0, 0] ^= 0xFF                        # writable, and not the image's own memory
    assert image.getpixel((0, 0)) != pixels[0, 0]


def test_a_crop_and_other_modes_are_as_numpy_gives_them():
    page = Image.fromarray(np.arange(200 * 300, dtype=np.uint32).reshape(200, 300).astype(np.uint8))
    crop = page.crop((3, 5, 250, 190))
    assert np.array_equal(grey_pixels(crop), np.asarray(crop))
    for mode in ("RGB", "1", "F"):
        other = page.convert(mode)
        assert np.array_equal(grey_pixels(other), np.asarray(other))
    assert grey_pixels(Image.new("L", (0, 5))).shape == (5, 0)
