"""read_page on an engine that says how it segmented the page (BlockId, ParagraphId,
LINE Ids in its reading order, WORD ParentIds): its order is kept.

Pure: detections are built here in Rekognition's shape plus the two ids.
"""

from __future__ import annotations

import random

import pytest
from storytime.core.reading import read_page

from tests.unit.test_reading import CHAR_W, LINE_H, PITCH, Page, detection


class EnginePage:
    """Lines placed in blocks, in the order the engine would read them."""

    def __init__(self) -> None:
        self.lines: list[tuple[int, int, list[tuple[str, float, float, float]]]] = []

    def line(self, block: int, text: str, left: float, top: float, paragraph: int | None = None) -> EnginePage:
        words, x = [], left
        for word in text.split():
            words.append((word, x, top, len(word) * CHAR_W))
            x += (len(word) + 1) * CHAR_W
        self.lines.append((block, block if paragraph is None else paragraph, words))
        return self

    def words_at(self, line: int, boxes: list[tuple[float, float]]) -> EnginePage:
        """Move the words of one line to other (left, top) places, keeping their order."""
        block, paragraph, words = self.lines[line]
        self.lines[line] = (block, paragraph, [(w, x, y, width) for (w, _, _, width), (x, y) in zip(words, boxes)])
        return self

    def detections(self, angle: float = 0.0) -> list[dict]:
        out, word_id = [], len(self.lines)
        for line_id, (block, paragraph, words) in enumerate(self.lines):
            left = min(x for _, x, _, _ in words)
            top = min(y for _, _, y, _ in words)
            right = max(x + w for _, x, _, w in words)
            bottom = max(y for _, _, y, _ in words) + LINE_H
            line = detection(" ".join(w for w, *_ in words), "LINE",
                             [(left, top), (right, top), (right, bottom), (left, bottom)], angle, 95.0, line_id, None)
            line.update(BlockId=block, ParagraphId=paragraph)
            out.append(line)
            for text, x, y, width in words:
                out.append(detection(text, "WORD", [(x, y), (x + width, y), (x + width, y + LINE_H), (x, y + LINE_H)],
                                     angle, 95.0, word_id, line_id))
                word_id += 1
        return out


SENTENCE = "We scrouched down and laid still."


@pytest.mark.parametrize("seed", range(20))
def test_words_inside_an_engine_line_are_never_reordered(seed):
    """The novel page: words of a line wrapped around an illustration came out as
    "We down and laid still. scrouched". Wherever the engine's boxes lie, the
    line reads in the engine's word order."""
    rng = random.Random(seed)
    page = EnginePage().line(0, "It was dark in the woods that night and", 0.1, 0.1)
    page.line(0, SENTENCE, 0.1, 0.1 + PITCH).line(0, "nobody came after us at all.", 0.1, 0.1 + 2 * PITCH)
    page.words_at(1, [(rng.uniform(0.05, 0.8), 0.1 + PITCH + rng.uniform(-0.012, 0.012)) for _ in range(6)])
    words = read_page(page.detections()).split()  # the moved words may start a paragraph: only order counts
    assert " ".join(words) == f"It was dark in the woods that night and {SENTENCE} nobody came after us at all."


def test_engine_blocks_keep_their_order_around_an_illustration():
    """Body text beside a picture and its caption below the picture: geometry
    would read the caption's rows into the body's rows; the engine's blocks don't."""
    page = EnginePage()
    body = ["The raft drifted on the", "river all night long", "while we slept in turn", "under the stars."]
    for n, text in enumerate(body):
        page.line(0, text, 0.1, 0.2 + n * PITCH)
    page.line(1, "Huck and Jim", 0.6, 0.2 + PITCH)       # the caption, on the body's rows
    page.line(1, "on the raft", 0.6, 0.2 + 2 * PITCH)
    assert read_page(page.detections()) == (
        "The raft drifted on the river all night long while we slept in turn under the stars.\n\n"
        "Huck and Jim on the raft")


