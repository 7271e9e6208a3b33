"""Where the lines of text are on a photo that is not a page: a sign, a label, a poster.

Tesseract's layout analysis looks for lines of print on paper. On a sign photographed on a rough
wall it takes the wall for text and loses the letters: a two-line Korean sign read at 82 % CER,
a Korean road sign at 42 %. PaddleOCR's text detector (PP-OCRv4 "det", a DB network of 4.7 MB
shipped in this package, ``models/``) marks each line of text on a photo, whatever its script,
and runs in OpenCV's dnn module, which the engine already has. Each line is then read by
Tesseract on its own (``ReadingStrategy._read_lines_found``): the same two signs read at 7 % and
19 %. Only used when a page reads poorly and OSD has no opinion: a page never pays for it.
"""
from __future__ import annotations

import threading
from pathlib import Path

from PIL import Image

MODEL = Path(__file__).with_name("models") / "ch_PP-OCRv4_det_infer.onnx"
# The photo's longer side as the detector sees it (a multiple of 32): letters of a sign stay
# several pixels high, and it costs ~0.35 s of CPU at most (a 736 x 960 input, one thread).
SIDE = 960
# PaddleOCR's DB post-processing: a pixel is text above THRESHOLD, a line kept when its mean is
# above BOX_THRESHOLD; the network marks a line's core, so its box is grown by UNCLIP of its
# height on each side (Tesseract reads a line badly without a margin around it).
THRESHOLD, BOX_THRESHOLD, UNCLIP = 0.3, 0.6, 0.75
MIN_PIXELS = 10
# At most this many lines, the largest first: a photo of texture is not read piece by piece.
MAX_LINES = 40
# ImageNet's mean and spread per channel (RGB), as the network was trained.
MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)

_net = None
_net_lock = threading.Lock()


def load() -> None:
    """Loads the network once per process (~40 ms); later calls return at once."""
    global _net
    with _net_lock:
        if _net is None:
            import cv2

            _net = cv2.dnn.readNetFromONNX(str(MODEL))
            # One thread, as Tesseract has (OMP_THREAD_LIMIT=1): the engines' CPU is counted per page,
            # and two pages at once keep both cores busy.
            cv2.setNumThreads(1)


def find_lines(image: Image.Image) -> list[tuple[int, int, int, int]]:
    """The boxes (left, top, right, bottom; pixels of ``image``, a margin included) of the lines of
    text the detector finds, top to bottom, at most :data:`MAX_LINES`."""
    import cv2
    import numpy as np

    load()
    width, height = image.size
    scale = min(1.0, SIDE / max(height, width))
    size = (max(32, round(width * scale / 32) * 32), max(32, round(height * scale / 32) * 32))
    # Shrunk before it is made RGB (its grey copied into three channels): the same pixels, a third of the work.
    small = np.asarray(image.resize(size, Image.Resampling.BOX).convert("RGB"), dtype=np.float32) / 255
    blob = (small - MEAN) / STD
    with _net_lock:  # one forward pass at a time per network
        _net.setInput(blob.transpose(2, 0, 1)[None].astype(np.float32))
        text = _net.forward()[0, 0]
    count, labels, stats, _ = cv2.connectedComponentsWithStats((text > THRESHOLD).astype(np.uint8))
    # Each component's mean in one pass over the map (not one pass per component).
    means = np.bincount(labels.ravel(), weights=text.ravel(), minlength=count) / np.maximum(stats[:, 4], 1)
    sx, sy = width / size[0], height / size[1]
    boxes = []
    for label in range(1, count):
        left, top, w, h, pixels = stats[label]
        if pixels < MIN_PIXELS or means[label] < BOX_THRESHOLD:
            continue
        grow = UNCLIP * h
        boxes.append((pixels, (max(0, round((left - grow) * sx)), max(0, round((top - grow) * sy)),
                               min(width, round((left + w + grow) * sx)), min(height, round((top + h + grow) * sy)))))
    kept = [box for _, box in sorted(boxes, reverse=True)[:MAX_LINES]]
    return sorted(kept, key=lambda box: (box[1], box[0]))


def line_blocks(boxes: list[tuple[int, int, int, int]]) -> list[list[tuple[int, int, int, int]]]:
    """``boxes`` (top to bottom) in blocks, each read top to bottom before the next: a line joins the
    block whose last line it sits under (overlapping it across, less than its own height below it:
    the heights include the margins).
    A road sign's two columns, "서울 / Seoul / 56Km" beside "평양 / Pyeongyang / 205Km", are two
    blocks, read one after the other as the sign means them."""
    blocks: list[list[tuple[int, int, int, int]]] = []
    for box in boxes:
        left, top, right, bottom = box
        for block in blocks:
            last = block[-1]
            if min(right, last[2]) > max(left, last[0]) and top - last[3] < bottom - top:
                block.append(box)
                break
        else:
            blocks.append([box])
    return blocks
