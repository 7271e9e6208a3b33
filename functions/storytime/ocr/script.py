"""A page's script and orientation guessed from its image, before any Tesseract run.

``guess(image)`` binarises the page (an adaptive threshold: uneven light
does not matter) and looks at its connected components of about a
character's size (``S``, the median size of the marks):

* **Script.** A Hangul syllable is two to four jamo in a square block, so a
  Hangul component has a neighbour *beside* it (the next jamo or syllable)
  and, as often, one *stacked* over or under it within the syllable. A Latin
  letter is one component whose neighbours are all beside it along the line
  (an accent or an i's dot is too small to count). Measured (share of
  components with such a neighbour, the smaller of the two): 0.33-0.64 on
  every Korean page, upright or turned; at most 0.06 on every Latin page;
  0.19-0.20 on a photo without text and on a three-word road sign (no guess).
* **Lines.** Components less than ``JOIN`` S apart are joined (words, or
  runs of syllables); the joined groups are wide when the lines run across
  the image and tall when it is on its side (median log aspect >= 0.63 and
  <= -0.69 on every measured page).
* **Which way up, for Latin pages.** Neighbouring letters of unequal height
  share their baseline far more often than their top (an x-height letter
  beside an ascender); upside down it is their tops, on its side their left
  or right edges. Measured (share of pairs sharing the bottom minus sharing
  the top): 0.36-0.73 upright, -0.51 to -0.62 upside down; the same with
  left/right edges 0.29-0.66 and -0.45 to -0.68 on pages on their sides.
  (Hangul syllables have no baseline to tell: OSD says which way up.)

* **Text height.** Tesseract's median word box is 1.29-1.57 S high on every
  measured page (``TEXT_PER_MARK``): ``survey`` gives it with the guess, so
  the engine can read big print at a smaller scale (``ocr.scale``) for free.

It costs 2-37 ms of CPU on a page (14 ms mean), 0.9-3.4 % of one raw
Tesseract read on the measured pages, up to 5.8 % on a textured photo or an
image Tesseract finds little on; numpy and OpenCV are imported when a page
is measured (50 ms once per process), as ``ocr.dewarp`` does. It is
only a guess: ``TesseractDetectText.read`` reads with it first and keeps its
confidence checks, so a wrong guess costs one read, never a worse reading.
Measured on the fixtures and on ``bench/script_set.py``'s pages:
``bench/script_guess.py``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

from PIL import Image

from storytime.ocr.accents import Accents, accents
from storytime.ocr.pixels import grey_pixels

HANGUL = "Hangul"
LATIN = "Latin"

MIN_MARKS = 30          # fewer character-sized marks: too little to judge (a sign)
HANGUL_SHARE = 0.25     # both stacked and beside neighbours on at least this share: Hangul
LATIN_ALONG = 0.7       # neighbours along the line on at least this share ...
LATIN_ACROSS = 0.15     # ... and across it on at most this: Latin
NEAR = 0.35             # neighbours: edges at most this many S apart ...
OVERLAP = 0.5           # ... overlapping by half the smaller one across the gap
JOIN = 0.3              # marks this close (S) are one group when finding the lines' direction
MIN_GROUPS = 8
ASPECT = 0.4            # |median log(width / height)| of the groups needed to say which way lines run
EDGE_TOLERANCE = 0.08   # S: two marks share an edge
UNEQUAL = 0.15          # S: two marks differ in height (or width) by more than this
BASELINE = 0.15         # share of pairs on the baseline minus on the top needed to say which way up
BAR = 2.5               # a vowel bar is this many times longer across the line than along it
BAR_GAP = 0.15          # S: a bar this close to its neighbour is in the same syllable
MIN_BARS = 20
BAR_LEAN = 0.3          # share of bars after their neighbour minus before it needed to say which way up
# Tesseract's median word box (ascenders, descenders; a Hangul syllable) is
# 1.29-1.57 S high on every measured page, Latin and Hangul, small print and
# large (bench/large_print.py); the low end, so the estimate errs small.
TEXT_PER_MARK = 1.3


@dataclass(frozen=True)
class Guess:
    """``script``: HANGUL or LATIN; ``across``: the lines run across the image
    (True), down it (False, the page is on its side) or unknown (None);
    ``rotation``: the clockwise turn (0/90/180/270) that makes the page
    upright, when known; ``accents``: for a Latin page whose turn is known,
    the accented letters found (``ocr.accents``), else None."""
    script: str
    across: bool | None
    rotation: int | None = None
    accents: Accents | None = None


class _Marks(NamedTuple):
    """The character-sized components' boxes (x, y, w, h as float arrays) and S, their median
    size; then every component's boxes and the ink (``ocr.accents`` looks at them)."""
    x: object
    y: object
    w: object
    h: object
    s: float
    boxes: tuple
    ink: object


