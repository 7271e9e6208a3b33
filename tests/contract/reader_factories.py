"""Readers for worker processes in the tests (made by dotted name in each spawned worker)."""

import os
import time

from storytime.errors import UnreadableImage


def misbehaving_reader():
    """Answers like the reader, or dies, hangs or refuses on the bytes it is sent."""

    def read(image_bytes: bytes, language: str | None = None) -> dict:
        if image_bytes == b"die":
            os._exit(3)  # as a crash in libtesseract or the OOM killer would end it
        if image_bytes == b"hang":
            time.sleep(3600)
        if image_bytes == b"unreadable":
            raise UnreadableImage("not a page")
        return {"TextDetections": [], "pid": os.getpid(), "language": language,
                "nice": os.getpriority(os.PRIO_PROCESS, 0)}

    return read


def broken_reader():
    raise RuntimeError("no model to load")


def dying_reader():
    def read(image_bytes: bytes, language: str | None = None) -> dict:
        os._exit(3)

    return read


def hanging_reader():
    def read(image_bytes: bytes, language: str | None = None) -> dict:
        time.sleep(3600)

    return read


def echo_reader():
    """Says what it was sent: the digest and length of the bytes it was handed."""
    import hashlib

    def read(image_bytes: bytes, language: str | None = None) -> dict:
        return {"sha256": hashlib.sha256(image_bytes).hexdigest(), "bytes": len(image_bytes)}

    return read


def frozen_count_reader():
    """Says how many objects its worker keeps out of the collector's walks."""
    import gc

    def read(image_bytes: bytes, language: str | None = None) -> dict:
        return {"frozen": gc.get_freeze_count()}

    return read
