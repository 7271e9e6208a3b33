"""The second look's decisions (``ocr.second_look``) with a stand-in reader:
which stretches are read again, and when the new words are taken. The real
Tesseract on crops of fixtures: tests/e2e/test_second_look_tesseract.py."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw
from storytime.ocr.reading import Word
from storytime.ocr.second_look import ACCEPT, FOUND, find_targets, ink_within, second_look

HEIGHT = 30


def word(text: str, conf: float, left: float, top: float = 100, width: float = 60, parts: tuple = ()) -> Word:
    return Word(text, conf, left, top, width, HEIGHT, parts)


def page(*inked: tuple[int, int]) -> Image.Image:
    """Paper with a glyph-sized dark block on row 100 at each (left, width)."""
    image = Image.new("L", (900, 300), 230)
    draw = ImageDraw.Draw(image)
    for left, width in inked:
        draw.rectangle((left, 100, left + width, 100 + HEIGHT), fill=20)
    return image


def body_line(*extra: Word) -> list[Word]:
    return [word("가나", 95, 40), word("다라", 95, 120), word("마바", 95, 200), *extra]


def other_lines() -> list[list[Word]]:
    return [[word("사아", 95, 40, 20), word("자차", 95, 700, 20)],
            [word("카타", 95, 40, 200), word("파하", 95, 700, 200)]]


class StubReader:
    """Answers each sheet with the given words per crop, placed where the
    crop was pasted; records the languages it was asked for."""

    def __init__(self, answers: dict[str, list[tuple[str, float]]]) -> None:
        self.answers, self.calls = answers, []

    def __call__(self, sheet: Image.Image, languages: str) -> list[list[Word]]:
        self.calls.append(languages)
        answers = self.answers.get(languages, [])
        # One crop a sheet in these tests: its words side by side on the crop's row.
        top = sheet.height // 2 - HEIGHT // 2
        return [[Word(text, conf, 40 + 70 * n, top, 60, HEIGHT) for n, (text, conf) in enumerate(answers)]]


def test_a_weak_word_is_a_target_and_confident_words_are_not():
    lines = [body_line(word("바사", 30, 280))] + other_lines()
    targets = find_targets(lines, page(), HEIGHT)
    assert [[w.text for w in t.words] for t in targets] == [["바사"]]


def test_ink_no_word_covers_on_a_body_line_is_a_target_and_blank_paper_is_not():
    lines = [body_line()] + other_lines()
    assert find_targets(lines, page(), HEIGHT) == []
    targets = find_targets(lines, page((420, 120)), HEIGHT)
    assert len(targets) == 1 and targets[0].words == []
    left, top, right, bottom = targets[0].box
    assert left <= 420 and right >= 540 and top <= 100 and bottom >= 100 + HEIGHT and right < 700


def test_ink_under_a_word_is_covered():
    lines = [body_line(word("바사", 90, 420, width=120))] + other_lines()
    assert find_targets(lines, page((420, 120)), HEIGHT) == []


def test_a_more_confident_reading_replaces_a_weak_word_and_a_weak_one_does_not():
    lines = [body_line(word("바사", 30, 280))] + other_lines()
    better = second_look(lines, page((280, 60)), StubReader({"kor": [("바다", 90)]}), "kor")
    assert [w.text for w in better[0]] == ["가나", "다라", "마바", "바다"]
    worse = second_look(lines, page((280, 60)), StubReader({"kor": [("바자", ACCEPT - 5)]}), "kor")
    assert [w.text for w in worse[0]] == ["가나", "다라", "마바", "바사"]


def test_uncovered_ink_gets_its_confident_words_only():
    lines = [body_line()] + other_lines()
    read = StubReader({"kor": [("새말", FOUND + 5), ("잡", FOUND - 10)]})
    out = second_look(lines, page((420, 130)), read, "kor")
    assert [w.text for w in out[0]] == ["가나", "다라", "마바", "새말"]


def test_latin_letters_and_digits_read_weakly_are_read_with_the_alternative():
    lines = [body_line(word("ㄴ01", 45, 280))] + other_lines()
    read = StubReader({"kor": [("107", 50)], "eng": [("LOT", 96)]})
    out = second_look(lines, page((280, 60)), read, "kor", alternative="eng")
    assert read.calls == ["kor", "eng"]
    assert out[0][-1].text == "LOT"


def test_hangul_read_again_confidently_is_not_read_with_the_alternative():
    lines = [body_line(word("바사", 30, 280))] + other_lines()
    read = StubReader({"kor": [("바다", 90)], "eng": [("BADA", 99)]})
    out = second_look(lines, page((280, 60)), read, "kor", alternative="eng")
    assert read.calls == ["kor"] and out[0][-1].text == "바다"


def test_a_lone_digit_read_weakly_in_hangul_is_not_worth_the_alternatives_run():
    """One Latin letter or digit can gain at most a character: no eng run for it."""
    lines = [body_line(word("2을", 5, 280))] + other_lines()
    read = StubReader({"kor": [], "eng": [("Zul", 99)]})
    out = second_look(lines, page((280, 60)), read, "kor", alternative="eng")
    assert read.calls == ["kor"]
    assert [w.text for w in out[0]] == ["가나", "다라", "마바"]      # read again as nothing: dropped
    two = second_look([body_line(word("2ㄴ1", 5, 280))] + other_lines(), page((280, 60)), read, "kor",
                      alternative="eng")
    assert read.calls == ["kor", "kor", "eng"] and two[0][-1].text == "Zul"


def test_a_stretch_first_read_with_two_digits_is_read_with_the_alternative_when_its_second_reading_has_one():
    """What the stretch was first read as counts ("KTX" read "1<1%", then "1×")."""
    lines = [body_line(word("1<1%", 43, 280))] + other_lines()
    read = StubReader({"kor": [("1×", 49)], "eng": [("KTX", 91)]})
    out = second_look(lines, page((280, 60)), read, "kor", alternative="eng")
    assert read.calls == ["kor", "eng"] and out[0][-1].text == "KTX"


def test_a_word_whose_script_changes_keeps_its_hangul_pieces_and_rereads_the_rest():
    pieces = (word("프로", 93, 280, width=40), word("스벤", 93, 320, width=40), word("[6806", 5, 360, width=80))
    mixed = word("프로스벤[6806", 40, 280, width=160, parts=pieces)
    lines = [body_line(mixed)] + other_lines()
    read = StubReader({"kor": [("프로스벤[6806", 40)], "eng": [("(Prosben", 92)]})
    out = second_look(lines, page((280, 160)), read, "kor", alternative="eng")
    assert [w.text for w in out[0][3:]] == ["프로스벤", "(Prosben"]


def test_a_page_with_too_few_confident_words_is_left_as_it_is():
    lines = [[word("가", 30, 40), word("나", 20, 120)]]
    read = StubReader({})
    assert second_look(lines, page((40, 200)), read, "kor") == lines
    assert read.calls == []


def test_a_weak_word_in_whose_crop_nothing_is_read_again_is_dropped():
    lines = [body_line(word("바사", 30, 280))] + other_lines()
    out = second_look(lines, page((280, 60)), StubReader({"kor": []}), "kor")
    assert [w.text for w in out[0]] == ["가나", "다라", "마바"]


def test_the_pieces_kept_are_painted_over_when_the_rest_is_read_again():
    """The engine's box of a Latin part can overlap the Hangul syllable after
    it; the alternative model must not see that syllable."""
    latin = word("[6806", 5, 280, width=120)      # its box reaches over the syllable
    syllable = word("호", 93, 360, width=40)
    lines = [body_line(word("[6806호", 30, 280, width=120, parts=(latin, syllable)))] + other_lines()
    seen = []

    def read(sheet: Image.Image, languages: str) -> list[list[Word]]:
        seen.append((languages, sheet.copy()))
        return []
    second_look(lines, page((280, 120)), read, "kor", alternative="eng")
    languages, sheet = seen[-1]
    assert languages == "eng"
    # The syllable's pixels (dark on the page) are paper on the eng sheet: it has
    # less ink than the kor sheet, which shows the whole word.
    ink = [sum(sheet.histogram()[:100]) for _, sheet in seen]
    assert ink[1] < ink[0]


def test_hairline_words_and_empty_boxes_do_not_break_the_sheet():
    """A word narrower than a pixel (mapped back from an enlarged sheet) is
    painted over without error; a crop box with no area is read as nothing."""
    from storytime.ocr.second_look import _Sheet
    lines = [body_line(word("|", 95, 300, width=0.4))] + other_lines()
    sheet = _Sheet(page((280, 60)), lines, HEIGHT)
    read = StubReader({"kor": []})
    assert sheet.read([((280, 90, 340, 140), []), ((400, 90, 400, 90), [])], read, "kor") == [[], []]


@pytest.mark.parametrize("seed", range(40))
def test_ink_pieces_are_scipys_labels_and_centres(seed):
    """``ink_within`` (OpenCV's statistics) counts and boxes the pixels that
    scipy.ndimage's 4-connected labels and centres of mass keep, as the second
    look first found them (a map of those pixels, summed and searched)."""
    from scipy import ndimage
    rng = np.random.default_rng(seed)
    dark = rng.random((rng.integers(5, 60), rng.integers(5, 200))) < rng.uniform(0.05, 0.6)
    low, high = sorted(rng.uniform(-5, dark.shape[0] + 5, 2))
    labels, count = ndimage.label(dark)
    centres = ndimage.center_of_mass(dark, labels, range(1, count + 1))
    expected = np.isin(labels, [n + 1 for n, (y, _) in enumerate(centres) if low <= y <= high])
    found = ink_within(dark, low, high)
    if not expected.any():
        assert found is None
    else:
        ys, xs = np.nonzero(expected)
        assert found == (int(expected.sum()), xs.min(), ys.min(), xs.max(), ys.max())
