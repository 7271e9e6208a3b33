"""Read-along timings: the speech marks of a page's parts, made one file for the page's one MP3 (pure).

Polly writes speech marks as JSON lines, ``{"time": ms, "type": "sentence"|"word", "start": byte,
"end": byte, "value": text}``, each part's times from the start of that part's audio. The page
plays the parts joined, so each part's marks move by the length of the audio before it. The
byte offsets point into a part's text, not into the page's, so the page finds each mark by its
``value`` instead; only time, type and value are kept.
"""

from __future__ import annotations

import json

KINDS = ("sentence", "word")


def parse_marks(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]


def join_marks(parts: list[tuple[float, list[dict] | None]]) -> dict:
    """``parts``: (seconds of audio, its marks or None when it has none), in playing order."""
    marks, offset = [], 0.0
    for seconds, part_marks in parts:
        for mark in part_marks or []:
            if mark.get("type") in KINDS:
                marks.append({"time": round(offset * 1000) + int(mark["time"]), "type": mark["type"],
                              "value": mark["value"]})
        offset += seconds
    return {"version": 1, "marks": marks}
