"""Accented letters on a Latin page, found in its image before any Tesseract run.

French, Spanish and German pages carry marks over their x-height letters
(é è ê à ç ñ á ó ä ö ü); English pages next to none. The image alone cannot
tell French from English words, but it can see these marks, so a page with
them is worth a small look at its words before its one full read, and an
English page is read as before (``ocr.strategy``).

A mark counts over a letter of about x-height and width (not a joined pair
like "in", not a capital) when it stands just above the letter's middle: two
marks side by side (an umlaut), or one bigger than an i's dot whose column
down through the letter is not one solid stem (the i's dot over "wi" or
"ti" joined in a blurred photo). Measured (share of such letters among the
x-height ones), on ``bench/script_set.py``'s pages and ``tests/fixtures``:
0-0.0012 on every English page, 0.018-0.053 French, 0.022-0.035 Spanish,
0.027-0.031 German, upright and turned.
"""
from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

ACCENTED = 0.008        # this share of x-height letters accented: not English
MIN_ACCENTS = 3
# The strip read to tell the page's language: this many marks (S) above and
# below the accents' median row, each edge moved to the palest row within one
# S of it (between two lines, not through one): 2-3 lines, 13-29 words on
# bench/script_set.py's pages, each telling its language clearly.
STRIP_MARKS = 3


@dataclass(frozen=True)
class Accents:
    """``share``: accented letters among the x-height ones; ``row``: where the
    accented letters are, as a fraction of the upright page's height (their
    median); ``mark``: S, the median mark's size, as a fraction of it too."""
    share: float
    row: float
    mark: float

    @property
    def many(self) -> bool:
        return self.share >= ACCENTED


def accents(boxes, ink, s: float, rotation: int) -> Accents | None:
    """The accents among every ink component's box (x, y, w, h float arrays)
    of ``ink`` (text white on black), S being the median mark size, the page
    needing a clockwise turn of ``rotation`` to be upright."""
    import numpy as np

    from storytime.ocr.script import _pairs

    height = ink.shape[1] if rotation in (90, 270) else ink.shape[0]
    x, y, w, h = _upright(boxes, ink.shape, rotation)
    upright = np.rot90(ink, -(rotation // 90)) if rotation else ink     # a view: no copy
    size = np.maximum(w, h)
    letter = np.flatnonzero((h >= 0.7 * s) & (h <= 1.15 * s) & (w >= 0.45 * s) & (w <= 1.3 * s))
    small = np.flatnonzero((size >= 0.12 * s) & (size <= 0.6 * s) & (w * h >= 4))
    if len(letter) < MIN_ACCENTS or not len(small):
        return None
    points = np.concatenate([letter, small])
    i, j = _pairs(np, x[points] + w[points] / 2, y[points] + h[points] / 2, 1.3 * s)
    n = len(letter)
    # each pair as (letter, mark): _pairs gives i < j, and letters come first
    keep = (i < n) & (j >= n)
    below, mark = points[i[keep]], points[j[keep]]
    centre, gap = x[mark] + w[mark] / 2, y[below] - (y[mark] + h[mark])
    over = ((centre >= x[below] + 0.15 * w[below]) & (centre <= x[below] + 0.85 * w[below])
            & (gap >= -0.05 * s) & (gap <= 0.35 * s))
    below, mark = below[over], mark[over]
    count = np.bincount(below, minlength=len(x))
    hit = count[letter] >= 2
    for k in np.flatnonzero(count[letter] == 1):
        one = mark[below == letter[k]][0]
        hit[k] = size[one] >= 0.3 * s and not _stem(upright, x[one] + w[one] / 2, y[letter[k]], h[letter[k]])
    found = np.flatnonzero(hit)
    if len(found) < MIN_ACCENTS:
        return Accents(len(found) / n, 0.5, s / height)
    rows = y[letter[found]] + h[letter[found]] / 2
    return Accents(len(found) / n, float(np.median(rows)) / height, s / height)


def strip(upright: Image.Image, found: Accents) -> Image.Image:
    """The few lines of ``upright`` (the page as it is read) around its accents."""
    import numpy as np

    s = found.mark * upright.height
    middle = found.row * upright.height

    def between_lines(y: float) -> int:
        low, high = max(0, int(y - s)), min(upright.height, int(y + s) + 1)
        if high - low < 2:
            return min(max(int(y), 0), upright.height)
        rows = np.asarray(upright.crop((0, low, upright.width, high)).convert("L"), dtype=np.float32)
        return low + int(np.argmax(rows.mean(axis=1)))

    top, bottom = between_lines(middle - STRIP_MARKS * s), between_lines(middle + STRIP_MARKS * s)
    return upright.crop((0, top, upright.width, max(bottom, top + 1)))


def _stem(ink, column: float, top: float, height: float) -> bool:
    """The column under a mark is ink for most of the letter's height: an i's stem."""
    c, t = int(column), int(top)
    strip = ink[t:t + int(height), max(c - 1, 0):c + 2]
    return strip.size > 0 and float((strip.max(axis=1) > 0).mean()) >= 0.75


def _upright(boxes, shape, rotation: int):
    """Boxes (x, y, w, h) of an image of ``shape`` (rows, columns) as they
    stand once it is turned clockwise by ``rotation``."""
    x, y, w, h = boxes
    rows, columns = shape
    if rotation == 180:
        return columns - x - w, rows - y - h, w, h
    if rotation == 90:
        return rows - y - h, x, h, w
    if rotation == 270:
        return y, columns - x - w, h, w
    return x, y, w, h
