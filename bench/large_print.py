"""Render large-print pages (a children's book photographed by a phone) into a folder.

The common real upload: a 12 MP phone photo of a picture book, its text 60-200 px
high. Public-domain text (``tests/fixtures/generate/texts.py``, the stories in
``tests/e2e/pages.py``) is set at children's-book sizes and photographed as the
committed fixtures are (``make_pages.photograph``: perspective, curl, uneven
light, blur, grain, JPEG), 3000-4000 px on the long side; a few are flat, as a
scanner would give them. Each page gets ``NAME.gt.txt`` and a row in
``index.tsv`` (lang, kind), so ``bench/quality.py DIR`` measures them against
raw ``tesseract IMAGE - -l LANG``. Deterministic; nothing is committed.

usage: python bench/large_print.py [--variants N] DIR [NAME ...]
"""
from __future__ import annotations

import argparse
import io
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "generate"))
sys.path.insert(0, str(ROOT))

import make_pages as mp  # noqa: E402
import texts  # noqa: E402

from tests.e2e.pages import KOREAN_STORY  # noqa: E402

NANUM = Path("/usr/share/fonts/truetype/nanum")
SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
LIBERATION_SANS = Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")

ALICE_START = [
    "Alice was beginning to get very tired of sitting by her sister on the bank, "
    "and of having nothing to do.",
    "Once or twice she had peeped into the book her sister was reading, but it had no pictures "
    "or conversations in it.",
]
RABBIT = [
    "There was nothing so very remarkable in that; nor did Alice think it so very much out of "
    "the way to hear the Rabbit say to itself, \u201cOh dear! Oh dear! I shall be late!\u201d",
]
FALLING = [
    "Down, down, down. Would the fall never come to an end?",
    "\u201cI wonder how many miles I\u2019ve fallen by this time?\u201d she said aloud.",
]
LUCKY_SHORT = [texts.LUCKY_DAY[0]]
BUCKWHEAT_TALK = texts.BUCKWHEAT[1:5]


@dataclass(frozen=True)
class Page:
    name: str
    lang: str
    paragraphs: list[str]
    font: Path
    size: int               # font size, pixels of the final photo
    long_side: int          # the photo's long side, pixels
    landscape: bool = False
    photographed: bool = True
    figure: bool = False    # a picture above the text, as picture books have


PAGES = [
    Page("en_alice_60", "en", ALICE_START + RABBIT, mp.LIBERATION_SERIF, 84, 4000),
    Page("en_alice_90", "en", ALICE_START[:1] + RABBIT, mp.DEJAVU_SERIF, 110, 4000, landscape=True),
    Page("en_rabbit_120", "en", RABBIT, LIBERATION_SANS, 160, 4000, figure=True),
    Page("en_falling_160", "en", FALLING, mp.LIBERATION_SERIF, 220, 4000, landscape=True),
    Page("en_falling_200", "en", FALLING[:1], SANS, 260, 3000, photographed=False),
    Page("en_alice_scan_80", "en", ALICE_START, mp.DEJAVU_SERIF, 100, 3000, photographed=False),
    Page("en_cities_70", "en", [texts.TWO_CITIES_1[0][:330]], mp.LIBERATION_SERIF, 96, 4000),
    Page("en_well_50", "en", [texts.ALICE_1[4]], mp.DEJAVU_SERIF, 70, 3600),
    Page("en_hole_110", "en", [texts.ALICE_1[3]], LIBERATION_SANS, 130, 3000, landscape=True, figure=True),
    Page("ko_story_70", "ko", KOREAN_STORY, NANUM / "NanumMyeongjo.ttf", 90, 4000),
    Page("ko_story_120", "ko", KOREAN_STORY[:5], NANUM / "NanumGothic.ttf", 150, 4000, landscape=True),
    Page("ko_lucky_100", "ko", LUCKY_SHORT, NANUM / "NanumBarunGothic.ttf", 130, 3200, figure=True),
    Page("ko_anthem_90", "ko", texts.ANTHEM[:6], NANUM / "NanumBarunGothic.ttf", 120, 4000),
    Page("ko_buckwheat_60", "ko", [texts.BUCKWHEAT[0][:150]], NANUM / "NanumMyeongjo.ttf", 80, 4000),
    Page("ko_lucky_150", "ko", [texts.LUCKY_DAY[0]], NANUM / "NanumGothic.ttf", 190, 4000, landscape=True),
    Page("ko_buckwheat_170", "ko", BUCKWHEAT_TALK[:3], NANUM / "NanumMyeongjo.ttf", 210, 3600,
         photographed=False),
]


