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

import re

from storytime.core import geometry
from storytime.core.cleanup import is_page_number, is_running_head, join_lines, normalize_inline, strip_bullet
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
HEAD_WIDTH = 0.6  # a running head without a folio is at most this share of the body's width...
HEAD_CENTRED = 0.1  # ...centred over the body within this share of its width...
HEAD_SMALLER = 0.9  # ...set smaller than the body's words (a title is set larger)...
HEAD_SPACING = 2.0  # ...and clear of it by this many times the body's own line gaps
# A web page printed from a browser: its URL in the header or footer row.
_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S")
TAIL_LINES = 3  # a block this short may be the ends of lines the engine split off
TAIL_MARGIN = 1.5  # ...when each of its lines ends within this many word heights of the right margin
SAME_SPAN = 0.5  # two reads of one line overlap by more than this share of the narrower's width


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


def _bare_head(line: Line, others: list[Line], height: float) -> bool:
    """A running head without a page number ("메밀꽃 필 무렵", "PRIDE AND
    PREJUDICE" over the text): the top line, alone on its row, short,
    centred over the body, in smaller type than the body's words, and
    standing clear of it by more than the body's own line spacing. A title
    (as large as the body or larger, at its margin, or close above it) is
    text."""
    if len(others) < 3 or any(o.top < line.bottom and line.top < o.bottom and
                              (o.right <= line.left or o.left >= line.right) for o in others):
        return False
    own = geometry.median(item.height for item in line.items)
    if own >= HEAD_SMALLER * geometry.median(item.height for o in others for item in o.items):
        return False
    left, right = min(o.left for o in others), max(o.right for o in others)
    width = right - left
    if line.right - line.left > HEAD_WIDTH * width or \
            abs((line.left + line.right) / 2 - (left + right) / 2) > HEAD_CENTRED * width:
        return False
    gap = _clearance(line, others, below=True)
    if gap is None or gap <= HEAD_GAP * height:
        return False
    body = sorted(others, key=lambda o: o.cy)
    spacing = [g for g in (_clearance(o, body[n + 1:], below=True) for n, o in enumerate(body[:3])) if g is not None]
    return gap > HEAD_SPACING * max(geometry.median(spacing), 0.0)


def _print_margin(line: Line, others: list[Line], height: float, top: bool) -> bool:
    """A browser's print header or footer ("Optical character recognition - Wikipedia ...
    https://en.wikipedia.org/..."): the page's top (bottom) row, with a URL in it, in
    smaller type than the body and standing clear of it."""
    row = [line] + [o for o in others if o.top < line.bottom and line.top < o.bottom]
    body = [o for o in others if all(o is not r for r in row)]
    if len(body) < 3 or not any(_URL.search(r.text) for r in row):
        return False
    own = geometry.median(item.height for r in row for item in r.items)
    if own >= HEAD_SMALLER * geometry.median(item.height for o in body for item in o.items):
        return False
    gap = _clearance(line, body, below=top)
    if gap is None:
        gap = (min(o.top for o in body) - line.bottom) if top else (line.top - max(o.bottom for o in body))
    return gap > HEAD_GAP * height


def _drop_page_furniture(lines: list[Line]) -> list[Line]:
    """Page numbers with nothing above (or below) them go, and so does a running
    head: a top or bottom line with a page number at one end, set apart from
    the body by a clear gap (word by word, in words' heights: a curved page's
    lines are taller than its words), or a short centred top line standing
    clear of the body (:func:`_bare_head`)."""
    kept = []
    height = geometry.median(item.height for line in lines for item in line.items)
    for line in lines:
        others = [o for o in lines if o is not line]
        at_top, at_bottom = _at_edge(line, others)
        if is_page_number(line.text) and (at_top or at_bottom):
            continue
        if at_top and _bare_head(line, others, height):
            continue
        if (at_top or at_bottom) and _print_margin(line, others, height, top=at_top):
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


def _same_spot(a: Line, b: Line) -> bool:
    """Boxes that touch and share most of their width (the two reads of one
    line may be set a little apart in height)."""
    width = min(a.right, b.right) - max(a.left, b.left)
    narrower = min(a.right - a.left, b.right - b.left)
    return width > SAME_SPAN * narrower and min(a.bottom, b.bottom) >= max(a.top, b.top)


def _without_repeats(blocks: list[list[Line]]) -> list[list[Line]]:
    """An engine may report one printed line twice, in two overlapping blocks
    (a heading over a rule): the same text on the same spot is read once."""
    seen: list[Line] = []
    out = []
    for block in blocks:
        kept = []
        for line in block:
            if not any(line.text == other.text and _same_spot(line, other) for other in seen):
                kept.append(line)
            seen.append(line)
        if kept:
            out.append(kept)
    return out


def _row_at(line: Line, x: float) -> float:
    """Where the line's middle runs at ``x``: its words' middles fitted with a
    straight line (a curved or turning page's rows slope)."""
    xs = [(i.left + i.right) / 2 for i in line.items]
    ys = [i.cy for i in line.items]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((v - mx) ** 2 for v in xs)
    slope = sum((a - mx) * (b - my) for a, b in zip(xs, ys)) / spread if spread > 0 else 0.0
    return my + slope * (x - mx)


def _rejoin_tails(blocks: list[list[Line]], height: float) -> list[list[Line]]:
    """On a curved photo the engine may cut the ends of a few lines off into a
    block of their own and read it before the lines they end. A short block
    whose every line sits on the row of a line of another block ending to
    its left (that row followed along its slope) and reaches the page's right
    margin (its last line may end short, as a paragraph's does), read before
    at least one of those lines, is put back at their ends. A caption does
    not reach the margin; a column is read after its neighbour."""
    out = [list(block) for block in blocks]
    for block in list(out):
        rest = [line for other in out if other is not block for line in other]
        if len(block) > TAIL_LINES or len(rest) < 2 * TAIL_LINES:
            continue
        rights = sorted(line.right for line in rest)
        margin = rights[(3 * len(rights)) // 4]
        hosts = []
        for index, tail in enumerate(block):
            x = (tail.left + tail.right) / 2
            short = index == len(block) - 1 and index > 0  # a paragraph's last line may end short
            rows = [(abs(_row_at(host, x) - tail.cy), id(host), host) for host in rest
                    if host.right <= tail.left and len(host.items) > 1]
            near = min(rows, default=None)
            off_margin = not short and abs(tail.right - margin) > TAIL_MARGIN * height
            if off_margin or near is None or near[0] > height:
                break
            hosts.append(near[2])
        else:
            position = next(n for n, other in enumerate(out) if other is block)
            later = {id(line) for other in out[position + 1:] for line in other}
            # read before a line it ends: a column read after its neighbour stays a column
            if len({id(h) for h in hosts}) == len(hosts) and any(id(h) in later for h in hosts):
                for tail, host in zip(block, hosts):
                    host.items = host.items + tail.items
                del out[position]
    return out


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
    blocks = _without_repeats(engine_blocks(lines, by_line))
    kept = {id(line) for line in _drop_page_furniture([line for block in blocks for line in block])}
    blocks = [b for b in ([line for line in block if id(line) in kept] for block in blocks) if b]
    height = geometry.median(item.height for block in blocks for line in block for item in line.items)
    return _rejoin_tails(blocks, height)


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
    paragraphs = (join_lines([strip_bullet(line.text) for line in p]) for p in split_paragraphs(blocks, bool(lines)))
    return "\n\n".join(p for p in paragraphs if p)
