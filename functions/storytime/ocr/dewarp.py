"""Flattening a photographed page that curves, before OCR.

A book held open bends its lines towards the spine; Tesseract reads curved
lines badly (the two cookbook photos in the fixtures: 16 % and 26 % CER read
as they are, under 1 % flattened). This is page-dewarp's cubic-sheet model
(Matt Zucker's method, packaged by lmmx, MIT licence), in three steps:

1. ``text_lines``: the library finds the text lines on a small copy of the
   page (at most 1280 x 700 px): adaptive threshold, a horizontal smear,
   contours chained into lines ("spans").
2. ``curvature``: each long line (at least a third of the width) is fitted
   with a straight line; how far its smoothed centre line strays from it, in
   text heights, median over the lines. A flat page keeps straight lines even
   in perspective, so only bending raises it. It costs 0.005-0.04 s of CPU
   (``contours_of``), so every page is measured and a flat one goes on untouched.
3. ``flatten`` (curved pages only): the model's parameters (camera pose, two
   cubic slopes of the sheet, each line's height and each sample's place
   along its line) are fitted with scipy's ``least_squares`` told the
   Jacobian's sparsity (a sample depends on the 8 shared parameters and its
   own two). That is the objective the library minimises with Powell's
   method, in 0.1-0.2 s instead of 15 s. The page is then remapped, at the
   size it has in the photo, as grey (Tesseract binarises it itself).

Mapping back (``Warp``): every ``GRID``-th pixel of the flattened image
remembers where it came from in the image given; any point is interpolated
bilinearly between those. Mapping a word box's four corners gives a
quadrilateral that follows the curved line in the photo, roughly (to the
model's fit: about a pixel of the small copy, a few of the photo).

numpy, scipy, OpenCV and page-dewarp are imported when a page is measured,
never at import time: the Lambdas that do not read pages never need them.
page-dewarp's modules are imported without its package ``__init__``
(``_library``), which imports its command line and, through it, matplotlib's
friend scipy.optimize: 0.34 s of a cold reader's start, for a flat page that
needs none of it. scipy.optimize is imported when a page is found curved.
"""

from __future__ import annotations

import importlib.util
import math
import statistics
import sys
from dataclasses import dataclass, field

from PIL import Image

from storytime.ocr.pixels import grey_pixels

# A page whose lines bend by this many text heights (median over its long
# lines) is flattened. Measured on the fixtures: the scans 0.07, the generated
# photos (slight curl, perspective) 0.08-0.17, where flattening costs more than
# it gives (the wrap-around page 1.9 -> 10.8 % CER); the two curved cookbook
# photos 0.46 and 0.37 (16 -> 0.5 %, 26 -> 0.0 %), cropped to their text 0.46
# and more (20 -> 2.6 %, 23 -> 0.5 %).
CURVED = 0.3
# Fewer long lines than this: no opinion (a sign, a caption, a picture).
MIN_LINES = 6
# A line counts when it spans at least this fraction of the page's width.
LONG_LINE = 0.3
# The fit is trusted when the text lines it models are, on average, this
# close (pixels of the small copy) to the lines found.
MAX_FIT_ERROR = 1.5
# The fit stops after this many evaluations (the cookbook photos converge in
# 11-23; one cropped to its text is still improving at 100, 0.9 s) and is
# used if it fits the lines by then.
MAX_EVALUATIONS = 100
# Lines are looked for this far (fraction of the width, height) inside the
# image's edges at most, where a photo's background and the next page lie.
MARGIN_X, MARGIN_Y = 0.06, 0.03
# Output pixels between the points whose source is kept (``Warp``).
GRID = 16


@dataclass(frozen=True, eq=False)
class Warp:
    """Where the pixels of a flattened image came from in the image it was made from.

    ``xs[j][i]``, ``ys[j][i]``: the source point of output pixel
    ``(i * step_x, j * step_y)``.
    """
    xs: list[list[float]]
    ys: list[list[float]]
    step_x: float
    step_y: float
    size: tuple[int, int]             # the flattened image's (width, height)

    def to_source(self, x: float, y: float) -> tuple[float, float]:
        """A point of the flattened image -> the same point in the source image."""
        rows, cols = len(self.xs), len(self.xs[0])
        gx = min(max(x / self.step_x, 0.0), cols - 1.0)
        gy = min(max(y / self.step_y, 0.0), rows - 1.0)
        i, j = min(int(gx), cols - 2), min(int(gy), rows - 2)
        fx, fy = gx - i, gy - j

        def at(grid: list[list[float]]) -> float:
            top = grid[j][i] * (1 - fx) + grid[j][i + 1] * fx
            bottom = grid[j + 1][i] * (1 - fx) + grid[j + 1][i + 1] * fx
            return top * (1 - fy) + bottom * fy
        return at(self.xs), at(self.ys)


