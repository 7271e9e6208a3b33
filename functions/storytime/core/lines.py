"""Upright words -> text lines, rebuilt from geometry.

OCR engines' own LINEs sometimes run straight across a column gutter, so we
regroup the WORDs: a word joins a line fragment when it sits on the same
baseline (vertical overlap of at least half the smaller height) and follows
closely (a horizontal gap of at most ~1.2 text heights, far wider than a word
space yet narrower than a gutter). A word further away starts a new fragment,
which is how columns survive this step. Words the engine put on different
LINEs never chain: on a curved page photo two neighbouring lines overlap
vertically, and only the engine saw the pixels that tell them apart. Once
columns are known, fragments that share a row inside one column, side by
side, are merged back into a single line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from storytime.core.geometry import Item

SAME_ROW_OVERLAP = 0.5  # of the smaller height
WORD_GAP = 1.2  # max gap between words of one fragment, in text heights


@dataclass
class Line:
    """Words on one row, left to right, with their union box."""

    items: list[Item] = field(default_factory=list)

    @property
    def left(self) -> float:
        return min(i.left for i in self.items)

    @property
    def right(self) -> float:
        return max(i.right for i in self.items)

    @property
    def top(self) -> float:
        return min(i.top for i in self.items)

    @property
    def bottom(self) -> float:
        return max(i.bottom for i in self.items)

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def order(self) -> int:
        return min(i.order for i in self.items)

    @property
    def text(self) -> str:
        return " ".join(i.text for i in self.items)


def _vertical_overlap(a_top: float, a_bottom: float, b_top: float, b_bottom: float) -> float:
    """Overlap as a fraction of the smaller height (0 when they don't touch)."""
    overlap = min(a_bottom, b_bottom) - max(a_top, b_top)
    smaller = min(a_bottom - a_top, b_bottom - b_top)
    if smaller <= 0:
        return 1.0 if overlap >= 0 else 0.0
    return max(0.0, overlap / smaller)


def group_fragments(items: list[Item]) -> list[Line]:
    """Chain words that sit on one baseline and follow each other closely."""
    fragments: list[Line] = []
    for item in sorted(items, key=lambda i: (i.left, i.top, i.order)):
        best: tuple[float, float, int] | None = None
        best_index = -1
        for index, fragment in enumerate(fragments):
            last = fragment.items[-1]
            overlap = _vertical_overlap(last.top, last.bottom, item.top, item.bottom)
            if overlap < SAME_ROW_OVERLAP:
                continue
            gap = item.left - last.right
            if gap > WORD_GAP * max(last.height, item.height):
                continue
            if item.left < last.left:  # not to the right of the chain's end
                continue
            if None not in (item.line, last.line) and item.line != last.line:
                continue
            score = (-overlap, abs(item.cy - last.cy), index)
            if best is None or score < best:
                best, best_index = score, index
        if best is None:
            fragments.append(Line([item]))
        else:
            fragments[best_index].items.append(item)
    return fragments


def merge_rows(fragments: list[Line]) -> list[Line]:
    """Fragments of one column that share a row become one line; lines top to bottom.

    The fragments of a row are put side by side, left to right, each keeping
    its words in their order: a row is never shuffled word by word.
    """
    rows: list[Line] = []
    pieces: list[list[Line]] = []
    for fragment in sorted(fragments, key=lambda f: (f.cy, f.left, f.order)):
        for index, row in enumerate(rows):
            side_by_side = fragment.left >= row.right or fragment.right <= row.left
            overlap = _vertical_overlap(row.top, row.bottom, fragment.top, fragment.bottom)
            if side_by_side and overlap >= SAME_ROW_OVERLAP:
                row.items.extend(fragment.items)
                pieces[index].append(fragment)
                break
        else:
            rows.append(Line(list(fragment.items)))
            pieces.append([fragment])
    for row, parts in zip(rows, pieces):
        row.items = [item for part in sorted(parts, key=lambda f: (f.left, f.top, f.order)) for item in part.items]
    return sorted(rows, key=lambda r: (r.top, r.left, r.order))
