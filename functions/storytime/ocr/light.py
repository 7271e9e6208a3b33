"""Uneven light on a page photo, measured and evened out before OCR.

A phone photo of a page is lit from one side: the paper is twice as bright
at one edge as at the other. Tesseract binarises with one global threshold,
so the words in the dim part fade into the paper (the two-column photo lost
the first letters of its lines on its darker left side: "e was beginning" for
"Alice was beginning").

``uneven(image)`` is the cheap measurement (a 1/8 map of the paper's
brightness): the page is dark ink on light paper, and its paper is not
equally bright. ``flatten(image)`` divides each pixel by the paper brightness
around it, so that paper is white everywhere and ink keeps its contrast
relative to the paper it lies on; what is not paper (a dark table around the
page) is left as it was, so the page's edge stays where it was.

Pillow, with its two slow steps (the max filter, the division) done by
OpenCV and numpy to the same pixels: they are imported on first use.
"""
from __future__ import annotations

from PIL import Image, ImageFilter

from storytime.ocr.filters import max_filter
from storytime.ocr.pixels import grey_pixels

REDUCE = 8            # the paper map is measured at 1/REDUCE of the image's size
MAX_SIZE = 7          # max filter (map pixels) closing over ink to find paper
BLUR = 3              # then smoothed (map pixels)
PAPER_PERCENTILE = 0.9    # the bright paper's level
PAPER_FLOOR = 0.5     # map pixels darker than this x the paper's level are not paper
# Paper whose dim end (5th percentile) is below this fraction of its bright
# end (95th) is evened out. Measured: generated photos lit from one corner
# 0.52-0.61, a photo of a leaflet 0.59; the real book photos 0.68-0.75, a sachet
# 0.80, scans 1.0.
UNEVEN_RATIO = 0.65
# Dark ink on light paper: the median of the paper region is at least this
# fraction of the paper's level (a light sign on a dark plate is not).
LIGHT_PAPER = 0.8
STRIP = 64            # rows divided at a time (_divided)


def _small(image: Image.Image) -> Image.Image:
    """The image at 1/REDUCE of its size (as it is when it is small already)."""
    return image.reduce(REDUCE) if min(image.size) >= REDUCE * 16 else image


def paper_map(image: Image.Image, small: Image.Image | None = None) -> Image.Image:
    """Brightness of the paper around each point, at 1/REDUCE size: ink is
    closed over by a max filter, then smoothed. ``small``: ``image`` at that
    size, when the caller has it already."""
    small = _small(image) if small is None else small
    return max_filter(small, MAX_SIZE).filter(ImageFilter.GaussianBlur(BLUR))


def uneven(image: Image.Image, paper: Image.Image | None = None, small: Image.Image | None = None) -> bool:
    """True when ``image`` (greyscale) is dark print on paper lit unevenly.
    ``paper`` and ``small``: its ``paper_map`` and 1/REDUCE copy, when the
    caller has them already."""
    small = _small(image) if small is None else small
    paper = paper_map(image, small) if paper is None else paper
    level = _percentile(paper.histogram(), PAPER_PERCENTILE)
    if level < 64:
        return False
    floor = PAPER_FLOOR * level
    is_paper = paper.point(lambda v: 255 if v >= floor else 0)
    # Each pixel against the paper around it: mostly ~1 on a printed page,
    # well below on light letters over a dark plate (where the "paper" is the
    # letters).
    relative = _divided(small, paper, 1)
    pixels = relative.histogram(mask=is_paper)
    paper_levels = paper.histogram(mask=is_paper)
    if not sum(pixels) or _percentile(pixels, 0.5) < LIGHT_PAPER * 255:
        return False
    return _percentile(paper_levels, 0.05) < UNEVEN_RATIO * _percentile(paper_levels, 0.95)


def flatten(image: Image.Image, paper: Image.Image | None = None) -> Image.Image:
    """``image`` (greyscale) divided by its paper brightness: paper white
    everywhere, ink as dark relative to its own paper. What is not paper (a
    dark table around the page) is kept as it was, through a soft mask: a hard
    edge there was read as text. ``paper``: its ``paper_map``, when the caller
    has it already."""
    paper = paper_map(image) if paper is None else paper
    level = _percentile(paper.histogram(), PAPER_PERCENTILE)
    floor = PAPER_FLOOR * level
    evened = _divided(image, paper.resize(image.size, Image.BILINEAR), floor)
    is_paper = paper.point(lambda v: 255 if v >= floor else 0).filter(ImageFilter.GaussianBlur(BLUR))
    return Image.composite(evened, image, is_paper.resize(image.size, Image.BILINEAR))


def even_out(image: Image.Image) -> Image.Image:
    """``flatten(image)`` where ``uneven(image)`` says it is needed, else
    ``image``; the 1/REDUCE copy and the paper map are made once, for both
    (the copy made twice cost the Korean prose photo 5 ms)."""
    small = _small(image)
    paper = paper_map(image, small)
    return flatten(image, paper) if uneven(image, paper, small) else image


def _divided(image: Image.Image, background: Image.Image, floor: float) -> Image.Image:
    """``image * 255 / max(background, floor)`` per pixel, clipped to 0..255
    and truncated: in float32, as Pillow's ImageMath and its F -> L
    conversion compute it. Worked STRIP rows at a time in two small float
    buffers: the same steps on the same numbers, but the page's two float
    copies (28 MB on the Korean prose photo) are never made, nor faulted in
    (14 -> 7 ms there)."""
    import numpy as np

    im, bg = grey_pixels(image), grey_pixels(background)
    out = np.empty(im.shape, dtype=np.uint8)
    rows = min(STRIP, im.shape[0])
    quotient = np.empty((rows, im.shape[1]), dtype=np.float32)
    paper = np.empty_like(quotient)
    least, full = np.float32(floor), np.float32(255)
    for top in range(0, im.shape[0], rows):
        n = min(rows, im.shape[0] - top)
        q, p = quotient[:n], paper[:n]
        np.copyto(p, bg[top:top + n])
        np.maximum(p, least, out=p)
        np.multiply(im[top:top + n], full, out=q)
        q /= p
        np.minimum(q, full, out=q)                       # never below 0: grey / a positive floor
        np.copyto(out[top:top + n], q, casting="unsafe")     # truncated, as astype
    return Image.fromarray(out)


def _percentile(histogram: list[int], fraction: float) -> int:
    total = sum(histogram)
    seen = 0
    for value, count in enumerate(histogram):
        seen += count
        if seen >= fraction * total:
            return value
    return len(histogram) - 1
