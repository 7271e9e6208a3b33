"""Pillow's square max and min filters, computed by OpenCV.

``ImageFilter.MaxFilter(n)`` / ``MinFilter(n)`` rank every pixel's n x n
neighbourhood one by one: 21 ms of CPU for a 7 x 7 max over the dense page's
1/8 paper map, paid on every page. ``cv2.dilate`` / ``cv2.erode`` with an
n x n box give the same pixels (Pillow repeats the edge pixels, OpenCV leaves
the outside out: either way the edge pixel itself is in the window) in well
under a millisecond. OpenCV is imported on first use, as ``ocr.dewarp`` does.
"""
from __future__ import annotations

from PIL import Image

from storytime.ocr.pixels import grey_pixels


def max_filter(image: Image.Image, size: int) -> Image.Image:
    """``image.filter(ImageFilter.MaxFilter(size))`` for a greyscale image."""
    from cv2 import dilate
    return _morph(dilate, image, size)


def min_filter(image: Image.Image, size: int) -> Image.Image:
    """``image.filter(ImageFilter.MinFilter(size))`` for a greyscale image."""
    from cv2 import erode
    return _morph(erode, image, size)


def _morph(operation, image: Image.Image, size: int) -> Image.Image:
    import numpy as np

    if image.mode != "L" or size < 1 or size % 2 == 0:
        raise ValueError(f"a greyscale image and an odd size, not {image.mode} and {size}")
    return Image.fromarray(operation(grey_pixels(image), np.ones((size, size), np.uint8)))
