"""read_page: Rekognition TextDetections -> text in reading order.

Pages are built in the upright frame (left, top, char width, height), then
"photographed" at an angle: every polygon point is rotated around the image
centre, keeping Rekognition's point order (top-left of the text first,
clockwise in the text's own orientation).
"""

from __future__ import annotations

import math

import pytest
from storytime.core import cleanup
from storytime.core.reading import read_page

CHAR_W = 0.012
LINE_H = 0.03
PITCH = 0.04  # ordinary line spacing: 0.01 gap between lines


class Page:
    """Collects WORDs (and their LINEs) placed in the upright page frame."""

    def __init__(self) -> None:
        self.boxes: list[tuple[str, str, float, float, float, float, float, int | None]] = []
        self._next_id = 0

    def _id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    def line(
        self,
        text: str,
        left: float,
        top: float,
        *,
        char_w: float = CHAR_W,
        height: float = LINE_H,
        confidence: float = 99.0,
        line_item: bool = True,
    ) -> Page:
        """Words of text laid out left to right, one char_w per char and per space."""
        line_id = self._id() if line_item else None
        words = text.split()
        width = len(text) * char_w
        if line_item:
            self.boxes.append((text, "LINE", left, top, width, height, confidence, line_id))
        x = left
        for word in words:
            self.boxes.append((word, "WORD", x, top, len(word) * char_w, height, confidence, line_id))
            x += (len(word) + 1) * char_w
        return self

    def detections(self, angle: float = 0.0, *, words: bool = True, lines: bool = True) -> list[dict]:
        out = []
        for index, (text, kind, left, top, width, height, confidence, line_id) in enumerate(self.boxes):
            if kind == "WORD" and not words or kind == "LINE" and not lines:
                continue
            corners = [(left, top), (left + width, top), (left + width, top + height), (left, top + height)]
            out.append(detection(text, kind, corners, angle, confidence, index, line_id))
        return out


def rotate(point: tuple[float, float], angle: float) -> tuple[float, float]:
    """Where an upright point lands in a photo turned clockwise by angle degrees."""
    rad = math.radians(angle)
    cos, sin = round(math.cos(rad), 12), round(math.sin(rad), 12)
    dx, dy = point[0] - 0.5, point[1] - 0.5
    return (0.5 + dx * cos - dy * sin, 0.5 + dx * sin + dy * cos)


def detection(text, kind, corners, angle, confidence, ident, parent) -> dict:
    points = [rotate(p, angle) for p in corners]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    item = {
        "DetectedText": text,
        "Type": kind,
        "Id": ident,
        "Confidence": confidence,
        "Geometry": {
            "BoundingBox": {"Width": max(xs) - min(xs), "Height": max(ys) - min(ys), "Left": min(xs), "Top": min(ys)},
            "Polygon": [{"X": x, "Y": y} for x, y in points],
        },
    }
    if kind == "WORD" and parent is not None:
        item["ParentId"] = parent
    return item


def story_page() -> Page:
    """Two paragraphs (gap between them), one hyphenated break, page number at the bottom."""
    page = Page()
    page.line("Once upon a time there lived", 0.1, 0.10)
    page.line("an old fox in a weath-", 0.1, 0.14)
    page.line("ered den by the river.", 0.1, 0.18)
    page.line("Every morning he went", 0.1, 0.28)
    page.line("down to drink.", 0.1, 0.32)
    page.line("12", 0.48, 0.90)
    return page


STORY = (
    "Once upon a time there lived an old fox in a weathered den by the river.\n\n"
    "Every morning he went down to drink."
)


def test_upright_page_paragraphs_hyphen_and_page_number():
    assert read_page(story_page().detections()) == STORY


@pytest.mark.parametrize("angle", [90, 180, 270])
def test_rotated_photos_read_the_same(angle):
    assert read_page(story_page().detections(angle)) == STORY


@pytest.mark.parametrize("angle", [-4.0, 3.0, 183.5, 87.0])
def test_skewed_photos_read_the_same(angle):
    assert read_page(story_page().detections(angle)) == STORY


def test_input_order_does_not_matter():
    detections = story_page().detections(180)
    assert read_page(list(reversed(detections))) == STORY