@dataclass
class TextLines:
    """Text lines found on a small copy of a page (page-dewarp's spans)."""
    small: object                     # the small copy (numpy RGB array)
    pagemask: object                  # where lines were looked for
    outline: object                   # that region's corners
    spans: list = field(default_factory=list)


def _library() -> None:
    """Registers the ``page_dewarp`` package without running its ``__init__``
    (``from .__main__ import main``: its command line, its whole pipeline and
    scipy.optimize), so that ``import page_dewarp.mask`` and the rest import
    only the modules asked for. Nothing here uses ``page_dewarp.main``."""
    if "page_dewarp" in sys.modules:
        return
    spec = importlib.util.find_spec("page_dewarp")
    if spec is None or spec.submodule_search_locations is None:
        raise ImportError("page-dewarp is not installed")
    sys.modules["page_dewarp"] = importlib.util.module_from_spec(spec)


def preload() -> None:
    """Imports what measuring and flattening a page needs (OpenCV, numpy, page-dewarp's modules, scipy's
    optimiser: about 0.35 s of CPU once per process), so that a long-running process pays for them at
    start and not on its first page."""
    _library()
    import cv2  # noqa: F401
    import page_dewarp.keypoints  # noqa: F401
    import page_dewarp.mask  # noqa: F401
    import page_dewarp.normalisation  # noqa: F401
    import page_dewarp.projection  # noqa: F401
    import page_dewarp.solve  # noqa: F401
    import page_dewarp.spans  # noqa: F401
    import scipy.optimize  # noqa: F401
    import scipy.sparse  # noqa: F401


def flatten_if_curved(image: Image.Image, threshold: float = CURVED) -> tuple[Image.Image, Warp] | None:
    """``image`` flattened when its lines bend by ``threshold`` text heights or
    more (and the model fits them), with where its pixels came from; else None."""
    _library()
    import numpy as np
    from cv2 import error as cv2_error

    try:
        with np.errstate(all="ignore"):
            lines = text_lines(image)
            bend = curvature(lines)
            if bend is None or bend < threshold:
                return None
            return flatten(image, lines)
    except (ValueError, ArithmeticError, np.linalg.LinAlgError, cv2_error):
        return None     # a degenerate set of lines: the page is read as it is


def text_lines(image: Image.Image) -> TextLines:
    _library()
    import numpy as np
    from cv2 import COLOR_GRAY2RGB, INTER_AREA, cvtColor, resize
    from page_dewarp.mask import Mask
    from page_dewarp.options import cfg

    gray = grey_pixels(_grey(image))
    height, width = gray.shape
    scale = math.ceil(max(width / cfg.SCREEN_MAX_W, height / cfg.SCREEN_MAX_H))
    small = resize(gray, (0, 0), None, 1 / scale, 1 / scale, INTER_AREA) if scale > 1 else gray
    small = cvtColor(small, COLOR_GRAY2RGB)
    sh, sw = small.shape[:2]
    # The library's margins (50 and 20 px), at most 6 % and 3 % of the copy:
    # on a close-up of a page its fixed 50 px cut the lines' ends, and the
    # bend went unseen (a cookbook photo cropped to its text: 0.18).
    mx, my = min(cfg.PAGE_MARGIN_X, round(MARGIN_X * sw)), min(cfg.PAGE_MARGIN_Y, round(MARGIN_Y * sh))
    pagemask = np.zeros((sh, sw), dtype=np.uint8)
    pagemask[my:sh - my, mx:sw - mx] = 255
    outline = np.array([[mx, my], [mx, sh - my], [sw - mx, sh - my], [sw - mx, my]])
    contours = contours_of(Mask("page", small, pagemask, True).value)
    return TextLines(small, pagemask, outline, spans_of(contours))


