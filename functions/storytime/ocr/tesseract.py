"""A local stand-in for AWS Rekognition ``DetectText``, built on Tesseract.

``TesseractDetectText()(image_bytes)`` returns the same JSON shape Rekognition
answers with (``ocr.detections``)::

    {"TextDetections": [LINE..., WORD...], "TextModelVersion": "3.0"}

The engine is this module's class; its parts live beside it:

* ``ocr.preparation``: the upload decoded, grey, fitted, turned upright,
  straightened or flattened, its light evened out;
* ``ocr.working_size``: the size it is read at (big print shrunk, small
  print enlarged);
* ``ocr.strategy``: which Tesseract runs read it, in which order, and which
  reading is kept;
* ``ocr.tsv_lines``: one run's word table turned into lines of words;
* ``ocr.reading``: what a reading holds; ``ocr.detections``: its answer.

Here: the settings, one Tesseract run (``_tesseract``: lines too weak to be
text dropped) and the reads of an upright page built on it.
"""
from __future__ import annotations

from PIL import Image

from storytime.ocr.detections import detections
from storytime.ocr.dewarp import CURVED, preload
from storytime.ocr.preparation import PagePreparation
from storytime.ocr.reading import ALNUM, Frame, Line, Reading
from storytime.ocr.runner import Runner
from storytime.ocr.scale import TARGET
from storytime.ocr.second_look import second_look
from storytime.ocr.sign_reading import SignReading
from storytime.ocr.strategy import ReadingStrategy
from storytime.ocr.text_lines_found import load as load_detector
from storytime.ocr.tsv_lines import spaces_before, tsv_lines
from storytime.ocr.working_size import WorkingSize

# A line this close to the image's border (fraction of its size) is held to
# min_edge_line_confidence: the edge of a table or a page read as "AAA AAA".
EDGE = 0.02


