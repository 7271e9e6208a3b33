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
