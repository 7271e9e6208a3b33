"""The runner port (``ocr.runner``) on the ``tesseract`` program: one process per run (pytesseract)."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager

import pytesseract
from PIL import Image

from storytime.errors import EngineError
from storytime.ocr.runner import SETTINGS, TSV_TEXT_COLUMN

_SETTINGS = " ".join(f"-c {name}={value}" for name, value in SETTINGS.items())


class CliRunner:
    """:param timeout: seconds allowed per run (0 = none).
    :param tesseract_cmd: the program, when ``tesseract`` on PATH is not it.
    :param omp_thread_limit: ``OMP_THREAD_LIMIT`` for the tesseract processes
        unless the environment already sets it: Tesseract's OpenMP threads
        oversubscribe small machines (on 2 cores one thread is about twice as
        fast as the default). None leaves it alone."""

    def __init__(self, timeout: float = 180, tesseract_cmd: str | None = None,
                 omp_thread_limit: int | None = 1) -> None:
        self.timeout = timeout
        if tesseract_cmd:
            pytesseract.pytesseract.tesseract_cmd = tesseract_cmd
        if omp_thread_limit is not None:
            # pytesseract starts tesseract with this process's environment.
            os.environ.setdefault("OMP_THREAD_LIMIT", str(omp_thread_limit))

    def warm(self, languages: tuple[str, ...]) -> None:
        """Nothing to keep warm: each run is a new process."""

    def run(self, image: Image.Image, psm: int, languages: str) -> tuple[dict, str]:
        """One ``tesseract`` run writing both its word table (TSV) and its text."""
        try:
            with image_file(image) as path, tempfile.TemporaryDirectory() as out:
                base = os.path.join(out, "page")
                pytesseract.pytesseract.run_tesseract(path, base, "", languages,
                                                      config=f"--psm {psm} {_SETTINGS} tsv txt",
                                                      timeout=self.timeout)
                with open(f"{base}.tsv", encoding="utf-8") as tsv, open(f"{base}.txt", encoding="utf-8") as txt:
                    table, text = tsv.read(), txt.read()
        except pytesseract.TesseractNotFoundError as exc:
            raise EngineError(f"tesseract is not installed or not on PATH: {exc}") from exc
        except pytesseract.TesseractError as exc:
            raise EngineError(f"tesseract failed (languages {languages!r}): "
                              f"{exc.message if hasattr(exc, 'message') else exc}") from exc
        except RuntimeError as exc:  # pytesseract's timeout
            raise EngineError(f"tesseract did not finish within {self.timeout}s: {exc}") from exc
        return pytesseract.pytesseract.file_to_dict(table, "\t", TSV_TEXT_COLUMN), text

    def osd(self, image: Image.Image, characters: int) -> tuple[int, float, str] | None:
        try:
            with image_file(image) as path:
                osd = pytesseract.image_to_osd(path,
                                               config=f"--psm 0 {_SETTINGS} -c min_characters_to_try={characters}",
                                               output_type=pytesseract.Output.DICT, timeout=self.timeout)
        except pytesseract.TesseractNotFoundError as exc:
            raise EngineError(f"tesseract is not installed or not on PATH: {exc}") from exc
        except (pytesseract.TesseractError, RuntimeError, ValueError, KeyError):
            # "Too few characters", no text at all, invalid resolution: OSD
            # has no opinion. The OCR comparison decides instead.
            return None
        try:
            return int(osd["rotate"]) % 360, float(osd["orientation_conf"]), str(osd.get("script", ""))
        except (KeyError, TypeError, ValueError):
            return None


@contextmanager
def image_file(image: Image.Image):
    """The image as an uncompressed TIFF file for Tesseract: pytesseract's own
    PNG encoding of a phone photo costs a tenth of the OCR run itself, and
    Leptonica reads a PGM byte by byte (3-5 % of Tesseract's CPU on the
    English fixtures; the same words either way). No resolution is written:
    Tesseract estimates it from the text, as it did from the PGM."""
    with tempfile.NamedTemporaryFile(suffix=".tif") as handle:
        image.save(handle, format="TIFF")
        handle.flush()
        yield handle.name
