"""Which of Tesseract's TSV words its own text output joins (no space between)."""
from storytime.ocr.tsv_lines import spaces_before


def test_korean_pieces_the_text_joins_are_marked_joined():
    words = ["", "", "동해", "물", "과", "백두산이", "마르고"]
    assert spaces_before(words, "동해 물과 백두산이\n마르고\n") == [True, True, True, True, False, True, True]


def test_every_word_of_a_latin_line_has_a_space_before_it():
    assert spaces_before(["It", "is", "a", "truth"], "It is a truth\n\n") == [True, True, True, True]


def test_text_that_does_not_hold_the_words_in_order_is_no_guide():
    assert spaces_before(["물", "과"], "과 물\n") is None
    assert spaces_before(["물", "과"], "") is None