@pytest.mark.parametrize("angle", [0, 90, 180, 270, 3.5])
def test_engine_order_holds_on_turned_photos(angle):
    page = EnginePage().line(0, "Once upon a time", 0.1, 0.1).line(0, "there was a fox.", 0.1, 0.1 + PITCH)
    page.line(1, "The end", 0.6, 0.1)
    assert read_page(page.detections(angle)) == "Once upon a time there was a fox.\n\nThe end"


def test_engine_order_is_not_the_input_order():
    page = EnginePage().line(0, "first line here", 0.1, 0.5).line(1, "second block", 0.1, 0.1)
    detections = page.detections()
    assert read_page(list(reversed(detections))) == read_page(detections)
    assert read_page(detections).startswith("first line here")


def test_page_number_and_running_head_are_dropped_from_engine_lines():
    page = EnginePage().line(0, "48 THE ADVENTURES OF TOM SAWYER", 0.1, 0.05)
    for n in range(4):
        page.line(1, f"body line number {n} of the story", 0.1, 0.12 + n * PITCH)
    page.line(2, "48", 0.48, 0.9)
    assert read_page(page.detections()) == " ".join(f"body line number {n} of the story" for n in range(4))


def test_running_head_close_to_the_body_is_text():
    """A short first line with a number at its end is body text when no gap sets it apart."""
    page = EnginePage().line(0, "Chapter 12", 0.1, 0.1)
    for n in range(3):
        page.line(0, f"the story goes on, line {n}.", 0.1, 0.1 + (n + 1) * PITCH)
    assert read_page(page.detections()).startswith("Chapter 12 the story")


def tilted_page(head_gap: float) -> EnginePage:
    """A photographed page turning away: every line, head included, falls by
    0.15 of its run across the page, so the head's box reaches below the
    body's first line's top; straight under the head's words the body's
    first line is about ``head_gap`` line heights clear."""
    def bent(page: EnginePage, index: int, top: float) -> None:
        _, _, words = page.lines[index]
        page.words_at(index, [(x, top + 0.15 * (x - 0.1)) for _, x, _, _ in words])

    page = EnginePage().line(0, "48 THE ADVENTURES OF TOM SAWYER", 0.1, 0.05)
    bent(page, 0, 0.05)
    for n in range(4):
        top = 0.05 + LINE_H * (1 + head_gap) + n * PITCH
        page.line(1, f"body line number {n} of the story", 0.1, top)
        bent(page, n + 1, top)
    return page


def test_running_head_of_a_curved_page_photo_is_dropped():
    """Its box reaches below the body's first line's top; word by word it stands clear."""
    assert read_page(tilted_page(head_gap=1.2).detections()) == " ".join(
        f"body line number {n} of the story" for n in range(4))


def test_running_head_close_to_the_body_of_a_curved_page_photo_is_text():
    assert read_page(tilted_page(head_gap=0.3).detections()).startswith("48 THE ADVENTURES")


def test_running_head_is_dropped_on_a_flat_list_too():
    page = Page().line("THE BOSTON COOKING-SCHOOL COOK BOOK 23", 0.1, 0.02)
    for n in range(4):
        page.line(f"stir the flour into line {n}", 0.1, 0.1 + n * PITCH)
    assert "COOK BOOK" not in read_page(page.detections())


def test_lines_without_block_ids_fall_back_to_geometry():
    """Rekognition's flat list: a line spanning two columns is cut at the gutter."""
    page = Page()
    for n in range(3):
        page.line(f"left {n}", 0.1, 0.1 + n * PITCH, line_item=False)
        page.line(f"right {n}", 0.6, 0.1 + n * PITCH, line_item=False)
    assert read_page(page.detections()) == "left 0 left 1 left 2 right 0 right 1 right 2"


