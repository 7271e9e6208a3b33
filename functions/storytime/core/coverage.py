"""Can Rekognition's DetectText answer be the whole page? Its documented limits say when not.

Rekognition returns at most 100 words and reads Latin script only. Its answer
falls short of the page when it hit the word limit (a book page holds 150-600
words), found no word at all (a blank page, or a script it does not read), or
doubts at least half of what it found (an unread script comes back as a few
low-confidence fragments). The workflow then reads the page with the Tesseract
reader instead.
"""

from __future__ import annotations

REKOGNITION_MAX_WORDS = 100
DOUBTFUL_BELOW = 80.0  # Rekognition's confidence, 0-100


def rekognition_shortfall(detections: list[dict]) -> str | None:
    """Why this DetectText answer cannot be the whole page, or None when it can."""
    words = [d for d in detections if d.get("Type") == "WORD"]
    if len(words) >= REKOGNITION_MAX_WORDS:
        return "WORD_LIMIT"
    if not words:
        return "NO_LATIN_TEXT"
    doubtful = sum(1 for w in words if w.get("Confidence", 100.0) < DOUBTFUL_BELOW)
    if 2 * doubtful >= len(words):
        return "DOUBTFUL_SCRIPT"
    return None
