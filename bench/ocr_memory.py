"""Does reading pages in-process hold memory? RSS after 30 and after N pages.

The local server reads each page in a new thread with one engine
(``TesseractDetectText(runner=ApiRunner())``, as ``local.runtime.default_engines``
makes it). Here the same engine reads a round of small fixture pages, each in a
thread of its own: English, a Korean sign (eng, kor, OSD, kor+eng runs) and
English turned on its side (OSD). Issue 8: RSS after 300 pages within 10 % of
after 30. ``--runner cli`` for the program-per-run runner, to compare.

usage: python bench/ocr_memory.py [--pages N] [--runner api|cli]
"""
from __future__ import annotations

import argparse
import io
import json
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from storytime.ocr.tesseract import TesseractDetectText  # noqa: E402

from bench.quality import _runner  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


def rss_kb() -> int:
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1])


def pages() -> list[bytes]:
    phototest = (FIXTURES / "tesseract_phototest.png").read_bytes()
    turned = io.BytesIO()
    Image.open(io.BytesIO(phototest)).rotate(90, expand=True).save(turned, format="PNG")
    return [phototest, (FIXTURES / "easyocr_korean.png").read_bytes(), turned.getvalue()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--runner", default="api", choices=["api", "cli"])
    args = parser.parse_args()
    engine = TesseractDetectText(runner=_runner(args.runner))
    engine.warm()
    round_ = pages()
    figures = {"after_warm": rss_kb()}
    for n in range(1, args.pages + 1):
        thread = threading.Thread(target=engine, args=(round_[n % len(round_)],))
        thread.start()
        thread.join()
        if n in (30, 100, args.pages):
            figures[f"after_{n}"] = rss_kb()
            print(f"after {n} pages: RSS {figures[f'after_{n}'] / 1024:.1f} MB", flush=True)
    growth = figures[f"after_{args.pages}"] / figures["after_30"] - 1
    print(f"runner {args.runner}: after warm-up {figures['after_warm'] / 1024:.1f} MB; "
          f"30 -> {args.pages} pages {growth:+.1%}")
    out = ROOT / "bench" / "results" / f"ocr-memory-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"runner": args.runner, "rss_kb": figures, "growth_30_to_n": round(growth, 4)},
                              indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
