"""Rekognition DetectText's documented limits, applied to a local engine's answer.

On one machine DetectText is answered by the Tesseract engine, which reads any
number of words, Korean too. Amazon Rekognition returns at most 100 words and
reads Latin script only. Answering with those limits keeps the Rekognition path
honest locally, so the workflow's fallback to the dense-page reader runs for
real wherever the Rekognition reader is chosen.
"""

from __future__ import annotations

import unicodedata

MAX_WORDS = 100
ENGINE_ONLY = ("BlockId", "ParagraphId")  # what our Tesseract engine adds to Rekognition's shape


def is_latin(text: str) -> bool:
    """Latin letters, digits and punctuation only: what Rekognition can return."""
    return all(not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN") for ch in text)


def within_limits(answer: dict) -> dict:
    """The first 100 Latin WORDs (the engine's reading order), and the LINEs made of them."""
    detections = answer.get("TextDetections", [])
    words = [d for d in detections if d["Type"] == "WORD" and is_latin(d["DetectedText"])][:MAX_WORDS]
    by_line: dict[int, list[str]] = {}
    for word in words:
        by_line.setdefault(word.get("ParentId"), []).append(word["DetectedText"])
    # Rekognition's LINEs carry no block or paragraph ids: without them the
    # text extraction orders the page from geometry, as it must on AWS.
    lines = [{**{k: v for k, v in d.items() if k not in ENGINE_ONLY}, "DetectedText": " ".join(by_line[d["Id"]])}
             for d in detections if d["Type"] == "LINE" and d["Id"] in by_line]
    return {**answer, "TextDetections": lines + words}
