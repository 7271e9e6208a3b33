"""Split text into pieces a speech engine accepts in one request.

Speech engines cap the text per call (Polly: a few thousand characters), and
a cut in mid-sentence is audible, so we pack whole sentences (and paragraphs)
into each chunk; a sentence too long on its own is cut at the last space that
fits, and only a single word longer than the limit is cut hard. Chunks are
built from the text's words, so joining them with spaces gives back the same
words in the same order.
"""

from __future__ import annotations

import re

_CLOSERS = "\"'”’)]}»」』"
_SENTENCE_END = re.compile(rf"[.!?…。！？‼⁇⁈⁉][{re.escape(_CLOSERS)}]*$")
_ABBREVIATIONS = frozenset(
    {"mr.", "mrs.", "ms.", "dr.", "st.", "jr.", "sr.", "prof.", "mt.", "vs.", "etc.", "e.g.", "i.e.", "no."}
)
_TOKEN = re.compile(r"\S+|\n[^\S\n]*\n\s*")


def _ends_sentence(word: str) -> bool:
    if not _SENTENCE_END.search(word):
        return False
    bare = word.rstrip(_CLOSERS).lower()
    if bare in _ABBREVIATIONS:
        return False
    if len(bare) == 2 and bare[0].isalpha() and bare[1] == "." and word[0].isupper():
        return False  # an initial: "J. R. R. Tolkien"
    return True


def _sentences(text: str) -> list[list[str]]:
    """Words grouped into sentences; a paragraph break also ends one."""
    sentences: list[list[str]] = [[]]
    for token in _TOKEN.findall(text):
        if token[0].isspace():  # blank line: paragraph break
            if sentences[-1]:
                sentences.append([])
            continue
        sentences[-1].append(token)
        if _ends_sentence(token):
            sentences.append([])
    return [s for s in sentences if s]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of each sentence of ``text``, split as :func:`split_for_speech` splits."""
    spans: list[tuple[int, int]] = []
    start = end = None
    for match in _TOKEN.finditer(text or ""):
        token = match.group()
        if token[0].isspace():  # blank line: paragraph break
            if start is not None:
                spans.append((start, end))
                start = None
            continue
        if start is None:
            start = match.start()
        end = match.end()
        if _ends_sentence(token):
            spans.append((start, end))
            start = None
    if start is not None:
        spans.append((start, end))
    return spans


def split_for_speech(text: str, max_chars: int) -> list[str]:
    """Chunks of at most max_chars characters, cut at sentence ends where possible."""
    if max_chars < 1:
        raise ValueError("max_chars must be at least 1")
    chunks: list[str] = []
    current = ""

    def flush() -> None:
        nonlocal current
        if current:
            chunks.append(current)
            current = ""

    def add_word(word: str) -> None:
        nonlocal current
        if not current:
            if len(word) <= max_chars:
                current = word
                return
            while len(word) > max_chars:  # last resort: a hard cut
                chunks.append(word[:max_chars])
                word = word[max_chars:]
            current = word
        elif len(current) + 1 + len(word) <= max_chars:
            current = f"{current} {word}"
        else:
            flush()
            add_word(word)

    for sentence in _sentences(text or ""):
        joined = " ".join(sentence)
        if current and len(current) + 1 + len(joined) <= max_chars:
            current = f"{current} {joined}"
            continue
        flush()
        if len(joined) <= max_chars:
            current = joined
        else:
            for word in sentence:
                add_word(word)
    flush()
    return chunks