def test_a_row_merged_from_fragments_keeps_each_fragments_word_order():
    """Two fragments of one row (a wide word gap) are put side by side, never interleaved."""
    detections, ident = [], 10
    for x, words in ((0.1, ["alpha", "beta"]), (0.4, ["gamma", "delta"])):
        for n, word in enumerate(words):
            left = x + n * 0.08
            top = 0.2 + (0.004 if n else 0)
            detections.append(detection(word, "WORD", [(left, top), (left + 0.06, top), (left + 0.06, top + LINE_H),
                                                       (left, top + LINE_H)], 0.0, 99.0, ident, None))
            ident += 1
    assert read_page(detections) == "alpha beta gamma delta"


def test_a_sentence_running_on_into_the_next_block_flows_on():
    """The second column continues the first column's sentence: no paragraph break."""
    page = EnginePage().line(0, "The fox ran down", 0.1, 0.1).line(0, "to the river and", 0.1, 0.1 + PITCH)
    page.line(1, "drank its fill.", 0.6, 0.1).line(1, "Then it slept.", 0.6, 0.1 + PITCH)
    assert read_page(page.detections()) == "The fox ran down to the river and drank its fill. Then it slept."


def test_words_made_only_of_symbols_are_dropped():
    page = EnginePage().line(0, "| The fox ~ ran home. |", 0.1, 0.1).line(1, "| \\", 0.1, 0.5)
    assert read_page(page.detections()) == "The fox ran home."


def headed_page(head: str, left: float, gap: float) -> EnginePage:
    """A body of five full lines (0.1 .. ~0.7 wide) under a top line set
    ``gap`` line heights above the first body line."""
    page = EnginePage().line(0, head, left, 0.1)
    for n in range(5):
        page.line(1, f"the body of the story goes on and on, line {n}", 0.1, 0.1 + LINE_H * (1 + gap) + n * PITCH)
    return page


def smaller(detections: list[dict], texts: set[str], scale: float = 0.75) -> list[dict]:
    """The detections whose text is in ``texts`` (an upright page's) set in smaller type."""
    for d in detections:
        if d["DetectedText"] in texts:
            box, polygon = d["Geometry"]["BoundingBox"], d["Geometry"]["Polygon"]
            box["Height"] *= scale
            for point in polygon[2:]:
                point["Y"] = box["Top"] + box["Height"]
    return detections


BODY = " ".join(f"the body of the story goes on and on, line {n}" for n in range(5))


def test_running_head_without_a_page_number_is_dropped():
    """"메밀꽃 필 무렵" over the text: short, centred, clear of the body by more than its line gaps."""
    head = "WHEN BUCKWHEAT BLOOMS"
    detections = smaller(headed_page(head, 0.27, gap=1.5).detections(), {head, *head.split()})
    assert read_page(detections) == BODY


def test_a_centred_title_as_large_as_the_body_is_text():
    """A story's title over its first page is set no smaller than the body."""
    assert read_page(headed_page("WHEN BUCKWHEAT BLOOMS", 0.27, gap=1.5).detections()).startswith("WHEN")


def test_a_title_at_the_body_margin_is_text():
    """A title set at the left margin above its verses ("애국가") is the poem's."""
    assert read_page(smaller(headed_page("Anthem", 0.1, gap=1.5).detections(), {"Anthem"})).startswith("Anthem")


def test_a_centred_top_line_as_close_as_the_body_lines_is_text():
    head = "PRIDE AND PREJUDICE"
    detections = smaller(headed_page(head, 0.29, gap=0.33).detections(), {head, *head.split()})
    assert read_page(detections).startswith("PRIDE")


def test_a_long_top_line_is_text():
    text = "a long first line that runs across the page"
    assert read_page(smaller(headed_page(text, 0.12, gap=1.5).detections(), {text, *text.split()})).startswith(text)


def test_a_line_the_engine_reports_twice_is_read_once():
    """Two overlapping reads of one heading, a little apart in height."""
    page = EnginePage().line(0, "운수 좋은 날", 0.3, 0.1).line(0, "운수 좋은 날", 0.302, 0.106)
    page.line(1, "새침하게 흐린 품이", 0.1, 0.2)
    assert read_page(page.detections()).split().count("운수") == 1


