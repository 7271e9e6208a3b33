"""Tesseract's word table (TSV) -> lines of words, as its own text joins them.

The TSV splits Korean words into pieces (often one syllable each); the text
output of the same run puts spaces only between real words, so the pieces
are joined where that text has no space between them (``spaces_before``).
When the two do not align, neighbouring Hangul pieces are joined by their
gaps instead (``_merge_hangul_fragments``). Rows of dashes are dropped.
"""
from __future__ import annotations

import re

from storytime.ocr.noise import is_rule
from storytime.ocr.reading import Line, Word

# Hangul pieces closer than this many text heights are one word (see
# _merge_hangul_fragments).
HANGUL_JOIN_GAP = 0.3

_HANGUL_WORD = re.compile(r"^[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]+[.,!?;:'\")\]]*$")
_HANGUL_START = re.compile(r"^[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


def tsv_lines(data: dict, spaced: list[bool] | None) -> list[Line]:
    """The lines of ``data`` (the TSV as pytesseract's dict), a word joined to
    the one before it where ``spaced`` (per row, from ``spaces_before``) says
    the engine's text has no white space between them."""
    lines: dict[tuple, Line] = {}
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        try:
            conf = float(data["conf"][i])
        except (TypeError, ValueError):
            continue
        if not text or conf < 0:
            continue
        key = (data["page_num"][i], data["block_num"][i], data["par_num"][i], data["line_num"][i])
        line = lines.setdefault(key, Line(block=key[:2], paragraph=key[:3]))
        word = Word(text, conf, float(data["left"][i]), float(data["top"][i]),
                    float(data["width"][i]), float(data["height"][i]))
        if spaced is not None and line.words and not spaced[i]:
            line.words[-1] = _joined(line.words[-1], word)   # one word in the engine's own text
        else:
            line.words.append(word)
    out = []
    for line in lines.values():
        if spaced is None:
            line.words = _merge_hangul_fragments(line.words)
        line.words = [w for w in line.words if not is_rule(w.text)]    # rows of dashes
        if line.words:
            out.append(line)
    return out


def spaces_before(words: list, text: str) -> list[bool] | None:
    """For each word of the TSV, whether ``text`` has white space before it.

    Words are found in ``text`` in order; None when they are not all there.
    """
    out, at = [], 0
    for word in words:
        word = str(word or "").strip()
        start = at
        while at < len(text) and text[at].isspace():
            at += 1
        if not word:
            out.append(True)
            continue
        if not text.startswith(word, at):
            return None
        out.append(at > start or start == 0)
        at += len(word)
    return out


def _joined(first: Word, second: Word) -> Word:
    left, top = min(first.left, second.left), min(first.top, second.top)
    right = max(first.left + first.width, second.left + second.width)
    bottom = max(first.top + first.height, second.top + second.height)
    n1, n2 = len(first.text), len(second.text)
    return Word(first.text + second.text, (first.conf * n1 + second.conf * n2) / (n1 + n2),
                 left, top, right - left, bottom - top, (first.parts or (first,)) + (second.parts or (second,)))


def _merge_hangul_fragments(words: list[Word]) -> list[Word]:
    """Undo the spurious spaces Tesseract's Korean model puts between syllables
    (the fallback when the engine's text cannot be aligned with its words).

    Two neighbouring Hangul pieces are joined when the gap between them is
    much smaller than the text height (a real word space in Korean print is
    about a third of an em or more) and one of them is a lone syllable.
    """
    if len(words) < 2:
        return words
    heights = sorted(w.height for w in words)
    text_height = heights[len(heights) // 2]
    out = [words[0]]
    for word in words[1:]:
        prev = out[-1]
        gap = word.left - (prev.left + prev.width)
        prev_core = prev.text
        if (_HANGUL_WORD.match(prev_core) and prev_core[-1:].isalpha()
                and _HANGUL_START.match(word.text) and _HANGUL_WORD.match(word.text)
                and gap < HANGUL_JOIN_GAP * text_height):
            left, top = min(prev.left, word.left), min(prev.top, word.top)
            right = max(prev.left + prev.width, word.left + word.width)
            bottom = max(prev.top + prev.height, word.top + word.height)
            n_prev, n_word = len(prev.text), len(word.text)
            out[-1] = Word(prev.text + word.text,
                            (prev.conf * n_prev + word.conf * n_word) / (n_prev + n_word),
                            left, top, right - left, bottom - top)
        else:
            out.append(word)
    return out

