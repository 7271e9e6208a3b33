"""The resolution a page is read at: big print is shrunk before OCR.

Tesseract reads text best at a few tens of pixels high; a phone photo of a
picture book has text 60-200 px high even at the engine's ``max_side``, and
Tesseract's time grows with the pixels it reads, not with what they add.
So a page whose text is clearly big (``ocr.script``'s estimate, from marks
found before any Tesseract run) is read at the scale that brings its text
down to ``target`` pixels; small text is never shrunk here (a Korean page
at 28-30 px read erratically shrunk) and never enlarged (``_rescaled`` does
that after a read, when the reading shows it small).

Geometry is normalised (0..1) to the image read, so a reading of the shrunk
image needs no mapping back beyond what the frames already do.
"""
from __future__ import annotations

from PIL import Image

# The target (pixels of Tesseract's median word box), chosen by CER and CPU
# on bench/large_print.py's pages (27 English, 21 Korean: 3 photos of each):
# English read as well at 24-48 as at full size; Korean read erratically at
# some scales (a line split into the tops and bottoms of its syllables at 32;
# full size erred as often), best at 40 (mean CER 2.3 % against 4.0 % full
# size). Pages whose script the marks do not tell take Hangul's.
TARGET = 32.0
HANGUL_TARGET = 40.0
BIG = 1.5           # text at least this many times the target is shrunk
MIN_SIDE = 800      # the shorter side is never shrunk below this many pixels
# A shrunk page whose reading finds its text less than this share of the
# planned height (or finds no text) is read again at full size: the marks
# misled (a picture's dots taken for letters).
AS_MEASURED = 0.6


def working_scale(text_height: float | None, size: tuple[int, int], target: float = TARGET,
                  big: float = BIG, min_side: int = MIN_SIDE) -> float:
    """The factor (at most 1) to read an image of ``size`` at, its text
    ``text_height`` pixels high (None: not known, read as it is)."""
    if not text_height or text_height < big * target:
        return 1.0
    floor = min_side / min(size)
    return min(1.0, max(target / text_height, floor))


def shrunk(image: Image.Image, scale: float) -> Image.Image:
    """``image`` scaled by ``scale`` (< 1), area-averaged."""
    if scale >= 1.0:
        return image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.BOX)


def fitted_size(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """``size`` with its longer side brought down to ``max_side`` (the engine's
    full-size read); a smaller size as it is."""
    longest = max(size)
    if longest <= max_side:
        return size
    scale = max_side / longest
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def glance(image: Image.Image, max_side: int) -> Image.Image:
    """A small copy (blocks averaged to at most half ``max_side``; 3 ms on a
    12 MP photo, and 4-15 ms to survey) on which big print still shows: text
    48 px high at ``max_side`` is about 20 px here. Only a first look: what it
    finds big is measured again on ``survey_copy``."""
    factor = -(-2 * max(image.size) // max_side)
    return image.reduce(factor) if factor > 1 else image


def survey_copy(image: Image.Image, max_side: int) -> Image.Image:
    """A cheap copy of an image bigger than ``max_side`` for ``ocr.script``'s
    survey, at the size the engine fits it to: area-averaged (22 ms on a 12 MP
    photo, where the LANCZOS resize costs 75 ms). On the large-print pages the
    survey found the same guess on it as on the LANCZOS copy, and the same
    text height within 1.3 px."""
    return image.resize(fitted_size(image.size, max_side), Image.Resampling.BOX)


def shrunk_from(image: Image.Image, fitted: tuple[int, int], scale: float) -> Image.Image:
    """``shrunk(image fitted to fitted, scale)`` made from ``image`` in one
    resize: the size a shrink of the fitted copy would have, area-averaged."""
    size = (max(1, round(fitted[0] * scale)), max(1, round(fitted[1] * scale)))
    return image.resize(size, Image.Resampling.BOX)
