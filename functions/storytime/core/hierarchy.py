"""Blocks, lines and word order as the engine knows them, when it says so.

Tesseract finds text blocks, paragraphs and lines on the pixels and reads
the words of a line in order; our engine keeps that across the DetectText
boundary: its LINE detections carry ``BlockId`` and ``ParagraphId``, their
``Id`` follows Tesseract's reading order, and each WORD names its LINE by
``ParentId``. Rekognition answers a flat list without block ids, and
geometry decides there (:mod:`columns`, :mod:`lines`).
"""

from __future__ import annotations

from storytime.core.geometry import Item
from storytime.core.lines import Line

BLOCK = "BlockId"
PARAGRAPH = "ParagraphId"


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def engine_lines(detections: list[dict]) -> list[dict] | None:
    """The LINE detections in the engine's order, or None when the engine gave no
    block structure (every LINE must name its block and have an integer Id)."""
    lines = [d for d in detections if isinstance(d, dict) and d.get("Type") == "LINE"]
    if not lines or not all(_is_id(d.get(BLOCK)) and _is_id(d.get("Id")) for d in lines):
        return None
    return sorted(lines, key=lambda d: d["Id"])


def engine_blocks(lines: list[dict], items_by_line: dict[int, list[Item]]) -> list[list[Line]]:
    """Blocks in the engine's order (by their first line), each its lines in order.

    The items of a line stay in the order given: words inside a line are
    never reordered. A line without usable items is left out.
    """
    blocks: dict[int, list[Line]] = {}
    for line in lines:
        items = items_by_line.get(line["Id"])
        if items:
            blocks.setdefault(line[BLOCK], []).append(Line(list(items)))
    return list(blocks.values())
