"""Rows of dashes read as words are noise; words with punctuation are not."""
import pytest
from storytime.ocr.noise import is_rule


@pytest.mark.parametrize("text", ["=---------=", "---------ㅜ---", "------------", "....", "_____"])
def test_a_printed_rule_read_as_a_word_is_noise(text):
    assert is_rule(text)


@pytest.mark.parametrize("text", ["(02-2252-1001)", "FB21-02-0531호", "...", "—", "“Well!”", "2-프로판올",
                                  "rabbit-hole", "(Prosben,", "--", "?!"])
def test_words_and_short_punctuation_are_kept(text):
    assert not is_rule(text)
