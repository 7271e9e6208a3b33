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
0.027-0.031 German, upright and turned. On 112 pages rendered from the
script set's and the e2e stories in its four fonts, 28 and 40 px, flat and
photographed: 0 on the 16 English, 0.005-0.068 on 95 of the 96 others (one
small Spanish photo 0: its acutes blur into their letters; read as before).
"""
from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

ACCENTED = 0.005        # this share of x-height letters accented: not English (at most 0.0012 measured)
MIN_ACCENTS = 3
# The strip read to tell the page's language: the lines of text (rows of ink
# in the row profile) nearest the accents' median row, cut between lines.
# Two lines told the language of all those 95 pages (3-7.5 votes; three lines
# too, at 0.08-0.15 s of CPU against 0.06-0.11 s; a cut of +-3 S, not at line
# gaps, left one line of some pages: too few words to tell).
STRIP_LINES = 2
WINDOW = 12     # S above and below that row in which lines are looked for


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
    """The ``STRIP_LINES`` lines of ``upright`` (the page as it is read) nearest
    its accents, cut halfway between lines (a line cut through reads as noise)."""
    import numpy as np

    s = found.mark * upright.height
    middle = found.row * upright.height
    low, high = max(0, int(middle - WINDOW * s)), min(upright.height, int(middle + WINDOW * s) + 1)
    if high - low < 2:
        return upright
    rows = 255 - np.asarray(upright.crop((0, low, upright.width, high)).convert("L"), dtype=np.float32).mean(axis=1)
    floor, top = float(rows.min()), float(np.percentile(rows, 95))
    ink = rows > floor + 0.25 * (top - floor)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], ink.astype(np.int8), [0]])))
    lines = [(a, b) for a, b in zip(edges[::2], edges[1::2]) if b - a >= 0.5 * s]
    if not lines:
        return upright.crop((0, low, upright.width, high))
    lines.sort(key=lambda line: abs((line[0] + line[1]) / 2 - (middle - low)))
    kept = sorted(lines[:STRIP_LINES])
    first, last = kept[0], kept[-1]
    before = [b for a, b in lines if b <= first[0]]
    after = [a for a, b in lines if a >= last[1]]
    cut_top = (max(before) + first[0]) // 2 if before else max(0, first[0] - int(s))
    cut_bottom = (last[1] + min(after)) // 2 if after else min(high - low, last[1] + int(s))
    return upright.crop((0, low + cut_top, upright.width, low + cut_bottom))


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
