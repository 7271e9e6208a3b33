"""The engine's heavy imports wait for a page, unless the process warms the engine at start."""

import subprocess
import sys

HEAVY = ("cv2", "page_dewarp", "scipy.optimize")

PROGRAM = """
import sys
from pathlib import Path
{setup}
heavy = {heavy!r}
print(",".join(m for m in heavy if m in sys.modules))
"""


def imported_after(setup: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", PROGRAM.format(setup=setup, heavy=HEAVY)],
                         capture_output=True, text=True, check=True).stdout.strip()
    return [m for m in out.split(",") if m]


def test_importing_or_making_the_engine_imports_none_of_them():
    assert imported_after("from storytime.ocr.tesseract import TesseractDetectText\nTesseractDetectText()") == []


def test_warming_the_engine_imports_them_all():
    assert imported_after("from storytime.ocr.tesseract import TesseractDetectText\n"
                          "TesseractDetectText().warm()") == list(HEAVY)


def test_the_local_server_s_real_engines_are_warmed_when_made_in_its_process(tmp_path):
    """Reading in the server process (STORYTIME_READER_PROCESSES=0); the worker processes are warmed
    too (tests/contract/test_reader_processes.py)."""
    setup = ("from storytime.local.config import LocalSettings\nfrom storytime.local.runtime import default_engines\n"
             f"default_engines(Path({str(tmp_path)!r}), None, LocalSettings(reader_processes=0))")
    assert imported_after(setup) == list(HEAVY)
