"""Marks on a page that Tesseract reads as words but are not text.

A row of dashes (a tear-off line on a sachet, a rule under a heading) comes
back as "=---------=" or "---------ㅜ---": spoken, it is noise, and it cost the
sachet photo 25 of its 300 characters. Such a "word" is long and almost
without letters or digits (a lone Hangul jamo is a stroke of the rule read as
a letter, not a syllable). Real words with punctuation ("(02-2252-1001)",
"...") keep their letters, digits or stay short.
"""
from __future__ import annotations

MIN_LENGTH = 4
MAX_LETTER_SHARE = 0.2
_JAMO = ("\u1100", "\u11ff", "\u3130", "\u318f")


def is_rule(text: str) -> bool:
    """True when ``text`` is a printed rule or border read as a word."""
    if len(text) < MIN_LENGTH:
        return False
    letters = sum(1 for c in text if c.isalnum() and not _jamo(c))
    return letters <= MAX_LETTER_SHARE * len(text)


def _jamo(char: str) -> bool:
    return _JAMO[0] <= char <= _JAMO[1] or _JAMO[2] <= char <= _JAMO[3]
