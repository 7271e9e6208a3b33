"""Text clean-up that needs no geometry: page numbers, line joining, whitespace.

Kept apart from layout so each rule is testable on plain strings: what counts
as a page number, when a line-end hyphen is a word break ("weath-" + "ered"),
and the final whitespace / Unicode normalisation the speech engines expect.
"""

from __future__ import annotations

import re
import unicodedata

from storytime.core.language import is_hangul

HYPHENS = ("-", "\u00ad", "\u2010")  # hyphen-minus, soft hyphen, hyphen

# Roman numerals without M and D: page numbers in front matter are small, and
# allowing M/D would turn words like "mix" or "dim" into numbers.
_ROMAN = r"(?:c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3}))"
_DECOR = r"[\s\-\u2010-\u2015\u2212·•*~|()\[\]]*"
_PAGE_NUMBER = re.compile(
    rf"^{_DECOR}(?:(?:page|pg\.?|p\.)\s*)?(?:\d{{1,4}}|{_ROMAN})(?:\s*(?:쪽|페이지))?{_DECOR}$",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[^\S\n]+")
_MAX_PAGE_NUMBER_CHARS = 16
_MAX_HEAD_WORDS = 10


def normalize_inline(text: str) -> str:
    """NFC, single spaces, trimmed; soft hyphens dropped except a line-final one."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    return text[:-1].replace("\u00ad", "") + text[-1:]


def is_page_number(text: str) -> bool:
    """'12', '- 12 -', 'Page 12', 'xiv', '12쪽' ... but not a word or a sentence."""
    text = text.strip()
    if not text or len(text) > _MAX_PAGE_NUMBER_CHARS:
        return False
    match = _PAGE_NUMBER.match(text)
    if not match:
        return False
    # The roman branch may match the empty string: demand a digit or numeral letter.
    return bool(re.search(r"[0-9ivxlc]", text, re.IGNORECASE))


def is_running_head(text: str) -> bool:
    """'48 THE ADVENTURES OF TOM SAWYER', 'CHAPTER II. 17': a short line with a
    page number at one end. Where it stands on the page decides the rest."""
    words = text.split()
    if not 2 <= len(words) <= _MAX_HEAD_WORDS:
        return False
    return (is_page_number(words[0]) or is_page_number(words[-1])) and any(c.isalpha() for c in text)


def _breaks_word(previous: str, following: str) -> bool:
    """True when previous ends in 'letter-' and following starts with a lowercase letter."""
    if len(previous) < 2 or not following or previous[-1] not in HYPHENS:
        return False
    before, after = previous[-2], following[0]
    if not before.isalpha() or is_hangul(before) or is_hangul(after):
        return False
    return after.islower()


def join_lines(lines: list[str]) -> str:
    """One paragraph from its lines: a space between lines, or a mended word break."""
    text = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if not text:
            text = line
        elif _breaks_word(text, line):
            text = text[:-1] + line
        else:
            text = f"{text} {line}"
    return finish(text)


def finish(text: str) -> str:
    """Final normalisation of a paragraph: NFC, no stray soft hyphens, single spaces."""
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "")
    return _SPACES.sub(" ", text).strip()


# List bullets an engine reads as a sign that needs a left operand: "= 7 Unicode" is an
# entry of a table of contents, not an equation.
_BULLETS = ("= ",)


def strip_bullet(line: str) -> str:
    """A line without the bullet it starts with ("= 7 Unicode" -> "7 Unicode")."""
    for bullet in _BULLETS:
        if line.startswith(bullet) and line[len(bullet):].strip():
            return line[len(bullet):]
    return line