class TesseractDetectText(ReadingStrategy, SignReading, WorkingSize, PagePreparation):
    """Callable OCR engine answering like Rekognition ``DetectText``.

    :param languages: one Tesseract ``-l`` value for every read (no
        language detection), e.g. ``"kor+eng"``; None (the default) reads
        with ``latin`` first and with ``hangul`` or a Latin language's own
        model when the page asks for it (see :meth:`read`).
    :param latin: the first read's languages. ``eng`` alone: one read as
        fast as plain ``tesseract``; ``eng+fra+spa+deu`` cost 1.7-2x as
        much per read, and ``eng+kor`` ruined Korean pages (38 % CER).
    :param hangul: languages for a page OSD finds Hangul on, read in page
        segmentation mode 4. ``kor`` alone (it reads a Korean page's Latin
        words too): on a photographed rendered page and a real Korean photo
        14.3 % / 34.6 % CER, against 17.1 % / 39.9 % with ``kor+eng``. Mode 3
        measured better on those two (5.9 % / 20.5 %) but lost whole lines of
        a page skewed 5 degrees (22 %): left to the Korean tuning.
    :param sign: languages for a short text OSD has no opinion on (a
        sign), read after a poor first read: Korean road signs are
        bilingual (``kor+eng`` 42 % CER on one, ``kor`` 64 %).
    :param confident_median: a first read whose words' median confidence
        is at least this (and ``confident_words`` words) is kept: measured
        87-96 on upright Latin pages, 36-61 on Hangul or turned pages.
    :param max_side: longer image side is scaled down to this many pixels
        before OCR (coordinates are normalised so nothing else changes).
        Chosen by measured CER (``make quality``) on the dense scan and the
        curved cookbook photo: 1600 px 8.1 % / 36.7 %, 2000 px 6.8 % / 18.0 %,
        2400 px 7.7 % / 16.1 %, 3000 px 7.4 % / 17.5 %, 4096 px 7.0 % / 22.4 %.
    :param working_text_height: big print (text measured, before any read,
        at least 1.5 times this high) is read shrunk to this height. Over
        ``bench/large_print.py``'s picture-book photos (three of each page,
        Tesseract as a program): English 0.62 -> 0.54 s of CPU a page at the
        same CER, Korean (read to 1.25 times the height: ``ocr.scale``)
        0.69 -> 0.57 s and 4.0 -> 2.3 % CER. None reads every page at
        ``max_side``.
    :param target_text_height: small text is upscaled towards this height
        (pixels) when the first reading finds it below ``min_text_height``.
    :param osd_min_confidence: OSD orientation confidence below which OSD
        is treated as unsure (readings are then compared).
    :param osd_characters: characters OSD classifies before it answers
        (Tesseract's ``min_characters_to_try``, default 50). OSD costs as
        much as a read or more (0.43 CPU s on the turned phototest, 0.25 s
        to read it); 20 cut that by a third with the same answers on the
        turned and Korean fixtures, 10 answered wrongly on two of them.
    :param min_line_confidence: LINEs whose mean word confidence is below
        this are dropped as noise (texture read as text).
    :param min_edge_line_confidence: the same for LINEs touching the
        image's border, where table edges and page edges are misread.
    :param max_skew: skews up to this many degrees either way are measured
        and straightened before OCR (0 turns deskewing off).
    :param min_skew: smaller measured skews are left alone (Tesseract copes
        with them, and on curved pages a turn by the average skew of about
        a degree made the reading worse, not better).
    :param even_light: paper lit unevenly (one side dim) is evened out
        before OCR (``ocr.light``; measured, so evenly lit pages are left alone).
    :param curved: a page whose text lines bend by at least this many text
        heights is flattened before OCR (``ocr.dewarp``), instead of
        deskewed; None never flattens.
    :param runner: how Tesseract is run (``ocr.runner``): chosen where the
        engines are composed; None runs the ``tesseract`` program
        (``runner_cli.CliRunner``) with ``timeout``, ``tesseract_cmd`` and
        ``omp_thread_limit``.
    :param timeout: seconds allowed per Tesseract run (0 = none).
    :param omp_thread_limit: sets ``OMP_THREAD_LIMIT`` for the tesseract
        subprocesses unless the environment already sets it. Tesseract's
        OpenMP threads oversubscribe small machines: on 2 cores one thread
        is about twice as fast as the default. ``None`` leaves it alone.
    """

    def __init__(self, languages: str | None = None, *, latin: str = "eng", hangul: str = "kor",
                 sign: str = "kor+eng",
                 max_side: int = 2400, working_text_height: float | None = TARGET,
                 min_text_height: int = 20, target_text_height: int = 32,
                 osd_min_confidence: float = 3.0, osd_characters: int = 20, min_line_confidence: float = 40.0,
                 min_edge_line_confidence: float = 60.0,
                 confident_median: float = 80.0, confident_words: int = 3,
                 max_skew: float = 15.0, min_skew: float = 1.0, even_light: bool = True,
                 curved: float | None = CURVED,
                 timeout: float = 180, tesseract_cmd: str | None = None,
                 omp_thread_limit: int | None = 1, second_look: bool = True,
                 runner: Runner | None = None) -> None:
        self.languages = languages
        self.latin = languages or latin
        self.hangul = languages or hangul
        self.sign = languages or sign
        self.max_side = max_side
        self.working_text_height = working_text_height
        self.min_text_height = min_text_height
        self.target_text_height = target_text_height
        self.osd_min_confidence = osd_min_confidence
        self.osd_characters = osd_characters
        self.min_line_confidence = min_line_confidence
        self.min_edge_line_confidence = min_edge_line_confidence
        self.confident_median = confident_median
        self.confident_words = confident_words
        self.max_skew = max_skew
        self.min_skew = min_skew
        self.even_light = even_light
        self.curved = curved
        self.timeout = timeout
        self.second_look = second_look
        if runner is None:
            from storytime.ocr.runner_cli import CliRunner
            runner = CliRunner(timeout, tesseract_cmd, omp_thread_limit)
        self.runner = runner

    def warm(self) -> None:
        """Pays the one-time imports of reading a page now (see ``ocr.dewarp.preload``), the
        runner's model loads for the first reads' languages and the text detector's (a sign's
        lines: ~0.2 s of CPU once, not on a process's first sign)."""
        preload()
        load_detector()
        self.runner.warm(tuple(dict.fromkeys((self.latin, self.hangul))))

    # ------------------------------------------------------------------ API
    def __call__(self, image_bytes: bytes, language: str | None = None) -> dict:
        """``language``: the page's language as its uploader named it ("ko",
        "en", "fr", "es", "de"), read with first; None finds it out."""
        decoded = self._decode(image_bytes)
        return detections(self._second_look(self._read_decoded(decoded, language)))

    def _second_look(self, reading: Reading) -> Reading:
        """A Hangul page's doubtful stretches read again from small crops
        (``ocr.second_look``), its Latin words and numbers with ``latin``."""
        if not self.second_look or reading.image is None or reading.hangul_fraction < 0.5:
            return reading
        alternative = self.latin if self.latin != reading.languages else None
        lines = second_look([line.words for line in reading.lines], reading.image,
                            lambda image, languages: [line.words for line in self._lines(image, 6, languages)],
                            reading.languages, alternative)
        for line, words in zip(reading.lines, lines):
            line.words = words
        reading.lines = [line for line in reading.lines if line.words]    # a line of dropped words
        return reading

    def _read_turned(self, image: Image.Image, rotation: int, psm: int | None = None,
                     languages: str | None = None,
                     uprights: dict[int, tuple[Image.Image, Frame]] | None = None,
                     rescale: bool = True) -> Reading:
        """Read ``image`` turned by ``rotation``; ``uprights`` keeps each
        turned and straightened image for the next read of the same page."""
        uprights = {} if uprights is None else uprights
        if rotation not in uprights:
            uprights[rotation] = self._straighten(image, rotation)
        upright, frame = uprights[rotation]
        reading = self._read(upright, psm, languages or self.latin, rescale)
        reading.frame = frame
        return reading

    def _osd(self, image: Image.Image) -> tuple[int, float, str] | None:
        """(rotation, confidence, script), or None: OSD has no opinion (too few characters)."""
        return self.runner.osd(image, self.osd_characters)

    def _read(self, upright: Image.Image, psm: int | None, languages: str, rescale: bool = True) -> Reading:
        """OCR an upright page; pick the segmentation mode and scale."""
        reading = self._tesseract(upright, psm or 3, languages)
        if psm is None and reading.hangul_fraction >= 0.3:
            # Mode 3's layout analysis drops whole lines of Hangul; mode 4
            # (one column, variable sizes) keeps them.
            alternative = self._tesseract(upright, 4, languages)
            if alternative.score > reading.score:
                reading = alternative
        return self._rescaled(reading, upright) if rescale else reading

    def _tesseract(self, image: Image.Image, psm: int, languages: str) -> Reading:
        kept = []
        lines = self._lines(image, psm, languages)
        for line in lines:
            mean = sum(w.conf for w in line.words) / len(line.words)
            floor = self.min_edge_line_confidence if _at_edge(line, image.size) else self.min_line_confidence
            if mean < floor or not any(ALNUM.search(w.text) for w in line.words):
                continue
            kept.append(line)
        return Reading(kept, image.width, image.height, psm, languages=languages, image=image,
                       lines_read=len(lines))

    def _lines(self, image: Image.Image, psm: int, languages: str) -> list[Line]:
        """Tesseract's lines of ``image``, words joined as its text joins them, rules dropped."""
        return tsv_lines(*self._run(image, psm, languages))

    def _run(self, image: Image.Image, psm: int, languages: str) -> tuple[dict, list[bool] | None]:
        """One Tesseract run writing both its word table (TSV) and its text.

        The TSV splits Korean words into pieces (often one syllable each);
        the text output of the same run puts spaces only between real words
        (gaps could not tell them apart on justified lines). Returns the TSV
        as pytesseract's dict and, per row, whether the text has white space
        before that word (None when the two do not align).
        """
        data, text = self.runner.run(image, psm, languages)
        return data, spaces_before(data["text"], text)


def _at_edge(line: Line, size: tuple[int, int]) -> bool:
    """The line touches the image's border (within EDGE of its size)."""
    width, height = size
    left = min(w.left for w in line.words)
    top = min(w.top for w in line.words)
    right = max(w.left + w.width for w in line.words)
    bottom = max(w.top + w.height for w in line.words)
    return (left < EDGE * width or top < EDGE * height
            or right > (1 - EDGE) * width or bottom > (1 - EDGE) * height)
