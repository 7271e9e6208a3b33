"""Render a measuring set of pages for the script guess (``ocr.script``) into a folder.

Korean, English, French, Spanish and German pages, set like the committed
generated fixtures (``tests/fixtures/generate``), some flat like a scan, some
photographed (perspective, curl, uneven light, blur, grain, JPEG), some turned
90/180/270 degrees as a phone with a wrong EXIF tag would deliver them. Each
page gets ``NAME.gt.txt`` and a row in ``index.tsv`` (lang, kind, rotation),
so ``bench/quality.py DIR`` and ``bench/script_guess.py DIR`` both read it.
Nothing is committed: deterministic, rendered when needed.

usage: python bench/script_set.py DIR
"""
from __future__ import annotations

import io
import random
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "generate"))
sys.path.insert(0, str(ROOT))

import make_pages as mp  # noqa: E402
import texts  # noqa: E402

from tests.e2e.pages import FRENCH_STORY, GERMAN_STORY, KOREAN_STORY, SPANISH_STORY  # noqa: E402

FONTS = Path("/usr/share/fonts/truetype")
NANUM = FONTS / "nanum"
KO_FONTS = [NANUM / "NanumMyeongjo.ttf", NANUM / "NanumGothic.ttf", NANUM / "NanumBarunGothic.ttf",
            NANUM / "NanumSquareR.ttf", NANUM / "NanumMyeongjoBold.ttf"]
LATIN_FONTS = [mp.DEJAVU_SERIF, mp.LIBERATION_SERIF, FONTS / "liberation/LiberationSans-Regular.ttf",
               FONTS / "dejavu/DejaVuSans.ttf"]

# Paragraphs written for this set (the stories above are a few lines each).
FRENCH_MORE = [
    "Le matin était clair et froid. Sur la route qui descend vers la rivière, les charrettes passaient "
    "lentement, chargées de bois et de légumes pour le marché du samedi.",
    "Mais personne ne savait où était allé le vieux meunier, ni pourquoi sa porte était restée ouverte "
    "toute la nuit. Les enfants du village en parlaient à voix basse.",
]
SPANISH_MORE = [
    "Aquella mañana el sol entraba por la ventana de la cocina y la abuela cantaba mientras preparaba "
    "el café. Los niños todavía dormían en la habitación del fondo.",
    "Cuando llegó el cartero con la carta de la ciudad, nadie quiso abrirla hasta que volvió el padre "
    "del campo, cansado y cubierto de polvo.",
]
GERMAN_MORE = [
    "Am nächsten Morgen regnete es, und die Straße vor dem Haus war voller Pfützen. Die Kinder liefen "
    "trotzdem hinaus, weil der Zirkus in die Stadt gekommen war.",
    "Der alte Müller stand an der Tür und schüttelte den Kopf. Er hatte schon viele Zirkusse gesehen, "
    "aber keinen, der im Regen ankam.",
]
KOREAN_MIXED = [
    "오늘 아침 Seoul 역에서 KTX 열차를 타고 부산으로 떠났다. 기차 안에서 신문을 읽었다.",
    "점심은 역 앞 식당에서 먹었고, 오후 3시에 회의가 있었다. 회의실 번호는 B205였다.",
]


def scan(page: Image.Image, long_side: int = 2200, quality: int = 90) -> bytes:
    """A flat, evenly lit page, as a scanner would give it."""
    scale = long_side / max(page.size)
    page = page.convert("L").resize((round(page.width * scale), round(page.height * scale)), Image.LANCZOS)
    out = io.BytesIO()
    page.save(out, "JPEG", quality=quality)
    return out.getvalue()


def photo(page: Image.Image, rng: random.Random, seed: int, curl: bool = True) -> bytes:
    j = lambda: rng.uniform(-0.025, 0.025)  # noqa: E731
    corners = [(0.07 + j(), 0.05 + j()), (0.93 + j(), 0.05 + j()), (0.94 + j(), 0.95 + j()), (0.06 + j(), 0.95 + j())]
    w, h = page.size
    return mp.photograph(page, corners=corners, out_size=(round(w * 1.15), round(h * 1.12)),
                         curl_px=rng.choice([0, 30, 50]) if curl else 0, spine=rng.choice(["left", "right"]),
                         blur=rng.uniform(0.8, 1.4), light=rng.uniform(0.2, 0.45), light_angle=rng.uniform(0, 360),
                         grain_strength=rng.randint(6, 12), quality=rng.randint(65, 80),
                         final_long_side=rng.choice([1800, 2000, 2200]), seed=seed)


def turned(data: bytes, rotation: int) -> bytes:
    """The image turned ``rotation`` degrees counter-clockwise (a wrong EXIF tag)."""
    if not rotation:
        return data
    image = Image.open(io.BytesIO(data))
    image = image.rotate(rotation, expand=True)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