def test_lines_only_fallback():
    assert read_page(story_page().detections(words=False)) == STORY


def test_lines_only_fallback_rotated():
    assert read_page(story_page().detections(90, words=False)) == STORY


def test_two_columns_read_left_then_right_even_when_engine_lines_span_both():
    page = Page()
    # The engine's LINEs wrongly run across the gutter; the WORDs are what we trust.
    left = ["The crow sat on", "a branch with a", "piece of cheese."]
    right = ["The fox came by", "and looked up at", "her with a smile."]
    for row, (l_text, r_text) in enumerate(zip(left, right)):
        top = 0.2 + row * PITCH
        page.line(l_text, 0.05, top, line_item=False)
        page.line(r_text, 0.55, top, line_item=False)
        page.boxes.append((f"{l_text} {r_text}", "LINE", 0.05, top, 0.9, LINE_H, 99.0, None))
    assert read_page(page.detections()) == (
        "The crow sat on a branch with a piece of cheese. "
        "The fox came by and looked up at her with a smile."
    )


def test_title_spanning_two_columns_is_read_first():
    page = Page()
    page.line("THE FOX AND THE CROW", 0.38, 0.05)  # centred: crosses the gutter
    rows = [
        ("The crow sat on a high branch", "The fox came by and he smiled"),
        ("with a piece of cheese.", "up at the crow."),
    ]
    for row, (l_text, r_text) in enumerate(rows):
        page.line(l_text, 0.05, 0.15 + row * PITCH)
        page.line(r_text, 0.55, 0.15 + row * PITCH)
    assert read_page(page.detections(270)) == (
        "THE FOX AND THE CROW\n\n"
        "The crow sat on a high branch with a piece of cheese. "
        "The fox came by and he smiled up at the crow."
    )


def test_second_column_starting_with_an_indent_is_a_new_paragraph():
    page = Page()
    rows = [
        ("The crow sat on a high branch", "  The fox came by and he smiled"),
        ("with a piece of cheese.", "up at the crow. Then he spoke"),
        ("She was proud of it.", "in a sweet voice."),
    ]
    for row, (l_text, r_text) in enumerate(rows):
        page.line(l_text.strip(), 0.05 + (0.03 if l_text.startswith(" ") else 0), 0.15 + row * PITCH)
        page.line(r_text.strip(), 0.55 + (0.03 if r_text.startswith(" ") else 0), 0.15 + row * PITCH)
    assert read_page(page.detections()) == (
        "The crow sat on a high branch with a piece of cheese. She was proud of it.\n\n"
        "The fox came by and he smiled up at the crow. Then he spoke in a sweet voice."
    )


def test_indented_first_line_starts_a_paragraph_without_extra_gap():
    page = Page()
    page.line("It was late.", 0.1, 0.10)
    page.line("The stars were out and", 0.15, 0.14)
    page.line("the moon was full.", 0.1, 0.18)
    page.line("He slept.", 0.15, 0.22)
    assert read_page(page.detections()) == "It was late.\n\nThe stars were out and the moon was full.\n\nHe slept."


def test_page_number_at_top_and_decorated_number_at_bottom_are_dropped():
    page = Page()
    page.line("Page 7", 0.45, 0.03)
    page.line("The end of the story.", 0.1, 0.2)
    page.line("- 8 -", 0.45, 0.95)
    assert read_page(page.detections()) == "The end of the story."


def test_number_inside_the_text_is_kept():
    page = Page()
    page.line("He counted to", 0.1, 0.2)
    page.line("10", 0.1, 0.24)
    page.line("and opened his eyes.", 0.1, 0.28)
    assert read_page(page.detections()) == "He counted to 10 and opened his eyes."


def test_low_confidence_noise_is_dropped():
    page = Page()
    page.line("The cat sat down.", 0.1, 0.2)
    page.line("~#%", 0.6, 0.2, confidence=12.0)
    page.line("xz", 0.1, 0.5, confidence=5.0)
    assert read_page(page.detections()) == "The cat sat down."