@dataclass(frozen=True)
class Survey:
    """What the marks say before any Tesseract run: the script guess (None:
    no opinion) and ``text_height``, the pixels Tesseract's median word box
    would be high, estimated from S (None: too few marks to say)."""
    guess: Guess | None
    text_height: float | None


def guess(image: Image.Image) -> Guess | None:
    """The page's script and orientation, or None when the image does not say
    (no text, too little text, or the libraries are not installed)."""
    return survey(image).guess


def survey(image: Image.Image) -> Survey:
    """The guess and the text's height from one pass over the marks."""
    try:
        import numpy as np
    except ImportError:      # pragma: no cover - the dewarp extra is not installed
        return Survey(None, None)
    with np.errstate(all="ignore"):
        marks = _marks(image)
        if marks is None:
            return Survey(None, None)
        found = _judge(marks.x, marks.y, marks.w, marks.h, marks.s)
        if found is not None and found.script == LATIN and found.rotation is not None:
            found = replace(found, accents=accents(marks.boxes, marks.ink, marks.s, found.rotation))
        return Survey(found, TEXT_PER_MARK * marks.s)


def _marks(image: Image.Image) -> _Marks | None:
    """The image's marks (:class:`_Marks`), or None: too few of them."""
    import numpy as np
    try:
        import cv2
    except ImportError:      # pragma: no cover
        return None
    grey = grey_pixels(image if image.mode == "L" else image.convert("L"))    # no copy of a grey page first
    if grey.size == 0 or min(grey.shape) < 16:
        return None
    ink = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 25)
    # The outer contours of the ink (those on the top level: a mark inside
    # another's hole is one too) are its 8-connected components, found in a
    # third of the time connectedComponentsWithStats takes on a page.
    contours, hierarchy = cv2.findContours(ink, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    boxes = _outer_boxes(contours, hierarchy)
    x, y, w, h = boxes
    keep = (w * h >= 8) & (h < grey.shape[0] / 8) & (w < grey.shape[1] / 4)
    x, y, w, h = x[keep], y[keep], w[keep], h[keep]
    size = np.maximum(w, h)
    if np.count_nonzero(size >= 8) < MIN_MARKS:
        return None
    s = float(np.median(size[size >= 8]))
    sized = (size >= 0.4 * s) & (size <= 1.6 * s)
    if np.count_nonzero(sized) < MIN_MARKS:
        return None
    return _Marks(x[sized], y[sized], w[sized], h[sized], s, boxes, ink)


def _outer_boxes(contours, hierarchy):
    """x, y, w, h (float arrays) of the contours with no parent, as
    ``cv2.boundingRect`` gives them: each one's extreme points, all at once
    (a page has thousands; one call each cost 1.3 ms on the prose photo)."""
    import numpy as np

    outer = [contours[n] for n in np.flatnonzero(hierarchy[0][:, 3] < 0)]
    if not outer:
        return tuple(np.zeros(0) for _ in range(4))
    points = np.concatenate(outer).reshape((-1, 2))
    starts = np.cumsum([0] + [len(c) for c in outer[:-1]])
    low, high = np.minimum.reduceat(points, starts), np.maximum.reduceat(points, starts)
    size = high - low + 1
    return (low[:, 0].astype(float), low[:, 1].astype(float),
            size[:, 0].astype(float), size[:, 1].astype(float))


def _judge(x, y, w, h, s: float) -> Guess | None:
    import numpy as np

    i, j = _pairs(np, x + w / 2, y + h / 2, 1.5 * s)
    if len(i) == 0:
        return None
    overlap_x = np.minimum(x[i] + w[i], x[j] + w[j]) - np.maximum(x[i], x[j])   # < 0: the gap
    overlap_y = np.minimum(y[i] + h[i], y[j] + h[j]) - np.maximum(y[i], y[j])
    beside = (overlap_y > OVERLAP * np.minimum(h[i], h[j])) & (overlap_x <= 0) & (overlap_x > -NEAR * s)
    stacked = (overlap_x > OVERLAP * np.minimum(w[i], w[j])) & (overlap_y <= 0) & (overlap_y > -NEAR * s)
    n = len(x)
    share_beside, share_stacked = _share(n, i, j, beside), _share(n, i, j, stacked)

    if min(share_beside, share_stacked) >= HANGUL_SHARE:
        near = (overlap_x > -JOIN * s) & (overlap_y > -JOIN * s)
        group = _groups(np, n, i[near], j[near])
        across = _lines_across(np, x, y, w, h, int(group.max()) + 1, group)
        return Guess(HANGUL, across, _hangul_turn(np, x, y, w, h, i, j, s, across))
    if share_beside >= LATIN_ALONG and share_stacked <= LATIN_ACROSS:
        return Guess(LATIN, True, _latin_turn(np, x, y, w, h, i, j, beside, s, across=True))
    if share_stacked >= LATIN_ALONG and share_beside <= LATIN_ACROSS:
        return Guess(LATIN, False, _latin_turn(np, x, y, w, h, i, j, stacked, s, across=False))
    return None


def _pairs(np, cx, cy, radius: float):
    """Index pairs (i < j) of the points closer than ``radius``: points are
    hashed into cells ``radius`` wide, and each cell is paired with itself and
    the four cells after it (numpy only: scipy's KD-tree costs 0.35 s to import)."""
    gx, gy = (cx // radius).astype(np.int64), (cy // radius).astype(np.int64)
    width = int(gy.max()) + 3
    key = gx * width + gy + 1
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    firsts, seconds = [], []
    for dx, dy in ((0, 0), (0, 1), (1, -1), (1, 0), (1, 1)):
        lo = np.searchsorted(ordered, key + dx * width + dy, "left")
        hi = np.searchsorted(ordered, key + dx * width + dy, "right")
        counts = hi - lo
        total = int(counts.sum())
        if not total:
            continue
        first = np.repeat(np.arange(len(cx)), counts)
        second = order[np.repeat(lo, counts) + np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)]
        if (dx, dy) == (0, 0):
            keep = first < second
            first, second = first[keep], second[keep]
        firsts.append(first)
        seconds.append(second)
    if not firsts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    i, j = np.concatenate(firsts), np.concatenate(seconds)
    close = np.hypot(cx[i] - cx[j], cy[i] - cy[j]) <= radius
    return np.minimum(i, j)[close], np.maximum(i, j)[close]


def _groups(np, n: int, i, j):
    """Connected groups of ``n`` points joined by the pairs (i, j): a group
    number per point (numbered 0..k-1), by propagating the smallest index."""
    label = np.arange(n)
    while True:
        low = np.minimum(label[i], label[j])
        before = label.copy()
        np.minimum.at(label, i, low)
        np.minimum.at(label, j, low)
        label = label[label]                      # jump along the chain
        if np.array_equal(label, before):
            return np.unique(label, return_inverse=True)[1]


def _share(n: int, i, j, pair) -> float:
    """Share of the ``n`` marks that are in at least one ``pair``."""
    import numpy as np
    hit = np.zeros(n, dtype=bool)
    hit[i[pair]] = True
    hit[j[pair]] = True
    return float(hit.mean())


def _lines_across(np, x, y, w, h, count: int, group) -> bool | None:
    """Whether the groups of close marks (words, runs of syllables) are wide or tall."""
    members = np.bincount(group, minlength=count)
    left, top = np.full(count, np.inf), np.full(count, np.inf)
    right, bottom = np.zeros(count), np.zeros(count)
    np.minimum.at(left, group, x)
    np.minimum.at(top, group, y)
    np.maximum.at(right, group, x + w)
    np.maximum.at(bottom, group, y + h)
    big = members >= 3
    if np.count_nonzero(big) < MIN_GROUPS:
        return None
    aspect = float(np.median(np.log((right - left)[big] / (bottom - top)[big])))
    return True if aspect >= ASPECT else False if aspect <= -ASPECT else None


def _hangul_turn(np, x, y, w, h, i, j, s: float, across: bool | None) -> int | None:
    """The clockwise turn that makes a Hangul page upright, from which side of
    its close neighbour along the line a bare vowel bar (ㅣ, as in 이, 기, 시)
    stands on: after it (right of the consonant) when upright."""
    if across is None:
        return None
    if across:
        along_gap = np.minimum(x[i] + w[i], x[j] + w[j]) - np.maximum(x[i], x[j])
        across_overlap = np.minimum(y[i] + h[i], y[j] + h[j]) - np.maximum(y[i], y[j])
        length, breadth, position, upright, turned = w, h, x, 0, 180
    else:
        along_gap = np.minimum(y[i] + h[i], y[j] + h[j]) - np.maximum(y[i], y[j])
        across_overlap = np.minimum(x[i] + w[i], x[j] + w[j]) - np.maximum(x[i], x[j])
        length, breadth, position, upright, turned = h, w, y, 270, 90
    close = ((across_overlap > OVERLAP * np.minimum(breadth[i], breadth[j]))
             & (along_gap <= 0) & (along_gap > -BAR_GAP * s))
    bar = breadth >= BAR * length
    first, second = close & bar[i] & ~bar[j], close & bar[j] & ~bar[i]
    after = np.concatenate([position[i][first] > position[j][first], position[j][second] > position[i][second]])
    if len(after) < MIN_BARS:
        return None
    lean = 2 * float(after.mean()) - 1
    return upright if lean >= BAR_LEAN else turned if lean <= -BAR_LEAN else None


def _latin_turn(np, x, y, w, h, i, j, along, s: float, across: bool) -> int | None:
    """The clockwise turn that makes a Latin page upright: from which edge of
    unequal neighbours along a line is shared more, the baseline's or the top's."""
    if across:
        unequal = along & (np.abs(h[i] - h[j]) > UNEQUAL * s)
        foot = np.abs((y[i] + h[i]) - (y[j] + h[j])) < EDGE_TOLERANCE * s   # bottoms
        head = np.abs(y[i] - y[j]) < EDGE_TOLERANCE * s                     # tops
        upright, turned = 0, 180
    else:
        unequal = along & (np.abs(w[i] - w[j]) > UNEQUAL * s)
        foot = np.abs(x[i] - x[j]) < EDGE_TOLERANCE * s                     # left edges: baseline at the left
        head = np.abs((x[i] + w[i]) - (x[j] + w[j])) < EDGE_TOLERANCE * s
        upright, turned = 270, 90
    if np.count_nonzero(unequal) < MIN_MARKS:
        return None
    lean = float(foot[unequal].mean() - head[unequal].mean())
    return upright if lean >= BASELINE else turned if lean <= -BASELINE else None
