"""Validate and normalise an uploaded page photo.

Runs in the upload Lambda, so it only uses Pillow (and pillow-heif's opener)
on bytes in memory: no other IO.

What comes out is something every OCR engine we use can take as is: a JPEG or
PNG, upright (EXIF orientation applied), at most :data:`MAX_OUTPUT_SIDE`
pixels on its long side and at most :data:`MAX_OUTPUT_BYTES` bytes.

Output limits, and why these numbers:

* Amazon Rekognition ``DetectText`` accepts at most 5 MB when the image is
  passed as bytes (15 MB through S3); Amazon Textract's synchronous APIs take
  at most 10 MB. 5 MB fits every engine in either calling style, so the
  workflow never has to care how an image reaches the engine.
* 4096 px on the long side is ~350 dpi for an A4/letter page photographed
  edge to edge, more than OCR needs (Tesseract is tuned for ~300 dpi), and it
  lets the common 12 MP phone photo (4032 x 3024) through untouched.
  Larger photos (24 MP and up) are downscaled, which also keeps OCR fast.

The input limits (``max_bytes``, ``max_pixels``) are separate: they decide
what we refuse, the output limits decide what we shrink.
"""

from __future__ import annotations

import io
import struct
import warnings
import zlib
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageFile, ImageOps

from storytime.core.limits import MAX_UPLOAD_BYTES, MAX_UPLOAD_PIXELS
from storytime.errors import (
    CorruptImage,
    EmptyUpload,
    ImageTooLarge,
    PayloadTooLarge,
    UnsupportedMediaType,
)

pillow_heif.register_heif_opener()

MAX_OUTPUT_BYTES = 5 * 1024 * 1024
MAX_OUTPUT_SIDE = 4096
JPEG_QUALITY = 92
# The page is re-encoded while its uploader waits, and OCR reads it straight after:
# speed over the last bytes. zlib level 1 writes a 1680 x 1048 page in a quarter of
# level 6's time for ~20 % more bytes; JPEG's optimised Huffman tables cost 3x the
# encode for ~2 % (measured on the bench's fixtures).
PNG_COMPRESS_LEVEL = 1
# Up to this many bytes of pixels a PNG is stored without compression: the page is written once
# and decoded again at once by OCR, and zlib costs more than the bytes it saves (a 1680 x 1048
# palette page: 43 ms of encoding and decoding at level 1, 2 ms stored, 0.9 -> 1.8 MB).
STORED_PNG_PIXEL_BYTES = 2 * 1024 * 1024
# PNG colour types of the 8-bit modes written stored by :func:`_png_unfiltered`.
_PNG_COLOUR_TYPES = {"L": 0, "RGB": 2, "LA": 4, "RGBA": 6}
_BYTES_PER_PIXEL = {"1": 0.125, "L": 1, "P": 1, "LA": 2, "I;16": 2, "RGB": 3, "RGBA": 4, "I": 4}

ACCEPTED_CONTENT_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/webp",
        "image/heic",
        "image/heif",
        "application/octet-stream",
    }
)

_EXPECTED = "expected JPEG, PNG, WebP or HEIC."
_NOT_AN_IMAGE = f"The file is not an image we can read: {_EXPECTED}"

# ISO-BMFF major brands that mean "HEIF still image" (the list pillow-heif's
# own opener accepts).
_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
)
_HEVC_BRANDS = _HEIF_BRANDS - {b"mif1", b"msf1"}
_AVIF_BRANDS = frozenset({b"avif", b"avis"})

_EXIF_ORIENTATION = 0x0112


@dataclass(frozen=True)
class PreparedImage:
    """A normalised upload: upright JPEG or PNG bytes, ready for OCR."""

    data: bytes
    content_type: str  # "image/jpeg" or "image/png"
    extension: str  # "jpg" or "png" (no dot)
    width: int
    height: int


# --------------------------------------------------------------------------
# public API


def prepare_upload(
    data: bytes,
    declared_type: str | None,
    *,
    max_bytes: int = MAX_UPLOAD_BYTES,
    max_pixels: int = MAX_UPLOAD_PIXELS,
) -> PreparedImage:
    """Validate ``data`` and return it as an upright JPEG or PNG.

    ``declared_type`` is the request's Content-Type (parameters such as
    ``; charset=...`` are ignored). It only gates the request: the format is
    always sniffed from the bytes.

    Raises :class:`EmptyUpload`, :class:`PayloadTooLarge`,
    :class:`UnsupportedMediaType`, :class:`CorruptImage` or
    :class:`ImageTooLarge`, each with a message fit to show to the user.
    """
    data = bytes(data) if not isinstance(data, bytes) else data
    if not data:
        raise EmptyUpload("The upload is empty: no image was received.")
    if len(data) > max_bytes:
        raise PayloadTooLarge(
            f"The file is {_mb(len(data))}; the largest photo we accept is {_mb(max_bytes)}."
        )
    _check_declared_type(declared_type)

    fmt = _sniff(data)  # "JPEG" | "PNG" | "WEBP" | "HEIF"
    im = _open_and_decode(data, fmt, max_pixels)
    try:
        return _normalise(im, fmt)
    finally:
        im.close()


