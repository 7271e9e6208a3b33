"""The runner port (``ocr.runner``) on libtesseract in this process (tesserocr).

The ``tesseract`` program loads its model anew for every run (eng: 0.07 s of
CPU, as much again for the process and its image file). Here each model is
loaded once and kept: a pool of initialised APIs per ``-l`` value, one taken
for a run and given back after it, so two pages read at once each have their
own (an API is not safe to share) and a page's thread need not outlive it
(the local server runs each workflow in a new thread: an API per thread
would load the model per page).

The answers are the program's: the same image pixels with no resolution
(Tesseract estimates it from the text, as it does from the runner_cli's
TIFF file; a PIL image handed over as BMP says 96 dpi and read 40 % slower),
the same TSV and text renderers' output, OSD's confidence rounded as it prints it.
"""

from __future__ import annotations

import ctypes
import os
import threading
from contextlib import contextmanager

import pytesseract.pytesseract as pytesseract
from PIL import Image

from storytime.errors import EngineError
from storytime.ocr.pixels import grey_pixels
from storytime.ocr.runner import SETTINGS, TSV_COLUMNS, TSV_TEXT_COLUMN

# OpenMP reads OMP_THREAD_LIMIT once, when libgomp is loaded with libtesseract
# (importing tesserocr), never again. Without the limit one read on 2 cores
# cost 5x the CPU (OpenMP's threads spinning), so it is set before the import
# and checked after it (``_check_thread_limit``).
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import tesserocr  # noqa: E402
from tesserocr import RIL  # noqa: E402

_TSV_HEADER = "\t".join(TSV_COLUMNS) + "\n"
# Tesseract's OrientationIdToValue: detected orientation -> clockwise turn to upright.
_ROTATE = {0: 0, 90: 270, 180: 180, 270: 90}


def _check_thread_limit() -> None:
    """Refuse to run when libgomp was loaded before the limit was set (something
    imported tesserocr first): every read would cost several times its CPU."""
    try:
        gomp = ctypes.CDLL("libgomp.so.1")
    except OSError:
        return      # libtesseract built without OpenMP
    wanted = os.environ.get("OMP_THREAD_LIMIT", "")
    if wanted.isdigit() and gomp.omp_get_thread_limit() != int(wanted):
        raise ImportError(f"OpenMP was loaded with thread limit {gomp.omp_get_thread_limit()}, not "
                          f"OMP_THREAD_LIMIT={wanted}: import storytime.ocr.runner_api before tesserocr")


_check_thread_limit()

# glibc's free() keeps what a run freed in the arena of the thread that ran it,
# and each page is read in a thread of its own: a server's RSS grew 203 -> 380 MB
# over 15 pages, 309 MB with the freed pages given back after each run (~1 ms).
_malloc_trim = getattr(ctypes.CDLL(None), "malloc_trim", None)


class ApiRunner:
    """:param timeout: seconds allowed per run (0 = none), as the CLI runner's.
    :param keep: idle APIs kept per ``-l`` value (more are ended when given
        back): as many as pages are read at once (the local server's engine
        slots: one per core by default); each holds its model."""

    def __init__(self, timeout: float = 180, keep: int | None = None) -> None:
        self.timeout = timeout
        self.keep = keep or os.cpu_count() or 2
        self._idle: dict[str, list[tesserocr.PyTessBaseAPI]] = {}
        self._lock = threading.Lock()

    def warm(self, languages: tuple[str, ...]) -> None:
        """One API per ``-l`` value, and OSD's, loaded now."""
        for value in (*languages, "osd"):
            with self._api(value):
                pass

    def run(self, image: Image.Image, psm: int, languages: str) -> tuple[dict, str]:
        with self._api(languages) as api:
            api.SetPageSegMode(psm)
            with _image_set(api, image):
                if not api.Recognize(timeout=self._milliseconds()):
                    raise EngineError(f"tesseract did not finish within {self.timeout}s (languages {languages!r})")
                text = api.GetUTF8Text()
                table = word_table(api, image.width, image.height)
        # The program's runner parses its file with the same function: the same values.
        return pytesseract.file_to_dict(_TSV_HEADER + table, "\t", TSV_TEXT_COLUMN), text

    def osd(self, image: Image.Image, characters: int) -> tuple[int, float, str] | None:
        with self._api("osd") as api:
            api.SetPageSegMode(tesserocr.PSM.OSD_ONLY)
            api.SetVariable("min_characters_to_try", str(characters))
            with _image_set(api, image):
                found = api.DetectOrientationScript()
        if not found:
            return None     # too few characters: OSD has no opinion
        # The CLI prints the confidence with 2 decimals, and the engine compares that.
        return _ROTATE[found["orient_deg"]], float(f"{found['orient_conf']:.2f}"), str(found["script_name"])

    def _milliseconds(self) -> int:
        return max(1, round(self.timeout * 1000)) if self.timeout > 0 else 0

    @contextmanager
    def _api(self, languages: str):
        """An idle API for ``languages`` (a new one when none is), given back after use."""
        with self._lock:
            idle = self._idle.setdefault(languages, [])
            api = idle.pop() if idle else None
        if api is None:
            api = _new_api(languages)
        try:
            try:
                yield api
            except BaseException:
                api.End()       # a run cut short: not trusted for the next page
                raise
            api.Clear()
            with self._lock:
                idle = self._idle[languages]
                if len(idle) < self.keep:
                    idle.append(api)
                    api = None
            if api is not None:
                api.End()
        finally:
            if _malloc_trim is not None:
                _malloc_trim(0)

    def close(self) -> None:
        """End every idle API (their models' memory is freed)."""
        with self._lock:
            apis = [api for idle in self._idle.values() for api in idle]
            self._idle.clear()
        for api in apis:
            api.End()