def render_page(page: Page, seed: int) -> tuple[bytes, list[str]]:
    """The page's JPEG bytes and its printed lines."""
    rng = random.Random(seed)
    long, short = page.long_side, round(page.long_side * 3 / 4)
    out_w, out_h = (long, short) if page.landscape else (short, long)
    photo_scale = 1.12 if page.photographed else 1.0       # the page fills ~89 % of the photo
    width, height = round(out_w / photo_scale), round(out_h / photo_scale)
    margin = round(page.size * 1.1)
    top = margin
    if page.figure:     # a picture above the text, full width
        top = margin + round(height * 0.4)
    leading = 1.6 if page.lang == "ko" else 1.35
    image, lines = mp.set_page(page.paragraphs, font=page.font, size=page.size, page=(width, height),
                               margins=(margin, top, margin, margin), leading=leading, indent=1.0,
                               justify=False, seed=seed)
    if page.figure:
        mp.draw_illustration(ImageDraw.Draw(image), (margin, margin, width - margin, top - margin), rng)
    if not page.photographed:
        return mp_scan(image, long), lines

    def jitter() -> float:
        return rng.uniform(-0.02, 0.02)

    corners = [(0.06 + jitter(), 0.05 + jitter()), (0.94 + jitter(), 0.05 + jitter()),
               (0.95 + jitter(), 0.95 + jitter()), (0.05 + jitter(), 0.95 + jitter())]
    data = mp.photograph(image, corners=corners, out_size=(out_w, out_h), curl_px=rng.choice([0, 40, 80]),
                         spine=rng.choice(["left", "right"]), blur=rng.uniform(1.2, 2.2),
                         light=rng.uniform(0.2, 0.45), light_angle=rng.uniform(0, 360),
                         grain_strength=rng.randint(6, 12), quality=rng.randint(70, 85),
                         final_long_side=long, seed=seed)
    return data, lines


def mp_scan(image: Image.Image, long_side: int) -> bytes:
    """Flat and evenly lit, as a scanner gives it."""
    scale = long_side / max(image.size)
    grey = image.convert("L").resize((round(image.width * scale), round(image.height * scale)))
    out = io.BytesIO()
    grey.save(out, "JPEG", quality=88)
    return out.getvalue()


def render(folder: Path, names: list[str] | None = None, variants: int = 1) -> list[Path]:
    """Every page (or those ``names``), each photographed ``variants`` ways
    (the second and later with other seeds: ``NAME_v2``...)."""
    folder.mkdir(parents=True, exist_ok=True)
    rows, written = ["file\tlang\tkind"], []
    for variant in range(variants):
        for seed, page in enumerate(PAGES, 300 + 1000 * variant):
            file = f"large_{page.name}{f'_v{variant + 1}' if variant else ''}.jpg"
            rows.append(f"{file}\t{page.lang}\t{'photo' if page.photographed else 'scan'}")
            if names and page.name not in names:
                continue
            data, lines = render_page(page, seed)
            (folder / file).write_bytes(data)
            (folder / f"{file}.gt.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
            written.append(folder / file)
            print(f"{file}: {len(lines)} lines, {len(data) // 1024} KB", flush=True)
    (folder / "index.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Render large-print pages into DIR.")
    parser.add_argument("--variants", type=int, default=1)
    parser.add_argument("dir", type=Path)
    parser.add_argument("names", nargs="*")
    args = parser.parse_args(argv[1:])
    render(args.dir, args.names or None, args.variants)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
