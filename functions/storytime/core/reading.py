"""An OCR result (Rekognition DetectText ``TextDetections``) -> clean text in reading order.

Two sources of order. When the engine says how it segmented the page (our
Tesseract engine: LINEs with ``BlockId``, see :mod:`hierarchy`), its blocks,
lines and word order are kept: it saw the pixels, the illustration a line
wraps around and the curve of the page. Rekognition's flat list has no such
structure, so there everything is rebuilt from geometry: regroup words into
lines, find columns, merge rows. Either way the page is turned upright first,
page numbers and running heads are dropped, paragraphs are found from gaps and
indents, hyphenated line breaks are mended, and words made only of symbols a
voice would name ("|", "~": table rules, page edges) are dropped. Paragraphs
are separated by a blank line ("\\n\\n"). Words inside an engine's line are
never reordered. Pure and deterministic.
"""

from __future__ import annotations

from storytime.core import geometry
from storytime.core.cleanup import is_page_number, is_running_head, join_lines, normalize_inline
from storytime.core.columns import reading_blocks
from storytime.core.hierarchy import engine_blocks, engine_lines
from storytime.core.language import is_hangul
from storytime.core.lines import Line, group_fragments, merge_rows
from storytime.core.paragraphs import split_paragraphs
from storytime.core.speakable import is_debris

MIN_CONFIDENCE = 20.0
GUTTER = 1.0  # minimum column gutter, in text heights
STRAY_SCRIPT_SHARE = 0.1  # Hangul words rarer than this on a Latin page are misreads
HEAD_GAP = 0.8  # a running head stands this many word heights clear of the body


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


def _chosen(detections: list[dict]) -> list[dict]:
    """The WORDs (the LINEs when there are none) worth reading."""
    usable = [d for d in detections if _usable(d)]
    words = [d for d in usable if d.get("Type") == "WORD"]
    chosen = words or [d for d in usable if d.get("Type", "LINE") == "LINE"]
    # A lone "|" or "=" is a table rule or a page edge read as a word.
    return _drop_stray_hangul([d for d in chosen if not is_debris(d["DetectedText"].strip())])


def _items(chosen: list[dict]) -> list[geometry.Item]:
    polygons = [geometry.corners(d) for d in chosen]
    angle = geometry.dominant_angle(polygons)
    return [
        geometry.upright_item(normalize_inline(d["DetectedText"]), points, angle, order, d.get("ParentId"))
        for order, (d, points) in enumerate(zip(chosen, polygons))
    ]


def _at_edge(line: Line, others: list[Line]) -> tuple[bool, bool]:
    """(nothing above it, nothing below it) on the page."""
    half = line.height / 2
    return (all(o.cy > line.cy - half for o in others),
            all(o.cy < line.cy + half for o in others))


def _clearance(line: Line, others: list[Line], below: bool) -> float | None:
    """The clear space between ``line`` and the words straight under (over)
    it: for each of its words, down (up) to the nearest such word; the median
    over its words. On a photo of a curved page a line's box grows with its
    bend and the boxes of neighbouring lines overlap, while the space under
    each word stays the page's. None when no word is straight under (over) it."""
    gaps = []
    for item in line.items:
        near = [o.top - item.bottom if below else item.top - o.bottom
                for other in others for o in other.items
                if o.left < item.right and item.left < o.right and (o.cy > item.cy) == below]
        if near:
            gaps.append(min(near))
    return geometry.median(gaps) if gaps else None


def _drop_page_furniture(lines: list[Line]) -> list[Line]:
    """Page numbers with nothing above (or below) them go, and so does a running
    head: a top or bottom line with a page number at one end, set apart from
    the body by a clear gap (word by word, in words' heights: a curved page's
    lines are taller than its words)."""
    kept = []
    height = geometry.median(item.height for line in lines for item in line.items)
    for line in lines:
        others = [o for o in lines if o is not line]
        at_top, at_bottom = _at_edge(line, others)
        if is_page_number(line.text) and (at_top or at_bottom):
            continue
        if is_running_head(line.text) and others:
            gap_below = _clearance(line, others, below=True)
            gap_above = _clearance(line, others, below=False)
            if gap_below is None:
                gap_below = min(o.top for o in others) - line.bottom
            if gap_above is None:
                gap_above = line.top - max(o.bottom for o in others)
            if (at_top and gap_below > HEAD_GAP * height) or (at_bottom and gap_above > HEAD_GAP * height):
                continue
        kept.append(line)
    return kept


def _engine_blocks(detections: list[dict], lines: list[dict]) -> list[list[Line]]:
    # WORD Ids follow the engine's reading order, whatever order the list came in.
    chosen = sorted(_chosen(detections), key=lambda d: d["Id"] if isinstance(d.get("Id"), int) else -1)
    items = _items(chosen)
    by_line: dict[int, list[geometry.Item]] = {}
    if chosen and chosen[0].get("Type") == "WORD":
        for item in items:
            by_line.setdefault(item.line, []).append(item)
    else:  # LINEs only: each is its own line
        for detection, item in zip(chosen, items):
            by_line[detection["Id"]] = [item]
    blocks = engine_blocks(lines, by_line)
    kept = {id(line) for line in _drop_page_furniture([line for block in blocks for line in block])}
    return [b for b in ([line for line in block if id(line) in kept] for block in blocks) if b]


def _geometry_blocks(detections: list[dict]) -> list[list[Line]]:
    items = _items(_chosen(detections))
    if not items:
        return []
    height = geometry.median(item.height for item in items)
    fragments = _drop_page_furniture(group_fragments(items))
    return [merge_rows(block) for block in reading_blocks(fragments, GUTTER * height)]


def read_page(detections: list[dict]) -> str:
    """Text of the page in reading order; paragraphs separated by a blank line."""
    detections = [d for d in detections or [] if isinstance(d, dict)]
    lines = engine_lines(detections)
    blocks = _engine_blocks(detections, lines) if lines else _geometry_blocks(detections)
    paragraphs = (join_lines([line.text for line in p]) for p in split_paragraphs(blocks, bool(lines)))
    return "\n\n".join(p for p in paragraphs if p)
