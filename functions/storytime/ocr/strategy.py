"""Which Tesseract runs read a page, in which order, and which reading is kept.

The page orientation (0/90/180/270) and the script are decided with as few
Tesseract runs as the page allows (``read``). The image is measured first
(``ocr.script``, a few ms): an upright Korean page is read once, with kor; an
English page once, as plain ``tesseract`` would, also when it is turned (the
image says which way up); a French, Spanish or German page whose accents the
image shows once with its own model, after a few of its lines tell which
language it is (else it is read again with its model); a Korean page on its side gets one OSD run and one read,
turned. Each reading is still judged by its confidence: a page the image
misjudges, or does not judge, is read as before, eng first, then kor, then
one OSD run and one more read turned with the script's languages, never one
full read per candidate rotation.
"""
from __future__ import annotations

import statistics

from PIL import Image

from storytime.core.language import clear_latin_language, latin_language
from storytime.ocr.accents import Accents, strip
from storytime.ocr.reading import ALNUM, Frame, Reading
from storytime.ocr.script import HANGUL
from storytime.ocr.script import Guess as ScriptGuess

# OSD script names for which Tesseract's orientation vote is not trusted and
# for which page segmentation mode 3 tends to lose whole lines.
_CJK_SCRIPTS = {"Hangul", "Korean", "Han", "HanS", "HanT", "Japanese", "Hiragana", "Katakana"}
# A confident Latin reading in one of these languages is read again with its model.
_LATIN_MODELS = {"en": "eng", "fr": "fra", "es": "spa", "de": "deu"}


