"""The size a page is read at: big print shrunk, small print enlarged.

Big print is read smaller (``ocr.scale``): the marks ``ocr.script`` finds
for its guess also tell the text's height, and a page whose text is clearly
big (a picture book) is shrunk before the first read, to a height Tesseract
reads as well, in less time. Geometry is normalised to the image read, so
nothing maps back but what the frames of ``ocr.preparation`` already map.

Small print (below ``min_text_height`` in the first reading) is read again
enlarged, and that reading kept when it reads better (``_rescaled``).
"""
from __future__ import annotations

import statistics
from collections.abc import Callable

from PIL import Image

from storytime.ocr.reading import ALNUM, Reading
from storytime.ocr.scale import (
    AS_MEASURED,
    HANGUL_TARGET,
    TARGET,
    fitted_size,
    glance,
    shrunk,
    shrunk_from,
    survey_copy,
    working_scale,
)
from storytime.ocr.script import LATIN, Survey, survey


class WorkingSize:
    """The engine's working size (a part of ``TesseractDetectText``: its
    ``max_side``, ``working_text_height``, ``min_text_height`` and
    ``target_text_height``)."""

    def _read_decoded(self, decoded: Image.Image, language: str | None = None) -> Reading:
        """``read`` of an upload as decoded (grey, any size). A page bigger than
        ``max_side`` whose print a glance at a small copy finds big and Latin
        (``ocr.scale.glance``, 5-18 ms) is measured on a cheap copy at
        ``max_side`` (``survey_copy``); when that agrees, it goes from its
        decoded size straight to its working size in one resize, and the
        LANCZOS copy at ``max_side`` is made only if it is read. Any other page
        is fitted and measured as before."""
        fitted = fitted_size(decoded.size, self.max_side)
        if fitted == decoded.size or not self._big_latin(glance(decoded, self.max_side), fitted):
            return self.read(self._fit(decoded), language)
        measured = self._survey(survey_copy(decoded, self.max_side))
        scale = self._working_scale(measured, fitted)
        if scale >= 1 or measured.guess is None or measured.guess.script != LATIN:
            # Read as before. Hangul keeps the fitted copy's pixels too: shrunk
            # from the decoded photo in one resize (BOX or LANCZOS) 3 of 7 large
            # Korean pages read 1-3 characters worse.
            return self.read(self._fit(decoded), language)
        working = shrunk_from(decoded, fitted, scale)
        return self._read_at(working, measured, fitted[0], lambda: self._fit(decoded), language)

    def _big_latin(self, small: Image.Image, fitted: tuple[int, int]) -> bool:
        """The glance (``small``, a copy of a page fitted to ``fitted``) finds big Latin print."""
        measured = self._survey(small)
        if measured.guess is None or measured.guess.script != LATIN or not measured.text_height:
            return False
        height = measured.text_height * fitted[0] / small.width
        return self._working_scale(Survey(measured.guess, height), fitted) < 1

    def _read_at(self, working: Image.Image, measured: Survey, full_width: int,
                 full: Callable[[], Image.Image], language: str | None) -> Reading:
        """``working`` (shrunk from a ``full_width`` image, the text measured
        ``measured.text_height`` px high there) read; ``full()`` read instead
        when the reading finds its text much smaller than planned."""
        reading = self._read_page(working, language, measured.guess)
        if not self._as_measured(reading, measured.text_height * working.width / full_width):
            # The marks misled (a picture's dots taken for big letters): the
            # text is smaller than they said, read it at full size.
            reading = self._read_page(full(), language, measured.guess)
        return reading

    def _survey(self, image: Image.Image) -> Survey:
        return survey(image)

    @staticmethod
    def _as_measured(reading: Reading, planned: float) -> bool:
        """The reading of a shrunk image found its text about as high as
        planned (``planned`` pixels of the shrunk image): at least
        ``AS_MEASURED`` of it (measured 0.99-1.27 on the large-print pages)."""
        heights = [w.height for w in reading.words if w.conf >= 50 and ALNUM.search(w.text)]
        if not heights or reading.frame is None:
            return False
        enlarged = reading.height / reading.frame.upright_size[1]     # by _rescaled
        return statistics.median(heights) / enlarged >= AS_MEASURED * planned

    def _at_working_scale(self, image: Image.Image, measured: Survey) -> Image.Image:
        """``image`` shrunk when its text is big (``ocr.scale``); Hangul, or a
        script not known, to a larger target than Latin text."""
        return shrunk(image, self._working_scale(measured, image.size))

    def _working_scale(self, measured: Survey, size: tuple[int, int]) -> float:
        """The factor (at most 1) a page of ``size``, measured so, is read at."""
        if not self.working_text_height:
            return 1.0
        latin = measured.guess is not None and measured.guess.script == LATIN
        target = self.working_text_height * (1.0 if latin else HANGUL_TARGET / TARGET)
        return working_scale(measured.text_height, size, target)

    def _rescaled(self, reading: Reading, upright: Image.Image) -> Reading:
        """``reading`` of ``upright``, or a reading of it enlarged when its
        text is small and that reads better (once: a reading already of an
        enlarged image is kept)."""
        heights = [w.height for w in reading.words if w.conf >= 50 and ALNUM.search(w.text)]
        if not heights or (reading.width, reading.height) != upright.size:
            return reading
        height = statistics.median(heights)
        factor = min(self.target_text_height / height, 4.0, self.max_side / max(upright.size))
        if height < self.min_text_height and factor > 1.2:
            bigger = upright.resize((round(upright.width * factor),
                                     round(upright.height * factor)), Image.LANCZOS)
            alternative = self._tesseract(bigger, reading.psm, reading.languages)
            if alternative.score > reading.score:
                alternative.frame = reading.frame
                return alternative
        return reading