def contours_of(mask) -> list:
    """page-dewarp's ``get_contours(mask)``: the same filters and the same
    ``ContourInfo``s, but each contour's extent along its own axis is found
    with one numpy expression over its points, where the library calls
    ``np.dot`` once per point (55 of the 80 ms of CPU the curvature test took
    on the dense page, paid on every page)."""
    _library()
    import numpy as np
    from cv2 import CHAIN_APPROX_NONE, RETR_EXTERNAL, boundingRect, findContours
    from page_dewarp.contours import ContourInfo, blob_mean_and_tangent, make_tight_mask
    from page_dewarp.options import cfg

    found, _ = findContours(mask, RETR_EXTERNAL, CHAIN_APPROX_NONE)
    out = []
    for contour in found:
        rect = boundingRect(contour)
        left, top, width, height = rect
        if width < cfg.TEXT_MIN_WIDTH or height < cfg.TEXT_MIN_HEIGHT or width < cfg.TEXT_MIN_ASPECT * height:
            continue
        tight = make_tight_mask(contour, left, top, width, height)
        if tight.sum(axis=0).max() > cfg.TEXT_MAX_THICKNESS:
            continue
        if (moments := blob_mean_and_tangent(contour)) is None:
            continue
        # ContourInfo.__init__ without its per-point loop: its attributes, set
        # as it sets them (tests/unit/test_dewarp.py compares the two).
        info = ContourInfo.__new__(ContourInfo)
        info.contour, info.rect, info.mask = contour, rect, tight
        info.center, info.tangent = moments
        info.angle = np.arctan2(info.tangent[1], info.tangent[0])
        offsets = contour.reshape((-1, 1, 2)) - info.center
        # One 2-vector dot per point, in a batch: bit for bit the library's np.dot.
        along = np.matmul(offsets, info.tangent.reshape((2, 1))).ravel()
        info.local_xrng = (along.min(), along.max())
        info.point0 = info.center + info.tangent * info.local_xrng[0]
        info.point1 = info.center + info.tangent * info.local_xrng[1]
        info.pred = info.succ = None
        out.append(info)
    return out


def spans_of(contours: list) -> list[list]:
    """page-dewarp's ``assemble_spans``: contours linked left to right into
    text lines, the same spans. The library puts every pair of contours to
    its test (``generate_candidate_edge``, 4,095 pairs and 45 ms of CPU on the
    two-column photo); here the pairs that cannot pass it are left out first,
    all at once: those whose end points are surely more than EDGE_MAX_LENGTH
    apart (each end point lies within its contour's reach of its centre) or
    whose centres lie at surely more than EDGE_MAX_ANGLE from both contours'
    own direction. The rest are tested, linked and walked as the library does."""
    _library()
    import numpy as np
    from page_dewarp.options import cfg
    from page_dewarp.spans import generate_candidate_edge

    contours = sorted(contours, key=lambda c: c.rect[1])
    if not contours:
        return []
    centres = np.array([c.center for c in contours], dtype=float).reshape((-1, 2))
    reach = np.array([max(abs(c.local_xrng[0]), abs(c.local_xrng[1])) for c in contours])
    own = np.array([c.angle for c in contours], dtype=float)
    dx = centres[:, 0][:, None] - centres[:, 0][None, :]
    dy = centres[:, 1][:, None] - centres[:, 1][None, :]
    too_far = np.hypot(dx, dy) - reach[:, None] - reach[None, :] > cfg.EDGE_MAX_LENGTH + 1e-6
    between = np.arctan2(dy, dx)

    def off(angle):      # degrees from the line between the centres, either way along it
        turn = np.abs(np.mod(angle - between, np.pi))
        return np.degrees(np.minimum(turn, np.pi - turn))
    too_steep = np.maximum(off(own[:, None]), off(own[None, :])) > cfg.EDGE_MAX_ANGLE + 1e-6
    candidates = ~(too_far | too_steep)

    edges = []
    for i, contour in enumerate(contours):
        for j in np.flatnonzero(candidates[i, :i]):
            edge = generate_candidate_edge(contour, contours[j])
            if edge is not None:
                edges.append(edge)
    # From here on, the library's own steps.
    edges.sort(key=lambda e: e[0])
    for _, left, right in edges:
        if left.succ is None and right.pred is None:
            left.succ, right.pred = right, left
    spans = []
    while contours:
        contour = contours[0]
        while contour.pred:
            contour = contour.pred
        span, width = [], 0.0
        while contour:
            contours.remove(contour)
            span.append(contour)
            width += contour.local_xrng[1] - contour.local_xrng[0]
            contour = contour.succ
        if width > cfg.SPAN_MIN_WIDTH:
            spans.append(span)
    return spans