class ReadingStrategy:
    """The engine's reading order (a part of ``TesseractDetectText``: its
    languages and confidence settings, and its reads: ``_read_turned``,
    ``_osd``, ``_rescaled``, ``_survey``)."""

    def read(self, image: Image.Image, language: str | None = None) -> Reading:
        """The page's reading, in as few Tesseract runs as the page allows.

        0. Before any run, the image itself is measured (``ocr.script``, a
           few ms): its script (Hangul or Latin), whether its lines run
           across or down, and, when its marks show it, which way is up (a
           Latin page's baselines, a Hangul page's bare vowel bars). A guess
           only picks the first run; each reading is still judged as below,
           and a guess that reads poorly costs that one run.
           - Hangul, lines across or its turn known: read with the Hangul
             set (step 3 first), as given or turned, kept when it is a
             confident Hangul reading.
           - Latin, turned (90/180/270): read turned with the Latin set,
             kept when confident (step 2 applies).
           - On its side (lines down the image) and no turn known: straight
             to OSD (step 4), without the read as given.
           - Latin, its turn known, and accented letters on it (``ocr.accents``):
             a strip of 2 lines is read with the Latin set; when its words
             clearly say French, Spanish or German, the page is read once with
             that language's model (as or turned), kept when it is a confident
             reading in that language. Else the steps below, as if not probed.
        1. Read as given (straightened) with the Latin set: an upright page in
           English, most pages, is done in this one run.
        2. Read confidently, but French, Spanish or German words: read again
           with that language's model (accents, ligatures).
        3. Read poorly, lines running across: read as given with the Hangul
           set. Pages arrive upright (EXIF applied), so a poor Latin reading
           is most often a Korean page, and this read is the one kept when it
           is a confident Hangul reading (OSD would cost as much as a read).
        4. Otherwise one OSD run says which way is up and which script it is;
           read once more, turned, with that script's languages. A Hangul
           page that still reads poorly is also read the other way up (OSD's
           vote on Hangul is weak). When OSD has no opinion (a sign of a few
           words) the ``sign`` set reads it as given.
        The readings compared are of one page; the higher summed word
        confidence wins.

        A ``language`` named with the page is read first with its own model:
        one run when the reading is confident; else (a wrong name, a page
        turned) the steps above, as if no language had been named.
        """
        measured = self._survey(image)
        working = self._at_working_scale(image, measured)
        if working is image:
            return self._read_page(image, language, measured.guess)
        return self._read_at(working, measured, image.width, lambda: image, language)

    def _read_page(self, image: Image.Image, language: str | None, found: ScriptGuess | None) -> Reading:
        """``read`` of ``image`` (at its working scale), the script guessed."""
        uprights: dict[int, tuple[Image.Image, Frame]] = {}
        hinted = self._read_hinted(image, language, uprights)
        if hinted is not None:
            return hinted
        found = found if not self.languages else None
        if found is not None and found.accents is not None and found.accents.many:
            probed = self._probed(image, found.rotation or 0, found.accents, uprights)
            if probed is not None:
                return probed
        hangul: dict[int, Reading] = {}
        if found is not None and found.script == HANGUL and (found.across or found.rotation is not None):
            turn = found.rotation or 0
            hangul[turn] = self._read_turned(image, turn, 4, self.hangul, uprights)
            if self._hangul_confident(hangul[turn]):
                return hangul[turn]
        elif found is not None and found.rotation:
            turned = self._read_turned(image, found.rotation, languages=self.latin, uprights=uprights,
                                       rescale=False)
            if self._confident(turned):
                return self._latin_kept(image, turned, found.rotation, uprights)
        firsts: list[Reading] = []

        def first() -> Reading:
            # Not yet read again larger when its text is small: a Korean page's
            # garbled eng words are small and would cost one more read for nothing.
            if not firsts:
                firsts.append(self._read_turned(image, 0, languages=self.latin, uprights=uprights, rescale=False))
            return firsts[0]

        on_side = found is not None and found.across is False
        if not on_side:
            if self._confident(first()):
                if _mostly_noise(first()):
                    # A sign on a busy wall: Tesseract split its tilted line ("de secours ie Sort").
                    found_lines = self._read_lines_found(image, uprights)
                    if _few_confident(found_lines, self.confident_median):
                        return found_lines
                return self._latin_kept(image, first(), 0, uprights)
            if (0 not in hangul and self.hangul != self.latin and _real_words(first()) >= self.confident_words
                    and not _on_its_side(first())):
                hangul[0] = self._read_turned(image, 0, 4, self.hangul, uprights)
                if self._hangul_confident(hangul[0]):
                    return hangul[0]
        # Next to no words read (a photo without text): OSD has nothing to
        # vote on either. (A page upside down still reads as a few words.)
        osd = self._osd(image) if on_side or _real_words(first()) >= self.confident_words else None
        if osd is not None and osd[2] not in _CJK_SCRIPTS and osd[0] == 0 and osd[1] < self.osd_min_confidence:
            osd = None      # a guess from a few characters (a sign): no opinion
        if osd is None:
            # A sign, a label: its lines of text found first and read one by one, kept when confident
            # (else a reading of the whole image with the ``sign`` set may do better).
            found_lines = [] if on_side else [self._read_lines_found(image, uprights)]
            if found_lines and self._confident(found_lines[0]):
                return found_lines[0]
            return max(self._rescaled(first(), uprights[0][0]), *hangul.values(), *found_lines,
                       self._read_turned(image, 0, languages=self.sign, uprights=uprights), key=lambda r: r.score)
        rotation, confidence, script = osd
        if script not in _CJK_SCRIPTS:
            if rotation == 0:
                return self._rescaled(first(), uprights[0][0])    # upright Latin, just hard to read
            turned = self._read_turned(image, rotation, languages=self.latin, uprights=uprights)
            if confidence >= self.osd_min_confidence or on_side:
                return turned
            return max(self._rescaled(first(), uprights[0][0]), turned, key=lambda r: r.score)
        for turn in (rotation, (rotation + 180) % 360):   # OSD's vote on Hangul is weak: the other way up too
            if turn not in hangul:
                hangul[turn] = self._read_turned(image, turn, 4, self.hangul, uprights)
            if self._hangul_confident(hangul[turn]):
                return hangul[turn]
        return max(hangul.values(), key=lambda r: r.score)

    def _latin_kept(self, image: Image.Image, reading: Reading, rotation: int,
                    uprights: dict[int, tuple[Image.Image, Frame]]) -> Reading:
        """A confident Latin reading (of the page turned by ``rotation``), or the
        page read again with its own language's model when its words are
        French, Spanish or German."""
        language = _LATIN_MODELS.get(latin_language(reading.text)) if not self.languages else None
        if language and language != self.latin:
            return self._read_turned(image, rotation, languages=language, uprights=uprights)
        return self._rescaled(reading, uprights[rotation][0])

    def _probed(self, image: Image.Image, rotation: int, accents: Accents,
                uprights: dict[int, tuple[Image.Image, Frame]]) -> Reading | None:
        """A page with accented letters (``ocr.accents``): a strip of a few of
        its lines read with ``latin`` tells its language, and the page is read
        once, with that language's model (was: read with ``latin``, then again
        with its model). None (read as if unprobed) when the strip's words do
        not clearly say French, Spanish or German, or that reading is not a
        confident one in that language."""
        if rotation not in uprights:
            uprights[rotation] = self._straighten(image, rotation)
        language = clear_latin_language(self._read_strip(uprights[rotation][0], accents).text)
        model = _LATIN_MODELS.get(language or "")
        if model is None or model == self.latin:
            return None
        reading = self._read_turned(image, rotation, languages=model, uprights=uprights)
        return reading if self._confident(reading) and latin_language(reading.text) == language else None

    def _read_strip(self, upright: Image.Image, accents: Accents) -> Reading:
        """The few lines around the accents read with ``latin`` as one block
        (2 lines: 0.06-0.11 s of CPU, a seventh to a fifth of the page's read)."""
        return self._tesseract(strip(upright, accents), 6, self.latin)

    def _read_hinted(self, image: Image.Image, language: str | None,
                     uprights: dict[int, tuple[Image.Image, Frame]]) -> Reading | None:
        """The page read with the named language's model, when that reads it well."""
        model = self.hangul if language == "ko" else _LATIN_MODELS.get(language or "")
        if self.languages or model is None:
            return None
        if language == "ko":
            reading = self._read_turned(image, 0, 4, model, uprights)
            return reading if self._hangul_confident(reading) else None
        reading = self._read_turned(image, 0, languages=model, uprights=uprights)
        return reading if self._confident(reading) else None

    def _confident(self, reading: Reading) -> bool:
        """Enough real words, most of them read with high confidence, on lines
        that run across the image. (Tesseract reads a page on its side too,
        but its boxes then stand upright and their corners are not the
        text's: OSD must say which way the page is turned.)"""
        confidences = [w.conf for w in reading.words if ALNUM.search(w.text)]
        return (len(confidences) >= self.confident_words
                and statistics.median(confidences) >= self.confident_median
                and not _on_its_side(reading))

    def _hangul_confident(self, reading: Reading) -> bool:
        """A confident reading (see :meth:`_confident`) that is mostly Hangul.
        Measured median word confidence: 93-94 on upright Korean pages read
        with ``kor``, 45-49 on the same pages upside down, 52-64 on Latin pages."""
        return reading.hangul_fraction >= 0.5 and self._confident(reading)


def _real_words(reading: Reading) -> int:
    return sum(1 for w in reading.words if ALNUM.search(w.text))


def _mostly_noise(reading: Reading) -> bool:
    """Tesseract read more than three lines for every line kept as text: a few words on a busy
    background (a sign on a rough wall: 2 of 24-32 lines kept). Pages keep most of theirs (at
    least 79 % over the fixtures and the rendered page sets)."""
    return reading.lines_read > 3 * len(reading.lines)


def _few_confident(reading: Reading, median: float) -> bool:
    """Words read, most of them with a confidence of at least ``median`` (a sign may be one word)."""
    confidences = [w.conf for w in reading.words if ALNUM.search(w.text)]
    return bool(confidences) and statistics.median(confidences) >= median


def _on_its_side(reading: Reading) -> bool:
    """Most longer words' boxes stand upright: the page is turned a quarter."""
    long_words = [w for w in reading.words if len(w.text) >= 3]
    return sum(1 for w in long_words if w.height > w.width) * 2 > len(long_words)
