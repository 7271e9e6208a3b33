"""The page as Tesseract reads it: the upload decoded grey and fitted to
``max_side``, turned upright by quarter turns, straightened, its light evened.

A small skew (a phone photo held a few degrees off, up to ``max_skew``) is
measured after the quarter turn from the image itself (``estimate_skew``:
projection profiles of the ink) and straightened before OCR, since Tesseract
reads badly beyond about 3 degrees. The polygons are mapped back to the input
image exactly (``unrotate_point``), so on a skewed photo they are slanted, as
Rekognition's are; ``BoundingBox`` is the axis-aligned box around them.

A page whose lines curve (a book held open) is flattened instead of deskewed
(``ocr.dewarp``: measured on every page, cheaply; flat pages go on as they
are). Its polygons are mapped back through the flattening's own pixel map
(``Warp.to_source``): each corner lands where that point of the text is in
the photo, so a word's polygon follows its curved line, roughly.
"""
from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

from storytime.errors import UnreadableImage
from storytime.ocr.dewarp import flatten_if_curved
from storytime.ocr.frames import rotated
from storytime.ocr.light import even_out
from storytime.ocr.reading import Frame
from storytime.ocr.scale import fitted_size
from storytime.ocr.skew import estimate_skew, fanned, working_copy

# Clockwise rotation (degrees) that makes the page upright -> PIL transpose.
_TRANSPOSE = {
    90: Image.Transpose.ROTATE_270,   # PIL's ROTATE_* turn counter-clockwise
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}


class PagePreparation:
    """The engine's page preparation (a part of ``TesseractDetectText``, whose
    ``max_side``, ``max_skew``, ``min_skew``, ``even_light`` and ``curved`` it uses)."""

    def _open(self, image_bytes: bytes) -> Image.Image:
        """The upload as the engine reads it at full size: grey, at most ``max_side``."""
        return self._fit(self._decode(image_bytes))

    def _fit(self, image: Image.Image) -> Image.Image:
        """``image`` with its longer side brought down to ``max_side`` (LANCZOS)."""
        size = fitted_size(image.size, self.max_side)
        return image if size == image.size else image.resize(size, Image.LANCZOS)

    def _decode(self, image_bytes: bytes) -> Image.Image:
        """The upload decoded and grey, at its stored size."""
        if not isinstance(image_bytes, (bytes, bytearray, memoryview)) or not image_bytes:
            raise UnreadableImage("InvalidImageFormatException: empty or non-bytes image")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                image = Image.open(io.BytesIO(image_bytes))
                image.load()
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
                Image.DecompressionBombError) as exc:
            raise UnreadableImage(f"InvalidImageFormatException: not a readable image ({exc})") from exc
        return self._grayscale(image)

    @staticmethod
    def _grayscale(image: Image.Image) -> Image.Image:
        if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
            rgba = image.convert("RGBA")
            background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            image = Image.alpha_composite(background, rgba)
        if image.mode.startswith(("I", "F")):
            # 16/32-bit grey: stretch its actual range onto 0..255.
            image = image.convert("F")
            low, high = image.getextrema()
            scale = 255.0 / (high - low) if high > low else 0.0
            image = image.point(lambda v: (v - low) * scale)
        return image.convert("L")

    @staticmethod
    def _rotate(image: Image.Image, rotation: int) -> Image.Image:
        return image.transpose(_TRANSPOSE[rotation]) if rotation else image

    def _straighten(self, image: Image.Image, rotation: int) -> tuple[Image.Image, Frame]:
        """Quarter-turn ``image`` upright, then flatten it if it curves, else
        undo its small skew."""
        turned = self._rotate(image, rotation)
        flat = flatten_if_curved(turned, self.curved) if self.curved is not None else None
        if flat is not None:
            upright, warp = flat
            return self._light(upright), Frame(rotation, 0.0, turned.size, upright.size, warp)
        small = working_copy(turned) if self.max_skew > 0 else turned    # scaled down once, for both
        skew = estimate_skew(small, self.max_skew, self.min_skew) if self.max_skew > 0 else 0.0
        if abs(skew) < max(self.min_skew, 1e-9) or fanned(small, self.max_skew):
            return self._light(turned), Frame(rotation, 0.0, turned.size, turned.size)
        # The corners the turn uncovers take the colour of the image's own
        # border: white corners against a photo's dark background cost the
        # two-column photo the left ends of its first lines (2.7 % CER; raw
        # tesseract, not turned, 0.8 %).
        upright = rotated(turned, skew, border_grey(turned))
        return self._light(upright), Frame(rotation, skew, turned.size, upright.size)

    def _light(self, upright: Image.Image) -> Image.Image:
        """Paper lit unevenly evened out (``ocr.light``), when measured so."""
        return even_out(upright) if self.even_light else upright


def border_grey(image: Image.Image) -> int:
    """Median grey of a greyscale image's outermost pixels (its background
    where the page does not fill the frame)."""
    width, height = image.size
    ring = [image.crop(box) for box in ((0, 0, width, 1), (0, height - 1, width, height),
                                        (0, 0, 1, height), (width - 1, 0, width, height))]
    histogram = [sum(counts) for counts in zip(*(strip.histogram() for strip in ring))]
    half, seen = sum(histogram) / 2, 0
    for grey, count in enumerate(histogram):
        seen += count
        if seen >= half:
            return grey
    return 255