# name, lang, paragraphs, font, size pt, page size (inches), photographed?, rotation
PAGES = [
    ("ko_lucky_a", "ko", texts.LUCKY_DAY[:3], KO_FONTS[0], 10.5, (6, 9), True, 0),
    ("ko_lucky_b", "ko", texts.LUCKY_DAY[3:], KO_FONTS[1], 10, (6, 9), False, 0),
    ("ko_buckwheat_a", "ko", texts.BUCKWHEAT[:4], KO_FONTS[2], 11, (6, 9), True, 0),
    ("ko_buckwheat_b", "ko", texts.BUCKWHEAT[4:], KO_FONTS[3], 12, (6, 9), False, 0),
    ("ko_story_large", "ko", KOREAN_STORY, KO_FONTS[4], 18, (6, 6), True, 0),
    ("ko_anthem_small", "ko", texts.ANTHEM, KO_FONTS[0], 9, (5, 5), False, 0),
    ("ko_mixed", "ko", KOREAN_MIXED, KO_FONTS[1], 11, (6, 5), True, 0),
    ("ko_lucky_90", "ko", texts.LUCKY_DAY[1:3], KO_FONTS[2], 10, (6, 8), False, 90),
    ("ko_buckwheat_180", "ko", texts.BUCKWHEAT[:3], KO_FONTS[0], 11, (6, 8), True, 180),
    ("ko_lucky_270", "ko", texts.LUCKY_DAY[:2], KO_FONTS[1], 11, (6, 8), True, 270),
    ("en_pride_scan", "en", texts.PRIDE_AND_PREJUDICE_1[:8], LATIN_FONTS[1], 11, (6, 9), False, 0),
    ("en_alice_photo", "en", texts.ALICE_1[:5], LATIN_FONTS[0], 11, (6, 9), True, 0),
    ("en_cities_sans", "en", texts.TWO_CITIES_1[:3], LATIN_FONTS[2], 10, (6, 9), True, 0),
    ("en_alice_large", "en", texts.ALICE_1[:2], LATIN_FONTS[3], 16, (6, 8), False, 0),
    ("en_pride_90", "en", texts.PRIDE_AND_PREJUDICE_1[:6], LATIN_FONTS[0], 11, (6, 8), True, 90),
    ("en_cities_180", "en", texts.TWO_CITIES_1[:2], LATIN_FONTS[1], 11, (6, 8), False, 180),
    ("en_alice_270", "en", texts.ALICE_1[:3], LATIN_FONTS[2], 11, (6, 8), True, 270),
    ("fr_story_scan", "fr", [" ".join(FRENCH_STORY)] + FRENCH_MORE, LATIN_FONTS[0], 12, (6, 7), False, 0),
    ("fr_story_photo", "fr", FRENCH_MORE + [" ".join(FRENCH_STORY)], LATIN_FONTS[1], 12, (6, 7), True, 0),
    ("fr_story_270", "fr", [" ".join(FRENCH_STORY)], LATIN_FONTS[3], 13, (6, 5), True, 270),
    ("es_story_scan", "es", [" ".join(SPANISH_STORY)] + SPANISH_MORE, LATIN_FONTS[1], 12, (6, 7), False, 0),
    ("es_story_photo", "es", SPANISH_MORE + [" ".join(SPANISH_STORY)], LATIN_FONTS[3], 11, (6, 7), True, 0),
    ("es_story_90", "es", [" ".join(SPANISH_STORY)], LATIN_FONTS[0], 13, (6, 5), False, 90),
    ("de_story_scan", "de", [" ".join(GERMAN_STORY)] + GERMAN_MORE, LATIN_FONTS[2], 12, (6, 7), False, 0),
    ("de_story_photo", "de", GERMAN_MORE + [" ".join(GERMAN_STORY)], LATIN_FONTS[0], 12, (6, 7), True, 0),
    ("de_story_180", "de", [" ".join(GERMAN_STORY)], LATIN_FONTS[1], 13, (6, 5), True, 180),
]


def render(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["file\tlang\tkind\trotation"]
    for seed, (name, lang, paragraphs, font, size, (wi, hi), photographed, rotation) in enumerate(PAGES, 100):
        rng = random.Random(seed)
        margin = mp.pt(46)
        page, lines = mp.set_page(paragraphs, font=font, size=mp.pt(size), page=(mp.pt(wi * 72), mp.pt(hi * 72)),
                                  margins=(margin, mp.pt(54), margin, mp.pt(50)),
                                  leading=1.6 if lang == "ko" else 1.3, indent=1.0, seed=seed)
        data = photo(page, rng, seed) if photographed else scan(page)
        file = f"{name}.jpg"
        (folder / file).write_bytes(turned(data, rotation))
        (folder / f"{file}.gt.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        rows.append(f"{file}\t{lang}\t{'photo' if photographed else 'scan'}\t{rotation}")
        print(f"{file}: {len(lines)} lines", flush=True)
    (folder / "index.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    render(Path(sys.argv[1]))