def curvature(lines: TextLines) -> float | None:
    """How far the page's long lines stray from straight, in text heights
    (median over the lines); None when there are too few long lines."""
    import numpy as np

    width = lines.small.shape[1]
    strays, heights = [], []
    for span in lines.spans:
        pieces = []
        for contour in span:
            mask = contour.mask
            rows = np.arange(mask.shape[0]).reshape((-1, 1))
            centres = (rows * mask).sum(axis=0) / np.maximum(mask.sum(axis=0), 1)
            left, top = contour.rect[:2]
            columns = np.arange(0, len(centres), 2)      # every other column's centre
            pieces.append(np.column_stack((left + columns, top + centres[columns])))
            heights.append(contour.rect[3])
        points = np.vstack(pieces).astype(float) if pieces else np.empty((0, 2))
        if len(points) < 8 or np.ptp(points[:, 0]) < LONG_LINE * width:
            continue
        # A cubic through the line's centres against a straight line through
        # them: the bend, with the letters' own ups and downs averaged out.
        along = np.linspace(points[:, 0].min(), points[:, 0].max(), 50)
        bend = (np.polyval(np.polyfit(points[:, 0], points[:, 1], 3), along)
                - np.polyval(np.polyfit(points[:, 0], points[:, 1], 1), along))
        strays.append(float(np.ptp(bend)))
    if len(strays) < MIN_LINES or not heights:
        return None
    return statistics.median(strays) / max(statistics.median(heights), 1.0)


