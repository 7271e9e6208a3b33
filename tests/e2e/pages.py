"""Render synthetic book pages for the OCR tests (no rendered files are committed).

Uses the Nanum fonts from Debian ``fonts-nanum`` so Korean text can be drawn.
"""
from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

NANUM_DIR = Path("/usr/share/fonts/truetype/nanum")
NANUM_MYEONGJO = NANUM_DIR / "NanumMyeongjo.ttf"
NANUM_GOTHIC = NANUM_DIR / "NanumGothic.ttf"
# A Latin book face with every accent French, Spanish and German need (Debian fonts-dejavu-core).
DEJAVU_SERIF = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")

# Opening lines of public-domain novels: Hugo, Les Misérables (1862);
# Cervantes, Don Quijote (1605); Kafka, Die Verwandlung (1915).
FRENCH_STORY = [
    "En 1815, M. Charles-François-Bienvenu Myriel était",
    "évêque de Digne. C'était un vieillard d'environ",
    "soixante-quinze ans; il occupait le siège de Digne",
    "depuis 1806. Quoique ce détail ne touche en aucune",
    "manière au fond même de ce que nous avons à raconter,",
    "il n'est peut-être pas inutile d'indiquer ici les",
    "bruits et les propos qui avaient couru sur son compte.",
]
SPANISH_STORY = [
    "En un lugar de la Mancha, de cuyo nombre no quiero",
    "acordarme, no ha mucho tiempo que vivía un hidalgo",
    "de los de lanza en astillero, adarga antigua, rocín",
    "flaco y galgo corredor. Una olla de algo más vaca que",
    "carnero, salpicón las más noches, duelos y quebrantos",
    "los sábados, lantejas los viernes, algún palomino de",
    "añadidura los domingos, consumían las tres partes.",
]
GERMAN_STORY = [
    "Als Gregor Samsa eines Morgens aus unruhigen Träumen",
    "erwachte, fand er sich in seinem Bett zu einem",
    "ungeheueren Ungeziefer verwandelt. Er lag auf seinem",
    "panzerartig harten Rücken und sah, wenn er den Kopf",
    "ein wenig hob, seinen gewölbten, braunen, von",
    "bogenförmigen Versteifungen geteilten Bauch, auf",
    "dessen Höhe sich die Bettdecke kaum noch erhalten konnte.",
]

KOREAN_STORY = [
    "옛날 옛적에 깊은 산속 작은 마을에",
    "마음씨 착한 나무꾼이 살고 있었습니다.",
    "나무꾼은 매일 아침 숲으로 가서",
    "나무를 하고 저녁이 되면 집으로",
    "돌아와 늙은 어머니를 돌보았습니다.",
    "어느 날 나무꾼은 연못가에서",
    "금도끼와 은도끼를 만났습니다.",
]


def default_font() -> Path:
    for path in (NANUM_MYEONGJO, NANUM_GOTHIC):
        if path.exists():
            return path
    raise FileNotFoundError(f"no Nanum font in {NANUM_DIR} (install Debian fonts-nanum)")


def render_page(lines: list[str], font: str | Path | None = None, size: int = 32,
                rotate: int = 0, margin: int | None = None,
                line_spacing: float = 1.6) -> bytes:
    """Black text on a white page, one entry of ``lines`` per printed line.

    ``rotate`` turns the finished page counter-clockwise by 0/90/180/270
    degrees (as a phone with a wrong EXIF tag would deliver it). Returns PNG bytes.
    """
    if rotate % 90:
        raise ValueError("rotate must be a multiple of 90")
    face = ImageFont.truetype(str(font or default_font()), size)
    margin = size * 2 if margin is None else margin
    step = round(size * line_spacing)
    width = max(round(face.getlength(line)) for line in lines) + 2 * margin
    height = step * len(lines) + 2 * margin
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    for i, line in enumerate(lines):
        draw.text((margin, margin + i * step), line, font=face, fill=0)
    if rotate % 360:
        page = page.rotate(rotate % 360, expand=True)
    buf = io.BytesIO()
    page.save(buf, format="PNG")
    return buf.getvalue()


def photograph(png: bytes, angle: float = 3, blur: float = 1.0, quality: int = 70, seed: int = 1) -> bytes:
    """Make a rendered page look photographed: on a darker table, turned by ``angle``
    degrees, lit unevenly from one side, out of focus, grainy, JPEG-compressed."""
    import random

    from PIL import ImageFilter

    page = Image.open(io.BytesIO(png)).convert("RGB")
    page = page.rotate(angle, expand=True, fillcolor=(90, 80, 70), resample=Image.BICUBIC)
    light = Image.linear_gradient("L").rotate(90).resize(page.size).point(lambda v: 160 + v * 95 // 255)
    page = Image.blend(page, Image.composite(page, Image.new("RGB", page.size), light), 0.5)
    page = page.filter(ImageFilter.GaussianBlur(blur))
    rng, pixels = random.Random(seed), page.load()
    for _ in range(page.size[0] * page.size[1] // 30):
        x, y = rng.randrange(page.size[0]), rng.randrange(page.size[1])
        grey = max(0, min(255, pixels[x, y][0] + rng.randrange(-40, 40)))
        pixels[x, y] = (grey, grey, grey)
    out = io.BytesIO()
    page.save(out, "JPEG", quality=quality)
    return out.getvalue()
