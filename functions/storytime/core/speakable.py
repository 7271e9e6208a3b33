"""Text as it should be spoken: OCR debris that a voice would read out is removed.

The shown text stays as recognised; only what goes to the speech engine is
cleaned. A stray ``|`` or ``~`` from a page edge would otherwise be read as
"vertical bar" or "tilde" in the middle of a story.
"""

from __future__ import annotations

import unicodedata

# Symbols a voice reads out by name ("vertical bar", "asterisk"): alone, they
# are OCR debris. Punctuation that only makes a pause (commas, dashes,
# ellipses, quotes) stays, and so do symbols that are meant as words.
_NAMED = set("|~^`*\\/#@_•·¦¬°")
_MEANT = {"&", "%", "+", "=", "§"}


def _read_by_name(char: str) -> bool:
    if char in _MEANT or unicodedata.category(char) == "Sc":  # currency: "$ 4" is four dollars
        return False
    return char in _NAMED or unicodedata.category(char) in ("Sm", "So", "Sk")


def is_debris(token: str) -> bool:
    """A token made only of symbols a voice would name: OCR debris."""
    return all(_read_by_name(c) for c in token)


def speakable(text: str) -> str:
    """Drop tokens made only of symbols; keep paragraphs and everything else."""
    paragraphs = []
    for paragraph in text.split("\n\n"):
        tokens = [t for t in paragraph.split() if not is_debris(t)]
        if tokens:
            paragraphs.append(" ".join(tokens))
    return "\n\n".join(paragraphs)