def flatten(image: Image.Image, lines: TextLines) -> tuple[Image.Image, Warp] | None:
    """The page flattened, and where its pixels came from; None when the
    model does not fit the lines found."""
    _library()
    import numpy as np
    from cv2 import BORDER_REPLICATE, INTER_CUBIC, remap
    from page_dewarp.keypoints import make_keypoint_index, project_keypoints
    from page_dewarp.normalisation import norm2pix
    from page_dewarp.projection import project_xy
    from page_dewarp.solve import get_default_params
    from page_dewarp.spans import keypoints_from_samples, sample_spans
    from scipy.optimize import least_squares

    small = lines.small
    span_points = sample_spans(small.shape, lines.spans)
    corners, ycoords, xcoords = keypoints_from_samples("page", small, lines.pagemask, lines.outline, span_points)
    rough_dims, span_counts, params = get_default_params(corners, ycoords, xcoords)
    targets = np.vstack((corners[0].reshape((1, 1, 2)), *span_points))
    index = make_keypoint_index(span_counts)

    def residuals(p):
        return (project_keypoints(p, index) - targets).ravel()

    n = len(params)
    sparsity = _sparsity(index, n)
    lower, upper = np.full(n, -np.inf), np.full(n, np.inf)
    lower[6:8], upper[6:8] = -0.5, 0.5            # the library clamps the cubic slopes there
    params = np.clip(params, lower + 1e-9, upper - 1e-9)
    fit = least_squares(residuals, params, jac_sparsity=sparsity, method="trf",
                        bounds=(lower, upper), x_scale="jac", max_nfev=MAX_EVALUATIONS)
    params = fit.x
    to_pixels = max(small.shape[:2]) / 2          # normalised units -> pixels of the small copy
    error = math.sqrt(2 * fit.cost / len(index)) * to_pixels
    if fit.status < 0 or error > MAX_FIT_ERROR:     # out of evaluations is fine when it fits
        return None

    # The page's extent in the model's plane: where its far corner lands on the photo's.
    far = corners[2].flatten()
    dims = least_squares(lambda d: project_xy(d, params).flatten() - far, np.array(rough_dims)).x
    if np.any(dims <= 0):
        dims = np.array(rough_dims)

    gray = grey_pixels(_grey(image))
    # Where a grid over the page lands on the photo (pixels), to size the
    # output as the page is in the photo and to remap it.
    cols = rows = 48
    grid_x, grid_y = np.meshgrid(np.linspace(0, dims[0], cols), np.linspace(0, dims[1], rows))
    plane = np.hstack((grid_x.reshape((-1, 1)), grid_y.reshape((-1, 1)))).astype(np.float32)
    source = norm2pix(gray.shape, project_xy(plane, params), False).reshape((rows, cols, 2))
    along = np.linalg.norm(np.diff(source, axis=1), axis=2).sum(axis=1)     # each row's length
    down = np.linalg.norm(np.diff(source, axis=0), axis=2).sum(axis=0)      # each column's
    out_w, out_h = int(round(float(np.median(along)))), int(round(float(np.median(down))))
    if min(out_w, out_h) < 32 or out_w * out_h > 4 * gray.size:
        return None
    gw, gh = -(-out_w // GRID) + 1, -(-out_h // GRID) + 1
    grid_x, grid_y = np.meshgrid(np.linspace(0, dims[0] * (gw - 1) * GRID / out_w, gw),
                                 np.linspace(0, dims[1] * (gh - 1) * GRID / out_h, gh))
    plane = np.hstack((grid_x.reshape((-1, 1)), grid_y.reshape((-1, 1)))).astype(np.float32)
    source = norm2pix(gray.shape, project_xy(plane, params), False).reshape((gh, gw, 2))
    map_x, map_y = _bilinear(source[:, :, 0], out_w, out_h), _bilinear(source[:, :, 1], out_w, out_h)
    flat = remap(gray, map_x, map_y, INTER_CUBIC, None, BORDER_REPLICATE)
    warp = Warp(source[:, :, 0].tolist(), source[:, :, 1].tolist(), float(GRID), float(GRID), (out_w, out_h))
    return Image.fromarray(flat), warp


def _sparsity(index, n: int):
    """Which of the ``n`` parameters each residual depends on: all rows on the
    8 shared ones; rows 2k and 2k + 1 (keypoint k > 0) on its two, ``index[k]``.
    Built from coordinates at once: the same matrix element by element into a
    ``lil_matrix`` took 40-60 ms of a curved page's CPU."""
    import numpy as np
    from scipy.sparse import csc_matrix

    m = 2 * len(index)
    shared_rows, shared_cols = np.repeat(np.arange(m), 8), np.tile(np.arange(8), m)
    k = np.repeat(np.arange(1, len(index)), 4)               # keypoint of each entry: 2 rows x 2 columns
    own_rows = 2 * k + np.tile([0, 1, 0, 1], len(index) - 1)
    own_cols = np.asarray(index)[k, np.tile([0, 0, 1, 1], len(index) - 1)]
    rows, cols = np.concatenate((shared_rows, own_rows)), np.concatenate((shared_cols, own_cols))
    matrix = csc_matrix((np.ones(len(rows), dtype=int), (rows, cols)), shape=(m, n))
    matrix.sum_duplicates()
    matrix.data[:] = 1          # an entry set twice is still a 1, as in the lil_matrix
    return matrix


def _grey(image: Image.Image) -> Image.Image:
    """``image`` in grey: itself when it is (``convert`` would copy it)."""
    return image if image.mode == "L" else image.convert("L")


def _bilinear(grid, width: int, height: int):
    """A grid of values at every GRID-th pixel -> one value per pixel, as
    ``Warp.to_source`` interpolates them (float32 for ``cv2.remap``)."""
    import numpy as np

    rows, cols = grid.shape
    gx, gy = np.arange(width) / GRID, np.arange(height) / GRID
    i = np.minimum(gx.astype(int), cols - 2)
    j = np.minimum(gy.astype(int), rows - 2)
    fx, fy = gx - i, (gy - j).reshape((-1, 1))
    across = grid[:, i] * (1 - fx) + grid[:, i + 1] * fx          # (rows, width)
    # Down the rows, a band of GRID rows at a time (the rows between two grid
    # rows): the same products as across[j] * (1 - fy) + across[j + 1] * fy
    # over the whole image, without its page-sized float64 temporaries (110
    # of a curved page's 250 ms of CPU went to them, twice, for x and y).
    out = np.empty((height, width), dtype=np.float32)
    starts = np.flatnonzero(np.diff(j, prepend=-1))
    for start, end in zip(starts.tolist(), [*starts[1:].tolist(), height]):
        k = j[start]
        out[start:end] = across[k] * (1 - fy[start:end]) + across[k + 1] * fy[start:end]
    return out