# --------------------------------------------------------------------------
# validation


def _check_declared_type(declared_type: str | None) -> None:
    if declared_type is None:
        return
    media_type = declared_type.split(";", 1)[0].strip().lower()
    if not media_type:
        return
    if media_type not in ACCEPTED_CONTENT_TYPES:
        raise UnsupportedMediaType(
            f"The upload was sent as {media_type!r}, which is not an image we can read: {_EXPECTED}"
        )


def _sniff(data: bytes) -> str:
    """The format the bytes claim to be, from their magic numbers."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if len(data) >= 12 and data[4:8] == b"ftyp":
        major = data[8:12]
        if major in _HEIF_BRANDS and not _is_avif(data, major):
            return "HEIF"
        if major in _AVIF_BRANDS or _is_avif(data, major):
            raise UnsupportedMediaType(f"AVIF images are not supported: {_EXPECTED}")
    known = _known_other_format(data)
    if known:
        raise UnsupportedMediaType(f"{known} files are not supported: {_EXPECTED}")
    raise UnsupportedMediaType(_NOT_AN_IMAGE)


def _is_avif(data: bytes, major: bytes) -> bool:
    """A generic ``mif1``/``msf1`` HEIF whose compatible brands say AV1, not HEVC."""
    if major not in (b"mif1", b"msf1"):
        return False
    (box_size,) = struct.unpack(">I", data[:4])
    compatible = data[16 : min(box_size, len(data), 256)]
    brands = {compatible[i : i + 4] for i in range(0, len(compatible) - 3, 4)}
    return bool(brands & _AVIF_BRANDS) and not brands & _HEVC_BRANDS


def _known_other_format(data: bytes) -> str | None:
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if data.startswith(b"BM"):
        return "BMP"
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return "TIFF"
    if data.startswith(b"%PDF"):
        return "PDF"
    return None


def _open_and_decode(data: bytes, fmt: str, max_pixels: int) -> Image.Image:
    """Open with the sniffed format's decoder only, check size, decode fully."""
    what = {"JPEG": "a JPEG", "PNG": "a PNG", "WEBP": "a WebP", "HEIF": "a HEIC"}[fmt]
    corrupt = (
        f"The image could not be read: the file looks like {what} but is damaged or "
        "incomplete. Please take or upload the photo again."
    )
    # A truncated image must fail, never be padded with grey.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with warnings.catch_warnings():
        # Pillow warns (then errors) on huge headers; both mean "too large".
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            im = Image.open(io.BytesIO(data), formats=[fmt])
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageTooLarge(
                f"The image is too large: the largest we accept is {_mp(max_pixels)}."
            ) from exc
        except MemoryError:
            raise
        except Exception as exc:  # any parse failure of a file with a good magic number
            raise CorruptImage(corrupt) from exc

        # Header is parsed, no pixel decoded yet: refuse bombs here.
        try:
            _check_pixels(im.size, max_pixels)
            im.load()
            # Some decoders (HEIF) only know the final size after decoding.
            _check_pixels(im.size, max_pixels)
        except ImageTooLarge:
            im.close()
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            im.close()
            raise ImageTooLarge(
                f"The image is too large: the largest we accept is {_mp(max_pixels)}."
            ) from exc
        except MemoryError:
            im.close()
            raise
        except Exception as exc:
            im.close()
            raise CorruptImage(corrupt) from exc
    return im


def _check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    width, height = size
    if width <= 0 or height <= 0:
        raise CorruptImage("The image could not be read: it has no pixels.")
    if width * height > max_pixels:
        raise ImageTooLarge(
            f"The image is {width} x {height} pixels ({_mp(width * height)}); "
            f"the largest we accept is {_mp(max_pixels)}."
        )


# --------------------------------------------------------------------------
# normalisation


