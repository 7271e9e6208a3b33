"""Lines in reading order -> paragraphs.

A new paragraph starts where the vertical gap above a line is noticeably
bigger than the page's ordinary line spacing, or where a line is indented
against a left-aligned block. The ordinary spacing is taken low (the first
quartile of the gaps), so a page made mostly of short paragraphs still has a
sensible baseline. Moving up to the top of the next column is not a gap: text
flows on unless the new column's first line is indented.
"""

from __future__ import annotations

from storytime.core.geometry import median
from storytime.core.lines import Line

EXTRA_GAP = 0.5  # a paragraph gap exceeds the ordinary gap by this many text heights
INDENT = 0.8  # an indent is at least this many text heights
ALIGNED = 0.4  # a line starts "at the margin" within this many text heights
FALLBACK_GAP = 0.5  # ordinary gap assumed when the page has fewer than two gaps
_SENTENCE_END = set(".!?:;。")
_CLOSERS = "\"'”’)]」』 "


def _ordinary_gap(blocks: list[list[Line]], height: float) -> float:
    gaps = sorted(
        below.top - above.bottom
        for block in blocks
        for above, below in zip(block, block[1:])
    )
    if len(gaps) < 2:
        return FALLBACK_GAP * height
    return max(0.0, gaps[(len(gaps) - 1) // 4])


def _margin(block: list[Line], height: float) -> float | None:
    """The block's left margin, or None when the block is not left-aligned (centred text)."""
    if len(block) < 2:
        return None
    margin = min(line.left for line in block)
    aligned = sum(1 for line in block if line.left - margin <= ALIGNED * height)
    return margin if aligned * 2 >= len(block) else None


def _ends_sentence(line: Line) -> bool:
    return line.text.rstrip(_CLOSERS)[-1:] in _SENTENCE_END


def split_paragraphs(blocks: list[list[Line]], engine_blocks: bool = False) -> list[list[Line]]:
    """Group the lines of all blocks (already in reading order) into paragraphs.

    With ``engine_blocks`` (the blocks are the engine's own: a caption, a
    column), a new block whose predecessor ended a sentence starts a new
    paragraph; a sentence running on into the next block flows on.
    """
    lines = [line for block in blocks for line in block]
    if not lines:
        return []
    height = median(line.height for line in lines)
    threshold = _ordinary_gap(blocks, height) + EXTRA_GAP * height
    margins = [_margin(block, height) for block in blocks]

    paragraphs: list[list[Line]] = []
    previous: Line | None = None
    for block, margin in zip(blocks, margins):
        for index, line in enumerate(block):
            indented = margin is not None and line.left - margin > INDENT * height
            new_block = engine_blocks and index == 0 and previous is not None and _ends_sentence(previous)
            if previous is None or new_block:
                paragraphs.append([line])
            else:
                jumped_up = line.top < previous.top  # e.g. the next column starts
                gapped = not jumped_up and line.top - previous.bottom > threshold
                if indented or gapped:
                    paragraphs.append([line])
                else:
                    paragraphs[-1].append(line)
            previous = line
    return paragraphs
