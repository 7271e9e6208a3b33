"""An OCR result (Rekognition DetectText ``TextDetections``) -> clean text in reading order.

The engine's own order and LINE grouping can't be trusted on book pages
(rotated photos, two columns, page numbers), so everything is rebuilt from
geometry: turn the page upright, regroup words into lines, find columns, then
paragraphs, then mend hyphenated line breaks and normalise the text.
Paragraphs are separated by a blank line ("\\n\\n"). Pure and deterministic.
"""

from __future__ import annotations

from storytime.core import geometry
from storytime.core.cleanup import is_page_number, join_lines, normalize_inline
from storytime.core.columns import reading_blocks
from storytime.core.language import is_hangul
from storytime.core.lines import Line, group_fragments, merge_rows
from storytime.core.paragraphs import split_paragraphs

MIN_CONFIDENCE = 20.0
GUTTER = 1.0  # minimum column gutter, in text heights
STRAY_SCRIPT_SHARE = 0.1  # Hangul words rarer than this on a Latin page are misreads


def _usable(detection: dict) -> bool:
    if not isinstance(detection, dict):
        return False
    text = detection.get("DetectedText")
    if not isinstance(text, str) or not text.strip():
        return False
    confidence = detection.get("Confidence")
    if confidence is not None:
        try:
            if float(confidence) < MIN_CONFIDENCE:
                return False
        except (TypeError, ValueError):
            return False
    return bool(geometry.corners(detection))


def _drop_stray_hangul(detections: list[dict]) -> list[dict]:
    """A Korean+English engine reads smudges on an English page as Hangul syllables.

    On a page where Hangul words are rare, they are noise, not a gloss.
    """
    hangul = [d for d in detections if any(is_hangul(c) for c in d["DetectedText"])]
    if not hangul or len(hangul) >= STRAY_SCRIPT_SHARE * len(detections):
        return detections
    return [d for d in detections if not any(is_hangul(c) for c in d["DetectedText"])]


def _items(detections: list[dict]) -> list[geometry.Item]:
    usable = [d for d in detections if _usable(d)]
    words = [d for d in usable if d.get("Type") == "WORD"]
    chosen = _drop_stray_hangul(words or [d for d in usable if d.get("Type", "LINE") == "LINE"])
    polygons = [geometry.corners(d) for d in chosen]
    angle = geometry.dominant_angle(polygons)
    return [
        geometry.upright_item(normalize_inline(d["DetectedText"]), points, angle, order, d.get("ParentId"))
        for order, (d, points) in enumerate(zip(chosen, polygons))
    ]


def _drop_page_numbers(fragments: list[Line]) -> list[Line]:
    """A page-number-like fragment with nothing clearly above it (or below it) goes."""
    kept = []
    for fragment in fragments:
        if is_page_number(fragment.text):
            others = [f for f in fragments if f is not fragment]
            half = fragment.height / 2
            at_top = all(o.cy > fragment.cy - half for o in others)
            at_bottom = all(o.cy < fragment.cy + half for o in others)
            if at_top or at_bottom:
                continue
        kept.append(fragment)
    return kept


def read_page(detections: list[dict]) -> str:
    """Text of the page in reading order; paragraphs separated by a blank line."""
    items = _items(detections or [])
    if not items:
        return ""
    height = geometry.median(item.height for item in items)
    fragments = _drop_page_numbers(group_fragments(items))
    blocks = [merge_rows(block) for block in reading_blocks(fragments, GUTTER * height)]
    paragraphs = (join_lines([line.text for line in p]) for p in split_paragraphs(blocks))
    return "\n\n".join(p for p in paragraphs if p)
