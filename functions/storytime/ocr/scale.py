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
