"""The second look (``ocr.second_look``) with the real Tesseract, on crops of
fixture photos: a stretch of a line missing from a reading comes back, and a
Latin word on a Korean label is read with eng."""
from __future__ import annotations

from pathlib import Path

import pytest
from storytime.core.images import prepare_upload
from storytime.ocr.second_look import second_look
from storytime.ocr.tesseract import TesseractDetectText

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def upright(name: str, box: tuple[int, int, int, int]):
    engine = TesseractDetectText()
    image = engine._open(prepare_upload((FIXTURES / name).read_bytes(), None).data)
    return engine, engine._straighten(image, 0)[0].crop(box)


def reader(engine: TesseractDetectText):
    return lambda image, languages: [line.words for line in engine._lines(image, 6, languages)]


def test_a_stretch_missing_from_a_line_is_read_from_its_ink():
    # The dim dialogue photo's first paragraph: confident lines of Hangul.
    engine, crop = upright("gen_ko_dialogue_photo.jpg", (200, 270, 1250, 740))
    lines = [line.words for line in engine._tesseract(crop, 4, "kor").lines]
    longest = max(range(len(lines)), key=lambda n: sum(w.conf >= 85 for w in lines[n]))
    line = sorted(lines[longest], key=lambda w: w.left)
    assert len(line) >= 7
    missing = line[3:5]           # two confident words in the middle, as if never returned
    assert all(w.conf >= 85 for w in missing)
    lines[longest] = [w for w in line if w not in missing]

    mended = second_look(lines, crop, reader(engine), "kor", alternative="eng")

    texts = [w.text for w in sorted(mended[longest], key=lambda w: w.left)]
    assert "".join(texts[3:5]) == "".join(w.text for w in missing)
    assert len(mended[longest]) == len(line)
    # No line loses a word (weak ones may be read better).
    assert all(len(mended[n]) >= len([w for w in lines[n] if w.conf >= 60]) for n in range(len(lines)))


def test_a_latin_word_on_a_korean_label_is_read_with_eng():
    # The sachet's "made on" line: Hangul words around a Latin lot code.
    engine, crop = upright("awssamples_test.jpeg", (60, 760, 1080, 880))
    reading = engine._tesseract(crop, 4, "kor")
    before = [w.text for line in reading.lines for w in line.words]
    assert "LOT" not in before      # kor reads it as jamo and digits

    mended = second_look([line.words for line in reading.lines], crop, reader(engine), "kor", alternative="eng")

    after = [w.text for line in mended for w in line]
    assert "LOT" in after
    assert [t for t in after if t != "LOT"] == [t for t in before if not any(c.isascii() and c.isalnum() or
                                                                           "\uff00" <= c <= "\uffef" for c in t)]
