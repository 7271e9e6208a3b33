"""Line fragments -> blocks in reading order (columns left to right, each top to bottom).

A recursive cut in the spirit of XY-cut, tuned so that a heading spanning
both columns does not turn a two-column page into alternating lines:

1. Cut the fragments into horizontal *bands* wherever no fragment covers a
   height (using the middle of each fragment, so touching ascenders and
   descenders don't glue everything into one band).
2. Merge consecutive bands greedily into *runs* for as long as the run keeps a
   clear vertical gutter (an x-range no fragment covers, at least one text
   height wide). A full-width heading or line ends the run.
3. A run whose gutter leaves at least two fragments on every side is a
   multi-column region: split it at its gutters and recurse into each column,
   left to right. Everything else is ordinary single-column text; consecutive
   single-column runs form one block, read top to bottom.
"""

from __future__ import annotations

from storytime.core.lines import Line

BAND_CORE = 0.2  # ignore this fraction of a fragment's height at top and bottom when banding
MIN_PER_COLUMN = 2


def _bands(fragments: list[Line]) -> list[list[Line]]:
    ordered = sorted(fragments, key=lambda f: (f.top, f.left, f.order))
    bands: list[list[Line]] = []
    band_bottom = float("-inf")
    for fragment in ordered:
        core_top = fragment.top + BAND_CORE * fragment.height
        core_bottom = fragment.bottom - BAND_CORE * fragment.height
        if bands and core_top <= band_bottom:
            bands[-1].append(fragment)
            band_bottom = max(band_bottom, core_bottom)
        else:
            bands.append([fragment])
            band_bottom = core_bottom
    return bands


def _columns(fragments: list[Line], min_gutter: float) -> list[list[Line]]:
    """Split by x-gaps at least min_gutter wide; one group when there is none."""
    ordered = sorted(fragments, key=lambda f: (f.left, f.top, f.order))
    groups: list[list[Line]] = []
    reach = float("-inf")
    for fragment in ordered:
        if groups and fragment.left - reach < min_gutter:
            groups[-1].append(fragment)
        else:
            groups.append([fragment])
        reach = max(reach, fragment.right)
    return groups


def reading_blocks(fragments: list[Line], min_gutter: float) -> list[list[Line]]:
    """Blocks of fragments, in reading order. Each block is one column's stretch of text."""
    if not fragments:
        return []
    bands = _bands(fragments)
    runs: list[list[Line]] = []
    index = 0
    while index < len(bands):
        run = list(bands[index])
        index += 1
        while index < len(bands) and len(_columns(run + bands[index], min_gutter)) > 1:
            run += bands[index]
            index += 1
        runs.append(run)

    blocks: list[list[Line]] = []
    plain: list[Line] = []
    for run in runs:
        columns = _columns(run, min_gutter)
        if len(columns) > 1 and all(len(c) >= MIN_PER_COLUMN for c in columns):
            if plain:
                blocks.append(plain)
                plain = []
            for column in columns:  # each is a strict subset: the recursion ends
                blocks.extend(reading_blocks(column, min_gutter))
        else:
            plain.extend(run)
    if plain:
        blocks.append(plain)
    return blocks