def _normalise(im: Image.Image, fmt: str) -> PreparedImage:
    """Always a fresh encoding of the decoded pixels, never the uploaded bytes.

    The stored page is served by link: a file with a ZIP or HTML appended, or
    a phone's EXIF (GPS position, camera serial), must not travel with it.
    """
    orientation = im.getexif().get(_EXIF_ORIENTATION, 1)
    needs_rotation = orientation in (2, 3, 4, 5, 6, 7, 8)
    out_format = "PNG" if fmt == "PNG" else "JPEG"

    upright = ImageOps.exif_transpose(im) if needs_rotation else im
    # An upright JPEG keeps its own quantisation tables: no second generation of loss.
    keep = im.format == "JPEG" and upright is im and im.mode in ("L", "RGB") and max(im.size) <= MAX_OUTPUT_SIDE
    if max(upright.size) > MAX_OUTPUT_SIDE:
        upright = _resize(_to_encodable(upright, out_format, resizing=True), MAX_OUTPUT_SIDE / max(upright.size))
    upright = _to_encodable(upright, out_format)
    encoded = _encode(upright, out_format, keep_quality=keep)
    for _ in range(12):
        if len(encoded) <= MAX_OUTPUT_BYTES:
            break
        # Bytes scale roughly with area; aim a little under the limit.
        scale = min(0.9, (MAX_OUTPUT_BYTES / len(encoded)) ** 0.5 * 0.95)
        upright = _resize(_to_encodable(upright, out_format, resizing=True), max(scale, 0.25))
        encoded = _encode(upright, out_format)
    else:  # pragma: no cover - 12 rounds shrink any image to a few pixels
        raise ImageTooLarge("The image could not be made small enough to read.")
    return _prepared(encoded, out_format, upright.size)


def _prepared(data: bytes, out_format: str, size: tuple[int, int]) -> PreparedImage:
    if out_format == "PNG":
        return PreparedImage(data, "image/png", "png", size[0], size[1])
    return PreparedImage(data, "image/jpeg", "jpg", size[0], size[1])


def _to_encodable(im: Image.Image, out_format: str, resizing: bool = False) -> Image.Image:
    """A mode the target encoder (and, ``resizing``, a LANCZOS resize) handles.

    A palette PNG stays a palette unless resized: a third of the pixel data to compress.
    """
    if out_format == "PNG":
        if im.mode == "1":
            return im.convert("L")
        if im.mode == "P" and resizing:
            has_alpha = im.mode == "P" and (
                "transparency" in im.info or im.palette.mode == "RGBA"
            )
            return im.convert("RGBA" if has_alpha else "RGB")
        if im.mode in ("L", "LA", "RGB", "RGBA", "I;16", "I", "P"):
            return im
        return im.convert("RGBA" if "A" in im.getbands() else "RGB")
    # JPEG: no alpha. A page photo with transparency goes on white paper.
    if im.mode in ("L", "RGB"):
        return im
    if im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        im.mode == "P" and "transparency" in im.info
    ):
        rgba = im.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return im.convert("RGB")


def _resize(im: Image.Image, scale: float) -> Image.Image:
    width = max(1, round(im.width * scale))
    height = max(1, round(im.height * scale))
    return im.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _encode(im: Image.Image, out_format: str, keep_quality: bool = False) -> bytes:
    """Encode without EXIF (so no orientation tag), keeping the ICC profile."""
    buf = io.BytesIO()
    icc = im.info.get("icc_profile")
    params: dict = {"icc_profile": icc} if icc else {}
    if out_format == "JPEG":
        quality = "keep" if keep_quality else JPEG_QUALITY
        im.save(buf, "JPEG", quality=quality, **params)
    else:
        pixel_bytes = im.width * im.height * _BYTES_PER_PIXEL.get(im.mode, 4)
        stored = pixel_bytes <= min(STORED_PNG_PIXEL_BYTES, MAX_OUTPUT_BYTES // 2)
        if stored and not icc and im.mode in _PNG_COLOUR_TYPES:
            return _png_unfiltered(im)
        im.save(buf, "PNG", compress_level=0 if stored else PNG_COMPRESS_LEVEL, **params)
    return buf.getvalue()


def _png_unfiltered(im: Image.Image) -> bytes:
    """A stored PNG of 8-bit pixels, every row unfiltered (filter type 0).

    Pillow picks a filter for every row by trying several, even at compress_level 0, where
    nothing is compressed and the filters buy nothing: 10-20 ms on a 629 x 420 RGBA sign
    (1 MB of pixels), against ~1 ms here, while its uploader waits.
    """
    width, height = im.size
    stride = width * len(im.getbands())
    pixels = im.tobytes()
    rows = b"".join(b"\x00" + pixels[y * stride:(y + 1) * stride] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, _PNG_COLOUR_TYPES[im.mode], 0, 0, 0)
    # Joined once: each ``+`` of a megabyte's chunk copied all of it again (3.9 -> 2.7 ms on the sign).
    return b"".join([b"\x89PNG\r\n\x1a\n", *_chunk(b"IHDR", header), *_chunk(b"IDAT", zlib.compress(rows, 0)),
                     *_chunk(b"IEND", b"")])


def _chunk(kind: bytes, data: bytes) -> list[bytes]:
    return [struct.pack(">I", len(data)), kind, data, struct.pack(">I", zlib.crc32(data, zlib.crc32(kind)))]


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


def _mp(pixels: int) -> str:
    return f"{round(pixels / 1_000_000, 1):g} megapixels"
