"""Render a measuring set of photographed signs into a folder.

Short texts (1-3 lines) in Korean, English, French, Spanish and German (accented
words in the last three), set on a plain sign board, turned -8..8 degrees, pasted
on a busy background (a noisy wall, brick-like stripes, a photo-like gradient with
blotches), some light on dark, then blurred and saved as JPEG, as a phone would
give a photo of a sign. Each image gets ``NAME.gt.txt`` and a row in ``index.tsv``
(lang, kind ``sign``, rotation 0), so ``bench/quality.py DIR`` (``make quality
DIR=...``) measures them against raw ``tesseract``. Deterministic; nothing is committed.

usage: python bench/sign_set.py DIR [SEED]   (SEED, default 300, moves each sign and its wall)
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS = Path("/usr/share/fonts/truetype")
DEJAVU_BOLD = FONTS / "dejavu/DejaVuSans-Bold.ttf"
DEJAVU = FONTS / "dejavu/DejaVuSans.ttf"
LIBERATION_BOLD = FONTS / "liberation/LiberationSans-Bold.ttf"
LIBERATION = FONTS / "liberation/LiberationSans-Regular.ttf"
NANUM_BOLD = FONTS / "nanum/NanumGothicBold.ttf"
NANUM = FONTS / "nanum/NanumGothic.ttf"
NANUM_SQUARE = FONTS / "nanum/NanumSquareB.ttf"

RED, WHITE, BLACK, NAVY, GREEN, YELLOW, CREAM = ((200, 30, 30), (250, 250, 250), (15, 15, 15), (25, 35, 110),
                                                 (20, 90, 40), (250, 215, 60), (240, 235, 220))

# name, lang, lines, font, ink, board, background, tilt (degrees, counter-clockwise), blur, JPEG quality
SIGNS = [
    ("fr_exit", "fr", ["Sortie de secours"], DEJAVU_BOLD, RED, CREAM, "wall", 3, 1.2, 80),
    ("fr_closed", "fr", ["Fermé le lundi", "Ouvert à 9 h"], LIBERATION_BOLD, BLACK, WHITE, "brick", -5, 1.0, 75),
    ("fr_private", "fr", ["Entrée interdite"], DEJAVU_BOLD, WHITE, NAVY, "gradient", 7, 1.4, 70),
    ("fr_station", "fr", ["Gare du Nord", "Accès aux quais", "Sortie côté rue"], LIBERATION, WHITE, GREEN,
     "wall", -2, 1.0, 80),
    ("es_smoke", "es", ["Prohibido fumar"], DEJAVU, WHITE, NAVY, "wall", 3, 1.2, 80),
    ("es_exit", "es", ["Salida de emergencia"], LIBERATION_BOLD, WHITE, GREEN, "brick", 6, 1.0, 75),
    ("es_street", "es", ["Calle de la Estación", "Peatón, camine"], DEJAVU_BOLD, BLACK, YELLOW, "gradient",
     -7, 1.3, 70),
    ("es_closed", "es", ["Cerrado por vacaciones", "Volvemos en agosto"], LIBERATION, NAVY, CREAM, "wall", 4,
     1.0, 80),
    ("de_exit", "de", ["Notausgang"], DEJAVU_BOLD, WHITE, GREEN, "wall", -3, 1.2, 80),
    ("de_entry", "de", ["Zutritt für Unbefugte", "verboten"], LIBERATION_BOLD, RED, WHITE, "brick", 5, 1.0, 75),
    ("de_street", "de", ["Hauptstraße"], DEJAVU, WHITE, NAVY, "gradient", -8, 1.4, 70),
    ("de_shop", "de", ["Bäckerei Müller", "Öffnungszeiten 7 bis 18 Uhr"], LIBERATION, BLACK, CREAM, "wall", 2,
     1.0, 80),
    ("en_parking", "en", ["NO PARKING", "ANY TIME"], DEJAVU_BOLD, WHITE, GREEN, "wall", 3, 1.2, 80),
    ("en_wet", "en", ["Caution", "Wet floor"], LIBERATION_BOLD, BLACK, YELLOW, "brick", -6, 1.0, 75),
    ("en_shop", "en", ["Open every day", "from 8 am to 10 pm"], DEJAVU, NAVY, WHITE, "gradient", 8, 1.3, 70),
    ("ko_no_entry", "ko", ["출입 금지", "관계자 외"], NANUM_BOLD, NAVY, WHITE, "wall", 3, 1.2, 80),
    ("ko_toilet", "ko", ["화장실은 2층에 있습니다"], NANUM, BLACK, YELLOW, "wall", 3, 1.2, 80),
    ("ko_exit", "ko", ["비상구"], NANUM_SQUARE, WHITE, GREEN, "brick", -5, 1.0, 75),
    ("ko_station", "ko", ["서울역 3번 출구", "버스 정류장"], NANUM_BOLD, WHITE, NAVY, "gradient", 6, 1.4, 70),
    ("ko_shop", "ko", ["영업시간 10시 - 21시", "매주 월요일 휴무"], NANUM, BLACK, CREAM, "brick", -8, 1.0, 80),
]

SIZE = (1600, 1200)


def background(kind: str, rng: np.random.Generator) -> np.ndarray:
    """An RGB array of ``SIZE``: a rough wall, brick-like stripes, or a photo-like gradient."""
    width, height = SIZE
    if kind == "wall":
        coarse = rng.normal(150, 40, (height // 8, width // 8))
        base = np.asarray(Image.fromarray(np.clip(coarse, 0, 255).astype(np.uint8)).resize(SIZE, Image.BICUBIC),
                          float)
        grey = base + rng.normal(0, 20, (height, width))
        return np.repeat(grey[..., None], 3, axis=2) * (1.0, 0.95, 0.88)
    if kind == "brick":
        rows = (np.arange(height) // 60)[:, None]
        cols = ((np.arange(width)[None, :] + (rows % 2) * 70) // 140)
        mortar = (np.arange(height)[:, None] % 60 < 8) | ((np.arange(width)[None, :] + (rows % 2) * 70) % 140 < 8)
        shade = rng.normal(0, 18, (height // 60 + 1, width // 140 + 2))[rows, cols]
        image = np.empty((height, width, 3))
        image[...] = (165, 75, 55)
        image += shade[..., None]
        image[mortar] = (200, 195, 185)
        return image + rng.normal(0, 12, (height, width, 1))
    yy, xx = np.mgrid[0:height, 0:width] / max(SIZE)
    angle = rng.uniform(0, np.pi)
    ramp = np.cos(angle) * xx + np.sin(angle) * yy
    image = np.stack([60 + 150 * ramp, 90 + 110 * ramp, 140 - 60 * ramp], axis=2)
    for _ in range(6):   # out-of-focus things behind the sign
        cx, cy, r = rng.uniform(0, 1.33), rng.uniform(0, 1), rng.uniform(0.05, 0.2)
        blob = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))
        image += blob[..., None] * rng.uniform(-80, 80, 3)
    return image + rng.normal(0, 8, (height, width, 1))


def sign(lines: list[str], font_path: Path, ink: tuple, board: tuple, tilt: float) -> Image.Image:
    """The sign board with its lines, turned by ``tilt`` (corners transparent)."""
    font = ImageFont.truetype(str(font_path), 96 if max(len(line) for line in lines) < 18 else 72)
    step = round(font.size * 1.35)
    width = max(font.getbbox(line)[2] for line in lines) + 2 * font.size // 2
    height = step * len(lines) + font.size
    image = Image.new("RGBA", (width, height), board + (255,))
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        line_width = font.getbbox(line)[2]
        draw.text(((width - line_width) // 2, font.size // 2 + step * i), line, font=font, fill=ink)
    return image.rotate(tilt, expand=True, resample=Image.BICUBIC)


def grey_wall_sign(folder: Path) -> str:
    """The first check's French sign (its first read confident, its one line split in two: "de
    secours ie Sort"): centred on a grey rough wall, its board's corners filled grey."""
    rng = np.random.default_rng(7)
    width, height = SIZE
    coarse = Image.fromarray(np.clip(150 + rng.normal(0, 40, (height // 8, width // 8)), 0, 255).astype(np.uint8))
    grey = np.asarray(coarse.resize(SIZE, Image.BICUBIC), float) + rng.normal(0, 20, (height, width))
    wall = Image.fromarray(np.clip(grey, 0, 255).astype(np.uint8)).convert("RGB")
    font = ImageFont.truetype(str(DEJAVU_BOLD), 110)
    text = "Sortie de secours"
    board = Image.new("RGB", (font.getbbox(text)[2] + 120, 230), (245, 245, 240))
    ImageDraw.Draw(board).text((60, 40), text, font=font, fill=RED)
    board = board.rotate(3, expand=True, fillcolor=(150, 150, 150))
    wall.paste(board, ((width - board.width) // 2, (height - board.height) // 2))
    wall.filter(ImageFilter.GaussianBlur(1.2)).save(folder / "fr_exit_grey.jpg", quality=80)
    (folder / "fr_exit_grey.jpg.gt.txt").write_text(text + "\n", encoding="utf-8")
    return "fr_exit_grey.jpg\tfr\tsign\t0"


def photo(name: str, first_seed: int = 300) -> tuple[bytes, str]:
    """The sign ``name`` of :data:`SIGNS` photographed (JPEG bytes), and its text."""
    seed, (_, lang, lines, font, ink, board, kind, tilt, blur, quality) = next(
        (seed, sign) for seed, sign in enumerate(SIGNS, first_seed) if sign[0] == name)
    rng = np.random.default_rng(seed)
    wall = Image.fromarray(np.clip(background(kind, rng), 0, 255).astype(np.uint8))
    board_image = sign(lines, font, ink, board, tilt)
    if board_image.width > SIZE[0] - 100:
        scale = (SIZE[0] - 100) / board_image.width
        board_image = board_image.resize((round(board_image.width * scale), round(board_image.height * scale)),
                                         Image.LANCZOS)
    x = int(rng.integers(30, max(31, SIZE[0] - board_image.width - 30)))
    y = int(rng.integers(60, max(61, SIZE[1] - board_image.height - 60)))
    wall.paste(board_image, (x, y), board_image)
    out = io.BytesIO()
    wall.filter(ImageFilter.GaussianBlur(blur)).save(out, "JPEG", quality=quality)
    return out.getvalue(), "\n".join(lines)


def render(folder: Path, first_seed: int = 300) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["file\tlang\tkind\trotation"]
    for name, lang, *_ in SIGNS:
        data, text = photo(name, first_seed)
        file = f"{name}.jpg"
        (folder / file).write_bytes(data)
        (folder / f"{file}.gt.txt").write_text(text + "\n", encoding="utf-8")
        rows.append(f"{file}\t{lang}\tsign\t0")
        print(file, flush=True)
    rows.append(grey_wall_sign(folder))
    (folder / "index.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    render(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 300)
