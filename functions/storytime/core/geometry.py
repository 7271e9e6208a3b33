"""Page geometry: find which way the text runs and turn every detection upright.

Reading order only makes sense in the text's own frame. Rekognition polygons
start at the text's top-left corner and go clockwise *in the text's
orientation*, so the first edge (p0 -> p1) points along the baseline whichever
way the photo was taken: a page shot upside down has baselines pointing left.
We take the dominant baseline angle over all detections (a right-angle quadrant
by weighted vote, then the weighted median skew inside that quadrant), rotate
every point back by that angle around the image centre, and from then on work
with axis-aligned boxes in the upright frame.

Coordinates stay normalised (0..1 of width and height); we never know the
pixel aspect ratio, so a small skew is straightened in normalised space. That
keeps baselines horizontal, which is all the ordering needs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

Point = tuple[float, float]

_CENTRE = 0.5


@dataclass(frozen=True)
class Item:
    """One detection (a WORD, or a LINE when there are no words), upright."""

    text: str
    left: float
    top: float
    right: float
    bottom: float
    order: int  # position in the input: the last tie-breaker, for determinism
    line: int | None = None  # the engine's LINE (a WORD's ParentId), when it gave one

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


def corners(detection: dict) -> list[Point]:
    """The detection's polygon, or its bounding box corners (clockwise from top-left)."""
    geometry = detection.get("Geometry") or {}
    polygon = geometry.get("Polygon") or []
    points = [
        (float(p["X"]), float(p["Y"]))
        for p in polygon
        if isinstance(p, dict) and "X" in p and "Y" in p
    ]
    if len(points) >= 3:
        return points
    box = geometry.get("BoundingBox") or {}
    try:
        left, top = float(box["Left"]), float(box["Top"])
        width, height = float(box["Width"]), float(box["Height"])
    except (KeyError, TypeError, ValueError):
        return []
    return [(left, top), (left + width, top), (left + width, top + height), (left, top + height)]


def baseline(points: list[Point]) -> tuple[float, float] | None:
    """(angle in degrees 0..360, length) of the first polygon edge; None if degenerate."""
    if len(points) < 2:
        return None
    dx = points[1][0] - points[0][0]
    dy = points[1][1] - points[0][1]
    length = math.hypot(dx, dy)
    if length < 1e-9:
        return None
    # Image y grows downwards, so a positive angle is a clockwise turn.
    return math.degrees(math.atan2(dy, dx)) % 360.0, length


def dominant_angle(polygons: Iterable[list[Point]]) -> float:
    """The page's text angle in degrees (0 upright, 90 turned clockwise, 180 upside down...)."""
    weight_by_quadrant = [0.0, 0.0, 0.0, 0.0]
    residuals: list[list[tuple[float, float]]] = [[], [], [], []]
    for points in polygons:
        found = baseline(points)
        if found is None:
            continue
        angle, length = found
        quadrant = int(math.floor((angle + 45.0) / 90.0)) % 4
        residual = (angle - quadrant * 90.0 + 180.0) % 360.0 - 180.0
        weight_by_quadrant[quadrant] += length
        residuals[quadrant].append((residual, length))
    if not any(weight_by_quadrant):
        return 0.0
    # Highest weight wins; ties go to the lowest quadrant (upright first).
    best = max(range(4), key=lambda q: (weight_by_quadrant[q], -q))
    return (best * 90.0 + _weighted_median(residuals[best])) % 360.0


def _weighted_median(values: list[tuple[float, float]]) -> float:
    ordered = sorted(values)
    half = sum(w for _, w in ordered) / 2.0
    running = 0.0
    for value, weight in ordered:
        running += weight
        if running >= half:
            return value
    return ordered[-1][0]


def _cos_sin(degrees: float) -> tuple[float, float]:
    """cos and sin, exact at right angles so upright coordinates stay clean."""
    exact = {0.0: (1.0, 0.0), 90.0: (0.0, 1.0), 180.0: (-1.0, 0.0), 270.0: (0.0, -1.0)}
    key = round(degrees % 360.0, 9) % 360.0
    if key in exact:
        return exact[key]
    radians = math.radians(degrees)
    return math.cos(radians), math.sin(radians)


def unrotate(points: list[Point], angle: float) -> list[Point]:
    """Rotate points by -angle around the image centre (undo the page's rotation)."""
    cos, sin = _cos_sin(angle)
    out = []
    for x, y in points:
        dx, dy = x - _CENTRE, y - _CENTRE
        out.append((_CENTRE + dx * cos + dy * sin, _CENTRE - dx * sin + dy * cos))
    return out


def upright_item(text: str, points: list[Point], angle: float, order: int, line: int | None = None) -> Item:
    turned = unrotate(points, angle)
    xs = [p[0] for p in turned]
    ys = [p[1] for p in turned]
    return Item(text=text, left=min(xs), top=min(ys), right=max(xs), bottom=max(ys), order=order, line=line)


def median(values: Iterable[float], default: float = 0.0) -> float:
    ordered = sorted(values)
    if not ordered:
        return default
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2.0
