"""What one Tesseract reading of a page is: its words, lines, and the frame
that maps the image read back to the input image (``ocr.tesseract``)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from PIL import Image

from storytime.ocr.dewarp import Warp
from storytime.ocr.frames import unrotate_point

_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
# A real word has a letter or digit in it (not a lone mark or rule).
ALNUM = re.compile(r"\w", re.UNICODE)


@dataclass
class Word:
    text: str
    conf: float
    left: float
    top: float
    width: float
    height: float
    parts: tuple = ()   # the engine's pieces joined into this word (a Korean word's syllables)


@dataclass
class Line:
    words: list[Word] = field(default_factory=list)
    block: tuple = ()        # Tesseract's (page, block) and (page, block, paragraph)
    paragraph: tuple = ()


@dataclass(frozen=True)
class Frame:
    """How the image Tesseract read was made from the input image: first a
    clockwise quarter turn (``rotation``), then ``turned.rotate(skew,
    expand=True)`` (``skew`` counter-clockwise degrees, 0 = not turned), or,
    for a curved page, flattened instead (``warp``, see ``ocr.dewarp``)."""
    rotation: int
    skew: float
    turned_size: tuple[int, int]     # after the quarter turn
    upright_size: tuple[int, int]    # after the skew turn (or the flattening)
    warp: Warp | None = None

    def to_turned(self, x: float, y: float) -> tuple[float, float]:
        """A pixel point of the upright image -> the same point in the quarter-turned one."""
        if self.warp is not None:
            return self.warp.to_source(x, y)
        return unrotate_point(x, y, self.skew, self.turned_size, self.upright_size)


@dataclass
class Reading:
    lines: list[Line]
    width: int          # size of the image Tesseract read (upright frame,
    height: int         # possibly scaled from frame.upright_size)
    psm: int
    frame: Frame | None = None
    languages: str = ""     # the -l it was read with
    image: Image.Image | None = field(default=None, repr=False)    # the image read
    lines_read: int = 0     # lines Tesseract read, before those too weak to be text were dropped

    @property
    def words(self) -> list[Word]:
        return [w for line in self.lines for w in line.words]

    @property
    def score(self) -> float:
        """Mean confidence x word count (= summed confidence) of real words."""
        return sum(w.conf for w in self.words if ALNUM.search(w.text))

    @property
    def text(self) -> str:
        return "\n".join(" ".join(w.text for w in line.words) for line in self.lines)

    @property
    def mean_conf(self) -> float:
        words = self.words
        return sum(w.conf for w in words) / len(words) if words else 0.0

    @property
    def hangul_fraction(self) -> float:
        text = "".join(w.text for w in self.words)
        letters = [c for c in text if c.isalpha()]
        if not letters:
            return 0.0
        return sum(1 for c in letters if _HANGUL.match(c)) / len(letters)
