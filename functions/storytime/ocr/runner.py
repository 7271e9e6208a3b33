"""The port through which the Tesseract engine runs Tesseract: one page image in, its words out.

Two adapters answer it the same (``tests/contract/test_tesseract_runner.py``
runs the same cases on both):

* ``runner_cli.CliRunner``: the ``tesseract`` program per run (pytesseract),
  a process, a temporary file and a model load each time.
* ``runner_api.ApiRunner``: libtesseract in this process (tesserocr), its
  models loaded once and kept warm between pages.

Which one the engine gets is chosen where the engines are composed
(``local.runtime.default_engines``, ``aws_deps.aws_reader_deps``).
"""

from __future__ import annotations

from typing import Protocol

from PIL import Image

# The columns of Tesseract's TSV output (the API's lacks the header line the program writes).
TSV_COLUMNS = ("level", "page_num", "block_num", "par_num", "line_num", "word_num",
               "left", "top", "width", "height", "conf", "text")
TSV_TEXT_COLUMN = TSV_COLUMNS.index("text")    # the one column kept as text

# Tesseract variables every run is made with, by both adapters. textord_all_prop:
# every text row is taken as proportional, so the layout skips its fixed-pitch
# search (tune_row_pitch, a search over each row's projection). The LSTM reads
# a row whole and never uses that pitch: the same words, boxes and confidences
# on every measured page (bench/same_pixels.py), 2-4 % less CPU a Korean read.
SETTINGS = {"textord_all_prop": "1"}


class Runner(Protocol):
    def run(self, image: Image.Image, psm: int, languages: str) -> tuple[dict, str]:
        """One recognition of ``image`` in page segmentation mode ``psm`` with
        ``languages`` (a ``-l`` value, e.g. ``"kor+eng"``): its word table as
        pytesseract's TSV dict (column -> values) and its text output.
        Raises ``EngineError`` when Tesseract cannot run (an unknown
        language, no Tesseract, a run beyond its timeout)."""

    def osd(self, image: Image.Image, characters: int) -> tuple[int, float, str] | None:
        """Orientation and script detection (``--psm 0``) after at most
        ``characters`` characters: (clockwise degrees to turn the page
        upright, orientation confidence, script name), or None when OSD has
        no opinion (too few characters)."""

    def warm(self, languages: tuple[str, ...]) -> None:
        """Pays the one-time costs of running with ``languages`` now."""
