"""A reading (``ocr.reading``) -> the JSON shape Rekognition ``DetectText``
answers with::

    {"TextDetections": [LINE..., WORD...], "TextModelVersion": "3.0"}

* LINE items come first (``Id`` 0..n-1, Tesseract reading order), then WORD
  items (``Id`` continuing from n, ``ParentId`` = the LINE's ``Id``, in reading
  order within the line), as Rekognition orders them.
* Beyond Rekognition's fields, each LINE carries Tesseract's segmentation:
  ``BlockId`` and ``ParagraphId`` (0.., numbered in reading order), so the
  text extraction can keep the engine's order (``core.hierarchy``).
* ``Geometry`` is normalised (0..1) to the image exactly as its pixels are
  stored (EXIF orientation is *not* applied, as Rekognition does not apply it
  to the coordinates it returns).
* ``Polygon`` has 4 points in the text's own order: its top-left corner, then
  clockwise as the text reads (top-right, bottom-right, bottom-left). For a
  page photographed upside down the first point is therefore at the image's
  lower right. ``BoundingBox`` is the axis-aligned box around the polygon.
"""
from __future__ import annotations

from storytime.ocr.frames import to_original
from storytime.ocr.reading import Reading

TEXT_MODEL_VERSION = "3.0"


def detections(reading: Reading) -> dict:
    """``reading`` as Rekognition answers ``DetectText`` (see above)."""
    lines_out: list[dict] = []
    words_out: list[dict] = []
    word_id = sum(1 for _ in reading.lines)
    blocks: dict[tuple, int] = {}
    paragraphs: dict[tuple, int] = {}
    for line_id, line in enumerate(reading.lines):
        left = min(w.left for w in line.words)
        top = min(w.top for w in line.words)
        right = max(w.left + w.width for w in line.words)
        bottom = max(w.top + w.height for w in line.words)
        lines_out.append({
            "DetectedText": " ".join(w.text for w in line.words),
            "Type": "LINE",
            "Id": line_id,
            "Confidence": sum(w.conf for w in line.words) / len(line.words),
            "Geometry": _geometry(left, top, right, bottom, reading),
            "BlockId": blocks.setdefault(line.block, len(blocks)),
            "ParagraphId": paragraphs.setdefault(line.paragraph, len(paragraphs)),
        })
        for word in line.words:
            words_out.append({
                "DetectedText": word.text,
                "Type": "WORD",
                "Id": word_id,
                "ParentId": line_id,
                "Confidence": float(word.conf),
                "Geometry": _geometry(word.left, word.top, word.left + word.width,
                                      word.top + word.height, reading),
            })
            word_id += 1
    return {"TextDetections": lines_out + words_out, "TextModelVersion": TEXT_MODEL_VERSION}


def _geometry(left: float, top: float, right: float, bottom: float, reading: Reading) -> dict:
    """Box in the frame Tesseract read -> Rekognition geometry in the input frame."""
    frame = reading.frame
    assert frame is not None
    sx = frame.upright_size[0] / reading.width      # the read image may be scaled
    sy = frame.upright_size[1] / reading.height
    tw, th = frame.turned_size
    points = []
    for x, y in ((left, top), (right, top), (right, bottom), (left, bottom)):   # text order
        x, y = frame.to_turned(x * sx, y * sy)
        u, v = to_original(x / tw, y / th, frame.rotation)
        points.append((min(max(u, 0.0), 1.0), min(max(v, 0.0), 1.0)))
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return {
        "BoundingBox": {"Width": max(xs) - min(xs), "Height": max(ys) - min(ys),
                        "Left": min(xs), "Top": min(ys)},
        "Polygon": [{"X": x, "Y": y} for x, y in points],
    }
