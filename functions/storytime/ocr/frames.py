"""Where a point of a turned page image lies in the image as it was given.

The OCR engine reads a page turned by a quarter turn and straightened by a
small skew; Rekognition-shaped answers need every point in the input's frame.
"""

from __future__ import annotations

import math


def rotate_point(x: float, y: float, angle: float, source_size: tuple[int, int],
                 rotated_size: tuple[int, int]) -> tuple[float, float]:
    """Pixel point in ``source`` -> the same point in ``source.rotate(angle, expand=True)``.

    Pillow turns counter-clockwise (as seen, y pointing down) about the
    centre and centres the result on the expanded canvas of ``rotated_size``.
    """
    a = math.radians(angle)
    dx, dy = x - source_size[0] / 2, y - source_size[1] / 2
    return (rotated_size[0] / 2 + dx * math.cos(a) + dy * math.sin(a),
            rotated_size[1] / 2 - dx * math.sin(a) + dy * math.cos(a))


def unrotate_point(x: float, y: float, angle: float, source_size: tuple[int, int],
                   rotated_size: tuple[int, int]) -> tuple[float, float]:
    """Pixel point in ``source.rotate(angle, expand=True)`` -> the same point in
    ``source``: the inverse of :func:`rotate_point`."""
    a = math.radians(angle)
    dx, dy = x - rotated_size[0] / 2, y - rotated_size[1] / 2
    return (source_size[0] / 2 + dx * math.cos(a) - dy * math.sin(a),
            source_size[1] / 2 + dx * math.sin(a) + dy * math.cos(a))


def to_original(u: float, v: float, rotation: int) -> tuple[float, float]:
    """Normalised point in the quarter-turned image -> normalised point in the input.

    ``rotation`` is the clockwise turn that was applied to the input.
    """
    if rotation == 90:
        return v, 1.0 - u
    if rotation == 180:
        return 1.0 - u, 1.0 - v
    if rotation == 270:
        return 1.0 - v, u
    return u, v
