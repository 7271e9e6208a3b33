"""The page reader (OCR) in warm worker processes: the local twin of the reader Lambda's sandboxes.

Tesseract's recognition releases the interpreter's lock, but a page's reading is more than that:
decoding, the script survey, straightening, the light and reading-order work are Python, numpy,
PIL and OpenCV calls that hold it. In the server process that lock is shared with the other
pages' workflows and every API request, so two pages read at once took turns on it (issue 8's
concurrency target). Here each page is read in a worker process of its own (one per core by
default): started once (spawn: the server has threads), its models loaded and its engine warmed
before the first page, at the engines' nice value so API requests never wait behind OCR.

A worker ends with the server, even a killed one. A worker that dies (a crash in libtesseract,
the OOM killer) or runs past ``timeout`` is ended and replaced (pebble); the call raises
:class:`EngineError`, which ReadPage's Retry tries once more and its Catch records as the page's
failure, as for a reader Lambda that crashed or timed out on AWS. Any other error the reader
raises (``UnreadableImage``...) reaches the caller as itself.

A page's image goes to the worker in a memory file (``memfd_create``) that the worker opens by
its /proc path, not through pebble's pipe: a megabyte in the pipe's 64 KB steps woke the niced
worker and the server's sending thread in turn a dozen times (the Korean sign's hop 3.1 -> 1.5 ms).
The file is the server's alone, closed after the call, and gone with the process however it ends.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

from storytime.local.warm_workers import WarmWorkers, settle_worker, start_worker

# What each worker reads with: a function returning a warmed reader, by dotted name (spawned
# processes import it themselves).
TESSERACT = "storytime.local.reader_processes.tesseract_reader"

_reader = None  # the worker's reader, made by _start
# Images at least this large go in a memory file; smaller ones fit the pipe in one step.
MEMORY_FILE_BYTES = 64 * 1024
_PROC_FD = "/proc/self/fd"


def tesseract_reader():
    """The product's reader, as the server process made it before: Tesseract in-process, warm."""
    from storytime.ocr.runner_api import ApiRunner
    from storytime.ocr.tesseract import TesseractDetectText

    ocr = TesseractDetectText(runner=ApiRunner(keep=1))  # one page at a time in a worker
    ocr.warm()
    return ocr


def _start(factory: str, nice: int) -> None:
    global _reader
    from storytime.functions import load_handler

    start_worker(nice)
    _reader = load_handler(factory)()
    settle_worker()  # the imports and models stay for the worker's life


def _read(image: bytes | str, language: str | None) -> dict:
    """``image``: the bytes, or the /proc path of the server's memory file holding them."""
    if isinstance(image, str):
        with open(image, "rb") as file:
            image = file.read()
    return _reader(image, language=language) if language else _reader(image)


@contextmanager
def _handed_over(image_bytes: bytes, memory_files: bool):
    """The image as the worker takes it: a path to a memory file of this process, or the bytes."""
    if not memory_files or len(image_bytes) < MEMORY_FILE_BYTES:
        yield image_bytes
        return
    fd = os.memfd_create("storytime-page", os.MFD_CLOEXEC)
    try:
        with memoryview(image_bytes) as view:
            written = 0
            while written < len(view):
                written += os.write(fd, view[written:])
        yield f"/proc/{os.getpid()}/fd/{fd}"
    finally:
        os.close(fd)


def _readable(image: bytes | str) -> bool:
    try:
        if isinstance(image, str):
            with open(image, "rb") as file:
                file.read(1)
        return True
    except OSError:
        return False


class ReaderProcesses:
    """``callable(image bytes, language=None) -> DetectText response``, each call in a worker process.

    :param size: worker processes (pages read at once).
    :param timeout: seconds a page may take before its worker is ended (under ReadPage's
        TimeoutSeconds, so the worker is gone before the workflow gives up on it).
    :param factory: dotted name of the function that makes a worker's reader.
    """

    niced_apart = True  # its processes run below the API: a caller's thread need not be lowered

    def __init__(self, size: int, nice: int = 10, timeout: float = 240.0, factory: str = TESSERACT):
        self.workers = WarmWorkers(size, _start, (factory, nice), "the reader's")
        self.size = self.workers.size
        self.timeout = timeout
        self.memory_files = hasattr(os, "memfd_create") and os.path.isdir(_PROC_FD)  # Linux

    def __call__(self, image_bytes: bytes, language: str | None = None) -> dict:
        with _handed_over(image_bytes, self.memory_files) as image:
            return self.workers.call(_read, (image, language), self.timeout,
                                     late=f"the reader did not finish within {self.timeout:g} s")

    def warm(self) -> set[int]:
        """Wait until the workers are up with their engines warm: the first pages are read as fast
        as the rest. Returns the workers' process ids."""
        pids = self.workers.warm(300)
        if self.memory_files:  # where a worker may not open this process's files (a locked-down /proc): the pipe
            with _handed_over(bytes(MEMORY_FILE_BYTES), True) as image:
                self.memory_files = self.workers.call(_readable, (image,), 60, late="a worker did not start in time")
        return pids

    def close(self) -> None:
        self.workers.close()
