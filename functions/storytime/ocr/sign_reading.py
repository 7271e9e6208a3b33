"""A sign's lines read one by one where the text detector finds them (a part of ``TesseractDetectText``).

``ocr.strategy`` turns here when a photo is not a page: OSD has no opinion on it, or a confident
first read kept few of the lines Tesseract saw (a sign on a busy wall). Each line found by
``ocr.text_lines_found`` is read alone (psm 7) with the ``sign`` set; Latin lines again with the
French, Spanish and German models, Hangul lines again with ``hangul`` alone (``_read_lines_found``).
Uses the engine's ``_straighten``, ``_lines`` and its languages and confidence settings.
"""
from __future__ import annotations

from PIL import Image

from storytime.core.language import latin_votes
from storytime.ocr.reading import ALNUM, Frame, Line, Reading, Word
from storytime.ocr.text_lines_found import find_lines, line_blocks

# A line the text detector finds is read at this height (pixels, its margin included): its
# letters ~20 px high, as Tesseract reads best.
FOUND_LINE_HEIGHT = 48
# A sign's Latin lines are read again with these (``_found_language``).
FOUND_LATIN_MODELS = {"fr": "fra", "es": "spa", "de": "deu"}


class SignReading:
    """The engine's reading of a sign's found lines (a part of ``TesseractDetectText``)."""

    def _read_lines_found(self, image: Image.Image, uprights: dict[int, tuple[Image.Image, Frame]]) -> Reading:
        """``image`` (straightened) read line by line where the text detector finds lines of text
        (``ocr.text_lines_found``), each alone with the ``sign`` set: a sign on a busy background.
        Its Latin lines are read again with the French, Spanish and German models, and kept in the
        language whose own reading says it (``_found_language``): ``kor+eng`` reads "Accès aux
        quais" as "0065 aux 04815", ``fra`` reads it right."""
        if 0 not in uprights:
            uprights[0] = self._straighten(image, 0)
        upright, frame = uprights[0]
        crops = []
        for block, boxes in enumerate(line_blocks(find_lines(upright))):
            for left, top, right, bottom in boxes:
                scale = FOUND_LINE_HEIGHT / (bottom - top)
                crop = upright.crop((left, top, right, bottom)).resize(
                    (max(1, round((right - left) * scale)), FOUND_LINE_HEIGHT))
                crops.append((crop, left, top, scale, block))
        read = [self._lines(crop, 7, self.sign) for crop, *_ in crops]
        latin = [i for i, found in enumerate(read) if found and _hangul_fraction(found) < 0.5]
        if latin and not self.languages:
            for i, found in zip(latin, self._found_language([crops[i][0] for i in latin], [read[i] for i in latin])):
                read[i] = found
        if self.hangul != self.sign:
            for i, found in enumerate(read):
                if found and _hangul_fraction(found) >= 0.5:
                    # kor+eng took "화장실은" for "SAYS" (mean word confidence 72); kor alone reads it (84).
                    alone = self._lines(crops[i][0], 7, self.hangul)
                    if _mean_confidence([alone]) > _mean_confidence([found]):
                        read[i] = alone
        lines = []
        for (_, left, top, scale, block), found in zip(crops, read):
            for line in found:
                words = [Word(w.text, w.conf, left + w.left / scale, top + w.top / scale,
                              w.width / scale, w.height / scale) for w in line.words]
                if (sum(w.conf for w in words) / len(words) >= self.min_line_confidence
                        and any(ALNUM.search(w.text) for w in words)):
                    lines.append(Line(words, block=(1, block), paragraph=(1, block, 1)))
        return Reading(lines, upright.width, upright.height, 7, frame=frame, languages=self.sign)

    def _found_language(self, crops: list[Image.Image], read: list[list[Line]]) -> list[list[Line]]:
        """The found Latin lines ``crops`` (``read`` with the ``sign`` set) read with the language model
        (French, Spanish, German) whose own reading most clearly says its language (its accented
        letters and short words, ``latin_votes``); when none does more than the others (or its
        reading of a line is too weak to keep), each line as the model surest of it reads it
        ("Salida de emergencia": "gatida de emeraencia", mean word confidence 41, with ``kor+eng``,
        right with ``spa``, 61)."""
        readings = {language: [self._lines(crop, 7, model) for crop in crops]
                    for language, model in FOUND_LATIN_MODELS.items()}
        votes = {language: latin_votes(_text(found))[language] for language, found in readings.items()}
        best, most = max(votes.items(), key=lambda item: item[1])
        said = readings[best] if most > 0 and sum(1 for vote in votes.values() if vote == most) == 1 else None
        kept = []
        for i, line in enumerate(read):
            surest = max([line, *(found[i] for found in readings.values())],
                         key=lambda lines: _mean_confidence([lines]))
            # The language's reading of a line, unless too weak to be kept ("Ouvertàa9h", 25; spa "Ouvert a 9 h", 92).
            kept.append(said[i] if said and _mean_confidence([said[i]]) >= self.min_line_confidence else surest)
        return kept


def _text(found: list[list[Line]]) -> str:
    return "\n".join(" ".join(w.text for w in line.words) for lines in found for line in lines)


def _mean_confidence(found: list[list[Line]]) -> float:
    confidences = [w.conf for lines in found for line in lines for w in line.words if ALNUM.search(w.text)]
    return sum(confidences) / len(confidences) if confidences else 0.0


def _hangul_fraction(lines: list[Line]) -> float:
    return Reading(lines, 0, 0, 7).hangul_fraction
