"""prepare_upload: every acceptance rule, on images made in memory."""

from __future__ import annotations

import io
import random
import struct
import zlib

import pillow_heif
import pytest
from PIL import Image, ImageCms, ImageFile
from storytime.core import images
from storytime.core.images import PreparedImage, prepare_upload
from storytime.errors import (
    BadRequest,
    CorruptImage,
    EmptyUpload,
    ImageTooLarge,
    PayloadTooLarge,
    UnsupportedMediaType,
)

ORIENTATION = 0x0112

# --------------------------------------------------------------------------
# helpers


def encode(im: Image.Image, fmt: str, **params) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **params)
    return buf.getvalue()


def quadrants(size=(80, 40)) -> Image.Image:
    """Red top-left quadrant, everything else white: shows any rotation."""
    im = Image.new("RGB", size, "white")
    im.paste((255, 0, 0), (0, 0, size[0] // 2, size[1] // 2))
    return im


def exif_with(orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    return exif


def noisy(size, seed=1) -> Image.Image:
    rnd = random.Random(seed)
    return Image.frombytes("RGB", size, rnd.randbytes(size[0] * size[1] * 3))


def decoded(prepared: PreparedImage) -> Image.Image:
    im = Image.open(io.BytesIO(prepared.data))
    im.load()
    return im


def is_red(pixel) -> bool:
    r, g, b = pixel[:3]
    return r > 200 and g < 60 and b < 60


def png_with_size(width: int, height: int) -> bytes:
    """A valid tiny PNG whose IHDR claims ``width`` x ``height`` (CRC fixed)."""
    data = bytearray(encode(Image.new("L", (4, 4), 255), "PNG"))
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


# --------------------------------------------------------------------------
# empty / too many bytes


def test_empty_upload():
    with pytest.raises(EmptyUpload) as e:
        prepare_upload(b"", "image/jpeg")
    assert "empty" in str(e.value)
    assert e.value.status == 400


def test_eleven_megabytes_is_payload_too_large():
    blob = b"\xff\xd8\xff" + b"\0" * (11 * 1024 * 1024)
    with pytest.raises(PayloadTooLarge) as e:
        prepare_upload(blob, "image/jpeg")
    assert e.value.status == 413
    assert "10 MB" in str(e.value)


def test_max_bytes_is_a_parameter():
    data = encode(quadrants(), "JPEG")
    with pytest.raises(PayloadTooLarge):
        prepare_upload(data, None, max_bytes=len(data) - 1)
    assert prepare_upload(data, None, max_bytes=len(data)).width == 80


# --------------------------------------------------------------------------
# declared type vs sniffed type


@pytest.mark.parametrize(
    "declared",
    [
        None,
        "",
        "image/jpeg",
        "IMAGE/JPEG",
        "image/jpeg; charset=binary",
        "image/png",  # lies are fine: the bytes decide
        "image/webp",
        "image/heic",
        "image/heif",
        "application/octet-stream",
    ],
)
def test_accepted_declared_types(declared):
    data = encode(quadrants(), "JPEG")
    out = prepare_upload(data, declared)
    assert out.content_type == "image/jpeg"


@pytest.mark.parametrize("declared", ["text/plain", "image/gif", "application/pdf", "multipart/form-data"])
def test_refused_declared_types(declared):
    data = encode(quadrants(), "JPEG")
    with pytest.raises(UnsupportedMediaType) as e:
        prepare_upload(data, declared)
    assert e.value.status == 415
    assert "expected JPEG, PNG, WebP or HEIC" in str(e.value)


def test_gif_is_unsupported():
    data = encode(quadrants(), "GIF")
    with pytest.raises(UnsupportedMediaType) as e:
        prepare_upload(data, "application/octet-stream")
    assert "GIF" in str(e.value)
    assert "expected JPEG, PNG, WebP or HEIC" in str(e.value)


@pytest.mark.parametrize("fmt", ["BMP", "TIFF"])
def test_other_pillow_formats_are_unsupported(fmt):
    with pytest.raises(UnsupportedMediaType):
        prepare_upload(encode(quadrants(), fmt), None)


def test_text_is_unsupported():
    with pytest.raises(UnsupportedMediaType) as e:
        prepare_upload(b"Once upon a time there was a bear.\n", None)
    assert str(e.value) == "The file is not an image we can read: expected JPEG, PNG, WebP or HEIC."


def test_avif_brand_is_unsupported():
    ftyp = struct.pack(">I", 24) + b"ftyp" + b"avif" + b"\0\0\0\0" + b"mif1avif"
    with pytest.raises(UnsupportedMediaType):
        prepare_upload(ftyp + b"\0" * 64, None)
    generic = struct.pack(">I", 24) + b"ftyp" + b"mif1" + b"\0\0\0\0" + b"mif1avif"
    with pytest.raises(UnsupportedMediaType):
        prepare_upload(generic + b"\0" * 64, None)


# --------------------------------------------------------------------------
# corrupt


def test_truncated_jpeg_is_corrupt():
    data = encode(noisy((200, 200)), "JPEG", quality=90)
    with pytest.raises(CorruptImage) as e:
        prepare_upload(data[: len(data) // 2], "image/jpeg")
    assert e.value.status == 422
    assert "damaged or incomplete" in str(e.value)


def test_truncated_jpeg_is_corrupt_even_if_someone_turned_on_load_truncated(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = encode(noisy((200, 200)), "JPEG", quality=90)
    with pytest.raises(CorruptImage):
        prepare_upload(data[: len(data) // 2], "image/jpeg")


def test_jpeg_magic_with_garbage_is_corrupt():
    with pytest.raises(CorruptImage):
        prepare_upload(b"\xff\xd8\xff" + b"this is not really a jpeg" * 10, None)


def test_png_with_broken_pixel_data_is_corrupt():
    data = bytearray(encode(noisy((64, 64)), "PNG"))
    idat = data.index(b"IDAT")
    data[idat + 20 : idat + 60] = b"\0" * 40  # zlib stream destroyed
    with pytest.raises(CorruptImage):
        prepare_upload(bytes(data), "image/png")


def test_truncated_png_is_corrupt():
    data = encode(noisy((64, 64)), "PNG")
    with pytest.raises(CorruptImage):
        prepare_upload(data[: len(data) // 2], "image/png")


def test_truncated_webp_is_corrupt():
    data = encode(noisy((64, 64)), "WEBP")
    with pytest.raises(CorruptImage):
        prepare_upload(data[: len(data) // 2], None)


def test_truncated_heic_is_corrupt():
    data = encode(noisy((64, 64)), "HEIF")
    with pytest.raises(CorruptImage):
        prepare_upload(data[: len(data) // 2], None)


# --------------------------------------------------------------------------
# too many pixels


def test_png_header_claiming_50000_squared_is_too_large_and_never_decoded(monkeypatch):
    data = png_with_size(50000, 50000)

    def no_decoding(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    with pytest.raises(ImageTooLarge) as e:
        prepare_upload(data, "image/png")
    assert e.value.status == 413


def test_our_pixel_limit_applies_before_decoding(monkeypatch):
    # 7000 x 7000 = 49 MP: above our 40 MP, below Pillow's own bomb limit.
    data = png_with_size(7000, 7000)
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: pytest.fail("decoded"))
    with pytest.raises(ImageTooLarge) as e:
        prepare_upload(data, "image/png")
    assert "7000 x 7000" in str(e.value)
    assert "40 megapixels" in str(e.value)


def test_max_pixels_is_a_parameter():
    data = encode(quadrants((80, 40)), "PNG")
    with pytest.raises(ImageTooLarge):
        prepare_upload(data, None, max_pixels=80 * 40 - 1)
    assert prepare_upload(data, None, max_pixels=80 * 40).width == 80


def test_pillow_bomb_warning_becomes_image_too_large(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # 40*40 = 1600: warning, not error
    data = encode(quadrants((40, 40)), "PNG")
    with pytest.raises(ImageTooLarge):
        prepare_upload(data, None, max_pixels=10**9)


def test_pillow_bomb_error_becomes_image_too_large(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 500)  # 40*40 > 2*500: error
    data = encode(quadrants((40, 40)), "PNG")
    with pytest.raises(ImageTooLarge):
        prepare_upload(data, None, max_pixels=10**9)


# --------------------------------------------------------------------------
# orientation and output formats


def test_upright_jpeg_is_re_encoded_with_its_own_quality():
    data = encode(quadrants(), "JPEG")
    out = prepare_upload(data, "image/jpeg")
    assert (out.content_type, out.extension, out.width, out.height) == ("image/jpeg", "jpg", 80, 40)
    assert Image.open(io.BytesIO(out.data)).quantization == Image.open(io.BytesIO(data)).quantization


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
@pytest.mark.parametrize("tail", [b"PK\x03\x04" + b"\0" * 26 + b"evil.html", b"<html><script>alert(1)</script>"])
def test_bytes_appended_to_an_image_are_never_stored(fmt, tail):
    """A polyglot (image + ZIP or HTML) is stored as its pixels only, never as sent."""
    data = encode(quadrants(), fmt) + tail
    out = prepare_upload(data, None)
    assert tail not in out.data and out.data != data
    assert decoded(out).size == (80, 40)


def test_jpeg_with_exif_is_re_encoded_without_it():
    data = encode(quadrants(), "JPEG", exif=exif_with(1))
    out = prepare_upload(data, None)
    assert out.data != data and not Image.open(io.BytesIO(out.data)).getexif()


def test_upright_png_is_re_encoded_without_loss():
    data = encode(quadrants(), "PNG")
    out = prepare_upload(data, "image/png")
    assert (out.content_type, out.extension, out.width, out.height) == ("image/png", "png", 80, 40)
    assert decoded(out).tobytes() == Image.open(io.BytesIO(data)).tobytes()


def test_jpeg_with_exif_orientation_6_is_rotated():
    data = encode(quadrants((80, 40)), "JPEG", quality=95, exif=exif_with(6))
    out = prepare_upload(data, "image/jpeg")
    assert (out.width, out.height) == (40, 80)
    assert out.content_type == "image/jpeg" and out.extension == "jpg"
    assert out.data != data
    im = decoded(out)
    assert im.format == "JPEG"
    assert im.size == (40, 80)
    assert ORIENTATION not in im.getexif()
    # Orientation 6: display = stored rotated 90 degrees clockwise, so the
    # red top-left quadrant ends up top-right.
    assert is_red(im.getpixel((30, 10)))
    assert not is_red(im.getpixel((10, 10)))
    assert not is_red(im.getpixel((30, 70)))


def test_png_with_exif_orientation_is_rotated_and_stays_png():
    data = encode(quadrants((80, 40)), "PNG", exif=exif_with(8))
    out = prepare_upload(data, "image/png")
    assert (out.width, out.height) == (40, 80)
    assert out.content_type == "image/png" and out.extension == "png"
    im = decoded(out)
    assert im.format == "PNG"
    assert ORIENTATION not in im.getexif()
    # Orientation 8: rotate 90 counter-clockwise, top-left goes bottom-left.
    assert is_red(im.getpixel((10, 70)))
    assert not is_red(im.getpixel((10, 10)))


def test_webp_becomes_jpeg():
    data = encode(quadrants(), "WEBP", quality=95)
    out = prepare_upload(data, "image/webp")
    assert out.content_type == "image/jpeg" and out.extension == "jpg"
    assert (out.width, out.height) == (80, 40)
    im = decoded(out)
    assert im.format == "JPEG"
    assert is_red(im.getpixel((10, 10)))


def test_webp_with_alpha_is_flattened_on_white():
    im = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    im.paste((255, 0, 0, 255), (0, 0, 20, 20))
    out = prepare_upload(encode(im, "WEBP", lossless=True), None)
    px = decoded(out)
    assert px.mode == "RGB"
    assert is_red(px.getpixel((5, 5)))
    assert min(px.getpixel((35, 35))) > 240  # transparent -> white, not black


def test_heic_becomes_jpeg():
    data = encode(quadrants((128, 64)), "HEIF", quality=90)
    assert pillow_heif.is_supported(io.BytesIO(data))
    out = prepare_upload(data, "image/heic")
    assert out.content_type == "image/jpeg" and out.extension == "jpg"
    assert (out.width, out.height) == (128, 64)
    im = decoded(out)
    assert im.format == "JPEG"
    assert is_red(im.getpixel((20, 10)))
    assert not is_red(im.getpixel((100, 50)))


def test_heic_with_orientation_is_upright_once():
    # pillow-heif turns the EXIF orientation it finds in ``info`` into a HEIF
    # ``irot`` transform (what phones write); libheif applies it on decode and
    # pillow-heif resets the EXIF tag to 1, so exif_transpose must not rotate
    # a second time.
    im = quadrants((128, 64))
    im.info["exif"] = exif_with(6).tobytes()
    data = encode(im, "HEIF", quality=90)
    out = prepare_upload(data, "image/heif")
    assert (out.width, out.height) == (64, 128)
    im = decoded(out)
    assert ORIENTATION not in im.getexif()
    assert is_red(im.getpixel((50, 20)))
    assert not is_red(im.getpixel((10, 20)))


def test_heic_exif_orientation_without_irot_is_ignored():
    # HEIF says the container's transforms win over EXIF; a file whose EXIF
    # says 6 but has no irot displays unrotated, and so do we.
    data = encode(quadrants((128, 64)), "HEIF", quality=90, exif=exif_with(6))
    out = prepare_upload(data, "image/heif")
    assert (out.width, out.height) == (128, 64)


def test_mpo_style_jpeg_is_still_a_jpeg():
    # Pillow opens some camera JPEGs as MPO; the sniffed format is what counts.
    frames = [quadrants(), quadrants()]
    data = encode(frames[0], "MPO", save_all=True, append_images=frames[1:])
    out = prepare_upload(data, "image/jpeg")
    assert out.content_type == "image/jpeg"
    assert Image.open(io.BytesIO(out.data)).format == "JPEG" and out.data != data


def test_cmyk_jpeg_with_rotation_becomes_rgb_jpeg():
    data = encode(quadrants().convert("CMYK"), "JPEG", exif=exif_with(3))
    out = prepare_upload(data, None)
    assert decoded(out).mode == "RGB"


# --------------------------------------------------------------------------
# output size limits


def test_long_side_is_capped():
    wide = Image.new("L", (images.MAX_OUTPUT_SIDE * 2, 100), 255)
    out = prepare_upload(encode(wide, "PNG"), None)
    assert (out.width, out.height) == (images.MAX_OUTPUT_SIDE, 50)
    assert out.content_type == "image/png"
    assert decoded(out).size == (out.width, out.height)


def test_output_bytes_are_capped(monkeypatch):
    monkeypatch.setattr(images, "MAX_OUTPUT_BYTES", 40_000)
    data = encode(noisy((300, 300)), "JPEG", quality=95)
    assert len(data) > 40_000
    out = prepare_upload(data, None)
    assert len(out.data) <= 40_000
    assert out.content_type == "image/jpeg"
    assert out.width < 300 and out.width == out.height
    assert decoded(out).size == (out.width, out.height)


def test_png_output_bytes_are_capped(monkeypatch):
    monkeypatch.setattr(images, "MAX_OUTPUT_BYTES", 40_000)
    out = prepare_upload(encode(noisy((200, 100)), "PNG"), None)
    assert len(out.data) <= 40_000
    assert out.content_type == "image/png"
    assert out.width < 200 and abs(out.width - 2 * out.height) <= 2



def test_a_small_png_is_stored_uncompressed_and_a_large_one_compressed():
    # zlib costs more than it saves on a page OCR decodes at once; past a bound the bytes matter more.
    small = Image.frombytes("P", (1600, 1000), bytes(range(256)) * 6250)  # 1.6 MB of pixels
    small.putpalette([v for i in range(256) for v in (i, 255 - i, i // 2)])
    out = prepare_upload(encode(small, "PNG"), None)
    assert len(out.data) > 1_600_000 and decoded(out).tobytes() == small.tobytes()
    large = Image.new("L", (2000, 1500), 255)  # 3 MB of pixels
    out = prepare_upload(encode(large, "PNG"), None)
    assert len(out.data) < 100_000 and decoded(out).tobytes() == large.tobytes()


def idat_rows(data: bytes) -> bytes:
    """The PNG's image data, inflated: each row's filter type byte, then its pixels."""
    chunks, at = [], 8
    while at < len(data):
        (length,), kind = struct.unpack(">I", data[at:at + 4]), data[at + 4:at + 8]
        if kind == b"IDAT":
            chunks.append(data[at + 8:at + 8 + length])
        at += 12 + length
    return zlib.decompress(b"".join(chunks))


@pytest.mark.parametrize("mode", ["L", "LA", "RGB", "RGBA", "1"])
def test_a_small_png_is_stored_with_unfiltered_rows_and_the_same_pixels(mode):
    # Row filters buy nothing when nothing is compressed, and choosing them cost the uploader 10-20 ms.
    page = noisy((61, 23)).convert(mode)
    out = prepare_upload(encode(page, "PNG"), None)
    stored = decoded(out)
    assert stored.mode == ("L" if mode == "1" else mode) and stored.size == (61, 23)
    assert stored.tobytes() == page.convert(stored.mode).tobytes()
    rows = idat_rows(out.data)
    stride = len(rows) // 23
    assert stride == 61 * len(stored.getbands()) + 1
    assert all(rows[y * stride] == 0 for y in range(23))


def test_a_png_with_a_colour_profile_keeps_it():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = prepare_upload(encode(noisy((40, 20)), "PNG", icc_profile=profile), None)
    assert decoded(out).info.get("icc_profile") == profile
    assert decoded(out).tobytes() == noisy((40, 20)).tobytes()


def test_palette_png_stays_a_palette_with_the_same_pixels():
    # A palette is a third of the data to compress: the page's uploader waits for that.
    page = noisy((120, 80)).convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    out = prepare_upload(encode(page, "PNG"), None)
    assert decoded(out).mode == "P"
    assert decoded(out).convert("RGB").tobytes() == page.convert("RGB").tobytes()


def test_palette_png_resized_past_the_side_limit_becomes_rgb():
    page = Image.new("P", (images.MAX_OUTPUT_SIDE * 2, 64), 3)
    out = prepare_upload(encode(page, "PNG"), None)
    assert (out.width, out.height) == (images.MAX_OUTPUT_SIDE, 32)
    assert decoded(out).mode == "RGB"


def test_transparent_palette_png_keeps_its_transparency():
    page = quadrants().convert("P")
    page.info["transparency"] = 0
    out = prepare_upload(encode(page, "PNG", transparency=0), None)
    assert decoded(out).mode == "P" and decoded(out).info.get("transparency") == 0


# --------------------------------------------------------------------------
# the result type


def test_prepared_image_is_frozen():
    out = prepare_upload(encode(quadrants(), "JPEG"), None)
    with pytest.raises(AttributeError):
        out.width = 1  # type: ignore[misc]


def test_every_refusal_is_a_bad_request():
    for data in (b"", b"hello"):
        with pytest.raises(BadRequest):
            prepare_upload(data, None)


def test_exif_with_a_gps_position_is_not_kept():
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (59.0, 20.0, 0.0)}  # GPSInfo
    prepared = prepare_upload(encode(quadrants(), "JPEG", exif=exif.tobytes()), "image/jpeg")
    stored = Image.open(io.BytesIO(prepared.data))
    assert not stored.getexif() and "exif" not in stored.info
