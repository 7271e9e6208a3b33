"""How right and how cheap the script guess (``ocr.script.guess``) is, per image.

For every image in each DIR (default tests/fixtures/) with a row in its
``index.tsv``: the guess made on the image the engine reads (the upload as
stored, greyscale, at most ``max_side``), against the row's ``lang`` (ko ->
Hangul, en/fr/es/de -> Latin, anything else -> no guess) and ``rotation``
(counter-clockwise degrees the page was turned, as ``bench/script_set.py``
writes it; none = upright), and its CPU time (numpy's and OpenCV's imports,
once per process, apart). With ``--raw`` also one raw
``tesseract IMAGE - -l LANG`` run's CPU time, and the guess's share of it.

usage: python bench/script_guess.py [--raw] [DIR ...]
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storytime.core.images import prepare_upload  # noqa: E402
from storytime.ocr.script import HANGUL, LATIN, guess  # noqa: E402
from storytime.ocr.tesseract import TesseractDetectText  # noqa: E402

from bench.quality import TESSERACT_LANG, _index, raw_tesseract  # noqa: E402

SCRIPTS = {"ko": HANGUL, "en": LATIN, "fr": LATIN, "es": LATIN, "de": LATIN}


def main(argv: list[str]) -> int:
    raw = "--raw" in argv
    folders = [Path(a) for a in argv[1:] if a != "--raw"] or [ROOT / "tests" / "fixtures"]
    engine = TesseractDetectText()
    started = time.process_time()
    guess(Image.new("L", (64, 64), 255))      # numpy and OpenCV imported once per process, not per page
    print(f"imports: {(time.process_time() - started) * 1000:.0f} ms once")
    rows = []
    for folder in folders:
        for name, meta in sorted(_index(folder).items()):
            path = folder / name
            if not path.exists():
                continue
            image = engine._open(prepare_upload(path.read_bytes(), None).data)
            started = time.process_time()
            found = guess(image)
            cpu = time.process_time() - started
            want_script = SCRIPTS.get(meta.get("lang", ""))
            # The page was turned counter-clockwise by `rotation`: the engine turns it back clockwise.
            turned = int(meta.get("rotation") or 0) % 360
            script_ok = (found.script if found else None) == want_script
            turn_ok = found is None or found.rotation is None or found.rotation == turned
            lines_ok = found is None or found.across is None or found.across == (turned in (0, 180))
            raw_cpu = raw_tesseract(path, TESSERACT_LANG.get(meta.get("lang", ""), "eng"))[2] if raw else None
            rows.append((script_ok, turn_ok and lines_ok, cpu, raw_cpu))
            said = f"{found.script} across={found.across} turn={found.rotation}" if found else "no guess"
            share = f"  {cpu / raw_cpu:6.1%} of raw ({raw_cpu:.2f}s)" if raw_cpu else ""
            print(f"{name[:36]:36} {meta.get('lang', ''):3} turned {turned:3}: {said:36} "
                  f"{'ok' if script_ok else 'WRONG SCRIPT':12} {'ok' if turn_ok and lines_ok else 'WRONG TURN':10}"
                  f" {cpu * 1000:5.0f} ms{share}", flush=True)
    scripts = sum(r[0] for r in rows)
    turns = sum(r[1] for r in rows)
    cpus = [r[2] * 1000 for r in rows]
    print(f"{len(rows)} images: script right on {scripts}, orientation never wrong on {turns};"
          f" guess CPU mean {sum(cpus) / len(cpus):.0f} ms, max {max(cpus):.0f} ms"
          + (f"; at most {max(r[2] / r[3] for r in rows if r[3]):.1%} of a raw run" if raw else ""))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    sys.exit(main(sys.argv))
