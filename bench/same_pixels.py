"""Proof that a change to the page preparation hands Tesseract the same pixels.

For every image with a ``NAME.gt.txt`` in each DIR (default tests/fixtures/),
the page is read as ``make quality`` reads it (``prepare_upload``, then
``TesseractDetectText``, in-process runner), and every Tesseract run is noted:
OSD or a read, its mode and languages, the image's mode and size and the
SHA-256 of its pixels; then the SHA-256 of the page's detections JSON. One
line per run, written to OUT (JSON lines): run it before and after a change and
compare the two files byte for byte (``cmp``). Korean CER moved from 1 % to 8 %
on a 0.05 degree turn: "nearly the same" pixels are not good enough.

usage: python bench/same_pixels.py [--named] OUT [DIR ...]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storytime.core.images import prepare_upload  # noqa: E402
from storytime.ocr.tesseract import TesseractDetectText  # noqa: E402

from bench.quality import IMAGE_SUFFIXES, TESSERACT_LANG, _index  # noqa: E402


class NotingRunner:
    """The in-process runner, noting what each run was handed."""

    def __init__(self, inner, notes: list[dict]) -> None:
        self.inner, self.notes = inner, notes

    def warm(self, languages):
        self.inner.warm(languages)

    def run(self, image, psm, languages):
        self.notes.append({"run": f"{languages}/{psm}", **_pixels(image)})
        return self.inner.run(image, psm, languages)

    def osd(self, image, characters):
        self.notes.append({"run": f"osd/{characters}", **_pixels(image)})
        return self.inner.osd(image, characters)


def _pixels(image) -> dict:
    return {"mode": image.mode, "size": list(image.size), "sha256": hashlib.sha256(image.tobytes()).hexdigest()}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Tesseract's inputs and the detections, per page.")
    parser.add_argument("--named", action="store_true", help="name each page's language from index.tsv")
    parser.add_argument("out", type=Path)
    parser.add_argument("dirs", type=Path, nargs="*", default=[ROOT / "tests" / "fixtures"])
    args = parser.parse_args(argv[1:])
    from storytime.ocr.runner_api import ApiRunner
    notes: list[dict] = []
    engine = TesseractDetectText(runner=NotingRunner(ApiRunner(), notes))
    with args.out.open("w", encoding="utf-8") as out:
        for folder in args.dirs:
            index = _index(folder)
            for image in sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES
                                and p.with_name(p.name + ".gt.txt").exists()):
                lang = index.get(image.name, {}).get("lang")
                hint = lang if args.named and lang in TESSERACT_LANG else None
                notes.clear()
                answer = engine(prepare_upload(image.read_bytes(), None).data, hint)
                digest = hashlib.sha256(json.dumps(answer, sort_keys=True).encode()).hexdigest()
                for note in notes:
                    out.write(json.dumps({"image": image.name, **note}) + "\n")
                out.write(json.dumps({"image": image.name, "detections": digest}) + "\n")
                print(f"{image.name}: {len(notes)} runs, detections {digest[:12]}", flush=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    sys.exit(main(sys.argv))
