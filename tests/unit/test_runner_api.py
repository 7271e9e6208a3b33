"""The in-process runner's two ways to go slow without a wrong answer: OpenMP
threads spinning (OMP_THREAD_LIMIT must be set before libtesseract loads), and
a model loaded per page (the local server reads each page in a new thread)."""
from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest
from PIL import Image, ImageDraw
from storytime.ocr import runner_api
from storytime.ocr.runner_api import ApiRunner

THREAD_LIMIT = "import ctypes; print(ctypes.CDLL('libgomp.so.1').omp_get_thread_limit())"


def python(program: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"}
    return subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env, check=False)


def test_importing_the_runner_limits_openmp_to_one_thread():
    done = python(f"import storytime.ocr.runner_api; {THREAD_LIMIT}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"


def test_libtesseract_loaded_before_the_limit_is_refused():
    done = python("import tesserocr; import storytime.ocr.runner_api")
    assert done.returncode != 0
    assert "OMP_THREAD_LIMIT" in done.stderr


def line_of_text() -> Image.Image:
    image = Image.new("L", (360, 60), 255)
    ImageDraw.Draw(image).text((10, 20), "the cat sat on the mat", fill=0, font_size=24)
    return image


def test_a_model_is_loaded_once_for_pages_read_one_after_another_in_new_threads(monkeypatch):
    made = []
    original = runner_api._new_api
    monkeypatch.setattr(runner_api, "_new_api", lambda languages: made.append(languages) or original(languages))
    runner = ApiRunner()
    texts = []
    for _ in range(3):   # as the local server reads pages: each workflow in a thread of its own
        thread = threading.Thread(target=lambda: texts.append(runner.run(line_of_text(), 7, "eng")[1]))
        thread.start()
        thread.join()
    assert made == ["eng"]
    assert texts[0].strip() and texts == texts[:1] * 3


@pytest.mark.parametrize("keep", [1, 2])
def test_no_more_apis_are_kept_than_asked(keep):
    runner = ApiRunner(keep=keep)
    barrier = threading.Barrier(3)

    def read():
        with runner._api("eng"):
            barrier.wait()      # three in use at once

    threads = [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(runner._idle["eng"]) == keep
    runner.close()
    assert runner._idle == {}


class Words:
    """A result iterator over one line of scripted words (text, confidence, box)."""

    def __init__(self, words):
        self.words, self.at = words, 0

    def Empty(self, level):
        return self.at >= len(self.words)

    def IsAtBeginningOf(self, level):
        return self.at == 0

    def Next(self, level):
        self.at += 1

    def GetUTF8Text(self, level):
        return self.words[self.at][0]

    def Confidence(self, level):
        return self.words[self.at][1]

    def BoundingBox(self, level):
        return self.words[self.at][2] if level == runner_api.RIL.WORD else (0, 0, 90, 20)


class Tess:
    def __init__(self, words):
        self.words = words

    def GetIterator(self):
        return Words(self.words)

    def GetTSVText(self, page):
        return "tesseract's own table"


def test_the_word_table_has_tesseracts_rows_and_numbers():
    table = runner_api.word_table(Tess([("the", 96.5, (1, 2, 31, 12)), ("cat", 91.25, (35, 2, 60, 13))]), 100, 50)
    assert table == ("1\t1\t0\t0\t0\t0\t0\t0\t100\t50\t-1\t\n"
                     "2\t1\t1\t0\t0\t0\t0\t0\t90\t20\t-1\t\n"
                     "3\t1\t1\t1\t0\t0\t0\t0\t90\t20\t-1\t\n"
                     "4\t1\t1\t1\t1\t0\t0\t0\t90\t20\t-1\t\n"
                     "5\t1\t1\t1\t1\t1\t1\t2\t30\t10\t96.500000\tthe\n"
                     "5\t1\t1\t1\t1\t2\t35\t2\t25\t11\t91.250000\tcat\n")


def test_a_word_with_a_direction_mark_leaves_the_table_to_tesseract():
    words = [("the", 96.5, (1, 2, 31, 12)), ("\u200fשלום", 80.0, (35, 2, 60, 13))]
    assert runner_api.word_table(Tess(words), 100, 50) == "tesseract's own table"
