from __future__ import annotations

import random

import pytest
from storytime.core.chunks import split_for_speech

STORY = (
    "Once upon a time there lived an old fox. He was clever! Was he kind? Nobody knew…\n\n"
    "Mr. Crow sat on a branch with a piece of cheese. \"Sing for me,\" said the fox.\n"
    "The crow opened her beak, and the cheese fell down."
)
KOREAN = "옛날 옛날에 토끼가 살았습니다. 토끼는 당근을 좋아했어요! 어느 날 여우가 찾아왔다.\n\n여우는 말했다. \"안녕?\""


def test_empty_text():
    assert split_for_speech("", 100) == []
    assert split_for_speech("  \n\n ", 100) == []


def test_short_text_is_one_chunk_with_normalised_spaces():
    assert split_for_speech("Hello  there.\nBye.", 100) == ["Hello there. Bye."]


def test_cuts_at_sentence_ends():
    assert split_for_speech("One two three. Four five six. Seven.", 20) == [
        "One two three.",
        "Four five six.",
        "Seven.",
    ]


def test_packs_several_sentences():
    assert split_for_speech("A b. C d. E f. G h.", 9) == ["A b. C d.", "E f. G h."]


def test_question_exclamation_ellipsis_and_quotes():
    assert split_for_speech('He ran! Why? "Stop!" he said… Then.', 12) == [
        "He ran! Why?",
        '"Stop!"',
        "he said…",
        "Then.",
    ]


def test_abbreviation_is_not_a_sentence_end():
    assert split_for_speech("Then Mr. Fox came home. It rained.", 24) == ["Then Mr. Fox came home.", "It rained."]


def test_paragraph_break_is_a_boundary():
    assert split_for_speech("no full stop here\n\nnext part here", 20) == ["no full stop here", "next part here"]


def test_korean_sentence_endings():
    assert split_for_speech(KOREAN, 20) == [
        "옛날 옛날에 토끼가 살았습니다.",
        "토끼는 당근을 좋아했어요!",
        "어느 날 여우가 찾아왔다.",
        '여우는 말했다. "안녕?"',
    ]


def test_long_sentence_falls_back_to_whitespace():
    assert split_for_speech("aaa bbb ccc ddd eee.", 8) == ["aaa bbb", "ccc ddd", "eee."]


def test_hard_cut_only_for_a_word_longer_than_the_limit():
    assert split_for_speech("ab abcdefghij cd", 4) == ["ab", "abcd", "efgh", "ij", "cd"]


def test_invalid_limit():
    with pytest.raises(ValueError):
        split_for_speech("text", 0)


def _texts():
    rng = random.Random(1234)
    vocabulary = STORY.split() + KOREAN.split() + ["a", "I", "end.", "진짜?", "well-known", "3.5"]
    generated = []
    for _ in range(30):
        words = [rng.choice(vocabulary) for _ in range(rng.randint(1, 120))]
        text = ""
        for word in words:
            text += word + rng.choice([" ", " ", " ", "  ", "\n", "\n\n", "\t"])
        generated.append(text)
    return [STORY, KOREAN] + generated


@pytest.mark.parametrize("max_chars", [12, 20, 37, 80, 300, 3000])
def test_property_every_chunk_fits_and_words_survive(max_chars):
    for text in _texts():
        chunks = split_for_speech(text, max_chars)
        assert all(0 < len(chunk) <= max_chars for chunk in chunks)
        assert all(chunk == chunk.strip() for chunk in chunks)
        assert " ".join(chunks).split() == text.split()


def test_property_hard_cuts_keep_every_character():
    rng = random.Random(7)
    for _ in range(50):
        text = " ".join("x" * rng.randint(1, 30) for _ in range(rng.randint(1, 10)))
        chunks = split_for_speech(text, 7)
        assert all(0 < len(c) <= 7 for c in chunks)
        assert "".join(chunks).replace(" ", "") == text.replace(" ", "")
