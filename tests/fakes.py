"""Fake engines for workflow and API tests (the contract tests run the real ones).

They answer in the same shapes as the real local engines, count their calls,
and let a test inject AWS faults.
"""

from __future__ import annotations

import io
import random
import threading

from PIL import Image


def detection(text: str, ident: int, top: float, left: float = 0.1, height: float = 0.03,
              kind: str = "LINE", parent: int | None = None) -> dict:
    width = min(0.8, 0.012 * max(len(text), 1))
    box = {"Width": width, "Height": height, "Left": left, "Top": top}
    polygon = [{"X": left, "Y": top}, {"X": left + width, "Y": top},
               {"X": left + width, "Y": top + height}, {"X": left, "Y": top + height}]
    item = {"DetectedText": text, "Type": kind, "Id": ident, "Confidence": 97.0,
            "Geometry": {"BoundingBox": box, "Polygon": polygon}}
    if parent is not None:
        item["ParentId"] = parent
    return item


def detect_text_response(lines: list[str]) -> dict:
    """A Rekognition DetectText answer for an upright page of ``lines``."""
    detections, words, next_id = [], [], len(lines)
    for n, line in enumerate(lines):
        top = 0.1 + n * 0.05
        detections.append(detection(line, n, top))
        left = 0.1
        for word in line.split():
            words.append(detection(word, next_id, top, left=left, kind="WORD", parent=n))
            left += 0.012 * (len(word) + 1)
            next_id += 1
    return {"TextDetections": detections + words, "TextModelVersion": "3.0"}


class FakeOcr:
    def __init__(self, lines: list[str] | None = None):
        self.lines = lines if lines is not None else ["Once upon a time there was a small", "fox who loved to read."]
        self.calls = 0
        self.languages: list[str | None] = []   # the language named with each call
        self._lock = threading.Lock()

    def __call__(self, image: bytes, language: str | None = None) -> dict:
        with self._lock:
            self.calls += 1
            self.languages.append(language)
        return detect_text_response(self.lines)


class FakeSpeech:
    def __init__(self):
        self.calls: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def synthesize_mp3(self, text: str, voice: str) -> bytes:
        with self._lock:
            self.calls.append((text, voice))
        return b"\xff\xfb" + text.encode("utf-8")

    def speech_marks(self, text: str, voice: str, types: tuple[str, ...] = ("sentence",)) -> list[dict]:
        """One sentence mark at 0 ms for the whole text, if asked for (the real engine's are checked in e2e)."""
        end = len(text.encode("utf-8"))
        return [{"time": 0, "type": "sentence", "start": 0, "end": end, "value": text}] if "sentence" in types else []


class FakeOutbox:
    def __init__(self):
        self.sent: list[dict] = []

    def send(self, to, subject, body):
        self.sent.append({"to": to, "subject": subject, "body": body})


def page_photo(seed: int | None = None, size=(64, 48)) -> bytes:
    """A small PNG with unique pixels: a new page for the content id."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, "white")
    image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(size[0] * size[1])])
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


class Flaky:
    """Raise ``error`` for the first ``times`` calls, then behave like ``operation``."""

    def __init__(self, operation, error, times: int):
        self.operation, self.error, self.times = operation, error, times
        self.calls = 0

    def __call__(self, params):
        self.calls += 1
        if self.calls <= self.times:
            raise self.error
        return self.operation(params)


class GatedOcr(FakeOcr):
    """OCR that waits for the test to open the gate: keeps a page 'in progress'.

    With ``hang_first`` the first call never returns (a lost execution's call):
    ``calls`` counts only the calls that answered.
    """

    def __init__(self, lines=None):
        super().__init__(lines)
        self.gate = threading.Event()
        self.entered = threading.Event()
        self.hang_first = False
        self.closing = threading.Event()
        self._started = 0

    def __call__(self, image: bytes, language: str | None = None) -> dict:
        with self._lock:
            self._started += 1
            first = self._started == 1
        self.entered.set()
        if not self.gate.wait(60):
            raise AssertionError("the test never opened the OCR gate")
        if first and self.hang_first:
            self.closing.wait(120)
            raise TimeoutError("a lost execution's OCR call")
        return super().__call__(image, language)


def png_claiming_size(width: int, height: int) -> bytes:
    """A valid small PNG whose header claims width x height (a decompression bomb's shape)."""
    import struct
    import zlib

    data = bytearray(page_photo(0, size=(2, 2)))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF)
    return bytes(data)