_DIRECTION_MARKS = ("\u200e", "\u200f")     # what a word's text has and its symbols' lack, in mixed directions


def word_table(api: tesserocr.PyTessBaseAPI, width: int, height: int) -> str:
    """``api.GetTSVText(0)`` (rows without the header, page 1) of the last run on an
    image of ``width`` x ``height``, built from the same result iterator in a
    third of its CPU (prose photo 85 -> 27 ms, dialogue page 30 -> 11 ms). Tesseract
    walks each word symbol by symbol and asks at each step whether a word,
    and for each word whether a line, paragraph and block, begins or ends
    there: each question copies the iterator and walks back to the start of
    the line. Here one question per word (a line begins there), the other
    two only where one does (a block or paragraph begins only where a line
    does), and a word's text at once; the same rows, numbers and text (byte
    for byte: ``tests/contract/test_tesseract_runner.py``). A word whose text
    carries a direction mark (right-to-left words among left-to-right ones,
    where the two can differ) has the table made by Tesseract instead."""
    rows = [f"1\t1\t0\t0\t0\t0\t0\t0\t{width}\t{height}\t-1\t"]
    iterator = api.GetIterator()
    block = paragraph = line = word = 0
    while iterator is not None and not iterator.Empty(RIL.BLOCK):
        if iterator.Empty(RIL.WORD):
            iterator.Next(RIL.WORD)
            continue
        if iterator.IsAtBeginningOf(RIL.TEXTLINE):
            if iterator.IsAtBeginningOf(RIL.BLOCK):
                block, paragraph, line, word = block + 1, 0, 0, 0
                rows.append(f"2\t1\t{block}\t0\t0\t0{_box(iterator, RIL.BLOCK)}\t-1\t")
            if iterator.IsAtBeginningOf(RIL.PARA):
                paragraph, line, word = paragraph + 1, 0, 0
                rows.append(f"3\t1\t{block}\t{paragraph}\t0\t0{_box(iterator, RIL.PARA)}\t-1\t")
            line, word = line + 1, 0
            rows.append(f"4\t1\t{block}\t{paragraph}\t{line}\t0{_box(iterator, RIL.TEXTLINE)}\t-1\t")
        word += 1
        text = iterator.GetUTF8Text(RIL.WORD)
        if any(mark in text for mark in _DIRECTION_MARKS):
            return api.GetTSVText(0)
        rows.append(f"5\t1\t{block}\t{paragraph}\t{line}\t{word}{_box(iterator, RIL.WORD)}"
                    f"\t{iterator.Confidence(RIL.WORD):f}\t{text}")
        iterator.Next(RIL.WORD)
    return "\n".join(rows) + "\n"


def _box(iterator, level: int) -> str:
    """``AddBoxToTSV``'s columns: left, top, width, height."""
    left, top, right, bottom = iterator.BoundingBox(level)
    return f"\t{left}\t{top}\t{right - left}\t{bottom - top}"


def _new_api(languages: str) -> tesserocr.PyTessBaseAPI:
    try:
        api = tesserocr.PyTessBaseAPI(lang=languages)
    except RuntimeError as exc:
        raise EngineError(f"tesseract failed (languages {languages!r}): {exc}") from exc
    for name, value in SETTINGS.items():
        if not api.SetVariable(name, value):
            api.End()
            raise EngineError(f"tesseract has no variable {name!r}")
    return api


@contextmanager
def _image_set(api: tesserocr.PyTessBaseAPI, image: Image.Image):
    """``image`` given to ``api`` as the CLI runner's TIFF file gives it: its
    own pixels, no resolution. Greyscale and RGB as raw bytes (no encoding);
    any other mode through that same file."""
    channels = {"L": 1, "RGB": 3}.get(image.mode)
    if channels is not None:
        data = grey_pixels(image).tobytes() if channels == 1 else image.tobytes()    # ocr.pixels: the same bytes
        api.SetImageBytes(data, image.width, image.height, channels, image.width * channels)
        yield
        return
    from storytime.ocr.runner_cli import image_file

    with image_file(image) as path:
        api.SetImageFile(path)
        yield
