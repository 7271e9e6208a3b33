"""The lines a sign's text detector finds, put in blocks (``ocr.text_lines_found.line_blocks``)."""
from __future__ import annotations

from storytime.ocr.text_lines_found import line_blocks


def test_a_road_signs_two_columns_are_two_blocks_each_read_top_to_bottom():
    # easyocr_korean.png's lines as found (left, top, right, bottom; margins included), top to bottom.
    seoul, pyongyang = (125, 73, 298, 187), (365, 96, 533, 204)
    seoul_latin, pyongyang_latin = (158, 174, 261, 237), (340, 185, 541, 271)
    seoul_km, pyongyang_km = (186, 275, 293, 338), (343, 284, 466, 350)
    found = [seoul, pyongyang, seoul_latin, pyongyang_latin, seoul_km, pyongyang_km]
    assert line_blocks(found) == [[seoul, seoul_latin, seoul_km], [pyongyang, pyongyang_latin, pyongyang_km]]


def test_lines_far_below_or_beside_start_blocks_of_their_own():
    title, far_below, beside = (0, 0, 100, 40), (0, 200, 100, 240), (150, 10, 250, 50)
    assert line_blocks([title, beside, far_below]) == [[title], [beside], [far_below]]
    assert line_blocks([]) == []