def test_korean_lines_joined_with_spaces_and_never_dehyphenated():
    page = Page()
    page.line("옛날 옛날에 한 마을에", 0.1, 0.1, char_w=0.024)
    page.line("토끼가 살았어요. 하-", 0.1, 0.14, char_w=0.024)
    page.line("루는 숲으로 갔어요.", 0.1, 0.18, char_w=0.024)
    assert read_page(page.detections(90)) == "옛날 옛날에 한 마을에 토끼가 살았어요. 하- 루는 숲으로 갔어요."


def test_hyphen_before_capital_is_kept():
    page = Page()
    page.line("He met the old Anglo-", 0.1, 0.1)
    page.line("Saxon king.", 0.1, 0.14)
    assert read_page(page.detections()) == "He met the old Anglo- Saxon king."


def test_whitespace_and_unicode_are_normalised():
    page = Page()
    decomposed = "cafe\u0301"  # e + combining acute
    page.line(f"A  {decomposed}   by the sea.", 0.1, 0.1)
    assert read_page(page.detections()) == "A caf\u00e9 by the sea."


def test_empty_inputs():
    assert read_page([]) == ""
    page = Page()
    page.line("12", 0.45, 0.9)
    assert read_page(page.detections()) == ""
    assert read_page([{"DetectedText": "   ", "Type": "WORD", "Confidence": 99}]) == ""


def test_centred_text_is_not_split_by_indentation():
    page = Page()
    page.line("Twinkle twinkle little star,", 0.2, 0.1)
    page.line("how I wonder", 0.32, 0.14)
    page.line("what you are.", 0.31, 0.18)
    assert read_page(page.detections()) == "Twinkle twinkle little star, how I wonder what you are."


def test_deterministic():
    detections = story_page().detections(183.5)
    assert len({read_page(detections) for _ in range(5)}) == 1


@pytest.mark.parametrize(
    "text,expected",
    [
        ("12", True),
        ("- 12 -", True),
        ("— 7 —", True),
        ("Page 12", True),
        ("xiv", True),
        ("12쪽", True),
        ("mix", False),
        ("The", False),
        ("12 apples", False),
        ("-", False),
    ],
)
def test_page_number_shapes(text, expected):
    assert cleanup.is_page_number(text) is expected


@pytest.mark.parametrize(
    "lines,expected",
    [
        (["weath-", "ered"], "weathered"),
        (["well-", "Known"], "well- Known"),
        (["한국-", "어"], "한국- 어"),
        (["co\u00ad", "operate"], "cooperate"),
        (["2-", "fold"], "2- fold"),
        (["a  b ", "  c"], "a b c"),
    ],
)
def test_join_lines(lines, expected):
    assert cleanup.join_lines(lines) == expected


def test_curved_lines_keep_the_engines_line_membership():
    """A page curling near the spine: each line drifts down, so neighbours overlap vertically.

    Without the engine's LINEs the words of two lines would interleave.
    """
    first = "the quick brown fox jumps over the lazy dog".split()
    second = "and then it ran home to sleep until morning".split()
    detections, ident = [], 0
    for row, words in enumerate((first, second)):
        line_id, ident = ident, ident + 1
        x = 0.1
        for n, word in enumerate(words):
            top = 0.3 + row * 0.035 + n * 0.006  # slope: by the end of a line it has dropped a line height
            detections.append(detection(word, "WORD", [(x, top), (x + 0.05, top), (x + 0.05, top + 0.03),
                                                       (x, top + 0.03)], 0.0, 99.0, 100 + ident, line_id))
            ident += 1
            x += 0.07
    assert read_page(detections) == " ".join(first + second)


def test_stray_hangul_misreads_on_an_english_page_are_dropped():
    page = Page()
    for n in range(4):
        page.line(f"line {n} of plain English words here", 0.1, 0.1 + n * PITCH)
    page.line("오아", 0.8, 0.1 + 4 * PITCH)
    assert "오아" not in read_page(page.detections())


def test_english_words_on_a_korean_page_are_kept():
    page = Page()
    page.line("옛날 옛적에 작은 여우가 살았어요", 0.1, 0.1)
    page.line("여우는 book 읽기를 좋아했어요", 0.1, 0.1 + PITCH)
    assert read_page(page.detections()) == "옛날 옛적에 작은 여우가 살았어요 여우는 book 읽기를 좋아했어요"
