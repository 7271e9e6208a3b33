"""A second look at the doubtful parts of a page's reading, from small crops.

Tesseract reads a whole page in one pass, and on a photo some stretches come
back weak or not at all: a phrase on a line that bends away from its row is
never returned, a word read at confidence 17 is dropped, Latin words and
numbers on a Korean page (a lot code, a registration number, a company name)
are read with the Korean model as stray jamo and digits. Reading the whole
page again costs a full run per try; these stretches are a few small crops.
So, after the page's reading:

1. ``find_targets``: the stretches worth a second look, on each line: a run
   of weak words (confidence below ``WEAK``), and ink no word covers (between
   two words of a line of the text body, or between its ends and the body's
   margins). Each crop has every other word on the page painted over with the
   paper's grey, so a neighbouring line's ink does not join in; the height of
   an uncovered stretch follows its own ink (a bent line's end rises or falls).
2. All crops are stacked into one small image and read in one run with the
   page's own model (``read``).
3. In the stretches first read with Latin letters or digits, whatever is
   still weak or holds them (a word's engine pieces, so a Korean name followed
   by its Latin spelling is split where the script changes) is stacked again
   and read once with ``alternative`` (``eng``), and taken where that is more
   confident; the pieces kept are painted over (the engine's box of a Latin
   part can reach over the syllable after it).
4. A stretch's new words replace its old ones when they are, on average,
   more confident by ``MARGIN`` and at least ``ACCEPT``; weak words in
   whose crop the second look reads nothing at all are dropped; ink that had
   no words gets the new words read there with at least ``FOUND``.

Lines are lists of word objects with ``text``, ``conf``, ``left``, ``top``,
``width``, ``height`` (the read image's pixels) and ``parts`` (the engine's
pieces joined into the word, or empty), as ``ocr.reading``'s ``Word``; new
words are made from them with ``dataclasses.replace``. Nothing here knows any
text: only confidences, boxes, ink and scripts.
"""
from __future__ import annotations

import dataclasses
import re
import statistics
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageOps

from storytime.ocr.pixels import grey_pixels

WEAK = 60.0          # a word read with less confidence than this is looked at again
CONFIDENT = 80.0     # lines of the text body: words this confident on average
MARGIN = 10.0        # a new reading replaces a weak one when this much more confident...
ACCEPT = 60.0        # ...and at least this
FOUND = 80.0         # a word read where there were none is kept from this confidence
MIN_GAP = 1.2        # uncovered stretches at least this many text heights wide are looked at
INK_SHARE = 0.03     # ...when this share of their pixels is ink
MIN_INK = 1.5        # ...spread over this many text heights (less: a glyph of a word beside it, misread)
PAD = 0.3            # a crop reaches this many text heights beyond its words
SLOT_GAP = 1.0       # crops are stacked this many text heights apart
TEXT_HEIGHT = 32     # crops of smaller text are enlarged towards this height (pixels)
MAX_TARGETS = 40     # at most this many stretches a page (a page read badly throughout is not mended here)
MIN_LATIN = 2        # a stretch is read with the alternative when it was read with this many Latin letters or digits
_LATIN_OR_DIGIT = re.compile(r"[0-9A-Za-z]")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


@dataclass
class Target:
    """A stretch of one line to read again: ``words`` are the line's words in
    it (none for uncovered ink), ``box`` (left, top, right, bottom) the crop;
    ``new`` its words read again, when read."""
    line: int
    words: list
    box: tuple[int, int, int, int]
    new: list | None = None


# A reader: (image, languages) -> lines of words, each line a list in reading order.
Reader = Callable[[Image.Image, str], list[list]]