def test_the_same_words_on_another_line_are_read_again():
    page = EnginePage().line(0, "Row, row, row", 0.1, 0.1).line(0, "Row, row, row", 0.1, 0.1 + PITCH)
    assert read_page(page.detections()) == "Row, row, row Row, row, row"


def test_running_head_without_a_page_number_is_dropped_on_a_flat_list_too():
    head = "WHEN BUCKWHEAT BLOOMS"
    page = Page().line(head, 0.27, 0.1)
    for n in range(5):
        page.line(f"the body of the story goes on and on, line {n}", 0.1, 0.1 + LINE_H * 2.5 + n * PITCH)
    assert read_page(smaller(page.detections(), {head, *head.split()})) == BODY


def sloped_page(tail_first: bool = True, tail_right: float = 0.532) -> EnginePage:
    """Six body lines falling 0.05 across the page (a photo turning away); the
    engine cut the ends of the last two rows off into a block of their own.
    With ``tail_first`` it reads that block before the last row."""
    page = EnginePage()

    def sloped(text: str, block: int, left: float, top: float) -> None:
        page.line(block, text, left, top)
        _, _, words = page.lines[-1]
        page.words_at(len(page.lines) - 1, [(x, top + 0.05 * (x - 0.1)) for _, x, _, _ in words])

    for n in range(4):
        sloped(f"the tale runs on and on along row {n},", 0, 0.1, 0.1 + n * PITCH)
    sloped("and then it", 0, 0.1, 0.1 + 4 * PITCH)
    tail_left = tail_right - 8 * CHAR_W
    ends = [("came home", 0, tail_left, 0.1 + 4 * PITCH), ("at last.", 1, tail_left, 0.1 + 5 * PITCH)]
    last = ("to the fox it", 0.1, 0.1 + 5 * PITCH)
    if not tail_first:
        sloped(last[0], 1, *last[1:])
    for text, _, left, top in ends:
        sloped(text, 2, left, top)
    if tail_first:
        sloped(last[0], 3, *last[1:])
    return page


def test_line_ends_split_off_into_a_block_read_early_go_back_to_their_rows():
    """The dialogue photo's last rows: "그 어느" and "않으면 안 된다." came before "쪽이든지 ..."."""
    text = read_page(sloped_page().detections())
    assert text.endswith("row 3, and then it came home to the fox it at last.")


def test_a_short_block_off_the_right_margin_stays_a_block():
    """A caption beside the last rows does not reach the body's right margin."""
    text = read_page(sloped_page(tail_right=0.45).detections())
    assert "came home at last." in text and "came home to the fox" not in text


def test_a_short_column_read_after_its_neighbour_stays_a_column():
    text = read_page(sloped_page(tail_first=False).detections())
    assert "came home at last." in text and "came home to the fox" not in text


PRINTED = "Optical character recognition - Wikipedia https://en.wikipedia.org/wiki/OCR"


def test_a_browsers_print_header_with_its_url_is_dropped():
    """A web page printed and photographed: the header row the browser adds is not the page's text."""
    detections = smaller(headed_page(PRINTED, 0.1, gap=1.5).detections(), {PRINTED, *PRINTED.split()})
    assert read_page(detections) == BODY


def test_a_url_line_in_body_type_or_close_to_the_body_is_text():
    """A line naming a web address as part of the text (as large as the body, or set like its lines)."""
    assert read_page(headed_page(PRINTED, 0.1, gap=1.5).detections()).startswith("Optical")
    close = smaller(headed_page(PRINTED, 0.1, gap=0.33).detections(), {PRINTED, *PRINTED.split()})
    assert read_page(close).startswith("Optical")


def test_a_contents_list_read_with_bullets_as_equals_signs_loses_the_bullets():
    page = EnginePage()
    for n, entry in enumerate(["= 1 History", "= 2 Types", "= 2 + 2 = 4 is sums"]):
        page.line(n, entry, 0.1, 0.1 + n * PITCH * 2)
    assert read_page(page.detections()).split("\n\n") == ["1 History", "2 Types", "2 + 2 = 4 is sums"]
