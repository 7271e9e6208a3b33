"""How far a page photo is skewed, measured from its ink.

Pillow, with the rank filters done by OpenCV (``ocr.filters``, the same
pixels) and the profiles' sums by numpy, both imported on first use.
"""

from __future__ import annotations

import math
import statistics

from PIL import Image, ImageFilter

from storytime.ocr.filters import max_filter, min_filter
from storytime.ocr.pixels import grey_pixels

SKEW_WORK_SIDE = 1000    # the ink map is measured at this size (pixels, longer side)
SKEW_MIN_PEAK = 2.0      # best profile sharpness / median over the coarse angles


def working_copy(image: Image.Image) -> Image.Image:
    """``image`` in grey, at most SKEW_WORK_SIDE pixels long: what skew is
    measured on. ``estimate_skew`` and ``fanned`` make it from any image;
    made once and handed to both, the page is scaled down once, not twice."""
    if image.mode == "L" and max(image.size) <= SKEW_WORK_SIDE:
        return image
    small = image.convert("L")
    small.thumbnail((SKEW_WORK_SIDE, SKEW_WORK_SIDE), Image.BOX)
    return small


def estimate_skew(image: Image.Image, max_angle: float = 15.0, min_angle: float = 0.0, sign: int = 0) -> float:
    """Degrees to turn ``image`` counter-clockwise (``image.rotate(angle)``)
    so that its text lines run horizontally; 0.0 when there is no clear answer,
    or when the answer is sure to be smaller than ``min_angle`` (a caller
    that leaves such skews alone is spared the last, finest search), or,
    with ``sign`` (1 or -1), sure not to have that sign (the fan test needs
    only a lean the other way: the finer searches are spared).

    Projection-profile search: the ink (pixels clearly darker than their
    surroundings, away from dark borders such as a table around the page) is
    turned by candidate angles, and the angle whose row sums change most
    sharply from row to row (text lines vs. the gaps between them) wins.
    Whole degrees on a half-size map first, then 0.25 and 0.05 degree steps.
    """
    ink = _ink_map(working_copy(image))
    if ink is None:
        return 0.0
    coarse_ink = ink.resize((max(1, ink.width // 2), max(1, ink.height // 2)), Image.BOX)
    coarse_ink = coarse_ink.point(lambda v: 255 if v >= 64 else 0)
    limit = int(max_angle)
    # The whole degrees by projection (see _Projected); the finer steps by
    # turning the map, as measured: projected there too, 2 of the 16
    # large-print pages were turned 0.05 degrees otherwise, and one of them
    # then read 8.5 % CER, not 1.1 %.
    projected = _Projected(coarse_ink)
    coarse = [(projected.sharpness(a), float(a)) for a in range(-limit, limit + 1)]
    best = max(coarse)
    if best[0] <= 0 or best[0] < SKEW_MIN_PEAK * statistics.median(s for s, _ in coarse):
        return 0.0

    def wrong_way(centre: float, reach: float) -> bool:    # no answer within reach has the sign asked for
        least = max(min_angle, 0.05) - 1e-6
        return (sign > 0 and centre + reach < least) or (sign < 0 and centre - reach > -least)

    if wrong_way(best[1], 4 * 0.25 + 4 * 0.05):      # the finer steps move it 1.2 degrees at most
        return 0.0
    fine = _Turned(ink).sharpness
    best = (fine(best[1]), best[1])

    def short(angle: float) -> bool:     # the finest steps (0.2 at most) cannot take it to min_angle
        return abs(angle) + 4 * 0.05 < min_angle - 1e-6

    for step in (0.25, 0.05):
        centre = best[1]
        if step == 0.05 and wrong_way(centre, 4 * 0.05):
            return 0.0
        angles = [centre + k * step for k in (-4, -3, -2, -1, 1, 2, 3, 4) if abs(centre + k * step) <= max_angle]
        if step == 0.25 and short(centre):
            # It ends under min_angle unless a step out to where it can reach
            # min_angle is sharper than the best so far: those first (on an
            # upright page, 2 of the 8; the answer is the same max either way).
            far = [(fine(angle), angle) for angle in angles if not short(angle)]
            if not far or max(far) < best:
                return 0.0
            best = max(best, *far)
            angles = [angle for angle in angles if short(angle)]
        if step == 0.05 and short(centre):
            return 0.0
        for angle in angles:
            best = max(best, (fine(angle), angle))
    return round(best[1], 2)


def _ink_map(image: Image.Image) -> Image.Image | None:
    """Binary map (255 = ink) of the dark strokes on the page (its working copy)."""
    small = image
    if min(small.size) < 32:
        return None
    radius = max(3, round(max(small.size) / 80))
    background = small.filter(ImageFilter.BoxBlur(radius))
    # Paper = bright once thin strokes are closed over; eroded so that the
    # edge of a dark table or shadow around the page does not count as ink
    # (a straight page edge would otherwise decide the angle).
    tiny = small.reduce(4) if min(small.size) >= 128 else small
    level = max_filter(tiny, 5)
    histogram = level.histogram()
    total, seen, bright = sum(histogram), 0, 255
    for value, count in enumerate(histogram):
        seen += count
        if seen >= 0.9 * total:
            bright = value
            break
    paper = min_filter(level.point(lambda v: 255 if v > 0.6 * bright else 0), 9)
    return _dark_on_paper(background, small, paper.resize(small.size, Image.NEAREST))


def _dark_on_paper(background: Image.Image, image: Image.Image, paper: Image.Image) -> Image.Image:
    """255 where ``image`` is more than 20 darker than ``background`` and
    ``paper`` (0 or 255) is 255: ``ImageChops.subtract`` (clipped at 0), a
    point at 20 and ``ImageChops.multiply`` by the 0/255 paper, in three
    OpenCV calls on the map instead of three passes of Pillow's (1.9 -> 0.6 ms
    a map, three maps a page)."""
    from cv2 import CMP_GT, bitwise_and, compare, subtract

    ink = compare(subtract(grey_pixels(background), grey_pixels(image)), 20, CMP_GT)
    return Image.fromarray(bitwise_and(ink, grey_pixels(paper), dst=ink))


class _Projected:
    """An ink map's profiles by projecting its ink pixels: each pixel's centre
    turned about the map's centre as ``Image.rotate`` turns it, counted in the
    row it lands in (those landing outside the map dropped), and the counts
    made row means as ``row_means`` makes them of a turned map. A turned map's
    row is not quite its projected pixels (nearest-neighbour sampling takes a
    few pixels twice or not at all), but the ink is a few per cent of the map:
    this costs a fifth of turning it."""

    def __init__(self, ink: Image.Image) -> None:
        import numpy as np

        ys, xs = np.nonzero(grey_pixels(ink))
        self.width, self.height = ink.size
        self.u = xs + (0.5 - self.width / 2.0)
        self.v = ys + (0.5 - self.height / 2.0)
        self.rows = ys
        self.box = (self.u.min(), self.u.max(), self.v.min(), self.v.max()) if len(xs) else None

    def sharpness(self, angle: float) -> int:
        import numpy as np

        rows = self.rows
        if angle:
            radians = -math.radians(angle)     # as Image.rotate: its matrix's coefficients, rounded so
            cos, sin = round(math.cos(radians), 15), round(math.sin(radians), 15)
            y = np.floor(sin * self.u + cos * self.v + self.height / 2.0)
            if self._all_inside(cos, sin):
                rows = y.astype(np.int64)       # no pixel to drop: its column need not be found
            else:
                x = np.floor(cos * self.u - sin * self.v + self.width / 2.0)
                rows = y[(x >= 0) & (x < self.width) & (y >= 0) & (y < self.height)].astype(np.int64)
        return _sharpness(_box_means(np.bincount(rows, minlength=self.height) * 255, self.width))

    def _all_inside(self, cos: float, sin: float) -> bool:
        """Every ink pixel lands inside the map at this turn. The corners of
        the ink's box, turned by the same float steps, bound every pixel's
        place: each step (a product by a fixed factor, a difference, a sum)
        rounds monotonically in each of its inputs."""
        if self.box is None:
            return False
        u0, u1, v0, v1 = (float(b) for b in self.box)
        xs = [cos * u - sin * v + self.width / 2.0 for u in (u0, u1) for v in (v0, v1)]
        ys = [sin * u + cos * v + self.height / 2.0 for u in (u0, u1) for v in (v0, v1)]
        return min(xs) >= 0 and max(xs) < self.width and min(ys) >= 0 and max(ys) < self.height


def _profile_sharpness(ink: Image.Image, angle: float) -> int:
    """Sum of squared differences between neighbouring row means of the
    ink turned by ``angle``."""
    turned = ink.rotate(angle, resample=Image.NEAREST) if angle else ink
    return _sharpness(row_means(turned))


def _sharpness(means) -> int:
    """Sum of squared differences between neighbouring row means."""
    import numpy as np

    steps = np.diff(means)
    return int(steps @ steps)


class _Turned:
    """``_profile_sharpness`` of one ink map at many angles, the same numbers
    in less time: only the window of the turned map where its ink can land
    is turned (the rest of it is empty), by ``Image.transform`` with the
    fixed-point offsets Pillow's nearest-neighbour ``rotate`` uses for that
    window, so each of its pixels is the one the whole turn gives it. On a
    page photo the text is 30-60 % of the map."""

    def __init__(self, ink: Image.Image) -> None:
        self.ink = ink
        self.box = ink.getbbox()

    def sharpness(self, angle: float) -> int:
        import numpy as np
        from cv2 import CV_32S, REDUCE_SUM, reduce

        if not angle or self.box is None:
            return _profile_sharpness(self.ink, angle)
        width, height = self.ink.size
        matrix = _rotate_matrix(angle, width, height)
        left, top, right, bottom = self._window(matrix)
        if right <= left or bottom <= top:
            return 0
        fixed = [_fix(matrix[2] + matrix[0] * 0.5 + matrix[1] * 0.5),
                 _fix(matrix[5] + matrix[3] * 0.5 + matrix[4] * 0.5)]
        # The window's first pixel's source, as the whole turn reaches it
        # (its integer steps), given back as the offsets Pillow fixes again.
        start_x = fixed[0] + top * _fix(matrix[1]) + left * _fix(matrix[0])
        start_y = fixed[1] + top * _fix(matrix[4]) + left * _fix(matrix[3])
        window = list(matrix)
        window[2] = start_x / 65536.0 - matrix[0] * 0.5 - matrix[1] * 0.5
        window[5] = start_y / 65536.0 - matrix[3] * 0.5 - matrix[4] * 0.5
        part = self.ink.transform((right - left, bottom - top), Image.Transform.AFFINE, window, Image.NEAREST)
        sums = np.zeros(height, dtype=np.int64)
        sums[top:bottom] = reduce(grey_pixels(part), 1, REDUCE_SUM, dtype=CV_32S).ravel()
        return _sharpness(_box_means(sums, width))

    def _window(self, matrix: list[float]) -> tuple[int, int, int, int]:
        """The turned map's pixels whose source can be inside the ink's box (2 px spare)."""
        a, b, c, d, e, f = matrix       # source = (a x + b y + c, d x + e y + f); a e - b d = 1
        left, top, right, bottom = self.box
        xs, ys = [], []
        for u, v in ((left, top), (right, top), (left, bottom), (right, bottom)):
            u, v = u - c, v - f
            xs.append(e * u - b * v)
            ys.append(-d * u + a * v)
        width, height = self.ink.size
        return (max(0, math.floor(min(xs)) - 2), max(0, math.floor(min(ys)) - 2),
                min(width, math.ceil(max(xs)) + 2), min(height, math.ceil(max(ys)) + 2))


def _rotate_matrix(angle: float, width: int, height: int) -> list[float]:
    """The affine matrix (output pixel -> source) ``Image.rotate(angle)`` hands
    to ``Image.transform``, computed as Pillow computes it."""
    radians = -math.radians(angle % 360.0)
    matrix = [round(math.cos(radians), 15), round(math.sin(radians), 15), 0.0,
              round(-math.sin(radians), 15), round(math.cos(radians), 15), 0.0]
    cx, cy = width / 2, height / 2
    matrix[2] = matrix[0] * -cx + matrix[1] * -cy + matrix[2] + cx
    matrix[5] = matrix[3] * -cx + matrix[4] * -cy + matrix[5] + cy
    return matrix


def _fix(value: float) -> int:
    """Pillow's 16.16 fixed point (``FIX`` in its affine transform)."""
    return math.floor(value * 65536.0 + 0.5)


def row_means(image: Image.Image):
    """Each row's mean grey (numpy int64) as ``image.resize((1, height),
    Image.BOX)`` gives it: Pillow sums the row with one fixed-point weight
    of 22 bits per pixel (round(2**22 / width)), adds half a unit and
    truncates; here OpenCV sums the rows, the same bytes in a quarter of
    the CPU (a third of the skew search's time went to those resizes)."""
    import numpy as np
    from cv2 import CV_32S, REDUCE_SUM, reduce

    return _box_means(reduce(grey_pixels(image), 1, REDUCE_SUM, dtype=CV_32S).ravel().astype(np.int64), image.width)


def _box_means(sums, width: int):
    """Row means (numpy int64) from row sums as Pillow's BOX resize to one column makes them:
    one fixed-point weight (1/width in 22 bits), rounded, at most 255."""
    import numpy as np

    weight = int(0.5 + (1.0 / width) * (1 << 22))
    return np.minimum((sums * weight + (1 << 21)) >> 22, 255)


# Halves whose lines lean opposite ways by at least this many degrees are a
# fan (a page photographed at a slant), not a skew.
FAN_SPREAD = 2.0


def fanned(image: Image.Image, max_angle: float = 15.0) -> bool:
    """True when the top and bottom halves of the page lean opposite ways
    (a page photographed at a slant: its lines fan out). Then no one turn
    straightens it: turning the dimly lit Korean page by the mean 1.55
    degrees (top -1.55, bottom +2.75) tilted its straight upper lines and
    cost 4 points of CER (13.2 % against 9.3 % unturned)."""
    small = working_copy(image)     # halves measured at the page's scale
    width, height = small.size
    top = estimate_skew(small.crop((0, 0, width, height // 2)), max_angle)
    if top == 0:
        return False        # the bottom half cannot lean the other way from level
    # Leaning the other way by FAN_SPREAD at least, the bottom half's skew has
    # the other sign and is at least FAN_SPREAD - |top|: an answer sure to be
    # neither is left unfinished (the same verdict, fewer angles tried).
    bottom = estimate_skew(small.crop((0, height // 2, width, height)), max_angle,
                           max(0.0, FAN_SPREAD - abs(top)), -1 if top > 0 else 1)
    return top * bottom < 0 and abs(top - bottom) >= FAN_SPREAD