def second_look(lines: Sequence[list], image: Image.Image, read: Reader, languages: str,
                alternative: str | None = None) -> list[list]:
    """``lines`` (lists of words of ``image``) with their doubtful stretches read again."""
    confident = [w.height for line in lines for w in line if w.conf >= CONFIDENT and _has_alnum(w.text)]
    if len(confident) < 3:
        return [list(line) for line in lines]
    height = statistics.median(confident)
    targets = find_targets(lines, image, height)[:MAX_TARGETS]
    if not targets:
        return [list(line) for line in lines]
    sheet = _Sheet(image, lines, height)
    for target, words in zip(targets, sheet.read([(t.box, t.words) for t in targets], read, languages)):
        target.new = words
    if alternative and alternative != languages:
        _read_alternative(targets, sheet, read, alternative)
    return _merged(lines, targets)


def find_targets(lines: Sequence[list], image: Image.Image, height: float) -> list[Target]:
    """The stretches of ``lines`` worth a second look (see the module's doc)."""
    body = [line for line in lines if _is_body(line)]
    if not body:
        return []
    body_left = min(w.left for line in body for w in line)
    body_right = max(w.left + w.width for line in body for w in line)
    everything = _Boxes([w for line in lines for w in line])
    ink = _Ink(image)
    out: list[Target] = []
    for index, line in enumerate(lines):
        ordered = sorted(line, key=lambda w: w.left)
        out.extend(Target(index, run, _box(run, height, image.size)) for run in _weak_runs(ordered))
        if not _is_body(line):
            continue
        edges = [body_left] + [x for w in ordered for x in (w.left, w.left + w.width)] + [body_right]
        for n in range(0, len(edges), 2):
            left, right = edges[n], edges[n + 1]
            if right - left < MIN_GAP * height:
                continue
            near = ordered[max(0, n // 2 - 1): n // 2 + 1]
            band = (min(w.top for w in near), max(w.top + w.height for w in near))
            found = ink.uncovered((left, band[0] - height, right, band[1] + height),
                                  (band[0] - height / 2, band[1] + height / 2), everything, height)
            if found is not None:
                out.append(Target(index, [], found))
                everything.add(found)     # one stretch, looked at once
    return out


class _Boxes:
    """The boxes covering the page's ink: its words' (left, top, right,
    bottom, in whole pixels as ``int`` cuts them) and the stretches already
    taken; those over a region are found all at once (a page has hundreds)."""

    def __init__(self, words: list) -> None:
        import numpy as np
        self.rows = np.array([(int(w.left), int(w.top), int(w.left + w.width), int(w.top + w.height))
                              for w in words], dtype=np.int64).reshape((-1, 4))

    def add(self, box: tuple[int, int, int, int]) -> None:
        import numpy as np
        self.rows = np.vstack((self.rows, np.array([box], dtype=np.int64)))

    def over(self, left: int, top: int, right: int, bottom: int):
        """The boxes reaching into (left, top)-(right, bottom), as rows."""
        rows = self.rows
        return rows[(rows[:, 2] > left) & (rows[:, 3] > top) & (rows[:, 0] < right) & (rows[:, 1] < bottom)]


def _is_body(line: list) -> bool:
    return len(line) >= 2 and _mean(line) >= CONFIDENT


class _Ink:
    """Dark pixels of the page (ink on paper), to find what no word covers."""

    def __init__(self, image: Image.Image) -> None:
        self.pixels = grey_pixels(image if image.mode == "L" else image.convert("L"))

    def uncovered(self, box: tuple[float, ...], band: tuple[float, float], covered: _Boxes,
                  height: float) -> tuple[int, int, int, int] | None:
        """The box around the ink in ``box`` outside every word's box, in
        pieces centred within ``band`` (rows: a line's glyphs, not a rule or a
        mark above or below it), or None when there is too little to be text."""
        rows, cols = self.pixels.shape
        left, top = max(0, int(box[0])), max(0, int(box[1]))
        right, bottom = min(cols, int(box[2])), min(rows, int(box[3]))
        if right - left < 4 or bottom - top < 4:
            return None
        region = self.pixels[top:bottom, left:right]
        dark = region < 0.6 * _percentile_90(region)
        for x0, y0, x1, y1 in covered.over(left, top, right, bottom).tolist():
            dark[max(0, y0 - top):y1 - top, max(0, x0 - left):x1 - left] = False
        inked = ink_within(dark, band[0] - top, band[1] - top)
        if inked is None:
            return None
        area, x0, y0, x1, y1 = inked
        if area < INK_SHARE * (right - left) * (band[1] - band[0]):
            return None
        if x1 - x0 < MIN_INK * height:
            return None
        pad = PAD * height
        return (max(0, int(left + x0 - pad)), max(0, int(top + y0 - pad)),
                min(cols, int(left + x1 + pad)), min(rows, int(top + y1 + pad)))


def _percentile_90(region) -> float:
    """``np.percentile(region, 90)`` of a uint8 array, from its histogram when
    the two values it lies between are equal (a region's paper: nearly
    always), without sorting the pixels."""
    import numpy as np

    flat = region.ravel()
    rank = 0.9 * (flat.size - 1)
    low = int(rank)
    counts = np.cumsum(np.bincount(flat, minlength=256))
    below, above = np.searchsorted(counts, low, side="right"), np.searchsorted(counts, low + 1, side="right")
    if below == above or low + 1 >= flat.size:
        return float(below)
    return float(np.percentile(region, 90))


def ink_within(dark, low: float, high: float) -> tuple[int, int, int, int, int] | None:
    """The pieces of ``dark`` (a boolean array; 4-connected, as
    ``scipy.ndimage.label`` finds them) whose centre of mass lies in rows
    ``low``..``high``: their pixel count and the box around them (first and
    last column, first and last row), or None when there are none. From
    OpenCV's statistics of each piece, not from a map of the kept pixels:
    the same numbers without gathering, counting and searching the stretch's
    pixels again (scipy.ndimage costs a cold reader 0.25 s of CPU to import)."""
    import numpy as np
    from cv2 import CC_STAT_AREA, CC_STAT_HEIGHT, CC_STAT_LEFT, CC_STAT_TOP, CC_STAT_WIDTH, connectedComponentsWithStats

    count, _, stats, centres = connectedComponentsWithStats(dark.view(np.uint8), connectivity=4)
    kept = (low <= centres[:, 1]) & (centres[:, 1] <= high)
    kept[0] = False                             # label 0: what is not dark
    if count < 2 or not kept.any():
        return None
    pieces = stats[kept]
    lefts, tops = pieces[:, CC_STAT_LEFT], pieces[:, CC_STAT_TOP]
    return (int(pieces[:, CC_STAT_AREA].sum()), int(lefts.min()), int(tops.min()),
            int((lefts + pieces[:, CC_STAT_WIDTH]).max()) - 1, int((tops + pieces[:, CC_STAT_HEIGHT]).max()) - 1)


class _Sheet:
    """Crops of the page stacked on its paper, read in one run."""

    def __init__(self, image: Image.Image, lines: Sequence[list], height: float) -> None:
        self.image = image
        self.words = [w for line in lines for w in line]
        self.height = height
        self.scale = min(max(TEXT_HEIGHT / height, 1.0), 3.0)

    def read(self, crops: list[tuple[tuple[int, int, int, int], list]], read: Reader,
             languages: str, hidden: list[list] | None = None) -> list[list]:
        """For each (box, its own words) the words read in it, in ``image``'s
        pixels; every other word of the page, and the crop's ``hidden``
        pieces, are painted over first."""
        scale, gap = self.scale, int(SLOT_GAP * self.height * self.scale)
        images = []
        for n, (box, own) in enumerate(crops):
            box = (box[0], box[1], max(box[2], box[0] + 1), max(box[3], box[1] + 1))
            crop = self.image.crop(box)
            paper = _paper(crop)
            draw = ImageDraw.Draw(crop)
            mine = {id(o) for o in own}
            for w in [w for w in self.words if id(w) not in mine] + (hidden[n] if hidden else []):
                x0, y0 = w.left - box[0], w.top - box[1]
                if x0 + w.width < -2 or y0 + w.height < -2 or x0 > crop.width + 2 or y0 > crop.height + 2:
                    continue        # nowhere near this crop (drawn, it would be clipped away)
                draw.rectangle((x0, y0, max(x0, x0 + w.width - 1), max(y0, y0 + w.height - 1)), fill=paper)
            # One run binarises the whole sheet at one threshold: each crop
            # stretched from its own ink to its own paper first.
            crop = ImageOps.autocontrast(crop, cutoff=1)
            if scale > 1.0:
                crop = crop.resize((round(crop.width * scale), round(crop.height * scale)), Image.LANCZOS)
            images.append(crop)
        sheet = Image.new("L", (max(c.width for c in images) + 2 * gap,
                                sum(c.height + gap for c in images) + gap), 255)
        slots, y = [], gap
        for crop in images:
            sheet.paste(crop, (gap, y))
            slots.append((y, y + crop.height))
            y += crop.height + gap
        found: list[list] = [[] for _ in images]
        for line in read(sheet, languages):
            for w in line:
                centre = w.top + w.height / 2
                for n, (start, end) in enumerate(slots):
                    if start <= centre < end:
                        box = crops[n][0]
                        found[n].append(_moved(w, box[0] - gap / scale, box[1] - start / scale, scale))
                        break
        return [_one_each(words) for words in found]


def _one_each(words: list) -> list:
    """``words`` left to right, of two overlapping by over half the narrower's
    width (a crop read as two lines) the more confident."""
    out: list = []
    for word in sorted(words, key=lambda w: -w.conf):
        if all(min(word.left + word.width, o.left + o.width) - max(word.left, o.left)
               <= 0.5 * min(word.width, o.width) for o in out):
            out.append(word)
    return sorted(out, key=lambda w: w.left)


def _moved(word, dx: float, dy: float, scale: float):
    """``word`` read on a sheet scaled by ``scale`` -> in the page's pixels."""
    return dataclasses.replace(word, left=dx + word.left / scale, top=dy + word.top / scale,
                               width=word.width / scale, height=word.height / scale,
                               parts=tuple(_moved(p, dx, dy, scale) for p in word.parts))


def _read_alternative(targets: list[Target], sheet: _Sheet, read: Reader, alternative: str) -> None:
    """The pieces of each target's best words so far that are weak or hold
    Latin letters or digits, read with ``alternative``; its words replace a
    run of such pieces where they are more confident."""
    jobs: list[tuple[Target, list, list]] = []     # (target, pieces kept, a run to read again)
    for target in targets:
        if _latin_or_digit_count(target.words or target.new or []) < MIN_LATIN:
            # Hangul read weakly, or read again as stray digits (a mark, a
            # stroke); one stray digit (a mark read as "2") can gain at most a
            # character, and the alternative's run costs a model load (0.09 s CPU for eng).
            continue
        best = target.new if target.new and _mean(target.new) > _mean(target.words) else target.words
        pieces = [p for w in best for p in (w.parts or (w,))]
        runs = _runs(pieces, lambda p: p.conf < WEAK or bool(_LATIN_OR_DIGIT.search(_fold(p.text))))
        runs = [run for run in runs if _latin_or_digit(run)]
        for run in runs:
            jobs.append((target, best, run))
    if not jobs:
        return
    boxes = [(_clipped(_box(run, sheet.height, sheet.image.size), target.box), target.words)
             for target, _, run in jobs]
    kept = [[p for w in best for p in (w.parts or (w,)) if all(p is not r for r in run)] for _, best, run in jobs]
    current: dict[int, list] = {}
    for (target, best, run), words in zip(jobs, sheet.read(boxes, read, alternative, kept)):
        band = (min(p.top for p in run), max(p.top + p.height for p in run))
        words = [w for w in words if band[0] <= w.top + w.height / 2 <= band[1]]
        if not words or _mean(words) <= _mean(run):
            continue
        kept = _without(current.get(id(target), best), run)
        current[id(target)] = target.new = sorted(kept + words, key=lambda w: w.left)


def _clipped(box: tuple[int, int, int, int], within: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """``box`` no taller than ``within`` (a word read again may have grown
    into a mark above or below it)."""
    return (box[0], max(box[1], within[1]), box[2], min(box[3], within[3]))


def _without(words: list, run: list) -> list:
    """``words`` less the pieces in ``run``: a word part of whose pieces go
    keeps the rest, joined again."""
    out = []
    for word in words:
        pieces = [p for p in (word.parts or (word,)) if all(p is not r for r in run)]
        if len(pieces) == len(word.parts or (word,)):
            out.append(word)
        else:
            out.extend(_join(group) for group in _runs(pieces, lambda p: True, adjacent=word.parts))
    return out


def _join(pieces: list):
    if len(pieces) == 1:
        return pieces[0]
    left, top = min(p.left for p in pieces), min(p.top for p in pieces)
    right = max(p.left + p.width for p in pieces)
    bottom = max(p.top + p.height for p in pieces)
    return dataclasses.replace(pieces[0], text="".join(p.text for p in pieces), conf=_mean(pieces),
                               left=left, top=top, width=right - left, height=bottom - top,
                               parts=tuple(pieces))


def _runs(items: list, keep: Callable, adjacent: Sequence | None = None) -> list[list]:
    """Maximal runs of consecutive ``items`` for which ``keep`` holds (with
    ``adjacent``, items not next to each other there start a new run)."""
    runs: list[list] = []
    previous = None
    for item in items:
        if not keep(item):
            previous = None
            continue
        follows = previous is not None and (adjacent is None
                                            or _index(adjacent, item) == _index(adjacent, previous) + 1)
        if follows:
            runs[-1].append(item)
        else:
            runs.append([item])
        previous = item
    return runs


def _index(items: Sequence, item) -> int:
    return next(n for n, other in enumerate(items) if other is item)


def _weak_runs(words: list) -> list[list]:
    return _runs(words, lambda w: w.conf < WEAK)


def _box(run: list, height: float, size: tuple[int, int]) -> tuple[int, int, int, int]:
    pad = PAD * height
    return (max(0, int(min(w.left for w in run) - pad)), max(0, int(min(w.top for w in run) - pad)),
            min(size[0], int(max(w.left + w.width for w in run) + pad)),
            min(size[1], int(max(w.top + w.height for w in run) + pad)))


def _merged(lines: Sequence[list], targets: list[Target]) -> list[list]:
    """``lines`` with each target's new words where they are better."""
    out = [list(line) for line in lines]
    for target in targets:
        new = [w for w in target.new or [] if _has_alnum(w.text)]
        if target.words:
            band = (min(w.top for w in target.words), max(w.top + w.height for w in target.words))
            new = [w for w in new if band[0] <= w.top + w.height / 2 <= band[1]]
            if target.new is not None and not new:
                pass        # read weakly, then not at all: a mark or texture, not text
            elif not new or _mean(new) < max(_mean(target.words) + MARGIN, ACCEPT):
                continue
            line = [w for w in out[target.line] if all(w is not old for old in target.words)]
        else:
            new = [w for w in new if w.conf >= FOUND]
            if not new:
                continue
            line = out[target.line]
        out[target.line] = sorted(line + new, key=lambda w: w.left)
    return out


def _paper(image: Image.Image) -> int:
    """The paper's grey: the 90th percentile of the image's pixels."""
    histogram = image.convert("L").histogram()
    total, seen = sum(histogram), 0
    for grey, count in enumerate(histogram):
        seen += count
        if seen >= 0.9 * total:
            return grey
    return 255


def _mean(words: Sequence) -> float:
    """Confidence per character over ``words``."""
    chars = sum(len(w.text) for w in words)
    return sum(w.conf * len(w.text) for w in words) / chars if chars else 0.0


def _has_alnum(text: str) -> bool:
    return any(c.isalnum() for c in text)


def _latin_or_digit(words: Sequence) -> bool:
    return any(_LATIN_OR_DIGIT.search(_fold(w.text)) for w in words)


def _latin_or_digit_count(words: Sequence) -> int:
    return sum(len(_LATIN_OR_DIGIT.findall(_fold(w.text))) for w in words)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text)
